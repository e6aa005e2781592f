package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// readKeyValues reads KEY=VALUE lines (a systemd unit, an environment
// file), keeping every value of a repeated key.
func readKeyValues(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	kv := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: not KEY=VALUE: %q", path, line)
		}
		kv[k] = append(kv[k], v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return kv
}

// TestDeployUnit_RunsServeHardenedAndStopsGracefully checks the shipped
// systemd unit against the program: it runs the serve command as its own
// user from the documented environment file, may write only where the
// example environment puts the SQLite file, and waits longer than the
// server's grace period before killing it. systemd-analyze, when present,
// verifies the unit's syntax.
func TestDeployUnit_RunsServeHardenedAndStopsGracefully(t *testing.T) {
	unit := readKeyValues(t, "../../deploy/silkbridge.service")
	one := func(key string) string {
		t.Helper()
		if len(unit[key]) != 1 {
			t.Fatalf("unit sets %s %d times, want once", key, len(unit[key]))
		}
		return unit[key][0]
	}
	if u := one("User"); u == "" || u == "root" {
		t.Errorf("User=%q: want a dedicated user", u)
	}
	for key, want := range map[string]string{
		"EnvironmentFile": "/etc/silkbridge/env", "ProtectSystem": "strict", "NoNewPrivileges": "yes",
		"Restart": "on-failure", "KillSignal": "SIGTERM", "ProtectHome": "yes", "PrivateTmp": "yes",
	} {
		if got := one(key); got != want {
			t.Errorf("%s=%s, want %s", key, got, want)
		}
	}
	exec0 := strings.Fields(one("ExecStart"))
	if len(exec0) < 2 || exec0[1] != "serve" {
		t.Errorf("ExecStart=%v does not run serve", exec0)
	} else if _, ok := commands[exec0[1]]; !ok {
		t.Errorf("ExecStart runs %q, which is not a command", exec0[1])
	}
	stop, err := time.ParseDuration(one("TimeoutStopSec"))
	if err != nil {
		t.Fatal(err)
	}
	if stop <= shutdownGrace {
		t.Errorf("TimeoutStopSec=%s kills before the server's %s grace period ends", stop, shutdownGrace)
	}

	env := readKeyValues(t, "../../deploy/env.example")
	if len(env["SILKBRIDGE_DB"]) != 1 {
		t.Fatalf("env.example sets SILKBRIDGE_DB %d times", len(env["SILKBRIDGE_DB"]))
	}
	dataDir := filepath.Dir(env["SILKBRIDGE_DB"][0])
	if !slices.Contains(strings.Fields(one("ReadWritePaths")), dataDir) {
		t.Errorf("ReadWritePaths=%s: the service cannot write %s, where env.example keeps the database", one("ReadWritePaths"), dataDir)
	}
	if one("WorkingDirectory") != dataDir {
		t.Errorf("WorkingDirectory=%s, want the data directory %s", one("WorkingDirectory"), dataDir)
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze not installed: the unit's syntax is not verified")
		return
	}
	// Verify a copy whose ExecStart names an executable that exists here.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile("../../deploy/silkbridge.service")
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "silkbridge.service")
	body = []byte(strings.Replace(string(body), "ExecStart="+exec0[0], "ExecStart="+self, 1))
	if err := os.WriteFile(copyPath, body, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(analyze, "verify", copyPath).CombinedOutput(); err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
