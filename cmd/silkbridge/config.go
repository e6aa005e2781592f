package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"strings"

	"github.com/silkbridge/silkbridge/jobs"
	"github.com/silkbridge/silkbridge/store"
)

// defaultDB is the SQLite file used when neither --db nor SILKBRIDGE_DB is set.
const defaultDB = "./silkbridge.db"

// env returns the environment variable, or def when it is unset.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// dbFlag adds the --db flag that every command touching the database has.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", env("SILKBRIDGE_DB", defaultDB), "database: a SQLite file path, or a postgres:// URL (env SILKBRIDGE_DB)")
}

// newLogger returns the structured logger: JSON when SILKBRIDGE_LOG_FORMAT
// is json (for log collectors), text otherwise.
func newLogger() *slog.Logger {
	level := slog.LevelInfo
	if strings.EqualFold(os.Getenv("SILKBRIDGE_LOG_LEVEL"), "debug") {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(os.Getenv("SILKBRIDGE_LOG_FORMAT"), "json") {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// openStore opens and migrates the database, with the job queue's tables.
func openStore(ctx context.Context, dsn string, log *slog.Logger) (*store.Store, error) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx, log); err != nil {
		st.Close()
		return nil, err
	}
	if err := jobs.Migrate(ctx, st, log); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// A demoLoader fills an empty installation with demonstration content;
// capabilities register theirs from init. Each must be safe to run again.
type demoLoader struct {
	name string
	load func(ctx context.Context, st *store.Store, log *slog.Logger) error
}

var demoLoaders []demoLoader
