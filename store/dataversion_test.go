package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// TestIndex_ReplacedAndDeletedDocumentsLeaveNoOldTerms: a record's search
// document is found by its rowid on SQLite (search_rowids); editing the
// record replaces its terms and deleting it removes them, on both engines.
func TestIndex_ReplacedAndDeletedDocumentsLeaveNoOldTerms(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		found := func(word string) int {
			t.Helper()
			_, p, err := st.Organisations(ctx, organisation.Filter{Query: word})
			if err != nil {
				t.Fatal(err)
			}
			return p.Total
		}
		o := &organisation.Organisation{Name: "Karaganda Mining Academy", Kind: organisation.University, Country: "KZ"}
		if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
			t.Fatal(err)
		}
		if n := found("karaganda"); n != 1 {
			t.Fatalf("new organisation found %d times by its name", n)
		}
		for i := range 3 {
			name := fmt.Sprintf("Temirtau Steel Academy %d", i)
			if _, err := st.UpdateOrganisation(ctx, store.Actor{}, o.ID, func(o *organisation.Organisation) { o.Name = name }); err != nil {
				t.Fatal(err)
			}
		}
		if n := found("karaganda"); n != 0 {
			t.Errorf("renamed organisation still found %d times by its old name", n)
		}
		if n := found("temirtau"); n != 1 {
			t.Errorf("renamed organisation found %d times by its new name, want once", n)
		}
		if err := st.DeleteOrganisation(ctx, store.Actor{}, o.ID); err != nil {
			t.Fatal(err)
		}
		if n := found("temirtau"); n != 0 {
			t.Errorf("deleted organisation still found %d times", n)
		}
	})
}

// TestWrites_ConcurrentWritersAreAllStored: many writers at once queue
// for the one write connection (SQLite) or the pool (PostgreSQL); every
// acknowledged write is there afterwards and counted at once.
func TestWrites_ConcurrentWritersAreAllStored(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		before, err := st.RowCount(ctx, "organisations")
		if err != nil {
			t.Fatal(err)
		}
		// Kept before the writes, so that the count below must be fresh.
		if _, err := st.Overview(ctx); err != nil {
			t.Fatal(err)
		}
		const writers, each = 20, 5
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					o := &organisation.Organisation{Name: fmt.Sprintf("Writer %d institute %d", w, i), Kind: organisation.ResearchInstitute, Country: "CN"}
					errs <- st.CreateOrganisation(ctx, store.Actor{}, o)
				}
			}()
		}
		wg.Wait()
		close(errs)
		acked := 0
		for err := range errs {
			if err != nil {
				t.Error(err)
				continue
			}
			acked++
		}
		after, err := st.RowCount(ctx, "organisations")
		if err != nil {
			t.Fatal(err)
		}
		if after != before+acked || acked != writers*each {
			t.Errorf("%d acknowledged writes of %d, %d rows after and %d before", acked, writers*each, after, before)
		}
		ov, err := st.Overview(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ov.Organisations != after {
			t.Errorf("the home page counts %d organisations right after the writes, the table holds %d", ov.Organisations, after)
		}
	})
}
