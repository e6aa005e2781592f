package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/cooperation/depth"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// coopFixture creates three organisations (Kazakhstan, China, Germany)
// and returns their ids.
func coopFixture(t *testing.T, st *store.Store) (kz, cn, de string) {
	t.Helper()
	ids := make([]string, 3)
	for i, o := range []struct{ name, country string }{{"Al-Farabi University", "KZ"}, {"Tsinghua University", "CN"}, {"TU Berlin", "DE"}} {
		org := newOrg(o.name, o.country)
		if err := st.CreateOrganisation(ctx, store.Actor{}, org); err != nil {
			t.Fatal(err)
		}
		ids[i] = org.ID
	}
	return ids[0], ids[1], ids[2]
}

func newCoop(coordinator string, others ...string) *cooperation.Cooperation {
	c := &cooperation.Cooperation{Title: "Solar desalination", Summary: "Membranes for brackish water", Fields: []string{"2.7"},
		StartDate: "2023-03-01", Source: cooperation.Source{Kind: cooperation.SourceManual},
		Partners: []cooperation.Partner{{OrgID: coordinator, Role: cooperation.RoleCoordinator}}}
	for _, o := range others {
		c.Partners = append(c.Partners, cooperation.Partner{OrgID: o, Role: cooperation.RoleParticipant})
	}
	return c
}

func countRows(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCooperations_CreateReadsBackWithPartnersCountriesAndFirstStage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		kz, cn, _ := coopFixture(t, st)
		c := newCoop(kz, cn)
		if err := st.CreateCooperation(ctx, store.Actor{}, c); err != nil {
			t.Fatal(err)
		}
		got, err := st.Cooperation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Stage != cooperation.Exchange || got.StageSince != "2023-03-01" {
			t.Errorf("stage %q since %q, want exchange since the start date", got.Stage, got.StageSince)
		}
		if len(got.Partners) != 2 || got.Partners[0].OrgID != kz || got.Partners[0].Role != cooperation.RoleCoordinator {
			t.Errorf("partners %+v", got.Partners)
		}
		if len(got.Countries) != 2 || got.Countries[0] != "CN" || got.Countries[1] != "KZ" {
			t.Errorf("countries %v, want [CN KZ]", got.Countries)
		}
		if !got.Partners[0].BRIPartner || !got.Partners[0].Named {
			t.Errorf("Kazakh partner should be a named BRI partner: %+v", got.Partners[0])
		}
		if len(got.History) != 1 || got.History[0].From != "" || got.History[0].To != cooperation.Exchange {
			t.Errorf("history %+v, want one starting entry", got.History)
		}
		list, err := st.CooperationsOfOrganisation(ctx, cn)
		if err != nil || len(list) != 1 || list[0].ID != c.ID {
			t.Errorf("CooperationsOfOrganisation = %v, %v", list, err)
		}
		found, page, err := st.Cooperations(ctx, cooperation.Filter{Query: "desalination", Country: "KZ", Country2: "CN", Field: "2"})
		if err != nil || page.Total != 1 || len(found) != 1 {
			t.Errorf("filtered list = %d (%v), want the cooperation", page.Total, err)
		}
		none, page, err := st.Cooperations(ctx, cooperation.Filter{Country: "DE"})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 0 || len(none) != 0 {
			t.Errorf("a German filter found %d", page.Total)
		}
	})
}

func TestCooperations_CreateRefusesBadInputAndStoresNothing(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		kz, cn, de := coopFixture(t, st)
		cases := []struct {
			name  string
			edit  func(c *cooperation.Cooperation)
			field string
		}{
			{"one partner", func(c *cooperation.Cooperation) { c.Partners = c.Partners[:1] }, "partners"},
			{"no coordinator", func(c *cooperation.Cooperation) { c.Partners[0].Role = cooperation.RoleParticipant }, "partners"},
			{"two coordinators", func(c *cooperation.Cooperation) { c.Partners[1].Role = cooperation.RoleCoordinator }, "partners"},
			{"same organisation twice", func(c *cooperation.Cooperation) { c.Partners[1].OrgID = kz }, "partners"},
			{"unknown organisation", func(c *cooperation.Cooperation) { c.Partners[1].OrgID = silkbridge.NewID() }, "partners"},
			{"unknown role", func(c *cooperation.Cooperation) { c.Partners[1].Role = "boss" }, "partners"},
			{"no title", func(c *cooperation.Cooperation) { c.Title = " " }, "title"},
			{"bad stage", func(c *cooperation.Cooperation) { c.Stage = "friendship" }, "stage"},
			{"bad field", func(c *cooperation.Cooperation) { c.Fields = []string{"9.9"} }, "fields"},
			{"bad date", func(c *cooperation.Cooperation) { c.StartDate = "2023-02-30" }, "start_date"},
			{"end before start", func(c *cooperation.Cooperation) { c.EndDate = "2022-01-01" }, "end_date"},
			{"event without ref", func(c *cooperation.Cooperation) { c.Source = cooperation.Source{Kind: cooperation.SourceEvent} }, "source_ref"},
			{"unknown source", func(c *cooperation.Cooperation) { c.Source = cooperation.Source{Kind: "rumour"} }, "source_kind"},
			{"negative funding", func(c *cooperation.Cooperation) { c.Funding = -1 }, "funding_eur"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := newCoop(kz, cn, de)
				tc.edit(c)
				err := st.CreateCooperation(ctx, store.Actor{}, c)
				assertFieldError(t, err, tc.field)
			})
		}
		if n := countRows(t, st, "cooperations"); n != 0 {
			t.Errorf("%d cooperations stored from bad input", n)
		}
	})
}

func assertFieldError(t *testing.T, err error, field string) {
	t.Helper()
	var e *silkbridge.Error
	if !errors.As(err, &e) || e.Code != silkbridge.EINVALID {
		t.Fatalf("err = %v, want an invalid-input error on %s", err, field)
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return
		}
	}
	t.Errorf("problems %+v do not name %s", e.Fields, field)
}

func TestCooperations_ChangeStageKeepsHistoryAndRefusesBadChanges(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		kz, cn, _ := coopFixture(t, st)
		c := newCoop(kz, cn)
		if err := st.CreateCooperation(ctx, store.Actor{}, c); err != nil {
			t.Fatal(err)
		}
		note := cooperation.Evidence{Kind: cooperation.EvidenceNote, Note: "joint proposal funded"}
		later := time.Now().UTC().AddDate(0, 0, 2).Format(cooperation.DateLayout)
		bad := []struct {
			name, stage, date string
			ev                cooperation.Evidence
			field             string
		}{
			{"same stage", cooperation.Exchange, "2023-09-01", note, "stage"},
			{"unknown stage", "marriage", "2023-09-01", note, "stage"},
			{"before the last change", cooperation.JointResearch, "2023-01-01", note, "date"},
			{"in the future", cooperation.JointResearch, later, note, "date"},
			{"not a date", cooperation.JointResearch, "1 Sept", note, "date"},
			{"no evidence", cooperation.JointResearch, "2023-09-01", cooperation.Evidence{Kind: cooperation.EvidenceNote}, "evidence"},
			{"unknown output", cooperation.JointResearch, "2023-09-01", cooperation.Evidence{Kind: cooperation.EvidenceOutput, Ref: silkbridge.NewID()}, "evidence_ref"},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				_, err := st.ChangeStage(ctx, store.Actor{}, c.ID, tc.stage, tc.date, tc.ev)
				assertFieldError(t, err, tc.field)
			})
		}
		if n := countRows(t, st, "stage_changes"); n != 1 {
			t.Fatalf("%d stage changes after refused changes, want only the first", n)
		}
		out := &cooperation.Output{Kind: cooperation.OutputPublication, Title: "Brackish water membranes", Date: "2023-08-15"}
		if err := st.AddOutput(ctx, store.Actor{}, c.ID, out); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ChangeStage(ctx, store.Actor{}, c.ID, cooperation.JointResearch, "2023-09-01", note); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ChangeStage(ctx, store.Actor{}, c.ID, cooperation.JointLab, "2024-02-01",
			cooperation.Evidence{Kind: cooperation.EvidenceOutput, Ref: out.ID}); err != nil {
			t.Fatal(err)
		}
		got, err := st.Cooperation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Stage != cooperation.JointLab || got.StageSince != "2024-02-01" {
			t.Errorf("stage %s since %s", got.Stage, got.StageSince)
		}
		var steps []string
		for _, h := range got.History {
			steps = append(steps, h.From+">"+h.To+"@"+h.Date)
		}
		want := []string{">exchange@2023-03-01", "exchange>joint_research@2023-09-01", "joint_research>joint_lab@2024-02-01"}
		if len(steps) != len(want) {
			t.Fatalf("history %v, want %v", steps, want)
		}
		for i := range want {
			if steps[i] != want[i] {
				t.Errorf("step %d = %s, want %s", i, steps[i], want[i])
			}
		}
		if len(got.Outputs) != 1 {
			t.Errorf("outputs %+v", got.Outputs)
		}
	})
}

func TestCooperations_AddPartnerKeepsOneCoordinator(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		kz, cn, de := coopFixture(t, st)
		c := newCoop(kz, cn)
		if err := st.CreateCooperation(ctx, store.Actor{}, c); err != nil {
			t.Fatal(err)
		}
		assertFieldError(t, st.AddPartner(ctx, store.Actor{}, c.ID, cooperation.Partner{OrgID: de, Role: cooperation.RoleCoordinator}), "role")
		assertFieldError(t, st.AddPartner(ctx, store.Actor{}, c.ID, cooperation.Partner{OrgID: cn}), "organisation_id")
		assertFieldError(t, st.AddPartner(ctx, store.Actor{}, c.ID, cooperation.Partner{OrgID: silkbridge.NewID()}), "organisation_id")
		if err := st.AddPartner(ctx, store.Actor{}, c.ID, cooperation.Partner{OrgID: de, Role: cooperation.RolePartner}); err != nil {
			t.Fatal(err)
		}
		got, err := st.Cooperation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Partners) != 3 || len(got.Countries) != 3 || got.Partners[2].OrgID != de {
			t.Errorf("partners %+v countries %v", got.Partners, got.Countries)
		}
	})
}

func TestAgreements_FilterByCountryPairAndKindAndLinkCooperations(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		kz, cn, _ := coopFixture(t, st)
		a := &cooperation.Agreement{Title: "China–Kazakhstan S&T cooperation agreement", Kind: cooperation.AgreementSTCooperation,
			SignedOn: "2019-09-11", Parties: []cooperation.Party{{Kind: cooperation.PartyCountry, Country: "cn"}, {Kind: cooperation.PartyOrganisation, OrgID: kz}}}
		if err := st.CreateAgreement(ctx, store.Actor{}, a); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []*cooperation.Agreement{
			{Title: "x", Kind: "friendship", SignedOn: "2019-01-01", Parties: a.Parties},
			{Title: "x", Kind: cooperation.AgreementJointLab, SignedOn: "2019-01-01", Parties: a.Parties[:1]},
			{Title: "x", Kind: cooperation.AgreementJointLab, SignedOn: "2019-01-01", ExpiresOn: "2018-01-01", Parties: a.Parties},
			{Title: "x", Kind: cooperation.AgreementJointLab, SignedOn: "2019-01-01", Parties: []cooperation.Party{{Country: "CN"}, {Country: "ZZ"}}},
		} {
			if err := st.CreateAgreement(ctx, store.Actor{}, bad); silkbridge.ErrorCode(err) != silkbridge.EINVALID {
				t.Errorf("bad agreement %+v: err %v", bad, err)
			}
		}
		if n := countRows(t, st, "agreements"); n != 1 {
			t.Errorf("%d agreements stored, want 1", n)
		}
		list, p, err := st.Agreements(ctx, cooperation.AgreementFilter{Country: "KZ", Country2: "CN", Kind: cooperation.AgreementSTCooperation})
		if err != nil || p.Total != 1 || len(list[0].Countries) != 2 {
			t.Fatalf("country pair filter: %v %+v", err, p)
		}
		_, p, err = st.Agreements(ctx, cooperation.AgreementFilter{Country: "KZ", Country2: "DE"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 0 {
			t.Errorf("KZ-DE found %d", p.Total)
		}
		c := newCoop(kz, cn)
		if err := st.CreateCooperation(ctx, store.Actor{}, c); err != nil {
			t.Fatal(err)
		}
		if err := st.LinkCooperation(ctx, store.Actor{}, a.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		got, err := st.Agreement(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.CooperationIDs) != 1 || got.CooperationIDs[0] != c.ID {
			t.Errorf("linked cooperations %v", got.CooperationIDs)
		}
		coop, err := st.Cooperation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(coop.AgreementIDs) != 1 {
			t.Errorf("cooperation agreements %v", coop.AgreementIDs)
		}
		if err := st.DeleteAgreement(ctx, store.Actor{}, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Cooperation(ctx, c.ID); err != nil {
			t.Errorf("cooperation gone with its agreement: %v", err)
		}
		var n int
		if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM agreement_cooperations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d links left", n)
		}
	})
}

func TestDepthHistories_FeedTheAnalyticsAndShallowListsTheWaiting(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		kz, cn, de := coopFixture(t, st)
		note := cooperation.Evidence{Kind: cooperation.EvidenceNote, Note: "joint call won"}
		moved := newCoop(kz, cn)
		moved.StartDate = "2021-01-01"
		waiting := newCoop(cn, de)
		waiting.StartDate = "2020-01-01"
		recent := newCoop(de, kz)
		recent.StartDate = time.Now().UTC().Format(cooperation.DateLayout)
		for _, c := range []*cooperation.Cooperation{moved, waiting, recent} {
			if err := st.CreateCooperation(ctx, store.Actor{}, c); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.ChangeStage(ctx, store.Actor{}, moved.ID, cooperation.JointResearch, "2021-07-01", note); err != nil {
			t.Fatal(err)
		}
		hs, err := st.DepthHistories(ctx, cooperation.Filter{})
		if err != nil || len(hs) != 3 {
			t.Fatalf("histories %d, %v", len(hs), err)
		}
		r := depth.Compute(hs, depth.Period{})
		if r.Counts[0] != 2 || r.Counts[1] != 1 || r.Transitions[0][1] != 1 || r.Medians[0].Days != 181 {
			t.Errorf("counts %v, transitions %v, median %+v", r.Counts, r.Transitions, r.Medians[0])
		}
		if len(r.ByCountryPair) != 3 {
			t.Errorf("pairs %+v", r.ByCountryPair)
		}
		pair, err := st.DepthHistories(ctx, cooperation.Filter{Country: "KZ", Country2: "CN"})
		if err != nil {
			t.Fatal(err)
		}
		if len(pair) != 1 || pair[0].ID != moved.ID {
			t.Errorf("KZ-CN histories %+v", pair)
		}
		shallow, p, err := st.ShallowCooperations(ctx, 12, cooperation.Filter{})
		if err != nil || p.Total != 1 || shallow[0].ID != waiting.ID {
			t.Errorf("shallow after 12 months: %d %v", p.Total, err)
		}
		_, p, err = st.ShallowCooperations(ctx, 0, cooperation.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 2 {
			t.Errorf("shallow after 0 months: %d, want both cooperations at exchange", p.Total)
		}
	})
}

func TestCooperations_UpdateChangesDetailsOnlyAndDeleteRemovesEverything(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		kz, cn, _ := coopFixture(t, st)
		c := newCoop(kz, cn)
		if err := st.CreateCooperation(ctx, store.Actor{}, c); err != nil {
			t.Fatal(err)
		}
		after, err := st.UpdateCooperation(ctx, store.Actor{}, c.ID, func(x *cooperation.Cooperation) {
			x.Title, x.Keywords = "Solar desalination pilots", []string{"membranes", "brackish water"}
			x.Stage, x.Partners = cooperation.Commercialisation, nil // not the details' to change
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.Cooperation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Solar desalination pilots" || got.Stage != cooperation.Exchange || len(got.Partners) != 2 || after.Stage != cooperation.Exchange {
			t.Errorf("after update: %q at %s with %d partners", got.Title, got.Stage, len(got.Partners))
		}
		_, p, err := st.Cooperations(ctx, cooperation.Filter{Query: "brackish"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 1 {
			t.Errorf("the new keywords are not searchable: %d", p.Total)
		}
		_, err = st.UpdateCooperation(ctx, store.Actor{}, c.ID, func(x *cooperation.Cooperation) { x.EndDate = "2000-01-01" })
		assertFieldError(t, err, "end_date")
		if err := st.DeleteCooperation(ctx, store.Actor{}, c.ID); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"cooperations", "cooperation_partners", "stage_changes"} {
			if n := countRows(t, st, table); n != 0 {
				t.Errorf("%d rows left in %s", n, table)
			}
		}
		_, p, err = st.Cooperations(ctx, cooperation.Filter{Query: "brackish"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 0 {
			t.Errorf("a deleted cooperation is still found")
		}
	})
}
