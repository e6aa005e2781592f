package store_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// TestPostgresBackup_PgDumpRestoresIntoAWorkingInstallation follows the
// production guide: pg_dump in the custom format, pg_restore into another
// database, and the program opens the copy (no migration pending) with
// its records, its search index and its accounts working.
func TestPostgresBackup_PgDumpRestoresIntoAWorkingInstallation(t *testing.T) {
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("SILKBRIDGE_REQUIRE_POSTGRES") == "1" {
				t.Fatalf("SILKBRIDGE_REQUIRE_POSTGRES=1 but %s is not installed (Debian: postgresql-client)", tool)
			}
			t.Skipf("%s is not installed (Debian: postgresql-client): the PostgreSQL backup is not tested", tool)
		}
	}
	from := storetest.NewPostgresDSN(t)
	st, err := store.Open(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: "kept@example.org", Name: "Kept", Password: "a passphrase kept safe"}, "member")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := st.CreateToken(ctx, store.Actor{UserID: u.ID}, u.ID, "backup", store.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	o := newOrg("Университет резервных копий", "KZ")
	if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
		t.Fatal(err)
	}

	dump := filepath.Join(t.TempDir(), "silkbridge.dump")
	if out, err := exec.Command("pg_dump", "--format=custom", "--file", dump, "--dbname", from).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	to := storetest.NewPostgresDSN(t)
	if out, err := exec.Command("pg_restore", "--no-owner", "--exit-on-error", "--dbname", to, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}

	cp, err := store.Open(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	current, latest, err := cp.SchemaVersion(ctx)
	if err != nil || current != latest || current == 0 {
		t.Fatalf("restored schema at %d, program at %d (%v)", current, latest, err)
	}
	if err := cp.Migrate(ctx, nil); err != nil {
		t.Fatalf("migrate the restored copy: %v", err)
	}
	list, _, err := cp.Organisations(ctx, organisation.Filter{Query: "резервных"})
	if err != nil || len(list) != 1 || list[0].ID != o.ID {
		t.Fatalf("search in the restored copy: %v (%v), want %s", list, err, o.ID)
	}
	if got, err := cp.Authenticate(ctx, "kept@example.org", "a passphrase kept safe"); err != nil || got.ID != u.ID {
		t.Errorf("sign in on the restored copy: %v, %v", got, err)
	}
	if got, _, err := cp.TokenUser(ctx, token); err != nil || got.ID != u.ID {
		t.Errorf("API token on the restored copy: %v, %v", got, err)
	}
}
