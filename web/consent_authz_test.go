package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/store"
)

// The route table's entries for answering invitations (see authz_test.go),
// and the consent column: a co-host or party whose managers have not
// accepted gives them no rights over the record, and one that accepted
// does. The records are hosted by (or registered by) fx.OtherOrg's manager
// and name fx.Org, so that roleManager is the invited organisation's
// manager.

// allowInvitedManagers: only the managers of the invited organisation
// answer for it; admins do not give an organisation's consent.
var allowInvitedManagers = []authzRole{roleManager}

// invitedCoHostEvent stores a fresh event of kind hosted by fx.OtherOrg,
// created by its manager, that names fx.Org as co-host: invited, or
// accepted by fx.Org's manager when accept.
func invitedCoHostEvent(t *testing.T, fx *authzFixture, kind string, accept bool) *event.Event {
	t.Helper()
	start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Hour)
	e := &event.Event{Title: fx.Unique("Co-hosted forum "), Kind: kind, Hosts: []event.Host{{OrgID: fx.OtherOrg.ID}, {OrgID: fx.Org.ID}},
		Start: start, End: start.Add(8 * time.Hour), TimeZone: "Asia/Almaty", Place: "Almaty", Country: "KZ", Fields: []string{"2.7"}}
	ctx := context.Background()
	if err := fx.St.CreateEvent(ctx, store.Actor{UserID: fx.User(roleOtherManager).ID}, e); err != nil {
		t.Fatal(err)
	}
	if accept {
		if _, err := fx.St.AnswerHostInvitation(ctx, store.Actor{UserID: fx.User(roleManager).ID}, e.ID, fx.Org.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// invitedPartyAgreement stores a fresh agreement registered by
// fx.OtherOrg's manager between fx.OtherOrg and fx.Org: fx.Org invited, or
// accepted when accept.
func invitedPartyAgreement(t *testing.T, fx *authzFixture, accept bool) *cooperation.Agreement {
	t.Helper()
	a := &cooperation.Agreement{Title: fx.Unique("Two-party agreement "), Kind: cooperation.AgreementJointLab, SignedOn: "2022-05-01",
		Parties: []cooperation.Party{{Kind: cooperation.PartyOrganisation, OrgID: fx.OtherOrg.ID}, {Kind: cooperation.PartyOrganisation, OrgID: fx.Org.ID}}}
	ctx := context.Background()
	if err := fx.St.CreateAgreement(ctx, store.Actor{UserID: fx.User(roleOtherManager).ID}, a); err != nil {
		t.Fatal(err)
	}
	if accept {
		if _, err := fx.St.AnswerPartyInvitation(ctx, store.Actor{UserID: fx.User(roleManager).ID}, a.ID, fx.Org.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

func init() {
	addAuthzCases(map[string]authzCase{
		"POST /events/{id}/hosts/{org}/accept": {Allow: allowInvitedManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/events/"+invitedCoHostEvent(t, fx, event.Workshop, false).ID+"/hosts/"+fx.Org.ID+"/accept", nil)
		}},
		"POST /events/{id}/hosts/{org}/decline": {Allow: allowInvitedManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/events/"+invitedCoHostEvent(t, fx, event.Workshop, false).ID+"/hosts/"+fx.Org.ID+"/decline", nil)
		}},
		"POST /api/v1/events/{id}/hosts/{org}/accept": {Allow: allowInvitedManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/events/"+invitedCoHostEvent(t, fx, event.Workshop, false).ID+"/hosts/"+fx.Org.ID+"/accept", nil)
		}},
		"POST /api/v1/events/{id}/hosts/{org}/decline": {Allow: allowInvitedManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/events/"+invitedCoHostEvent(t, fx, event.Workshop, false).ID+"/hosts/"+fx.Org.ID+"/decline", nil)
		}},
		"POST /agreements/{id}/parties/{org}/accept": {Allow: allowInvitedManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/agreements/"+invitedPartyAgreement(t, fx, false).ID+"/parties/"+fx.Org.ID+"/accept", nil)
		}},
		"POST /agreements/{id}/parties/{org}/decline": {Allow: allowInvitedManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/agreements/"+invitedPartyAgreement(t, fx, false).ID+"/parties/"+fx.Org.ID+"/decline", nil)
		}},
		"POST /api/v1/agreements/{id}/parties/{org}/accept": {Allow: allowInvitedManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/agreements/"+invitedPartyAgreement(t, fx, false).ID+"/parties/"+fx.Org.ID+"/accept", nil)
		}},
		"POST /api/v1/agreements/{id}/parties/{org}/decline": {Allow: allowInvitedManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/agreements/"+invitedPartyAgreement(t, fx, false).ID+"/parties/"+fx.Org.ID+"/decline", nil)
		}},
	})
}

// consentColumn lists the routes by which a record's organisers change it,
// each with a request that fx.Org's manager sends for a fresh record that
// names fx.Org (invited, or accepted when accept).
var consentColumn = map[string]func(t *testing.T, fx *authzFixture, accept bool) authzRequest{
	"POST /events/{id}": func(t *testing.T, fx *authzFixture, accept bool) authzRequest {
		f := authzEventForm(fx)
		f["hosts"] = []string{fx.OtherOrg.ID, fx.Org.ID}
		return formRequest("POST", "/events/"+invitedCoHostEvent(t, fx, event.Workshop, accept).ID, f)
	},
	"PUT /api/v1/events/{id}": func(t *testing.T, fx *authzFixture, accept bool) authzRequest {
		body := authzEventJSON(fx)
		body["host_ids"] = []string{fx.OtherOrg.ID, fx.Org.ID}
		return jsonRequest("PUT", "/api/v1/events/"+invitedCoHostEvent(t, fx, event.Brokerage, accept).ID, body)
	},
	"POST /events/{id}/delete": func(t *testing.T, fx *authzFixture, accept bool) authzRequest {
		return formRequest("POST", "/events/"+invitedCoHostEvent(t, fx, event.Workshop, accept).ID+"/delete", nil)
	},
	"DELETE /api/v1/events/{id}": func(t *testing.T, fx *authzFixture, accept bool) authzRequest {
		return jsonRequest("DELETE", "/api/v1/events/"+invitedCoHostEvent(t, fx, event.Workshop, accept).ID, nil)
	},
	"POST /events/{id}/slots": func(t *testing.T, fx *authzFixture, accept bool) authzRequest {
		e := invitedCoHostEvent(t, fx, event.Brokerage, accept)
		loc := e.Location()
		return formRequest("POST", "/events/"+e.ID+"/slots", url.Values{"start": {e.Start.In(loc).Format(event.LocalLayout)},
			"end": {e.Start.Add(30 * time.Minute).In(loc).Format(event.LocalLayout)}, "tables": {"4"}})
	},
	"POST /api/v1/events/{id}/schedule": func(t *testing.T, fx *authzFixture, accept bool) authzRequest {
		return jsonRequest("POST", "/api/v1/events/"+invitedCoHostEvent(t, fx, event.Brokerage, accept).ID+"/schedule", nil)
	},
	"POST /agreements/{id}": func(t *testing.T, fx *authzFixture, accept bool) authzRequest {
		return formRequest("POST", "/agreements/"+invitedPartyAgreement(t, fx, accept).ID, url.Values{"title": {fx.Unique("Renamed agreement ")},
			"kind": {"joint_lab"}, "signed_on": {"2022-05-01"}, "party_country": {"", ""}, "party_org": {fx.OtherOrg.ID, fx.Org.ID}})
	},
	"PUT /api/v1/agreements/{id}": func(t *testing.T, fx *authzFixture, accept bool) authzRequest {
		return jsonRequest("PUT", "/api/v1/agreements/"+invitedPartyAgreement(t, fx, accept).ID, map[string]any{"title": fx.Unique("Renamed agreement "),
			"kind": "joint_lab", "signed_on": "2022-05-01", "parties": []map[string]any{
				{"kind": "organisation", "organisation_id": fx.OtherOrg.ID}, {"kind": "organisation", "organisation_id": fx.Org.ID}}})
	},
	"POST /agreements/{id}/delete": func(t *testing.T, fx *authzFixture, accept bool) authzRequest {
		return formRequest("POST", "/agreements/"+invitedPartyAgreement(t, fx, accept).ID+"/delete", nil)
	},
	"DELETE /api/v1/agreements/{id}": func(t *testing.T, fx *authzFixture, accept bool) authzRequest {
		return jsonRequest("DELETE", "/api/v1/agreements/"+invitedPartyAgreement(t, fx, accept).ID, nil)
	},
}

func TestAuthz_InvitedCoHostOrPartyManagerIsDeniedUntilItAccepts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		fx := newAuthzFixture(t, ts)
		manager := fx.Actor(roleManager)
		for key, build := range consentColumn {
			if _, ok := authzCases[key]; !ok {
				t.Errorf("the consent column names %q, which the route table does not hold", key)
				continue
			}
			t.Run(key, func(t *testing.T) {
				// Invited: refused, and nothing changed.
				req := build(t, fx, false)
				before := fx.dbFingerprint(t)
				res := manager.send(t, req, nil, true)
				if res.StatusCode != http.StatusForbidden {
					t.Errorf("manager of an invited organisation: status %d, want 403: %.300s", res.StatusCode, res.Body)
				} else if d := diffFingerprints(before, fx.dbFingerprint(t)); d != "" {
					t.Errorf("manager of an invited organisation: refused but changed %s", d)
				}
				// Accepted: allowed.
				res = manager.send(t, build(t, fx, true), nil, true)
				if res.StatusCode >= 400 {
					t.Errorf("manager of an organisation that accepted: status %d, want allowed: %.300s", res.StatusCode, res.Body)
				}
			})
		}
	})
}
