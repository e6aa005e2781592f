package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

func openSQLite(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "rows.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db
}

// An error met while stepping through the rows (here malformed JSON in the
// third row) must reach the caller rather than end the list early as if it
// were complete.
func TestCollect_ReportsAnErrorMetAfterTheFirstRows(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	q := `SELECT json_extract(v, '$.a') FROM (SELECT '{"a":"x"}' AS v UNION ALL SELECT '{"a":"y"}' UNION ALL SELECT 'not json')`
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	got, err := collect(rows, scanString)
	if err == nil {
		t.Fatalf("collect = %v, nil; want the malformed JSON error", got)
	}
	rows, err = db.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = each(rows, func(row rowScanner) error {
		n++
		_, err := scanString(row)
		return err
	})
	if err == nil || n != 2 {
		t.Fatalf("each read %d rows and reported %v; want two rows, then the malformed JSON error", n, err)
	}
}

// An empty result is an empty list, which encodes as [] rather than null,
// and rows are closed so that the one connection is free again.
func TestCollect_EmptyIsAnEmptyListAndRowsAreClosed(t *testing.T) {
	db := openSQLite(t)
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT 'x' WHERE 1 = 0`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := collect(rows, scanString)
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || len(got) != 0 {
		t.Fatalf("collect = %#v, want an empty, non-nil list", got)
	}
	cctx, cancel := context.WithTimeout(ctx, 5e9)
	defer cancel()
	var one int
	if err := db.QueryRowContext(cctx, `SELECT 1`).Scan(&one); err != nil {
		t.Fatalf("the only connection is still held: %v", err)
	}
}
