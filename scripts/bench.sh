#!/usr/bin/env bash
# make bench: every Go benchmark, against a throwaway PostGIS database for
# those that print PostGIS's figure beside ours. Not a timed test: it never
# fails because the machine was slow.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/postgis.sh create)"
trap 'scripts/postgis.sh drop "$WANGGE_TEST_DB" "$WANGGE_TEST_PGPORT" || true' EXIT
go test -run '^$' -bench . -benchmem -timeout 60m "$@" ./...
