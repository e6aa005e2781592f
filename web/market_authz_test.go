package web

import (
	"context"
	"net/url"
	"testing"

	"github.com/silkbridge/silkbridge/opportunity"
	"github.com/silkbridge/silkbridge/store"
)

// The route table's entries for the marketplace (see authz_test.go).
// Listings belong to fx.Org unless said otherwise; interests in them are
// sent by the manager of fx.OtherOrg for that organisation.

// authzListing stores a fresh listing of fx.Org in status.
func authzListing(t *testing.T, fx *authzFixture, status string) *opportunity.Opportunity {
	t.Helper()
	return marketListing(t, fx.St, fx.Org.ID, status, func(x *opportunity.Opportunity) { x.Title = fx.Unique("Solar dryer ") })
}

// strangerListing stores a fresh published listing of an organisation
// that none of the fixture's roles manages (admins manage every one), so
// that every signed-in role may answer it.
func strangerListing(t *testing.T, fx *authzFixture) *opportunity.Opportunity {
	t.Helper()
	return marketListing(t, fx.St, fx.NewOrg(t, roleVisitor).ID, opportunity.Published)
}

// authzInterest stores a fresh interest of fx.OtherOrg in a fresh
// published listing of fx.Org, accepted when accept is true.
func authzInterest(t *testing.T, fx *authzFixture, accept bool) *opportunity.Interest {
	t.Helper()
	ctx := context.Background()
	x := authzListing(t, fx, opportunity.Published)
	i := &opportunity.Interest{OpportunityID: x.ID, FromOrgID: fx.OtherOrg.ID, WhoWeAre: "A university", WhatWePropose: "Field trials"}
	if err := fx.St.CreateInterest(ctx, store.Actor{UserID: fx.User(roleOtherManager).ID}, i); err != nil {
		t.Fatal(err)
	}
	if accept {
		if _, err := fx.St.DecideInterest(ctx, store.Actor{UserID: fx.User(roleManager).ID}, i.ID, opportunity.DecisionAccept); err != nil {
			t.Fatal(err)
		}
	}
	return i
}

// memberSavedSearch stores a fresh saved search of fx.User(roleMember).
func memberSavedSearch(t *testing.T, fx *authzFixture) *opportunity.SavedSearch {
	t.Helper()
	ss := &opportunity.SavedSearch{Name: fx.Unique("Solar "), Filter: opportunity.Filter{Query: "solar"}, Notify: true}
	if err := fx.St.CreateSavedSearch(context.Background(), store.Actor{UserID: fx.User(roleMember).ID}, ss); err != nil {
		t.Fatal(err)
	}
	return ss
}

func listingForm(fx *authzFixture) url.Values {
	return url.Values{"owner_organisation_id": {fx.Org.ID}, "kind": {"technology_offer"}, "title": {fx.Unique("Drip irrigation ")},
		"description": {"Sensors and valves"}, "trl": {"6"}, "fields": {"4.1"}}
}

func listingJSON(fx *authzFixture) map[string]any {
	return map[string]any{"owner_organisation_id": fx.Org.ID, "kind": "technology_offer", "title": fx.Unique("Drip irrigation "),
		"description": "Sensors and valves", "trl": 6, "fields": []string{"4.1"}}
}

var interestForm = url.Values{"who_we_are": {"A water institute"}, "what_we_propose": {"Joint field trials"}}

func init() {
	page := func(allow []authzRole, hidden bool, build func(t *testing.T, fx *authzFixture, role authzRole) authzRequest) authzCase {
		return authzCase{Allow: allow, Hidden: hidden, Build: build}
	}
	addAuthzCases(map[string]authzCase{
		// Listings: written and moved by the owner's managers, reviewed by officers.
		"POST /market": page(allowOrgManagers, false, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/market", listingForm(fx))
		}),
		"POST /market/{id}": page(allowOrgManagers, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			f := listingForm(fx)
			f.Del("owner_organisation_id")
			return formRequest("POST", "/market/"+authzListing(t, fx, opportunity.Draft).ID, f)
		}),
		"POST /market/{id}/submit": page(allowOrgManagers, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/market/"+authzListing(t, fx, opportunity.Draft).ID+"/submit", nil)
		}),
		"POST /market/{id}/close": page(allowOrgManagers, false, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/market/"+authzListing(t, fx, opportunity.Published).ID+"/close", nil)
		}),
		"POST /market/{id}/delete": page(allowOrgManagers, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/market/"+authzListing(t, fx, opportunity.Draft).ID+"/delete", nil)
		}),
		"POST /market/{id}/approve": page(allowOfficers, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/market/"+authzListing(t, fx, opportunity.InReview).ID+"/approve", nil)
		}),
		"POST /market/{id}/return": page(allowOfficers, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/market/"+authzListing(t, fx, opportunity.InReview).ID+"/return", url.Values{"comment": {"Add the TRL evidence."}})
		}),
		"POST /api/v1/opportunities": page(allowOrgManagers, false, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/opportunities", listingJSON(fx))
		}),
		"PUT /api/v1/opportunities/{id}": page(allowOrgManagers, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("PUT", "/api/v1/opportunities/"+authzListing(t, fx, opportunity.Draft).ID, listingJSON(fx))
		}),
		"DELETE /api/v1/opportunities/{id}": page(allowOrgManagers, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("DELETE", "/api/v1/opportunities/"+authzListing(t, fx, opportunity.Draft).ID, nil)
		}),
		"POST /api/v1/opportunities/{id}/submit": page(allowOrgManagers, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/opportunities/"+authzListing(t, fx, opportunity.Draft).ID+"/submit", nil)
		}),
		"POST /api/v1/opportunities/{id}/close": page(allowOrgManagers, false, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/opportunities/"+authzListing(t, fx, opportunity.Published).ID+"/close", nil)
		}),
		"POST /api/v1/opportunities/{id}/approve": page(allowOfficers, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/opportunities/"+authzListing(t, fx, opportunity.InReview).ID+"/approve", nil)
		}),
		"POST /api/v1/opportunities/{id}/return": page(allowOfficers, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/opportunities/"+authzListing(t, fx, opportunity.InReview).ID+"/return", map[string]any{"comment": "Add the TRL evidence."})
		}),

		// Interests: anyone signed in sends one; the owner's managers answer.
		"POST /market/{id}/interests": page(allowSignedIn, false, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/market/"+strangerListing(t, fx).ID+"/interests", interestForm)
		}),
		"POST /api/v1/opportunities/{id}/interests": page(allowSignedIn, false, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/opportunities/"+strangerListing(t, fx).ID+"/interests",
				map[string]any{"who_we_are": "A water institute", "what_we_propose": "Joint field trials"})
		}),
		"POST /interests/{id}/accept": page(allowOrgManagers, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/interests/"+authzInterest(t, fx, false).ID+"/accept", nil)
		}),
		"POST /interests/{id}/decline": page(allowOrgManagers, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/interests/"+authzInterest(t, fx, false).ID+"/decline", nil)
		}),
		"POST /interests/{id}/cooperation": page(allowOrgManagers, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/interests/"+authzInterest(t, fx, true).ID+"/cooperation", nil)
		}),
		"POST /api/v1/interests/{id}/accept": page(allowOrgManagers, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/interests/"+authzInterest(t, fx, false).ID+"/accept", nil)
		}),
		"POST /api/v1/interests/{id}/decline": page(allowOrgManagers, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/interests/"+authzInterest(t, fx, false).ID+"/decline", nil)
		}),
		"POST /api/v1/interests/{id}/cooperation": page(allowOrgManagers, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/interests/"+authzInterest(t, fx, true).ID+"/cooperation", nil)
		}),

		// Saved searches and notifications are the member's own.
		"POST /saved-searches": page(allowSignedIn, false, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/saved-searches", url.Values{"name": {fx.Unique("Solar ")}, "q": {"solar"}, "bri": {"1"}})
		}),
		"POST /saved-searches/{id}": page(allowOnlyMember, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/saved-searches/"+memberSavedSearch(t, fx).ID, url.Values{"name": {"Renamed"}, "notify": {"on"}})
		}),
		"POST /saved-searches/{id}/feed": page(allowOnlyMember, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/saved-searches/"+memberSavedSearch(t, fx).ID+"/feed", nil)
		}),
		"POST /saved-searches/{id}/delete": page(allowOnlyMember, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/saved-searches/"+memberSavedSearch(t, fx).ID+"/delete", nil)
		}),
		"POST /market/notifications/read": page(allowSignedIn, false, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/market/notifications/read", nil)
		}),
		"POST /api/v1/saved-searches": page(allowSignedIn, false, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/saved-searches", map[string]any{"name": fx.Unique("Solar "), "filter": map[string]any{"q": "solar"}})
		}),
		"PUT /api/v1/saved-searches/{id}": page(allowOnlyMember, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("PUT", "/api/v1/saved-searches/"+memberSavedSearch(t, fx).ID, map[string]any{"name": "Renamed", "filter": map[string]any{"kind": "technology_offer"}})
		}),
		"DELETE /api/v1/saved-searches/{id}": page(allowOnlyMember, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("DELETE", "/api/v1/saved-searches/"+memberSavedSearch(t, fx).ID, nil)
		}),
		"POST /api/v1/saved-searches/{id}/feed": page(allowOnlyMember, true, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/saved-searches/"+memberSavedSearch(t, fx).ID+"/feed", nil)
		}),
		"POST /api/v1/notifications/read": page(allowSignedIn, false, func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/notifications/read", nil)
		}),
	})
}
