// Package store keeps Silkbridge's records in SQLite (embedded, the
// default) or PostgreSQL (for many app instances). All SQL lives here; the
// few places where the two engines differ are in dialect.go.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/silkbridge/silkbridge"
)

//go:embed migrations
var migrations embed.FS

// Engine names the database engine behind a Store.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Store is the database of one Silkbridge installation.
type Store struct {
	db *sql.DB
	// wdb is the one SQLite connection that write transactions take in
	// turn (nil on PostgreSQL, where db serves both).
	wdb    *sql.DB
	engine Engine
	dsn    string
	refMu  sync.Mutex
	ref    *Reference
	// migrated is set once Migrate has run, for readiness checks.
	migrated atomic.Bool
	// version tells in-memory caches when the data has changed (dataversion.go).
	version versionClock
	// memos are the aggregates kept in memory between requests.
	memos memos
}

// IsPostgres reports whether dsn names a PostgreSQL database rather than a
// SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the database named by dsn (a file path for SQLite, a
// postgres:// URL for PostgreSQL) and checks that it answers. It does not
// migrate: call Migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{dsn: dsn}
	var err error
	if IsPostgres(dsn) {
		s.engine = Postgres
		s.db, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		s.db.SetMaxOpenConns(20)
		s.db.SetMaxIdleConns(10)
		s.db.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		s.engine = SQLite
		if dir := filepath.Dir(dsn); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("open sqlite: %w", err)
			}
		}
		s.db, err = sql.Open("sqlite", sqliteDSN(dsn))
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// WAL lets readers run beside the one writer; immediate
		// transactions take the write lock up front, so a transaction that
		// reads and then writes waits its turn instead of failing.
		s.db.SetMaxOpenConns(8)
		s.db.SetMaxIdleConns(8)
		// Write transactions queue for one connection in Go, in order,
		// instead of each holding a pooled connection while SQLite's busy
		// handler sleeps and retries: under fifty concurrent writers that
		// waiting, not the writes, set the latency. Readers keep the pool.
		s.wdb, err = sql.Open("sqlite", sqliteDSN(dsn))
		if err != nil {
			s.db.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		s.wdb.SetMaxOpenConns(1)
		s.wdb.SetMaxIdleConns(1)
		s.wdb.SetConnMaxIdleTime(0)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.db.PingContext(pingCtx); err != nil {
		s.Close()
		return nil, fmt.Errorf("connect to %s database: %w", s.engine, err)
	}
	return s, nil
}

func sqliteDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(ON)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Engine tells which engine the store runs on.
func (s *Store) Engine() Engine { return s.engine }

// DB returns the underlying handle, for health checks and backups.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error {
	if s.wdb != nil {
		s.wdb.Close()
	}
	return s.db.Close()
}

// writer is the handle write transactions begin on.
func (s *Store) writer() *sql.DB {
	if s.wdb != nil {
		return s.wdb
	}
	return s.db
}

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// goMigrations are migrations written in Go (reference data loads), shared
// by both engines; files register them from init.
var goMigrations []*goose.Migration

// Migrate brings the schema and reference data up to date. On PostgreSQL a
// session lock keeps two app instances from migrating at once.
func (s *Store) Migrate(ctx context.Context, log *slog.Logger) error {
	sub, err := engineMigrations(s.engine)
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithGoMigrations(goMigrations...), goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true)}
	if s.engine == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, s.db, sub, opts...)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		if log != nil {
			log.Info("migration applied", "version", r.Source.Version, "path", r.Source.Path, "duration", r.Duration)
		}
	}
	s.migrated.Store(true)
	return nil
}

// queryer is what both *sql.DB and *sql.Tx offer, so helpers serve inside
// and outside a transaction.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inTx runs fn in a write transaction and commits when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.writer().BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := s.bumpInTx(ctx, tx); err != nil {
		tx.Rollback()
		return fmt.Errorf("data version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.committed()
	return nil
}

// notFound turns sql.ErrNoRows into a domain error naming the kind, and
// an unreachable database into EUNAVAILABLE, so that a caller that treats
// "not found" as "not signed in" never mistakes one for the other.
func notFound(err error, kind string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return silkbridge.NotFound(kind)
	}
	return Classify(err)
}

// now is the clock of the store, in UTC with microseconds, as stored.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// timeFormat is how instants are stored: fixed width, so text order is time order.
const timeFormat = "2006-01-02T15:04:05.000000Z"

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeFormat)
}

func parseTS(s string) time.Time {
	t, _ := time.Parse(timeFormat, s)
	return t
}
