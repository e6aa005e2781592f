package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// TestTrustDemo_SampleAgenciesAndParksAreVerifiedOthersNot loads the
// sample parks, events and policies and the trust step: every sample
// agency and park is verified on the evidence "sample", an organisation
// someone registered stays unverified, and a second start verifies nothing
// more.
func TestTrustDemo_SampleAgenciesAndParksAreVerifiedOthersNot(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	real := &organisation.Organisation{Name: "Ministry of Innovation", Kind: organisation.GovernmentAgency, Country: "UZ"}
	if err := st.CreateOrganisation(ctx, store.Actor{}, real); err != nil {
		t.Fatal(err)
	}
	for _, load := range []func(context.Context, *store.Store, *slog.Logger) error{loadEventsDemo, loadParksDemo, loadPoliciesDemo, loadTrustDemo} {
		if err := load(ctx, st, log); err != nil {
			t.Fatal(err)
		}
	}
	issuers := 0
	for _, kind := range []string{organisation.GovernmentAgency, organisation.Park} {
		orgs, _, err := st.Organisations(ctx, organisation.Filter{Kind: kind, PerPage: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range orgs {
			switch {
			case o.Sample && (!o.IsVerified() || o.Verification.EvidenceKind != organisation.EvidenceSample || o.Verification.DecidedAt == nil):
				t.Errorf("sample %s: verification %+v, want verified on the evidence sample", o.Name, o.Verification)
			case !o.Sample && o.Verification.State != organisation.Unverified:
				t.Errorf("registered %s: state %q, want unverified", o.Name, o.Verification.State)
			}
			if o.Sample {
				issuers++
			}
		}
	}
	if issuers < 4 {
		t.Fatalf("%d sample agencies and parks, want the agency and three parks", issuers)
	}
	if n, err := st.VerifySampleIssuers(ctx, store.Actor{}); err != nil || n != 0 {
		t.Fatalf("second start verified %d (%v), want 0", n, err)
	}
}
