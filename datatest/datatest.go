// Package datatest gives tests the real data of the shared data folder
// (../shared/data beside the repository). A test that needs it is skipped
// when it is absent, so that a checkout alone still tests; with
// SILKBRIDGE_REQUIRE_DATA=1 it fails instead, so that CI cannot pass
// without running the real-data suites.
package datatest

import (
	"os"
	"testing"
)

// Require returns path when it exists, and otherwise skips the test, or
// fails it when SILKBRIDGE_REQUIRE_DATA=1.
func Require(t testing.TB, path string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("SILKBRIDGE_REQUIRE_DATA") == "1" {
			t.Fatalf("SILKBRIDGE_REQUIRE_DATA=1 but the shared data is not there: %v", err)
		}
		t.Skip("shared data absent:", err)
	}
	return path
}
