package store

import (
	"bytes"
	"io/fs"
	"testing"
	"testing/fstest"
)

// A file copied into an engine's folder that is the same as a common one
// would be two places to change for one schema step; keep the SQL that is
// the same on both engines in migrations/common only.
func TestMigrations_NoEngineFileDuplicatesACommonOne(t *testing.T) {
	common := map[string][]byte{}
	entries, err := fs.ReadDir(migrations, "migrations/common")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(migrations, "migrations/common/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		common[e.Name()] = b
	}
	for _, engine := range []Engine{SQLite, Postgres} {
		dir := "migrations/" + string(engine)
		entries, err := fs.ReadDir(migrations, dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			b, err := fs.ReadFile(migrations, dir+"/"+e.Name())
			if err != nil {
				t.Fatal(err)
			}
			for name, c := range common {
				if bytes.Equal(b, c) {
					t.Errorf("%s/%s is the same as common/%s: keep it in common only", dir, e.Name(), name)
				}
			}
			if engine == SQLite {
				if other, err := fs.ReadFile(migrations, "migrations/postgres/"+e.Name()); err == nil && bytes.Equal(b, other) {
					t.Errorf("%s is the same on both engines: keep it once, in common", e.Name())
				}
			}
		}
	}
}

// Every version goose has recorded on installed databases is still there,
// under its old file name, for both engines.
func TestMigrations_EveryEngineSeesEveryVersionUnderItsName(t *testing.T) {
	want := []string{
		"00001_core.sql", "00010_accounts.sql", "00011_invitation_tokens.sql",
		"00020_cooperations.sql", "00030_marketplace.sql", "00040_programmes.sql",
		"00050_policies.sql", "00051_parks.sql", "00052_achievements.sql",
		"00060_events.sql", "00061_lessons.sql",
	}
	for _, engine := range []Engine{SQLite, Postgres} {
		fsys, err := engineMigrations(engine)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fs.Glob(fsys, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, g := range got {
			have[g] = true
		}
		for _, w := range want {
			if !have[w] {
				t.Errorf("%s: %s missing from %v", engine, w, got)
			}
		}
	}
	core, err := fs.ReadFile(mustOverlay(t, Postgres), "00001_core.sql")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(core, []byte("TSVECTOR")) {
		t.Error("PostgreSQL's 00001_core.sql is not its own (no TSVECTOR)")
	}
}

func mustOverlay(t *testing.T, e Engine) fs.FS {
	t.Helper()
	fsys, err := engineMigrations(e)
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

func TestOverlay_EngineFileWinsAndEngineOnlyFilesAreServed(t *testing.T) {
	o := overlayFS{
		top: fstest.MapFS{
			"00001_a.sql": {Data: []byte("engine a")},
			"00070_x.sql": {Data: []byte("engine only")},
		},
		base: fstest.MapFS{
			"00001_a.sql": {Data: []byte("common a")},
			"00002_b.sql": {Data: []byte("common b")},
		},
	}
	got, err := fs.Glob(o, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"00001_a.sql", "00002_b.sql", "00070_x.sql"}; !equalStrings(got, want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	for name, want := range map[string]string{"00001_a.sql": "engine a", "00002_b.sql": "common b", "00070_x.sql": "engine only"} {
		b, err := fs.ReadFile(o, name)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != want {
			t.Errorf("%s reads %q, want %q", name, b, want)
		}
	}
	if _, err := o.Open("00099_none.sql"); err == nil {
		t.Error("a file in neither folder opened")
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
