package web

import (
	"context"
	"net/url"
	"testing"

	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/park"
	"github.com/silkbridge/silkbridge/store"
)

// The route table's entries for parks (see authz_test.go): the managers of
// a park (a fresh park that roleManager manages, from authzPark) and
// admins manage its members and partners.

// authzForeignOrg stores a fresh organisation outside Kazakhstan, the
// country of authzPark's parks.
func authzForeignOrg(t *testing.T, fx *authzFixture) *organisation.Organisation {
	t.Helper()
	o := &organisation.Organisation{Name: fx.Unique("Institute "), Kind: organisation.ResearchInstitute, Country: "CN"}
	if err := fx.St.CreateOrganisation(context.Background(), store.Actor{}, o); err != nil {
		t.Fatal(err)
	}
	return o
}

func init() {
	member := func(t *testing.T, fx *authzFixture) (*organisation.Organisation, *park.Member) {
		pk := authzPark(t, fx)
		m := &park.Member{ParkID: pk.ID, OrgID: authzForeignOrg(t, fx).ID, JoinedOn: "2023-01-01"}
		if err := fx.St.AddParkMember(context.Background(), store.Actor{}, m); err != nil {
			t.Fatal(err)
		}
		return pk, m
	}
	partner := func(t *testing.T, fx *authzFixture) (*organisation.Organisation, *park.Partner) {
		pk := authzPark(t, fx)
		p := &park.Partner{ParkID: pk.ID, OrgID: authzForeignOrg(t, fx).ID, SinceOn: "2023-01-01"}
		if err := fx.St.AddParkPartner(context.Background(), store.Actor{}, p); err != nil {
			t.Fatal(err)
		}
		return pk, p
	}
	addAuthzCases(map[string]authzCase{
		"POST /parks/{id}/members": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			pk := authzPark(t, fx)
			return formRequest("POST", "/parks/"+pk.ID+"/members", url.Values{"organisation_id": {authzForeignOrg(t, fx).ID}, "joined_on": {"2024-01-01"}})
		}},
		"POST /api/v1/parks/{id}/members": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			pk := authzPark(t, fx)
			return jsonRequest("POST", "/api/v1/parks/"+pk.ID+"/members", map[string]any{"organisation_id": authzForeignOrg(t, fx).ID, "joined_on": "2024-01-01"})
		}},
		"POST /parks/{id}/members/{mid}/leave": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			pk, m := member(t, fx)
			return formRequest("POST", "/parks/"+pk.ID+"/members/"+m.ID+"/leave", url.Values{"left_on": {"2024-01-01"}})
		}},
		"POST /parks/{id}/partners": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			pk := authzPark(t, fx)
			return formRequest("POST", "/parks/"+pk.ID+"/partners", url.Values{"organisation_id": {authzForeignOrg(t, fx).ID}, "since_on": {"2024-01-01"}})
		}},
		"POST /api/v1/parks/{id}/partners": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			pk := authzPark(t, fx)
			return jsonRequest("POST", "/api/v1/parks/"+pk.ID+"/partners", map[string]any{"organisation_id": authzForeignOrg(t, fx).ID, "since_on": "2024-01-01"})
		}},
		"POST /parks/{id}/partners/{pid}/end": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			pk, p := partner(t, fx)
			return formRequest("POST", "/parks/"+pk.ID+"/partners/"+p.ID+"/end", url.Values{"until_on": {"2024-01-01"}})
		}},
	})
}
