// Package storetest gives tests a real, migrated, empty database: a SQLite
// file always, and a PostgreSQL database of its own when
// SILKBRIDGE_TEST_POSTGRES names a server (a postgres:// URL of a database
// the test may create databases from). With SILKBRIDGE_REQUIRE_POSTGRES=1
// a missing PostgreSQL fails the test instead of skipping it, so that CI
// cannot pass without running the PostgreSQL suite.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/silkbridge/silkbridge/store"
)

// Engines lists the engines the tests run on here.
func Engines(t testing.TB) []store.Engine {
	engines := []store.Engine{store.SQLite}
	if os.Getenv("SILKBRIDGE_TEST_POSTGRES") != "" {
		engines = append(engines, store.Postgres)
	} else if os.Getenv("SILKBRIDGE_REQUIRE_POSTGRES") == "1" {
		t.Fatal("SILKBRIDGE_REQUIRE_POSTGRES=1 but SILKBRIDGE_TEST_POSTGRES is not set")
	}
	return engines
}

// ForEach runs fn as a subtest on a fresh database of every engine.
func ForEach(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	for _, e := range Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			fn(t, New(t, e))
		})
	}
}

// New returns a migrated, empty database of the engine, removed when the
// test ends.
func New(t testing.TB, e store.Engine) *store.Store {
	t.Helper()
	ctx := context.Background()
	var dsn string
	switch e {
	case store.SQLite:
		dsn = filepath.Join(t.TempDir(), "silkbridge.db")
	case store.Postgres:
		dsn = newPostgresDB(t)
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return st
}

// newPostgresDB creates a database of its own on the test server and drops
// it when the test ends; the server outlives the test run.
func newPostgresDB(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("SILKBRIDGE_TEST_POSTGRES")
	if admin == "" {
		if os.Getenv("SILKBRIDGE_REQUIRE_POSTGRES") == "1" {
			t.Fatal("SILKBRIDGE_REQUIRE_POSTGRES=1 but SILKBRIDGE_TEST_POSTGRES is not set")
		}
		t.Skip("SILKBRIDGE_TEST_POSTGRES is not set")
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "sb_test_" + hex.EncodeToString(b)
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	// A test database is thrown away: waiting for the disk on every commit
	// only slows the suite down.
	if _, err := db.Exec("ALTER DATABASE " + name + " SET synchronous_commit = off"); err != nil {
		t.Fatalf("configure test database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
