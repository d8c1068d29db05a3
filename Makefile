# wangge — see README.md. `make run` serves the bundled sample on the
# embedded GeoPackage store; `make test` runs every test, PostGIS included.
GO      ?= go
BIN     := bin/wangge
GPKG    ?= data/wangge.gpkg
ADDR    ?= :8080
SAMPLE  := data/sample

.PHONY: run build test bench bench-route sample clean vet

build:
	$(GO) build -o $(BIN) ./cmd/wangge

run: build
	@test -f $(GPKG) || $(MAKE) --no-print-directory sample
	./$(BIN) serve --gpkg $(GPKG) --addr $(ADDR)

# The bundled sample: real DataV boundaries (GCJ-02, converted on import) of
# Zhoushan with its four counties (Shengsi detailed) and Nanjing with its 11
# districts; see data/sample/README.md. Built into a temporary file first so
# that a failed import leaves no half store behind.
sample: build
	rm -f $(GPKG).tmp $(GPKG).tmp-wal $(GPKG).tmp-shm
	./$(BIN) import --gpkg $(GPKG).tmp --crs gcj02 \
		$(SAMPLE)/330900_zhoushan_outline.geojson \
		$(SAMPLE)/330900_zhoushan_children_detailed.geojson \
		$(SAMPLE)/320100_nanjing_outline.geojson \
		$(SAMPLE)/320100_nanjing_full.geojson
	mv $(GPKG).tmp $(GPKG)

test:
	scripts/test.sh

vet:
	$(GO) vet ./...

bench:
	scripts/bench.sh

# The router's targets (issue 5) beside PostGIS, one line per target.
bench-route:
	scripts/bench-route.sh

clean:
	rm -rf bin $(GPKG) $(GPKG).tmp
