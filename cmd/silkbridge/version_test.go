package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// TestVersion_ReportsTheCommitTheToolchainRecorded: the revision, its time
// and an uncommitted tree come from the build information.
func TestVersion_ReportsTheCommitTheToolchainRecorded(t *testing.T) {
	var out bytes.Buffer
	printVersion(&out, "1.4.0", &debug.BuildInfo{GoVersion: "go1.26.0", Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}})
	want := "silkbridge 1.4.0\ncommit     0123456789abcdef (2026-12-01T10:00:00Z, with uncommitted changes)\ngo         go1.26.0\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// highestMigration reads the highest numbered migration file shipped for
// SQLite, independently of the store's own reckoning.
func highestMigration(t *testing.T) int64 {
	t.Helper()
	// SQLite applies its own folder and the migrations common to both
	// engines.
	files, err := filepath.Glob("../../store/migrations/sqlite/*.sql")
	common, cerr := filepath.Glob("../../store/migrations/common/*.sql")
	files = append(files, common...)
	if err != nil || cerr != nil || len(files) == 0 {
		t.Fatalf("no migration files (%v, %v)", err, cerr)
	}
	var hi int64
	for _, f := range files {
		n, _, _ := strings.Cut(filepath.Base(f), "_")
		v, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		hi = max(hi, v)
	}
	return hi
}

// TestVersion_BinaryPrintsItsLinkedVersionAndTheDatabaseSchema builds the
// program with -ldflags as a release is built, and asks it about a
// migrated SQLite file: the linked version and commit, this Go, the engine
// and the schema version.
func TestVersion_BinaryPrintsItsLinkedVersionAndTheDatabaseSchema(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "silkbridge")
	build := exec.Command("go", "build", "-o", bin, "-ldflags", "-X main.version=9.8.7-test -X main.commit=feedc0de", ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "silkbridge.db")
	st, err := openStore(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	out, err := exec.Command(bin, "version", "--db", db).CombinedOutput()
	if err != nil {
		t.Fatalf("version: %v\n%s", err, out)
	}
	for _, want := range []string{
		"silkbridge 9.8.7-test\n",
		"commit     feedc0de",
		"go         " + runtime.Version() + "\n",
		"database   sqlite\n",
		"schema     " + strconv.FormatInt(highestMigration(t), 10) + " (up to date)\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Fatal("missing.db exists before the test")
	}
	if out, err := exec.Command(bin, "version", "--db", filepath.Join(dir, "missing.db")).CombinedOutput(); err == nil {
		t.Errorf("version on a missing file succeeded:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Error("version --db created the SQLite file it was asked about")
	}
}

// TestVersion_SchemaOnEveryEngine: a migrated database is up to date, a
// PostgreSQL database never migrated is at 0 and told to migrate.
func TestVersion_SchemaOnEveryEngine(t *testing.T) {
	ctx := context.Background()
	want := "schema     " + strconv.FormatInt(highestMigration(t), 10) + " (up to date)\n"
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		var out bytes.Buffer
		if err := printSchemaVersion(ctx, &out, st); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != "database   "+string(st.Engine())+"\n"+want {
			t.Errorf("got %q", got)
		}
	})
	if len(storetest.Engines(t)) < 2 {
		return
	}
	st, err := store.Open(ctx, storetest.NewPostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out bytes.Buffer
	if err := printSchemaVersion(ctx, &out, st); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "schema     0 (this program's is ") || !strings.Contains(out.String(), "run silkbridge migrate") {
		t.Errorf("an empty PostgreSQL database: %q", out.String())
	}
}
