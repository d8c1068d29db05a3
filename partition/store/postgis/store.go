package postgis

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/internal/sqlstore"
)

// Options configure a Store.
type Options struct {
	// Logger receives migration and publish events; nil discards them.
	Logger *slog.Logger
	// Limits bound each geometry a publish accepts; zero means geo.DefaultLimits.
	Limits geo.Limits
	// Schema, when set, holds every table of the store (it is created if
	// absent) and the connections' search_path is "<schema>, public", where
	// the postgis extension lives. It must be a lower-case SQL identifier of
	// at most 40 bytes. Empty uses the server's default search_path.
	Schema string
}

// Store is the PostGIS implementation of partition.Store. It is safe for
// concurrent use by many goroutines, and many Stores (service replicas) may
// share one database.
type Store struct {
	pool     *pgxpool.Pool
	sqlstore *sqlstore.Store
	// Drafting is the store's partition.DraftStore: drafts, their logs
	// and the household layers (written once, in sqlstore).
	sqlstore.Drafting
	// Access is the store's partition.AccessStore: tokens and the audit
	// log.
	sqlstore.Access
	log     *slog.Logger
	schema  string
	channel string
}

var (
	_ partition.Store      = (*Store)(nil)
	_ partition.DraftStore = (*Store)(nil)
)

// schemaName is what Options.Schema may be: safe unquoted, and short enough
// that the notification channel name fits PostgreSQL's 63-byte identifiers.
var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,39}$`)

// PublishChannel is the notification channel on which Publish sends the new
// version number, as decimal text, for the default schema. A store with
// Options.Schema set uses PublishChannel + ":" + the schema, so that stores
// in different schemas do not hear each other.
const PublishChannel = "wangge_publish"

// Open connects to the database at url (a PostgreSQL URL or DSN), applies the
// embedded migrations that are not applied yet, and returns the store.
// Replicas that open the same database at once apply each migration once.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	if opts.Schema != "" && !schemaName.MatchString(opts.Schema) {
		return nil, fmt.Errorf("open postgis store: schema %q is not a lower-case identifier of at most 40 bytes", opts.Schema)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open postgis store: parse database url: %w", err)
	}
	if opts.Schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{opts.Schema}.Sanitize() + ", public"
	}
	cfg.AfterConnect = registerGeometry
	s := &Store{log: opts.Logger, schema: opts.Schema, channel: PublishChannel}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	limits := opts.Limits
	if limits == (geo.Limits{}) {
		limits = geo.DefaultLimits
	}
	if opts.Schema != "" {
		s.channel = PublishChannel + ":" + opts.Schema
	}
	s.pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgis store: %w", err)
	}
	s.sqlstore = sqlstore.New(engine{pool: s.pool, channel: s.channel}, dialect(), s.log, limits)
	s.Drafting = s.sqlstore.Drafting()
	s.Access = s.sqlstore.Access()
	if err := s.migrate(ctx); err != nil {
		s.pool.Close()
		return nil, fmt.Errorf("open postgis store: %w", err)
	}
	return s, nil
}

// registerGeometry makes the connection exchange PostGIS geometry values as
// binary EWKB in []byte (geometry_send / geometry_recv), instead of hex text.
// Before the postgis extension exists there is nothing to register; Open
// resets the pool after creating it.
func registerGeometry(ctx context.Context, conn *pgx.Conn) error {
	var oid *uint32
	if err := conn.QueryRow(ctx, "SELECT to_regtype('geometry')::oid").Scan(&oid); err != nil {
		return fmt.Errorf("look up the geometry type: %w", err)
	}
	if oid != nil {
		conn.TypeMap().RegisterType(&pgtype.Type{Name: "geometry", OID: *oid, Codec: pgtype.ByteaCodec{}})
	}
	return nil
}

// Close closes every connection. Cancel the context of any Listen first.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Pool returns the connection pool, for callers that run their own queries
// (oracle tests, health checks). Its connections use the store's schema.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Channel returns the channel Publish notifies on.
func (s *Store) Channel() string { return s.channel }
