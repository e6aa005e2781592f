package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/achievement"
	"github.com/silkbridge/silkbridge/opportunity"
	"github.com/silkbridge/silkbridge/store"
)

// techRequest publishes a marketplace technology request of the world's
// enterprise.
func techRequest(t *testing.T, ts *testServer, w *parkWorld, title string) *opportunity.Opportunity {
	t.Helper()
	ctx := context.Background()
	o := &opportunity.Opportunity{Kind: opportunity.TechnologyRequest, OwnerOrgID: w.enterprise.ID, Title: title,
		Description: "We look for an anti-reflective coating for solar glass made in Kazakhstan.", Fields: []string{"2.5"}, TRL: 6}
	if err := ts.st.CreateOpportunity(ctx, store.Actor{}, o); err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{opportunity.ActionSubmit, opportunity.ActionApprove} {
		if _, err := ts.st.ReviewOpportunity(ctx, store.Actor{}, o.ID, action, ""); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
	}
	return o
}

func TestAchievements_RequestAndAchievementSuggestEachOtherWithReasons(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		w := newParkWorld(t, ts)
		req := techRequest(t, ts, w, "Solar glass coating wanted")
		visitor := ts.client(t)

		page := visitor.get("/achievements/" + w.ach.ID)
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Solar glass coating wanted") {
			t.Fatalf("achievement page: %d, request not suggested", page.StatusCode)
		}
		for _, reason := range []string{`data-reason="field"`, `data-reason="terms"`, `data-reason="trl"`} {
			if !strings.Contains(page.Body, reason) {
				t.Errorf("achievement page: no %s reason", reason)
			}
		}
		if !strings.Contains(page.Body, "Technology validated in relevant environment") && !strings.Contains(page.Body, "System prototype demonstration") {
			t.Error("achievement page: the TRL definition is not shown")
		}

		rp := visitor.get("/technology-requests/" + req.ID + "/achievements")
		if rp.StatusCode != http.StatusOK || !strings.Contains(rp.Body, "Low-iron solar glass") {
			t.Fatalf("request page: %d, achievement not suggested", rp.StatusCode)
		}

		var sg []achievement.Suggestion
		res := visitor.get("/api/v1/achievements/suggestions?request=" + req.ID)
		if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(res.Body), &sg) != nil || len(sg) != 1 || sg[0].Achievement.ID != w.ach.ID || len(sg[0].Reasons) == 0 {
			t.Fatalf("api suggestions: %d %s", res.StatusCode, res.Body)
		}

		entered := visitor.get("/achievements/match?" + url.Values{"q": {"coating for glass"}, "trl": {"5"}, "country": {"KZ"}}.Encode())
		if entered.StatusCode != http.StatusOK || !strings.Contains(entered.Body, "Low-iron solar glass") {
			t.Fatalf("entered request: %d", entered.StatusCode)
		}
		if res := visitor.get("/achievements/match?q=glass&trl=12"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("TRL 12 sought: %d, want 422", res.StatusCode)
		}
	})
}

func TestAchievements_OwnerManagesAchievementsAndTransfersWithFieldMessages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		w := newParkWorld(t, ts)
		ctx := context.Background()
		// The park's manager lists an achievement of the park itself.
		res := w.manager.form("POST", "/achievements", url.Values{"owner_id": {w.park.ID}, "title": {"Dust-proof solar tracker"},
			"kind": {"prototype"}, "trl": {"6"}, "ip_status": {"pending"}, "fields": {"2.2"}, "available_in": {"kz, uz"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.StatusCode, res.Body)
		}
		id := strings.TrimPrefix(res.Header.Get("Location"), "/achievements/")
		a, err := ts.st.Achievement(ctx, id)
		if err != nil || strings.Join(a.AvailableIn, ",") != "KZ,UZ" {
			t.Fatalf("stored %+v %v", a, err)
		}
		found, _, err := ts.st.Achievements(ctx, achievement.Filter{Query: "tracker"})
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 1 {
			t.Fatalf("search found %d, want 1", len(found))
		}

		bad := []struct {
			name  string
			form  url.Values
			field string
		}{
			{"no title", url.Values{"owner_id": {w.park.ID}, "kind": {"patent"}, "trl": {"3"}, "ip_status": {"granted"}}, "title"},
			{"TRL 10", url.Values{"owner_id": {w.park.ID}, "title": {"X"}, "kind": {"patent"}, "trl": {"10"}, "ip_status": {"granted"}}, "trl"},
			{"unknown kind", url.Values{"owner_id": {w.park.ID}, "title": {"X"}, "kind": {"idea"}, "trl": {"3"}, "ip_status": {"granted"}}, "kind"},
			{"unknown country", url.Values{"owner_id": {w.park.ID}, "title": {"X"}, "kind": {"patent"}, "trl": {"3"}, "ip_status": {"granted"}, "available_in": {"ZZ"}}, "available_in"},
			{"no owner", url.Values{"title": {"X"}, "kind": {"patent"}, "trl": {"3"}, "ip_status": {"granted"}}, "owner_id"},
		}
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				res := w.manager.form("POST", "/achievements", c.form)
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="`+c.field+`-error"`) {
					t.Fatalf("status %d, want 422 naming %s", res.StatusCode, c.field)
				}
			})
		}
		_, page, err := ts.st.Achievements(ctx, achievement.Filter{OwnerID: w.park.ID})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 1 {
			t.Fatalf("refused input stored achievements: %d", page.Total)
		}
		// Someone else's achievement may not be changed.
		if res := w.manager.form("POST", "/achievements/"+w.ach.ID+"/delete", nil); res.StatusCode != http.StatusForbidden {
			t.Fatalf("delete another's achievement: %d", res.StatusCode)
		}

		res = w.manager.form("POST", "/achievements/"+id+"/transfers", url.Values{"receiver_id": {w.institute.ID}, "stage": {"contact"}, "started_on": {"2024-01-01"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="receiver_id-error"`) {
			t.Fatalf("an institute as receiver: %d", res.StatusCode)
		}
		res = w.manager.json("POST", "/api/v1/achievements/"+id+"/transfers", map[string]any{"receiver_id": w.enterprise.ID, "started_on": "2024-01-01"})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("api transfer: %d %s", res.StatusCode, res.Body)
		}
		var tr achievement.Transfer
		if err := json.Unmarshal([]byte(res.Body), &tr); err != nil {
			t.Fatal(err)
		}
		res = w.manager.json("POST", "/api/v1/achievements/"+id+"/transfers/"+tr.ID+"/advance", map[string]any{"stage": "licence_signed", "date": "2023-12-01"})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"date"`) {
			t.Fatalf("advance to a date before the start: %d %s", res.StatusCode, res.Body)
		}
		res = w.manager.form("POST", "/achievements/"+id+"/transfers/"+tr.ID+"/advance", url.Values{"stage": {"licence_signed"}, "date": {"2024-03-01"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("advance: %d %s", res.StatusCode, res.Body)
		}
		got, err := ts.st.Transfer(ctx, tr.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.CompletedOn != "2024-03-01" || len(got.History) != 2 {
			t.Fatalf("transfer %+v, want completed on 2024-03-01 with two stages", got)
		}
		res = w.manager.form("POST", "/achievements/"+id+"/transfers/"+tr.ID+"/advance", url.Values{"stage": {"negotiation"}, "date": {"2024-04-01"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("moving back: %d, want 422", res.StatusCode)
		}
	})
}
