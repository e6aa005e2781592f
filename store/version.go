package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
)

// OpenReadOnly opens an existing installation without writing to it: a
// SQLite file is opened in read-only mode (and never created), a
// PostgreSQL database is opened as usual. Commands that only look (version,
// the source of a move) use it so that they cannot change what they read.
func OpenReadOnly(ctx context.Context, dsn string) (*Store, error) {
	if IsPostgres(dsn) {
		return Open(ctx, dsn)
	}
	if _, err := os.Stat(dsn); err != nil {
		return nil, fmt.Errorf("open sqlite: no database at %s: %w", dsn, err)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Set("mode", "ro")
	s, err := openSQLiteDSN(ctx, "file:"+dsn+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	s.dsn = dsn
	return s, nil
}

// openSQLiteDSN opens a SQLite database with a DSN of the caller's making.
func openSQLiteDSN(ctx context.Context, dsn string) (*Store, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	return &Store{db: db, engine: SQLite}, nil
}

// SchemaVersion returns the highest migration applied to the database
// (goose's version, 0 for a database never migrated) and the highest this
// program knows, so that an operator sees whether a migration is pending.
func (s *Store) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	latest, err = s.latestSchemaVersion()
	if err != nil {
		return 0, 0, err
	}
	var exists bool
	if s.engine == Postgres {
		err = s.db.QueryRowContext(ctx, `SELECT to_regclass('goose_db_version') IS NOT NULL`).Scan(&exists)
	} else {
		err = s.db.QueryRowContext(ctx, `SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'goose_db_version'`).Scan(&exists)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	if !exists {
		return 0, latest, nil
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&current); err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	return current, latest, nil
}

// latestSchemaVersion reads the numbered migration files embedded for this
// engine (every folder but the other engine's) and the migrations written
// in Go.
func (s *Store) latestSchemaVersion() (int64, error) {
	other := string(Postgres)
	if s.engine == Postgres {
		other = string(SQLite)
	}
	var latest int64
	err := fs.WalkDir(migrations, "migrations", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == other {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".sql") {
			return nil
		}
		num, _, _ := strings.Cut(path.Base(p), "_")
		if v, err := strconv.ParseInt(num, 10, 64); err == nil && v > latest {
			latest = v
		}
		return nil
	})
	for _, m := range goMigrations {
		latest = max(latest, m.Version)
	}
	return latest, err
}
