package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/silkbridge/silkbridge/store"
)

func init() {
	register(command{name: "move", summary: "copy a SQLite installation into an empty PostgreSQL database, verified", run: runMove})
}

func runMove(ctx context.Context, args []string) error {
	fs := newFlagSet("move", "move --from FILE --to postgres://... [--force] [--quiet]", `
Copies every record of a SQLite installation into a PostgreSQL database, so
that the same installation can run behind many app instances. Stop the site
first: the move opens the SQLite file read-only and copies one consistent
snapshot of it, so what the site writes during the move would stay behind.
No app instance may use the PostgreSQL database during the move.

The PostgreSQL database must exist; the move creates its schema (the same
migrations as "silkbridge migrate") and refuses a database that already
holds records unless --force is given, which empties Silkbridge's tables
first. Tables are copied in the order their foreign keys require, with
PostgreSQL's COPY, converting what the engines store differently
(SQLite's 0/1 booleans, BLOB to BYTEA; instants are text on both); the
search index is rebuilt from the analysed terms, and sequences, if any,
are set past the copied rows. Before anything is committed, every table is read back and its row
count and checksum compared with the SQLite file: a move that fails leaves
the target as it was. Accounts, passwords, sessions and API tokens keep
working.

Background jobs are not moved: River's tables (river_*) are left out on
both sides; jobs waiting in the SQLite file must be run or enqueued again.

Both databases must be at this program's schema version: run
"silkbridge migrate --db FILE" first with the same binary if the SQLite
file is older.`)
	from := fs.String("from", "", "the SQLite file to copy (required)")
	to := fs.String("to", "", "the PostgreSQL database, a postgres:// URL (required)")
	force := fs.Bool("force", false, "empty the target's Silkbridge tables first if they hold records")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	case *from == "":
		return fmt.Errorf("%w: --from is required: the SQLite file to copy", errUsage)
	case store.IsPostgres(*from):
		return fmt.Errorf("%w: --from must be a SQLite file, not a PostgreSQL URL", errUsage)
	case *to == "":
		return fmt.Errorf("%w: --to is required: a postgres:// URL", errUsage)
	case !store.IsPostgres(*to):
		return fmt.Errorf("%w: --to must be a postgres:// URL", errUsage)
	}
	if _, err := os.Stat(*from); err != nil {
		return fmt.Errorf("%w: --from: no SQLite database at %s", errUsage, *from)
	}
	var out io.Writer = os.Stderr
	if *quiet {
		out = io.Discard
	}
	report, err := moveInstallation(ctx, *from, *to, *force, out)
	if errors.Is(err, store.ErrTargetNotEmpty) {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if err != nil {
		return err
	}
	printMoveReport(os.Stdout, report)
	return nil
}

// moveInstallation migrates the target and copies the SQLite file into it,
// drawing a progress bar per phase on out.
func moveInstallation(ctx context.Context, from, to string, force bool, out io.Writer) (*store.MoveReport, error) {
	src, err := store.OpenReadOnly(ctx, from)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	dst, err := store.Open(ctx, to)
	if err != nil {
		return nil, err
	}
	defer dst.Close()
	if err := dst.Migrate(ctx, nil); err != nil {
		return nil, err
	}
	bars := map[string]*progressbar.ProgressBar{}
	progress := func(phase, table string, done, total int64) {
		bar := bars[phase]
		if bar == nil {
			bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(out), progressbar.OptionShowCount(),
				progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(out) }))
			bars[phase] = bar
		}
		bar.Describe(fmt.Sprintf("%-6s %-22s", phase, table))
		_ = bar.Set64(done)
	}
	return src.MoveTo(ctx, dst, store.MoveOptions{Force: force, Progress: progress})
}

func printMoveReport(w io.Writer, r *store.MoveReport) {
	fmt.Fprintf(w, "\nMoved %d rows in %d tables in %s (copy %s, verify %s); every table verified (rows and checksum).\n",
		r.Rows(), len(r.Tables), r.Duration.Round(10*time.Millisecond), r.Copy.Round(10*time.Millisecond), r.Verify.Round(10*time.Millisecond))
	for _, t := range r.Tables {
		fmt.Fprintf(w, "  %-28s %9d  %s\n", t.Name, t.Rows, t.Checksum)
	}
	fmt.Fprintf(w, "  %-28s %9d  (rebuilt from the analysed terms)\n", "search index", r.SearchDocs)
	if len(r.Sequences) > 0 {
		fmt.Fprintf(w, "  sequences reset: %v\n", r.Sequences)
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintf(w, "  not moved (background jobs): %v\n", r.Skipped)
	}
}
