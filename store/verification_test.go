package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/policy"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

func trustUser(t *testing.T, st *store.Store, email, role string) *account.User {
	t.Helper()
	u, err := st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: email, Name: email, Password: "amber-lantern-42"}, role)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func nationalPolicy(issuerID, title string) *policy.Policy {
	return &policy.Policy{IssuerID: issuerID, Jurisdiction: policy.JurisdictionCountry, Country: "UZ", Kind: "grant",
		Benefit: "Up to 100,000 USD", ValidFrom: "2025-01-01", Texts: []policy.Text{{Lang: "en", Title: title}}, Rule: `{"org_kind":["enterprise"]}`}
}

func allowAll(*organisation.Organisation) error { return nil }

// TestVerification_RequestDecideAuditAndPublish follows an agency from
// unverified to verified: its national policy is refused while unverified
// (naming issuer_id, nothing stored), the request and the decision are
// recorded with who, when and on what evidence and each is in the audit
// log, and the policy is then accepted.
func TestVerification_RequestDecideAuditAndPublish(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		manager := trustUser(t, st, "head@mininnovation.uz", account.Member)
		officer := trustUser(t, st, "officer@example.org", account.Officer)
		agency := &organisation.Organisation{Name: "Ministry of Innovative Development", Kind: organisation.GovernmentAgency, Country: "UZ"}
		if err := st.CreateOrganisation(ctx, store.Actor{UserID: manager.ID}, agency); err != nil {
			t.Fatal(err)
		}
		if agency.Verification.State != organisation.Unverified {
			t.Fatalf("a new organisation is %q", agency.Verification.State)
		}

		err := st.CreatePolicy(ctx, store.Actor{UserID: manager.ID}, nationalPolicy(agency.ID, "Innovation grant"), allowAll)
		if e, ok := errors.AsType[*silkbridge.Error](err); !ok || e.Code != silkbridge.EINVALID || e.Fields[0].Field != "issuer_id" {
			t.Fatalf("unverified agency's national policy: %v, want invalid issuer_id", err)
		}
		if _, pg, err := st.Policies(ctx, policy.Filter{}); err != nil || pg.Total != 0 {
			t.Fatalf("%d policies stored after the refusal (%v)", pg.Total, err)
		}

		req := organisation.VerificationRequest{EvidenceKind: organisation.EvidenceEmailDomain, EvidenceValue: "mininnovation.uz", Note: "I head the ministry's international office"}
		o, err := st.RequestVerification(ctx, store.Actor{UserID: manager.ID}, agency.ID, manager.Email, req)
		if err != nil {
			t.Fatal(err)
		}
		if o.Verification.State != organisation.Pending || o.Verification.RequestedBy != manager.ID || o.Verification.RequestedAt == nil {
			t.Fatalf("after the request: %+v", o.Verification)
		}
		pending, _, err := st.Organisations(ctx, organisation.Filter{Verification: organisation.Pending})
		if err != nil || len(pending) != 1 || pending[0].ID != agency.ID {
			t.Fatalf("pending list: %v (%v)", pending, err)
		}
		if err := st.CreatePolicy(ctx, store.Actor{UserID: manager.ID}, nationalPolicy(agency.ID, "Innovation grant"), allowAll); silkbridge.ErrorCode(err) != silkbridge.EINVALID {
			t.Fatalf("pending agency's national policy: %v, want refused", err)
		}

		o, err = st.DecideVerification(ctx, store.Actor{UserID: officer.ID}, agency.ID, organisation.Decision{Verdict: organisation.VerdictVerify, Reason: "Domain checked"})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := st.Organisation(ctx, agency.ID)
		if err != nil {
			t.Fatal(err)
		}
		v := stored.Verification
		if !stored.IsVerified() || v.DecidedBy != officer.ID || v.DecidedAt == nil || v.EvidenceKind != organisation.EvidenceEmailDomain ||
			v.EvidenceValue != "mininnovation.uz" || v.Reason != "Domain checked" || v.RequestedBy != manager.ID {
			t.Fatalf("stored verification: %+v", v)
		}
		if _, err := st.DecideVerification(ctx, store.Actor{UserID: officer.ID}, agency.ID, organisation.Decision{Verdict: organisation.VerdictVerify}); silkbridge.ErrorCode(err) != silkbridge.ECONFLICT {
			t.Fatalf("verifying twice: %v, want a conflict", err)
		}
		entries, err := st.AuditLog(ctx, nil, "organisation", agency.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action+" by "+e.ActorID)
		}
		want := []string{"verify_verification by " + officer.ID, "request_verification by " + manager.ID}
		if len(actions) < 2 || actions[0] != want[0] || actions[1] != want[1] {
			t.Fatalf("audit log: %v, want %v first", actions, want)
		}

		p := nationalPolicy(agency.ID, "Innovation grant")
		if err := st.CreatePolicy(ctx, store.Actor{UserID: manager.ID}, p, allowAll); err != nil {
			t.Fatalf("verified agency's national policy: %v", err)
		}

		// Renaming a verified organisation withdraws its verification:
		// what the officers vouched for changed.
		if _, err := st.UpdateOrganisation(ctx, store.Actor{UserID: manager.ID}, agency.ID, func(o *organisation.Organisation) { o.Name = "Ministry of Everything" }); err != nil {
			t.Fatal(err)
		}
		if o, _ := st.Organisation(ctx, agency.ID); o.Verification.State != organisation.Unverified {
			t.Fatalf("after renaming: %q, want unverified", o.Verification.State)
		}
		_, err = st.UpdatePolicy(ctx, store.Actor{UserID: manager.ID}, p.ID, allowAll, func(p *policy.Policy) { p.Benefit = "Up to 1 million USD" })
		if silkbridge.ErrorCode(err) != silkbridge.EINVALID || !strings.Contains(err.Error(), "issuer_id") {
			t.Fatalf("updating after the withdrawal: %v, want invalid issuer_id", err)
		}
		if got, _ := st.Policy(ctx, p.ID); got.Benefit != "Up to 100,000 USD" {
			t.Fatalf("refused update changed the benefit to %q", got.Benefit)
		}
		// A description edit keeps the verification.
		if _, err := st.DecideVerification(ctx, store.Actor{UserID: officer.ID}, agency.ID, organisation.Decision{Verdict: organisation.VerdictVerify, Reason: "New name checked"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpdateOrganisation(ctx, store.Actor{UserID: manager.ID}, agency.ID, func(o *organisation.Organisation) { o.Description = "Science ministry" }); err != nil {
			t.Fatal(err)
		}
		if o, _ := st.Organisation(ctx, agency.ID); !o.IsVerified() {
			t.Fatalf("a description edit withdrew the verification: %+v", o.Verification)
		}
	})
}

// TestVerification_ParkPoliciesAreTheParksOwn: a verified park publishes
// for itself only; an unverified park publishes nothing; a refused
// request is kept with its reason; each refusal stores nothing.
func TestVerification_ParkPoliciesAreTheParksOwn(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		officer := trustUser(t, st, "officer@example.org", account.Officer)
		own := &organisation.Organisation{Name: "Tashkent IT Park", Kind: organisation.Park, Country: "UZ"}
		other := &organisation.Organisation{Name: "Navoi Free Zone", Kind: organisation.Park, Country: "UZ"}
		for _, o := range []*organisation.Organisation{own, other} {
			if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
				t.Fatal(err)
			}
		}
		parkPolicy := func(parkID string) *policy.Policy {
			return &policy.Policy{IssuerID: own.ID, Jurisdiction: policy.JurisdictionPark, ParkID: parkID, Kind: "subsidy", Benefit: "Free offices",
				ValidFrom: "2025-01-01", Texts: []policy.Text{{Lang: "en", Title: "Offices"}}, Rule: `{"org_kind":["enterprise"]}`}
		}
		fieldOf := func(err error) string {
			if e, ok := errors.AsType[*silkbridge.Error](err); ok && e.Code == silkbridge.EINVALID && len(e.Fields) > 0 {
				return e.Fields[0].Field
			}
			return "not invalid: " + silkbridge.ErrorCode(err)
		}
		if f := fieldOf(st.CreatePolicy(ctx, store.Actor{}, parkPolicy(own.ID), allowAll)); f != "issuer_id" {
			t.Errorf("unverified park for itself: %s, want issuer_id", f)
		}
		if _, err := st.DecideVerification(ctx, store.Actor{UserID: officer.ID}, own.ID, organisation.Decision{Verdict: organisation.VerdictRefuse, Reason: "No evidence of the park's licence"}); err != nil {
			t.Fatal(err)
		}
		if o, _ := st.Organisation(ctx, own.ID); o.Verification.State != organisation.Refused || o.Verification.Reason != "No evidence of the park's licence" {
			t.Fatalf("refused: %+v", o.Verification)
		}
		if _, err := st.DecideVerification(ctx, store.Actor{UserID: officer.ID}, own.ID, organisation.Decision{Verdict: organisation.VerdictVerify}); fieldOf(err) != "reason" {
			t.Fatalf("verifying without any evidence: %v, want invalid reason", err)
		}
		for _, o := range []*organisation.Organisation{own, other} {
			if _, err := st.DecideVerification(ctx, store.Actor{UserID: officer.ID}, o.ID, organisation.Decision{Verdict: organisation.VerdictVerify, Reason: "Licence No. 7 checked"}); err != nil {
				t.Fatal(err)
			}
		}
		if f := fieldOf(st.CreatePolicy(ctx, store.Actor{}, parkPolicy(other.ID), allowAll)); f != "park_id" {
			t.Errorf("verified park for another park: %s, want park_id", f)
		}
		if _, pg, _ := st.Policies(ctx, policy.Filter{}); pg.Total != 0 {
			t.Fatalf("%d policies stored by refusals", pg.Total)
		}
		if err := st.CreatePolicy(ctx, store.Actor{}, parkPolicy(own.ID), allowAll); err != nil {
			t.Fatalf("verified park for itself: %v", err)
		}
	})
}
