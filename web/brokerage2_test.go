package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// arrive registers a participant with a profile who never opens the
// availability page.
func (b *brokerageEvent) arrive(t *testing.T, name string) {
	t.Helper()
	c, u := b.fx.participant(t, b.e, name)
	b.people[name], b.users[name] = c, u
	res := c.form("POST", "/events/"+b.e.ID+"/profile", url.Values{"headline": {name + " builds solar dryers"}, "offers": {"Field trials"}, "fields": {"2.7"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("profile of %s: %d %s", name, res.StatusCode, res.Body)
	}
}

func TestBrokerage_AvailabilityIsEverySlotUntilChanged(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		b := newBrokerage(t, ts, 3, 2)
		b.arrive(t, "aigerim")
		b.arrive(t, "bilal")
		b.arrive(t, "chen")
		ab := b.meet(t, "aigerim", "bilal", true)
		ac := b.meet(t, "aigerim", "chen", true)

		// Nobody marked anything: everyone can meet in every slot.
		all := []string{b.slots[0].ID, b.slots[1].ID, b.slots[2].ID}
		got, err := ts.st.Availability(context.Background(), b.e.ID, b.users["bilal"].ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, all) {
			t.Errorf("bilal's availability before any change %v, want every slot %v", got, all)
		}
		sc := b.schedule(t)
		if sc.Placed != 2 {
			t.Fatalf("placed %d meetings where nobody marked availability, want 2 (unplaced %v)", sc.Placed, sc.Unplaced)
		}

		// chen says she can come to none of the slots: her meeting goes.
		if res := b.people["chen"].form("POST", "/events/"+b.e.ID+"/availability", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("chen clears her availability: %d %s", res.StatusCode, res.Body)
		}
		if got, err := ts.st.Availability(context.Background(), b.e.ID, b.users["chen"].ID); err != nil || len(got) != 0 {
			t.Fatalf("chen's availability after clearing it: %v, %v; want none", got, err)
		}
		sc = b.schedule(t)
		if sc.Placed != 1 || len(sc.Unplaced) != 1 || sc.Unplaced[0].RequestID != ac {
			t.Errorf("after chen cleared her slots: placed %d, unplaced %v; want only %s (aigerim-chen) unplaced, %s placed", sc.Placed, sc.Unplaced, ac, ab)
		}
	})
}
