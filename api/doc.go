// Package api is wangge's HTTP interface (gin): the native JSON/GeoJSON API
// under /v1, health and Prometheus metrics. It maps the partition error
// vocabulary onto HTTP statuses in one place (errors.go) and logs every
// request with log/slog.
package api
