package store_test

import (
	"path/filepath"
	"testing"

	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

func TestBackup_CopyOpensWithTheSameRecords(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	o := newOrg("Backed Up University", "PK")
	if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := st.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := st.Backup(ctx, path); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	cp, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	list, _, err := cp.Organisations(ctx, organisation.Filter{Query: "backed"})
	if err != nil || len(list) != 1 || list[0].ID != o.ID {
		t.Fatalf("copy lacks the record: %v %v", list, err)
	}
}
