#!/usr/bin/env bash
# make bench-route: the router's targets from issue 5, each printed beside
# PostGIS answering the same points in the same run (medians of 3 runs
# inside each benchmark), plus the router's own micro-benchmarks. Not a
# timed test: it never fails because the machine was slow.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/postgis.sh create)"
trap 'scripts/postgis.sh drop "$WANGGE_TEST_DB" "$WANGGE_TEST_PGPORT" || true' EXIT
go test -run '^$' -bench 'Reference|200k' -benchmem -timeout 30m "$@" ./internal/routebench/ ./partition/router/
