package datatest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/datatest"
)

// missingDataProbe is run by the tests below in a child test process: it
// asks for a folder that does not exist.
func TestMissingDataProbe(t *testing.T) {
	if os.Getenv("DATATEST_PROBE") != "1" {
		t.Skip("run by TestRequire_* in a child process")
	}
	datatest.Require(t, filepath.Join(t.TempDir(), "no-such-folder"))
	t.Log("reached the end")
}

func probe(t *testing.T, require string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMissingDataProbe$", "-test.v")
	cmd.Env = append(os.Environ(), "DATATEST_PROBE=1", "SILKBRIDGE_REQUIRE_DATA="+require)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestRequire_MissingDataFailsWhenRequired(t *testing.T) {
	out, err := probe(t, "1")
	if err == nil || !strings.Contains(out, "--- FAIL: TestMissingDataProbe") || strings.Contains(out, "reached the end") {
		t.Fatalf("with SILKBRIDGE_REQUIRE_DATA=1 a missing folder did not fail the test (%v):\n%s", err, out)
	}
}

func TestRequire_MissingDataSkipsOtherwise(t *testing.T) {
	out, err := probe(t, "")
	if err != nil || !strings.Contains(out, "--- SKIP: TestMissingDataProbe") || strings.Contains(out, "reached the end") {
		t.Fatalf("without SILKBRIDGE_REQUIRE_DATA a missing folder did not skip the test (%v):\n%s", err, out)
	}
}

func TestRequire_PresentPathIsReturned(t *testing.T) {
	dir := t.TempDir()
	if got := datatest.Require(t, dir); got != dir {
		t.Fatalf("Require = %q, want %q", got, dir)
	}
}
