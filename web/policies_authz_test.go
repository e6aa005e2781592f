package web

import (
	"context"
	"net/url"
	"testing"

	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/policy"
	"github.com/silkbridge/silkbridge/store"
)

// The route table's entries for policies (see authz_test.go). A policy of
// fx.Org's side is issued by a fresh verified park that roleManager
// manages: park operators publish for their own park only, agency officers
// for agencies only, admins for any issuer. The trust column (Unverified)
// sends the same request for a park that is not verified, or whose
// verification was withdrawn: every role is refused.

// authzPark stores a fresh verified park managed by roleManager.
func authzPark(t *testing.T, fx *authzFixture) *organisation.Organisation {
	t.Helper()
	p := authzUnverifiedPark(t, fx)
	verifyOrg(t, fx.St, p)
	return p
}

// authzUnverifiedPark stores a fresh park managed by roleManager that no
// one verified.
func authzUnverifiedPark(t *testing.T, fx *authzFixture) *organisation.Organisation {
	t.Helper()
	p := &organisation.Organisation{Name: fx.Unique("Park "), Kind: organisation.Park, Country: "KZ"}
	if err := fx.St.CreateOrganisation(context.Background(), store.Actor{UserID: fx.User(roleManager).ID}, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// authzWithdrawnPolicy stores a policy whose park's verification was then
// withdrawn.
func authzWithdrawnPolicy(t *testing.T, fx *authzFixture) *policy.Policy {
	t.Helper()
	p := authzPolicy(t, fx)
	unverifyOrg(t, fx.St, &organisation.Organisation{ID: p.IssuerID})
	return p
}

// authzPolicy stores a fresh policy issued by a park roleManager manages.
func authzPolicy(t *testing.T, fx *authzFixture) *policy.Policy {
	t.Helper()
	park := authzPark(t, fx)
	p := &policy.Policy{IssuerID: park.ID, Jurisdiction: policy.JurisdictionPark, ParkID: park.ID, Kind: "subsidy",
		Benefit: "Rent-free offices for two years", ValidFrom: "2024-01-01",
		Texts: []policy.Text{{Lang: "en", Title: fx.Unique("Office subsidy ")}}, Rule: `{"org_kind":["enterprise"]}`}
	if err := fx.St.CreatePolicy(context.Background(), store.Actor{}, p, func(*organisation.Organisation) error { return nil }); err != nil {
		t.Fatal(err)
	}
	return p
}

func init() {
	form := func(park *organisation.Organisation, title string) url.Values {
		return url.Values{"issuer_id": {park.ID}, "jurisdiction": {"park"}, "park_id": {park.ID}, "kind": {"grant"},
			"benefit": {"Up to 50,000 USD"}, "valid_from": {"2024-01-01"}, "title_en": {title}, "rule": {`{"org_kind":["enterprise"]}`}}
	}
	body := func(park *organisation.Organisation, title string) map[string]any {
		return map[string]any{"issuer_id": park.ID, "jurisdiction": "park", "park_id": park.ID, "kind": "grant",
			"benefit": "Up to 50,000 USD", "valid_from": "2024-01-01", "texts": []map[string]any{{"lang": "en", "title": title}},
			"rule": map[string]any{"org_kind": []string{"enterprise"}}}
	}
	addAuthzCases(map[string]authzCase{
		"POST /policies": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/policies", form(authzPark(t, fx), fx.Unique("Grant ")))
		}, Unverified: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/policies", form(authzUnverifiedPark(t, fx), fx.Unique("Grant ")))
		}},
		"POST /api/v1/policies": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/policies", body(authzPark(t, fx), fx.Unique("Grant ")))
		}, Unverified: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/policies", body(authzUnverifiedPark(t, fx), fx.Unique("Grant ")))
		}},
		"POST /policies/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p := authzPolicy(t, fx)
			f := form(&organisation.Organisation{ID: p.IssuerID}, "Renamed grant")
			return formRequest("POST", "/policies/"+p.ID, f)
		}, Unverified: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p := authzWithdrawnPolicy(t, fx)
			return formRequest("POST", "/policies/"+p.ID, form(&organisation.Organisation{ID: p.IssuerID}, "Renamed grant"))
		}},
		"PUT /api/v1/policies/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p := authzPolicy(t, fx)
			return jsonRequest("PUT", "/api/v1/policies/"+p.ID, body(&organisation.Organisation{ID: p.IssuerID}, "Renamed grant"))
		}, Unverified: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			p := authzWithdrawnPolicy(t, fx)
			return jsonRequest("PUT", "/api/v1/policies/"+p.ID, body(&organisation.Organisation{ID: p.IssuerID}, "Renamed grant"))
		}},
		"POST /policies/{id}/delete": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/policies/"+authzPolicy(t, fx).ID+"/delete", nil)
		}},
		"DELETE /api/v1/policies/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("DELETE", "/api/v1/policies/"+authzPolicy(t, fx).ID, nil)
		}},
	})
}
