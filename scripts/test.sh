#!/usr/bin/env bash
# make test: gofmt, go vet and every test, the PostGIS and GDAL ones
# included, against a fresh throwaway database that is dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change: $unformatted" >&2; exit 1; fi

eval "$(scripts/postgis.sh create)"
trap 'scripts/postgis.sh drop "$WANGGE_TEST_DB" "$WANGGE_TEST_PGPORT" || true' EXIT

go vet ./...
go test -count=1 -timeout 20m "$@" ./...
# The concurrent paths once more under the race detector: the hot swap
# under load, batch routing on every core, streamed batches, routing as
# of past versions while versions are published.
go test -race -count=1 -timeout 20m -run 'HotSwap|RoutesAgree|RouteBatch|LiveFeed|PastWhilePublishing|PastCacheBounds|RouteAsOf' ./partition/router/ ./api/
