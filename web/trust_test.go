package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/opportunity"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/policy"
	"github.com/silkbridge/silkbridge/store"
)

// trustWorld is an unverified agency managed by its head, a verified park
// and an unverified park with their managers, an agency officer and a
// member.
type trustWorld struct {
	ts                                *testServer
	agency, park, newPark             *organisation.Organisation
	head, parkManager, newParkManager *client
	officer, member                   *client
	headUser, officerUser, parkUser   *account.User
}

func newTrustWorld(t *testing.T, ts *testServer) *trustWorld {
	t.Helper()
	ctx := context.Background()
	w := &trustWorld{ts: ts}
	w.head, w.headUser = ts.user(t, "head@mininnovation.uz", account.Member)
	w.parkManager, w.parkUser = ts.user(t, "director@itpark.uz", account.Member)
	var newParkUser *account.User
	w.newParkManager, newParkUser = ts.user(t, "director@newpark.uz", account.Member)
	w.officer, w.officerUser = ts.user(t, "officer@example.org", account.Officer)
	w.member, _ = ts.user(t, "member@example.org", account.Member)
	w.agency = &organisation.Organisation{Name: "Ministry of Innovative Development", Kind: organisation.GovernmentAgency, Country: "UZ"}
	w.park = &organisation.Organisation{Name: "Tashkent IT Park", Kind: organisation.Park, Country: "UZ"}
	w.newPark = &organisation.Organisation{Name: "Navoi Technology Park", Kind: organisation.Park, Country: "UZ"}
	for _, c := range []struct {
		o *organisation.Organisation
		u *account.User
	}{{w.agency, w.headUser}, {w.park, w.parkUser}, {w.newPark, newParkUser}} {
		if err := ts.st.CreateOrganisation(ctx, store.Actor{UserID: c.u.ID}, c.o); err != nil {
			t.Fatal(err)
		}
	}
	verifyOrg(t, ts.st, w.park)
	return w
}

func (w *trustWorld) policyCount(t *testing.T) int {
	t.Helper()
	_, pg, err := w.ts.st.Policies(context.Background(), policy.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return pg.Total
}

func nationalPolicyJSON(issuerID string) map[string]any {
	return map[string]any{"issuer_id": issuerID, "jurisdiction": "country", "country": "UZ", "kind": "grant",
		"benefit": "Up to 100,000 USD", "valid_from": "2025-01-01", "texts": []map[string]string{{"lang": "en", "title": "Innovation grant"}},
		"rule": map[string]any{"org_kind": []string{"enterprise"}}}
}

func parkPolicyJSON(issuerID, parkID string) map[string]any {
	return map[string]any{"issuer_id": issuerID, "jurisdiction": "park", "park_id": parkID, "kind": "subsidy",
		"benefit": "Free offices", "valid_from": "2025-01-01", "texts": []map[string]string{{"lang": "en", "title": "Offices"}},
		"rule": map[string]any{"org_kind": []string{"enterprise"}}}
}

// problemField returns the fields a problem-details answer names.
func problemFields(t *testing.T, res response) []string {
	t.Helper()
	var p struct {
		Errors []struct{ Field, Message string } `json:"errors"`
	}
	if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
		t.Fatalf("not problem details: %v: %s", err, res.Body)
	}
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

// TestTrust_UnverifiedAgencyCannotPublishNationalPolicyUntilVerified: the
// agency's head and an agency officer are both refused (422 naming
// issuer_id, in the reader's language, nothing stored) while the agency is
// unverified; the head asks with evidence, the officer verifies, and then
// both publish.
func TestTrust_UnverifiedAgencyCannotPublishNationalPolicyUntilVerified(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		w := newTrustWorld(t, ts)
		for name, c := range map[string]*client{"head": w.head, "officer": w.officer} {
			res := c.json("POST", "/api/v1/policies", nationalPolicyJSON(w.agency.ID))
			if res.StatusCode != http.StatusUnprocessableEntity || strings.Join(problemFields(t, res), ",") != "issuer_id" ||
				!strings.Contains(res.Body, "only verified agencies publish national or regional policies") {
				t.Fatalf("%s, unverified agency: %d %s", name, res.StatusCode, res.Body)
			}
		}
		form := url.Values{"issuer_id": {w.agency.ID}, "jurisdiction": {"country"}, "country": {"UZ"}, "kind": {"grant"},
			"benefit": {"Up to 100,000 USD"}, "valid_from": {"2025-01-01"}, "title_en": {"Innovation grant"}, "rule": {`{"org_kind":["enterprise"]}`}}
		res := w.head.form("POST", "/policies?lang=fr", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="issuer_id-error"`) ||
			!strings.Contains(res.Body, "seules les agences vérifiées publient") {
			t.Fatalf("form in French, unverified agency: %d", res.StatusCode)
		}
		if n := w.policyCount(t); n != 0 {
			t.Fatalf("%d policies stored by refusals", n)
		}
		// The form says why before anything is sent.
		page := w.head.get("/policies/new?lang=en")
		if !strings.Contains(page.Body, `id="issuer-unverified"`) || !strings.Contains(page.Body, "Ministry of Innovative Development is not verified yet") {
			t.Fatalf("the new policy form does not warn up front:\n%s", page.Body)
		}

		res = w.head.json("POST", "/api/v1/organisations/"+w.agency.ID+"/verification",
			map[string]any{"evidence_kind": "email_domain", "evidence_value": "mininnovation.uz", "note": "I head the international office"})
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"state":"pending"`) {
			t.Fatalf("request: %d %s", res.StatusCode, res.Body)
		}
		review := w.officer.get("/verifications?lang=en")
		if review.StatusCode != http.StatusOK || !strings.Contains(review.Body, `id="request-`+w.agency.ID+`"`) || !strings.Contains(review.Body, "mininnovation.uz") {
			t.Fatalf("review list: %d\n%s", review.StatusCode, review.Body)
		}
		if res := w.member.get("/verifications"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("a member reads the review list: %d", res.StatusCode)
		}
		res = w.officer.json("POST", "/api/v1/organisations/"+w.agency.ID+"/verification/decision", map[string]any{"verdict": "verify", "reason": "Domain checked"})
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"state":"verified"`) || !strings.Contains(res.Body, `"decided_by":"`+w.officerUser.ID+`"`) {
			t.Fatalf("decide: %d %s", res.StatusCode, res.Body)
		}
		for name, c := range map[string]*client{"head": w.head, "officer": w.officer} {
			if res := c.json("POST", "/api/v1/policies", nationalPolicyJSON(w.agency.ID)); res.StatusCode != http.StatusCreated {
				t.Fatalf("%s, verified agency: %d %s", name, res.StatusCode, res.Body)
			}
		}
		// Everyone reads the state and the evidence; only those concerned
		// read who asked and decided and the notes.
		public := ts.client(t).get("/api/v1/organisations/" + w.agency.ID)
		if !strings.Contains(public.Body, `"state":"verified"`) || !strings.Contains(public.Body, `"evidence_value":"mininnovation.uz"`) ||
			strings.Contains(public.Body, "decided_by") || strings.Contains(public.Body, "international office") {
			t.Fatalf("public JSON: %s", public.Body)
		}
		page = ts.client(t).get("/organisations/" + w.agency.ID + "?lang=en")
		if !strings.Contains(page.Body, `class="badge verified"`) || strings.Contains(page.Body, `id="verification-request"`) || strings.Contains(page.Body, "verification-decide") {
			t.Fatalf("public organisation page: badge missing or forms shown")
		}
	})
}

// TestTrust_ParkPublishesOnlyForItselfAndOnlyVerified: the manager of a
// verified park is refused a policy for another park (422 park_id); the
// manager of an unverified park is refused its own park's policy (422
// issuer_id); nothing is stored; the verified park's own policy passes.
func TestTrust_ParkPublishesOnlyForItselfAndOnlyVerified(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newTrustWorld(t, ts)
	verifyOrg(t, ts.st, w.newPark)
	res := w.parkManager.json("POST", "/api/v1/policies", parkPolicyJSON(w.park.ID, w.newPark.ID))
	if res.StatusCode != http.StatusUnprocessableEntity || strings.Join(problemFields(t, res), ",") != "park_id" {
		t.Fatalf("another park: %d %s", res.StatusCode, res.Body)
	}
	unverifyOrg(t, ts.st, w.newPark)
	res = w.newParkManager.json("POST", "/api/v1/policies", parkPolicyJSON(w.newPark.ID, w.newPark.ID))
	if res.StatusCode != http.StatusUnprocessableEntity || strings.Join(problemFields(t, res), ",") != "issuer_id" {
		t.Fatalf("unverified park: %d %s", res.StatusCode, res.Body)
	}
	res = w.parkManager.json("POST", "/api/v1/policies", nationalPolicyJSON(w.park.ID))
	if res.StatusCode != http.StatusUnprocessableEntity || strings.Join(problemFields(t, res), ",") != "issuer_id" {
		t.Fatalf("a park's national policy: %d %s", res.StatusCode, res.Body)
	}
	if n := w.policyCount(t); n != 0 {
		t.Fatalf("%d policies stored by refusals", n)
	}
	if res := w.parkManager.json("POST", "/api/v1/policies", parkPolicyJSON(w.park.ID, w.park.ID)); res.StatusCode != http.StatusCreated {
		t.Fatalf("own park: %d %s", res.StatusCode, res.Body)
	}
}

// TestTrust_DecisionsNeedAnOfficerWhoIsNotConcernedAndAReason: an officer
// who manages the organisation may not decide on it; a refusal without a
// reason is refused with the field named; the refusal with a reason is
// shown to the organisation's manager; a decision is in the audit log.
func TestTrust_DecisionsNeedAnOfficerWhoIsNotConcernedAndAReason(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newTrustWorld(t, ts)
	if err := ts.st.AddManager(context.Background(), store.Actor{}, w.agency.ID, w.officerUser.ID); err != nil {
		t.Fatal(err)
	}
	if res := w.officer.json("POST", "/api/v1/organisations/"+w.agency.ID+"/verification/decision", map[string]any{"verdict": "verify", "reason": "Mine"}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("an officer decides on their own organisation: %d", res.StatusCode)
	}
	other, _ := ts.user(t, "officer2@example.org", account.Officer)
	res := other.form("POST", "/organisations/"+w.agency.ID+"/verification/decision?lang=en", url.Values{"verdict": {"refuse"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="reason-error"`) {
		t.Fatalf("refusal without a reason: %d", res.StatusCode)
	}
	if o, _ := ts.st.Organisation(context.Background(), w.agency.ID); o.Verification.State != organisation.Unverified {
		t.Fatalf("the refused form changed the state to %q", o.Verification.State)
	}
	res = other.form("POST", "/organisations/"+w.agency.ID+"/verification/decision", url.Values{"verdict": {"refuse"}, "reason": {"The domain belongs to a private company"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("refusal: %d %s", res.StatusCode, res.Body)
	}
	page := w.head.get("/organisations/" + w.agency.ID + "?lang=en")
	if !strings.Contains(page.Body, "Verification refused") || !strings.Contains(page.Body, "The domain belongs to a private company") || !strings.Contains(page.Body, `id="verification-request"`) {
		t.Fatalf("the manager does not read the refusal and cannot ask again:\n%s", page.Body)
	}
	entries, err := ts.st.AuditLog(context.Background(), nil, "organisation", w.agency.ID, 5)
	if err != nil || len(entries) == 0 || entries[0].Action != "refuse_verification" {
		t.Fatalf("audit log: %+v (%v)", entries, err)
	}
	// The e-mail domain must be the requester's own.
	res = w.head.form("POST", "/organisations/"+w.agency.ID+"/verification?lang=en", url.Values{"evidence_kind": {"email_domain"}, "evidence_value": {"gov.uz"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="evidence_value-error"`) {
		t.Fatalf("someone else's e-mail domain: %d", res.StatusCode)
	}
}

// TestTrust_BadgeOnEveryPageThatNamesTheOrganisation: the verified park's
// listing, event and policy show the mark (with its accessible text) in
// lists and on their pages; the unverified park's do not.
func TestTrust_BadgeOnEveryPageThatNamesTheOrganisation(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newTrustWorld(t, ts)
	ctx := context.Background()
	const badge = `<span class="badge verified" title="An admin or agency officer checked that this organisation is who it says it is"><span aria-hidden="true">✓</span> Verified</span>`
	listing := marketListing(t, ts.st, w.park.ID, "published")
	plain := marketListing(t, ts.st, w.newPark.ID, "published", func(x *opportunity.Opportunity) { x.Title = "Unverified offer" })
	fx := &eventFixture{ts: ts, org: w.park, orgUser: w.parkUser}
	ev := fx.event(t, "conference", 100)
	p := &policy.Policy{IssuerID: w.park.ID, Jurisdiction: policy.JurisdictionPark, ParkID: w.park.ID, Kind: "subsidy", Benefit: "Free offices",
		ValidFrom: "2020-01-01", Texts: []policy.Text{{Lang: "en", Title: "Offices"}}, Rule: `{"org_kind":["enterprise"]}`}
	if err := ts.st.CreatePolicy(ctx, store.Actor{}, p, func(*organisation.Organisation) error { return nil }); err != nil {
		t.Fatal(err)
	}
	v := ts.client(t)
	for _, path := range []string{"/market/" + listing.ID, "/market", "/events/" + ev.ID, "/events", "/policies/" + p.ID, "/policies", "/organisations/" + w.park.ID, "/organisations", "/parks/" + w.park.ID, "/parks"} {
		res := v.get(path + "?lang=en")
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, badge) {
			t.Errorf("%s: %d, no verified mark", path, res.StatusCode)
		}
	}
	if res := v.get("/market/" + plain.ID + "?lang=en"); strings.Contains(res.Body, `class="badge verified"`) {
		t.Errorf("the unverified park's listing shows the mark")
	}
}
