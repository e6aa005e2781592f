package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/silkbridge/silkbridge/store"
)

// commit names the commit built from when the Go toolchain could not
// record one (a build from a git worktree or a source archive): set it
// with -ldflags "-X main.commit=$(git rev-parse HEAD)".
var commit = ""

func init() {
	register(command{name: "version", summary: "print the version, commit and Go version (with --db: the database's engine and schema version)", run: runVersion})
}

func runVersion(ctx context.Context, args []string) error {
	fs := newFlagSet("version", "version [--db FILE|URL]", `
Prints the version of this program (set when it is built, with
-ldflags "-X main.version=..."), the commit it was built from and the Go
version. With --db it also opens the database, without changing it, and
prints its engine and the schema version it is at beside the version this
program would migrate it to.`)
	db := fs.String("db", "", "also report this database (a SQLite file path or a postgres:// URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	bi, _ := debug.ReadBuildInfo()
	printVersion(os.Stdout, version, bi)
	if *db == "" {
		return nil
	}
	st, err := store.OpenReadOnly(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	return printSchemaVersion(ctx, os.Stdout, st)
}

// printVersion writes the program's version, the commit recorded by the Go
// toolchain (vcs.revision, with its time and whether the tree had
// uncommitted changes; else main.commit) and the Go version it was built
// with.
func printVersion(w io.Writer, version string, bi *debug.BuildInfo) {
	commit, when, modified, goVersion := commit, "", false, "unknown"
	if commit == "" {
		commit = "unknown"
	}
	if bi != nil {
		goVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	fmt.Fprintf(w, "silkbridge %s\n", version)
	fmt.Fprintf(w, "commit     %s", commit)
	switch {
	case when != "" && modified:
		fmt.Fprintf(w, " (%s, with uncommitted changes)", when)
	case when != "":
		fmt.Fprintf(w, " (%s)", when)
	case modified:
		fmt.Fprint(w, " (with uncommitted changes)")
	}
	fmt.Fprintf(w, "\ngo         %s\n", goVersion)
}

// printSchemaVersion writes the engine and the goose version of st; the
// address of a PostgreSQL database is not printed, as it may hold a password.
func printSchemaVersion(ctx context.Context, w io.Writer, st *store.Store) error {
	current, latest, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "database   %s\n", st.Engine())
	switch {
	case current < latest:
		fmt.Fprintf(w, "schema     %d (this program's is %d: run silkbridge migrate)\n", current, latest)
	case current > latest:
		fmt.Fprintf(w, "schema     %d (newer than this program's %d: run a newer silkbridge)\n", current, latest)
	default:
		fmt.Fprintf(w, "schema     %d (up to date)\n", current)
	}
	return nil
}
