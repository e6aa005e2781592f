package storetest

import "testing"

// NewPostgresDSN creates an empty PostgreSQL database of its own, without
// tables, and returns its URL, for tests of what a command does to a
// database it is given (migrate, move). It is dropped when the test ends,
// and is skipped or failed like New when no server is configured.
func NewPostgresDSN(t testing.TB) string {
	t.Helper()
	return newPostgresDB(t)
}
