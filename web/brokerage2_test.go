package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/store"
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

func TestBrokerage_FunnelCountsHeldMeetingsNoShowsAndFollowUps(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		b := newBrokerage(t, ts, 3, 5)
		for _, name := range []string{"aigerim", "bilal", "chen", "dana"} {
			b.arrive(t, name)
		}
		ab := b.meet(t, "aigerim", "bilal", true)
		ac := b.meet(t, "aigerim", "chen", true)
		b.meet(t, "bilal", "chen", false)
		if sc := b.schedule(t); sc.Placed != 2 {
			t.Fatalf("placed %d, want 2", sc.Placed)
		}
		actor := func(name string) store.Actor { return store.Actor{UserID: b.users[name].ID} }

		// Only a side marks a meeting, an answer needs a held meeting, and
		// refusals change nothing.
		if err := ts.st.MarkMeeting(ctx, actor("dana"), b.e.ID, ab, event.Held); silkbridge.ErrorCode(err) != silkbridge.EFORBIDDEN {
			t.Errorf("dana marks a meeting she is not in: %v, want forbidden", err)
		}
		if err := ts.st.MarkMeeting(ctx, actor("bilal"), b.e.ID, ab, "maybe"); silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			t.Errorf("attendance \"maybe\": %v, want invalid", err)
		}
		if err := ts.st.AnswerOutcome(ctx, actor("bilal"), b.e.ID, ab, event.Interest); silkbridge.ErrorCode(err) != silkbridge.ECONFLICT {
			t.Errorf("an answer before the meeting is marked held: %v, want conflict", err)
		}
		if err := ts.st.MarkMeeting(ctx, actor("bilal"), b.e.ID, ab, event.Held); err != nil {
			t.Fatal(err)
		}
		if err := ts.st.MarkMeeting(ctx, actor("aigerim"), b.e.ID, ac, event.NoShow); err != nil {
			t.Fatal(err)
		}
		if err := ts.st.AnswerOutcome(ctx, actor("bilal"), b.e.ID, ab, event.Interest); err != nil {
			t.Fatal(err)
		}
		if err := ts.st.AnswerOutcome(ctx, actor("aigerim"), b.e.ID, ab, event.NoInterest); err != nil {
			t.Fatal(err)
		}

		res := b.fx.organiser.get("/api/v1/events/" + b.e.ID + "/funnel")
		var f event.Funnel
		if err := json.Unmarshal([]byte(res.Body), &f); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("funnel: %d %s (%v)", res.StatusCode, res.Body, err)
		}
		want := event.Funnel{EventID: b.e.ID, Requested: 3, Accepted: 2, Scheduled: 2, Held: 1, NoShows: 1, FollowUp: 1, NoShowRate: 0.5}
		if f != want {
			t.Errorf("funnel %+v, want %+v", f, want)
		}
	})
}

func TestBrokerage_AttendanceAndOutcomeOverTheAPIRefuseBadInputByField(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		b := newBrokerage(t, ts, 1, 1)
		b.arrive(t, "aigerim")
		b.arrive(t, "bilal")
		ab := b.meet(t, "aigerim", "bilal", true)
		if sc := b.schedule(t); sc.Placed != 1 {
			t.Fatalf("placed %d, want 1", sc.Placed)
		}
		base := "/api/v1/events/" + b.e.ID + "/meetings/" + ab
		bilal := b.people["bilal"]
		if res := bilal.json("POST", base+"/attendance", map[string]any{"status": "maybe"}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"status"`) {
			t.Errorf("attendance \"maybe\": %d %s, want 422 naming status", res.StatusCode, res.Body)
		}
		if res := bilal.json("POST", base+"/outcome", map[string]any{"outcome": "follow_up"}); res.StatusCode != http.StatusConflict {
			t.Errorf("an outcome before the meeting is held: %d %s, want 409", res.StatusCode, res.Body)
		}
		if f, err := ts.st.EventFunnel(context.Background(), b.e.ID); err != nil || f.Held != 0 || f.FollowUp != 0 {
			t.Fatalf("after refused input: %+v, %v; want nothing held or followed up", f, err)
		}
		if res := bilal.json("POST", base+"/attendance", map[string]any{"status": "held"}); res.StatusCode != http.StatusNoContent {
			t.Fatalf("held: %d %s", res.StatusCode, res.Body)
		}
		if res := bilal.json("POST", base+"/outcome", map[string]any{"outcome": "agreement_likely"}); res.StatusCode != http.StatusNoContent {
			t.Fatalf("outcome: %d %s", res.StatusCode, res.Body)
		}
		if f, err := ts.st.EventFunnel(context.Background(), b.e.ID); err != nil || f.Held != 1 || f.FollowUp != 1 {
			t.Errorf("after held and agreement likely: %+v, %v; want one held, one followed up", f, err)
		}
	})
}
