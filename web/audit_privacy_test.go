package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/opportunity"
	"github.com/silkbridge/silkbridge/store"
)

// TestAuditPrivacy_AnonymousOwnerAndInterestedPersonStayHiddenUntilAccepted
// follows an interest in an anonymous listing: before the owner accepts
// it, the sender's download (API and page) does not name the owner, and
// the owner's audit log (API and page, also when filtered by the sender's
// id) does not name the sender; once accepted, each may see the other.
func TestAuditPrivacy_AnonymousOwnerAndInterestedPersonStayHiddenUntilAccepted(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		ownerC, owner := ts.user(t, "owner-manager@example.org", "member")
		senderC, sender := ts.user(t, "curious-sender@example.org", "member")
		org := marketOrg(t, ts.st, owner, "Secretive Dryers Institute", "KZ", "contact@secretive.example")
		x := marketListing(t, ts.st, org.ID, opportunity.Published, func(x *opportunity.Opportunity) { x.Anonymous = true })
		i := &opportunity.Interest{OpportunityID: x.ID, WhoWeAre: "A curious researcher", WhatWePropose: "Field trials"}
		if err := ts.st.CreateInterest(ctx, store.Actor{UserID: sender.ID}, i); err != nil {
			t.Fatal(err)
		}

		senderSees := func(t *testing.T, wantOwner bool) {
			t.Helper()
			for _, path := range []string{"/api/v1/me/export", "/account/export"} {
				res := senderC.get(path)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("%s: status %d", path, res.StatusCode)
				}
				if !strings.Contains(res.Body, i.ID) {
					t.Fatalf("%s: the sender's own interest entry is missing", path)
				}
				for _, secret := range []string{org.ID, org.Name} {
					if got := strings.Contains(res.Body, secret); got != wantOwner {
						t.Errorf("%s: names the owner (%s): %v, want %v", path, secret, got, wantOwner)
					}
				}
			}
		}
		ownerSees := func(t *testing.T, wantSender bool) {
			t.Helper()
			res := ownerC.get("/api/v1/audit?kind=interest&ref=" + i.ID)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("audit: status %d: %s", res.StatusCode, res.Body)
			}
			var list List[store.AuditEntry]
			if err := json.Unmarshal([]byte(res.Body), &list); err != nil {
				t.Fatal(err)
			}
			var created *store.AuditEntry
			for k := range list.Items {
				if list.Items[k].Action == "create" {
					created = &list.Items[k]
				}
			}
			if created == nil {
				t.Fatalf("the owner does not see that an interest was sent: %s", res.Body)
			}
			if wantSender && (created.Actor != sender.Email || created.ActorID != sender.ID || created.ActorHidden) {
				t.Errorf("after acceptance the owner sees actor %q (%q, hidden %v), want %s", created.Actor, created.ActorID, created.ActorHidden, sender.Email)
			}
			if !wantSender && (created.Actor != "" || created.ActorID != "" || !created.ActorHidden) {
				t.Errorf("before acceptance the owner sees actor %q (%q, hidden %v)", created.Actor, created.ActorID, created.ActorHidden)
			}
			for _, path := range []string{"/audit", "/api/v1/audit"} {
				body := ownerC.get(path).Body
				if got := strings.Contains(body, sender.Email) || strings.Contains(body, sender.ID); got != wantSender {
					t.Errorf("%s names the sender: %v, want %v", path, got, wantSender)
				}
			}
			// The actor filter does not tell who acted either.
			var byActor List[store.AuditEntry]
			if err := json.Unmarshal([]byte(ownerC.get("/api/v1/audit?actor="+sender.ID).Body), &byActor); err != nil {
				t.Fatal(err)
			}
			if got := len(byActor.Items) > 0; got != wantSender {
				t.Errorf("filtering by the sender's id finds %d entries, want some: %v", len(byActor.Items), wantSender)
			}
		}

		t.Run("pending", func(t *testing.T) {
			senderSees(t, false)
			ownerSees(t, false)
		})
		if _, err := ts.st.DecideInterest(ctx, store.Actor{UserID: owner.ID}, i.ID, opportunity.DecisionAccept); err != nil {
			t.Fatal(err)
		}
		t.Run("accepted", func(t *testing.T) {
			senderSees(t, true)
			ownerSees(t, true)
		})
	})
}
