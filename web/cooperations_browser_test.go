package web

import (
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/store"
)

// TestBrowser_MoveACooperationFromExchangeToJointResearch is the
// cooperation capability's end-to-end path: the coordinator's manager
// opens a cooperation, is refused a stage change without evidence (the
// page says why and keeps the input), records it with evidence, sees the
// step on the timeline and the ladder, and the depth analytics count the
// transition.
func TestBrowser_MoveACooperationFromExchangeToJointResearch(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newCoopWorld(t, ts)
	b := newBrowser(t, ts.URL)

	b.open("/analytics/depth")
	if got := b.text(`#depth-transitions tr[data-from="exchange"] td[data-to="joint_research"]`); got != "0" {
		t.Fatalf("before: exchange -> joint research = %q, want 0", got)
	}

	b.open("/signin")
	b.fill("#email", "aigerim@example.kz")
	b.fill("#password", "amber-lantern-42")
	b.click(`form[action="/signin"] button[type=submit]`)

	b.open("/cooperations")
	b.click(`a[href="/cooperations/` + w.coop.ID + `"]`)
	b.mustContain("h1", "Aral Sea dust monitoring")
	b.mustContain("#ladder li.current", "Exchange")

	b.choose("#stage", "joint_research")
	b.fill("#date", "2023-09-01")
	b.click(`#stage-form button[type=submit]`)
	b.mustContain("#evidence-error", "required")
	if got := b.value("#date"); got != "2023-09-01" {
		t.Fatalf("the form lost the date: %q", got)
	}
	b.screenshot("coop-stage-refused")

	b.fill("#evidence", "Joint proposal on dust monitoring funded by both science ministries")
	b.click(`#stage-form button[type=submit]`)
	b.mustContain(".flash", "Joint research")
	b.mustContain("#ladder li.current", "Joint research")
	b.mustContain("#timeline", "moved from Exchange to Joint research", "Joint proposal on dust monitoring funded", "2023-09-01")
	b.screenshot("coop-timeline")

	b.open("/analytics/depth")
	if got := b.text(`#depth-transitions tr[data-from="exchange"] td[data-to="joint_research"]`); got != "1" {
		t.Fatalf("after: exchange -> joint research = %q, want 1", got)
	}
	if got := b.text(`#depth-counts tr[data-stage="joint_research"] td.num`); !strings.HasPrefix(got, "1") {
		t.Fatalf("after: cooperations at joint research = %q, want 1", got)
	}
	if got := b.text(`#depth-medians tr[data-stage="exchange"] td.num`); got == "–" {
		t.Fatalf("after: no median time at exchange")
	}
	b.screenshot("coop-depth")
}
