package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const matchInstance = `{
  "format": "hr-instance/1",
  "residents": [
    {"id": "t1", "prefs": ["large", "small"]},
    {"id": "t2", "prefs": ["large", "small"]},
    {"id": "t3", "prefs": ["large"]}
  ],
  "hospitals": [
    {"id": "large", "capacity": 3, "prefs": ["t1", "t2", "t3"]},
    {"id": "small", "capacity": 2, "prefs": ["t2", "t1"]}
  ],
  "regions": [{"id": "large-institutions", "hospitals": ["large"], "cap": 1}]
}`

// runMatchCommand runs silkbridge with args and returns its exit code and
// what it printed on standard error.
func runMatchCommand(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stderr bytes.Buffer
	code := run(context.Background(), args, &bytes.Buffer{}, &stderr)
	return code, stderr.String()
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMatchCommand_WritesTheMatchingFormat(t *testing.T) {
	in := writeTemp(t, "instance.json", matchInstance)
	out := filepath.Join(t.TempDir(), "matching.json")
	if code, stderr := runMatchCommand(t, "match", "--in", in, "--out", out, "--algorithm", "fda", "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Format         string             `json:"format"`
		InstanceSHA256 string             `json:"instance_sha256"`
		Solver         string             `json:"solver"`
		OptimalFor     string             `json:"optimal_for"`
		Assignment     map[string]*string `json:"assignment"`
		Stats          struct{ Matched, Proposals int }
		Timing         map[string]float64 `json:"timing_s"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, data)
	}
	sum := sha256.Sum256([]byte(matchInstance))
	if doc.Format != "hr-matching/1" || doc.InstanceSHA256 != hex.EncodeToString(sum[:]) ||
		doc.Solver != "silkbridge "+version+" fda" || doc.OptimalFor != "residents" {
		t.Errorf("header = %q %q %q %q", doc.Format, doc.InstanceSHA256, doc.Solver, doc.OptimalFor)
	}
	if h := doc.Assignment["t2"]; h == nil || *h != "small" || doc.Assignment["t3"] != nil {
		t.Errorf("assignment = %v", doc.Assignment)
	}
	if doc.Stats.Matched != 2 {
		t.Errorf("matched %d, want 2", doc.Stats.Matched)
	}
	for _, k := range []string{"load", "solve", "write"} {
		if _, ok := doc.Timing[k]; !ok {
			t.Errorf("timing_s lacks %q", k)
		}
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("output mode %v (%v), want 0644", fi.Mode(), err)
	}
}

func TestMatchCommand_NoTimingGivesIdenticalBytes(t *testing.T) {
	in := writeTemp(t, "instance.json", matchInstance)
	dir := t.TempDir()
	var outputs [][]byte
	for _, name := range []string{"a.json", "b.json"} {
		out := filepath.Join(dir, name)
		if code, stderr := runMatchCommand(t, "match", "--in", in, "--out", out, "--no-timing", "--quiet"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, data)
	}
	if !bytes.Equal(outputs[0], outputs[1]) {
		t.Fatal("two runs with --no-timing differ")
	}
}

func TestMatchCommand_RefusesBadInput(t *testing.T) {
	bad := writeTemp(t, "bad.json", strings.Replace(matchInstance, `"prefs": ["t1", "t2", "t3"]`, `"prefs": ["t1", "t2", "t1"]`, 1))
	out := filepath.Join(t.TempDir(), "matching.json")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"duplicate in prefs", []string{"match", "--in", bad, "--out", out}, 1, `hospitals[0] "large": duplicate resident "t1" in prefs`},
		{"missing --in", []string{"match", "--out", out}, 2, "--in is required"},
		{"unknown algorithm", []string{"match", "--in", bad, "--algorithm", "greedy"}, 2, `unknown algorithm "greedy"`},
		{"missing file", []string{"match", "--in", filepath.Join(t.TempDir(), "none.json")}, 1, "no such file"},
		{"stray argument", []string{"match", "--in", bad, "extra"}, 2, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr := runMatchCommand(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Fatal("an output file was written")
			}
		})
	}
}

func TestMatchGen_SameSeedSameFile(t *testing.T) {
	dir := t.TempDir()
	var files [][]byte
	for _, name := range []string{"a.json", "b.json"} {
		out := filepath.Join(dir, name)
		if code, stderr := runMatchCommand(t, "match", "gen", "--residents", "300", "--regions", "8", "--seed", "5", "--out", out); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, data)
	}
	if !bytes.Equal(files[0], files[1]) || !json.Valid(files[0]) {
		t.Fatal("match gen is not deterministic, or wrote invalid JSON")
	}
	out := filepath.Join(dir, "m.json")
	if code, stderr := runMatchCommand(t, "match", "--in", filepath.Join(dir, "a.json"), "--out", out, "--algorithm", "fda", "--quiet"); code != 0 {
		t.Fatalf("matching the generated file: exit %d: %s", code, stderr)
	}
}
