// Package api is wangge's HTTP interface (gin): the native JSON/GeoJSON API
// under /v1, health and Prometheus metrics. It maps the partition error
// vocabulary onto HTTP statuses in one place (errors.go) and logs every
// request with log/slog. Each /v1 route names the query parameters it
// accepts where it is registered (server.go); any other is refused by the
// check it shares with the OGC API (api/internal/param).
package api
