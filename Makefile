# wangge — see README.md. `make run` serves the bundled sample on the
# embedded GeoPackage store; `make test` runs every test, PostGIS included.
GO      ?= go
BIN     := bin/wangge
GPKG    ?= data/wangge.gpkg
ADDR    ?= :8080
SAMPLE  := data/sample

.PHONY: run build test bench bench-route fuzz sample clean vet

build:
	$(GO) build -o $(BIN) ./cmd/wangge

run: build
	@$(MAKE) --no-print-directory $(GPKG)
	./$(BIN) serve --gpkg $(GPKG) --addr $(ADDR) --rules zhejiang

# The store is rebuilt when the sample county is newer than it.
$(GPKG): $(SAMPLE)/shengsi.geojson $(SAMPLE)/shengsi_households.geojson
	$(MAKE) --no-print-directory sample

# The bundled sample: the county of 嵊泗 (Shengsi) with its towns,
# communities, grids, micro-grids, sea network and vessels, one version
# (CGCS2000; see data/sample/README.md). Built into a temporary file first
# so that a failed import leaves no half store behind.
sample: build
	rm -f $(GPKG).tmp $(GPKG).tmp-wal $(GPKG).tmp-shm
	./$(BIN) import --gpkg $(GPKG).tmp --crs cgcs2000 --note "sample county 嵊泗县" $(SAMPLE)/shengsi.geojson
	./$(BIN) import --gpkg $(GPKG).tmp --crs cgcs2000 --note "sample households (SYNTHETIC)" --households $(SAMPLE)/shengsi_households.geojson
	mv $(GPKG).tmp $(GPKG)

# Regenerate the sample county and its SYNTHETIC households from the real
# county outline in ../shared/data/boundaries (deterministic: the same
# bytes every time; `make test` checks the committed files against it).
county:
	$(GO) run ./data/shengsi -source ../shared/data/boundaries/330922_shengsi.geojson \
		-out $(SAMPLE)/shengsi.geojson -households $(SAMPLE)/shengsi_households.geojson

test:
	scripts/test.sh

vet:
	$(GO) vet ./...

bench:
	scripts/bench.sh

# The router's targets (issue 5) beside PostGIS, one line per target.
bench-route:
	scripts/bench-route.sh

# The fuzz targets (package:name), each run for FUZZTIME, one after another
# (-fuzz takes one target a run), with FUZZPARALLEL workers. Their seeds run
# in `make test` as ordinary tests. A failing input is saved under the
# package's testdata/fuzz/<name>/; every target runs, and the failed ones
# are named at the end.
FUZZTIME     ?= 60s
FUZZPARALLEL ?= 1
FUZZ_TARGETS := \
	./partition/:FuzzDecodeFeatureCollection \
	./api/:FuzzBatchReaderJSON \
	./api/:FuzzBatchReaderNDJSON \
	./internal/jsonnum/:FuzzParse \
	./geo/gpkgwkb/:FuzzUnmarshal \
	./geo/gpkgwkb/:FuzzMarshal \
	./partition/tiling/:FuzzCheck \
	./partition/tiling/:FuzzCheckExactTiling \
	./api/internal/param/:FuzzCheck \
	./api/internal/param/:FuzzMembers \
	./api/internal/param/:FuzzFloat

fuzz:
	@failed=; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "$(GO) test -run '^$$' -fuzz '^$$name\$$' -fuzztime $(FUZZTIME) -parallel $(FUZZPARALLEL) $$pkg"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -parallel $(FUZZPARALLEL) $$pkg || failed="$$failed $$pkg:$$name"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: failed:$$failed (the inputs are in testdata/fuzz/ of each package)" >&2; exit 1; fi

clean:
	rm -rf bin $(GPKG) $(GPKG).tmp
