package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// The route table's entries for verification (see authz_test.go): an
// organisation's managers ask, admins and agency officers decide. The
// trust column: for a route with Unverified, every role the route allows
// is refused when the issuer is not verified, with 403 or 422 naming the
// field, and nothing changes.

// runUnverifiedColumn checks a case's Unverified request for each allowed role.
func runUnverifiedColumn(t *testing.T, fx *authzFixture, key string, c authzCase) {
	t.Helper()
	if c.Unverified == nil {
		return
	}
	for _, role := range c.Allow {
		req := c.Unverified(t, fx, role)
		actor := req.As
		if actor == nil {
			actor = fx.Actor(role)
		}
		before := fx.dbFingerprint(t)
		res := actor.send(t, req, nil, true)
		if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s as %s for an unverified issuer: status %d, want 403 or 422: %.300s", key, role, res.StatusCode, res.Body)
		} else if d := diffFingerprints(before, fx.dbFingerprint(t)); d != "" {
			t.Errorf("%s as %s for an unverified issuer: refused but changed %s", key, role, d)
		}
	}
}

// verifyOrg makes o verified, as an officer would.
func verifyOrg(t *testing.T, st *store.Store, o *organisation.Organisation) {
	t.Helper()
	if _, err := st.DecideVerification(context.Background(), store.Actor{}, o.ID,
		organisation.Decision{Verdict: organisation.VerdictVerify, Reason: "Checked against the national register"}); err != nil {
		t.Fatal(err)
	}
	o.Verification.State = organisation.Verified
}

// unverifyOrg withdraws o's verification, as an officer's refusal does.
func unverifyOrg(t *testing.T, st *store.Store, o *organisation.Organisation) {
	t.Helper()
	if _, err := st.DecideVerification(context.Background(), store.Actor{}, o.ID,
		organisation.Decision{Verdict: organisation.VerdictRefuse, Reason: "The licence has expired"}); err != nil {
		t.Fatal(err)
	}
	o.Verification.State = organisation.Refused
}

func init() {
	evidence := url.Values{"evidence_kind": {organisation.EvidenceDocument}, "evidence_value": {"Registration No. 1234"}, "note": {"Founding act attached to the e-mail"}}
	evidenceJSON := map[string]any{"evidence_kind": organisation.EvidenceDocument, "evidence_value": "Registration No. 1234"}
	addAuthzCases(map[string]authzCase{
		"POST /organisations/{id}/verification": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/organisations/"+fx.NewOrg(t, roleManager).ID+"/verification", evidence)
		}},
		"POST /api/v1/organisations/{id}/verification": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/organisations/"+fx.NewOrg(t, roleManager).ID+"/verification", evidenceJSON)
		}},
		"POST /organisations/{id}/verification/decision": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/organisations/"+fx.NewOrg(t, roleManager).ID+"/verification/decision",
				url.Values{"verdict": {"verify"}, "reason": {"Registration checked"}})
		}},
		"POST /api/v1/organisations/{id}/verification/decision": {Allow: allowOfficers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("POST", "/api/v1/organisations/"+fx.NewOrg(t, roleManager).ID+"/verification/decision",
				map[string]any{"verdict": "refuse", "reason": "The registration number does not exist"})
		}},
	})
}
