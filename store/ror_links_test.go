package store_test

import (
	"errors"
	"testing"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/cooperation/h2020"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// importH2020Orgs imports organisations of the cooperation record only.
func importH2020Orgs(t *testing.T, st *store.Store, orgs ...h2020.Organisation) {
	t.Helper()
	if _, err := st.ImportH2020(ctx, store.Actor{}, &h2020.Record{Organisations: orgs}, nil); err != nil {
		t.Fatal(err)
	}
}

func orgByPIC(t *testing.T, st *store.Store, pic string) *organisation.Organisation {
	t.Helper()
	orgs, _, err := st.Organisations(ctx, organisation.Filter{IncludeUnnamed: true, PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if o.PIC == pic {
			return o
		}
	}
	t.Fatalf("no organisation with PIC %s", pic)
	return nil
}

func TestProposeRORLinks_HighConfidenceMergesTheRecordAndTheRestWaitForReview(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		importRORSample(t, st, nil)
		importH2020Orgs(t, st,
			h2020.Organisation{PIC: "900000001", Name: "NAZARBAYEV UNIVERSITY", Named: true, Country: "KZ", Kind: "university", ActivityType: "HES"},
			h2020.Organisation{PIC: "900000002", Name: "AL-FARABI KAZAKH NATIONAL UNIVERSITY FOUNDATION CENTRE", ShortName: "KAZNU", Named: true, Country: "KZ", Kind: "university", ActivityType: "HES"},
			h2020.Organisation{PIC: "900000003", Name: h2020.UnnamedOrganisation("900000003"), Country: "KZ", Kind: "other", ActivityType: "OTH"},
			// A withdrawn record is never proposed.
			h2020.Organisation{PIC: "900000004", Name: "PREVENTATIVE HEALTH", Named: true, Country: "AU", Kind: "other", ActivityType: "OTH"},
		)
		before, _, err := st.Organisations(ctx, organisation.Filter{IncludeUnnamed: true, PerPage: 100})
		if err != nil {
			t.Fatal(err)
		}
		res, err := st.ProposeRORLinks(ctx, store.Actor{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Considered != 3 || res.ByLevel["high"] != 1 || res.Linked != 1 || res.Merged != 1 || res.Candidates != 1 {
			t.Fatalf("run %+v", res)
		}
		nu := orgByPIC(t, st, "900000001")
		if nu.RORID != "052bx8q98" || nu.City != "Astana" || nu.RORStatus != "active" {
			t.Errorf("linked organisation %+v", nu)
		}
		after, _, err := st.Organisations(ctx, organisation.Filter{IncludeUnnamed: true, PerPage: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before)-1 {
			t.Errorf("the directory lists %d organisations after the merge, want %d: one entry per organisation", len(after), len(before)-1)
		}
		// Its names in every script now find the organisation of the record.
		found, _, err := st.Organisations(ctx, organisation.Filter{Query: "Назарбаев Университет"})
		if err != nil {
			t.Fatal(err)
		}
		if len(found) == 0 || found[0].ID != nu.ID {
			t.Errorf("search after the link found %v", found)
		}
		// The uncertain one waits; its managers' decision links it.
		waiting, page, err := st.RORLinks(ctx, store.LinkCandidate, nil, 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		kaznu := orgByPIC(t, st, "900000002")
		if page.Total != 1 || waiting[0].OrgID != kaznu.ID || waiting[0].RORID != "03q0vrn42" || waiting[0].Evidence == "" || waiting[0].RORName == "" {
			t.Fatalf("review list %+v", waiting)
		}
		if err := st.DecideRORLink(ctx, store.Actor{}, kaznu.ID, "03q0vrn42", true); err != nil {
			t.Fatal(err)
		}
		if o := orgByPIC(t, st, "900000002"); o.RORID != "03q0vrn42" {
			t.Errorf("confirmed link not made: %+v", o)
		}
		if err := st.DecideRORLink(ctx, store.Actor{}, kaznu.ID, "03q0vrn42", false); silkbridge.ErrorCode(err) != silkbridge.ECONFLICT {
			t.Errorf("deciding twice: %v, want a conflict", err)
		}
		// A later import of the record keeps the registry's names findable.
		importH2020Orgs(t, st, h2020.Organisation{PIC: "900000001", Name: "NAZARBAYEV UNIVERSITY", Named: true, Country: "KZ", Kind: "university", ActivityType: "HES"})
		found, _, err = st.Organisations(ctx, organisation.Filter{Query: "Назарбаев Университет"})
		if err != nil {
			t.Fatal(err)
		}
		if len(found) == 0 || found[0].ID != nu.ID {
			t.Errorf("search after a re-import found %v", found)
		}
		// A second run proposes nothing again.
		res, err = st.ProposeRORLinks(ctx, store.Actor{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Considered != 1 || res.Linked+res.Candidates != 0 {
			t.Errorf("second run %+v", res)
		}
	})
}

func TestClaimROR_RefusesWithdrawnUnknownAndCarriedRecordsNamingTheField(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		importRORSample(t, st, nil)
		o := &organisation.Organisation{Name: "Satbayev University", Kind: organisation.University, Country: "KZ"}
		if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
			t.Fatal(err)
		}
		for id, why := range map[string]string{"0006jh821": "withdrawn", "00067tc54": "inactive", "0abcdef12": "unknown"} {
			err := st.ClaimROR(ctx, store.Actor{}, o.ID, id)
			var e *silkbridge.Error
			if !errors.As(err, &e) || e.Code != silkbridge.EINVALID || len(e.Fields) == 0 || e.Fields[0].Field != "ror_id" {
				t.Errorf("claim of a %s record: %v, want a problem on ror_id", why, err)
			}
		}
		if err := st.ClaimROR(ctx, store.Actor{}, o.ID, "020cpsb96"); err != nil {
			t.Fatal(err)
		}
		waiting, _, err := st.RORLinks(ctx, store.LinkCandidate, []string{o.ID}, 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(waiting) != 1 || waiting[0].Confidence != store.ClaimConfidence {
			t.Errorf("claim in the review list: %+v", waiting)
		}
	})
}
