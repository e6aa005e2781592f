package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/silkbridge/silkbridge/store"
)

func init() {
	register(command{name: "backup", summary: "copy the SQLite database to a new file while the site keeps running", run: runBackup})
}

func runBackup(ctx context.Context, args []string) error {
	fs := newFlagSet("backup", "backup [--db FILE] --out FILE", `
Writes a consistent copy of the SQLite database to a new file without
stopping the site: readers and writers go on while the copy is made. The
copy is itself a Silkbridge database: start a server on it with --db.
PostgreSQL installations use pg_dump or their service's snapshots instead.`)
	db := dbFlag(fs)
	out := fs.String("out", "", "the new file to write (required; it must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: --out is required", errUsage)
	}
	if store.IsPostgres(*db) {
		return fmt.Errorf("%w: --db names PostgreSQL; back it up with pg_dump", errUsage)
	}
	if _, err := os.Stat(*db); err != nil {
		return fmt.Errorf("no database at %s: %w", *db, err)
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	if err := st.Backup(ctx, *out); err != nil {
		return err
	}
	info, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Printf("backed up %s to %s (%.1f MB) in %s\n", *db, *out, float64(info.Size())/1e6, time.Since(start).Round(time.Millisecond))
	return nil
}
