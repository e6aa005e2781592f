package store_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/match"
	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
	"github.com/silkbridge/silkbridge/talent"
)

// progFixture is a programme open for applications with two hosts: a
// large university with two seats under a regional cap of one, and a
// small institute with one seat; and three talents.
type progFixture struct {
	officer            store.Actor
	prog               *programme.Programme
	big, small         *programme.Position
	largeOrg, smallOrg string
	talents            []*talent.Profile
}

func newProgFixture(t *testing.T, st *store.Store) *progFixture {
	t.Helper()
	f := &progFixture{}
	u, err := st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: "officer@example.org", Name: "Officer", Password: "amber-lantern-42"}, account.Officer)
	if err != nil {
		t.Fatal(err)
	}
	f.officer = store.Actor{UserID: u.ID}
	a := &cooperation.Agreement{Title: "China–Kazakhstan talent training", Kind: cooperation.AgreementTalentTraining, SignedOn: "2024-05-01",
		Parties: []cooperation.Party{{Kind: cooperation.PartyCountry, Country: "CN"}, {Kind: cooperation.PartyCountry, Country: "KZ"}}}
	if err := st.CreateAgreement(ctx, f.officer, a); err != nil {
		t.Fatal(err)
	}
	large, small := newOrg("Tsinghua University", "CN"), newOrg("Xinjiang Institute", "CN")
	if err := st.CreateOrganisation(ctx, store.Actor{}, large); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateOrganisation(ctx, store.Actor{}, small); err != nil {
		t.Fatal(err)
	}
	f.largeOrg, f.smallOrg = large.ID, small.ID
	f.prog = &programme.Programme{AgreementID: a.ID, Title: "Silk Road doctoral fellowships", MaxChoices: 2,
		OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(time.Hour),
		Eligibility: programme.Eligibility{Nationalities: []string{"KZ"}, BRIPartners: true, CareerStages: []string{"doctoral", "early"}}}
	if err := st.CreateProgramme(ctx, f.officer, f.prog); err != nil {
		t.Fatal(err)
	}
	f.big = &programme.Position{OrgID: large.ID, Title: "AI fellow", Capacity: 2}
	f.small = &programme.Position{OrgID: small.ID, Title: "Water fellow", Capacity: 1, RankMode: programme.RankByScore}
	for _, pos := range []*programme.Position{f.big, f.small} {
		if err := st.AddPosition(ctx, f.officer, f.prog.ID, pos); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.SetConstraints(ctx, f.officer, f.prog.ID, programme.ConstraintSet{
		Regions: []programme.Region{{ID: "large", Name: "Large institutions", Hosts: []string{large.ID}, Cap: 1}}}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ name, country string }{{"Aigerim", "KZ"}, {"Bilal", "PK"}, {"Dana", "KZ"}} {
		pr := &talent.Profile{Name: p.name, Country: p.country, CareerStage: "doctoral"}
		if err := st.CreateTalent(ctx, store.Actor{}, pr); err != nil {
			t.Fatal(err)
		}
		f.talents = append(f.talents, pr)
	}
	return f
}

func (f *progFixture) apply(t *testing.T, st *store.Store, i int, choices ...string) *programme.Application {
	t.Helper()
	a, _, err := st.SaveApplication(ctx, store.Actor{}, f.prog.ID, f.talents[i].ID, programme.Application{Choices: choices, Statement: "I want to train here."})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func progCode(err error) string { return silkbridge.ErrorCode(err) }

func TestProgrammes_CreateReadsBackAndRefusesOtherAgreementKinds(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f := newProgFixture(t, st)
		got, err := st.Programme(ctx, f.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.AgreementTitle == "" || len(got.Positions) != 2 || got.Positions[0].OrgName != "Tsinghua University" ||
			got.Constraints.Regions[0].Cap != 1 || got.Positions[1].RankMode != programme.RankByScore || got.OfficerID != f.officer.UserID {
			t.Fatalf("read back %+v", got)
		}
		if !reflect.DeepEqual(got.Eligibility.Nationalities, []string{"KZ"}) || !got.Eligibility.BRIPartners {
			t.Fatalf("eligibility %+v", got.Eligibility)
		}
		list, page, err := st.Programmes(ctx, programme.Filter{Open: true, Query: "doctoral"})
		if err != nil || page.Total != 1 || list[0].ID != f.prog.ID {
			t.Fatalf("open programmes found by search: %d (%v)", page.Total, err)
		}
		other := &cooperation.Agreement{Title: "Joint lab", Kind: cooperation.AgreementJointLab, SignedOn: "2024-05-01",
			Parties: []cooperation.Party{{Kind: cooperation.PartyCountry, Country: "CN"}, {Kind: cooperation.PartyCountry, Country: "RS"}}}
		if err := st.CreateAgreement(ctx, f.officer, other); err != nil {
			t.Fatal(err)
		}
		p := &programme.Programme{AgreementID: other.ID, Title: "X", MaxChoices: 1, OpensAt: time.Now(), ClosesAt: time.Now().Add(time.Hour)}
		err = st.CreateProgramme(ctx, f.officer, p)
		if fe := progFieldsOf(err); !reflect.DeepEqual(fe, []string{"agreement_id"}) {
			t.Fatalf("a joint-lab agreement: %v", err)
		}
		_, page, err = st.Programmes(ctx, programme.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 1 {
			t.Fatalf("a refused programme was stored: %d programmes", page.Total)
		}
	})
}

func progFieldsOf(err error) []string {
	e, ok := errors.AsType[*silkbridge.Error](err)
	if !ok {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestApplications_WindowEligibilityAndListRulesHold(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f := newProgFixture(t, st)
		fr := &talent.Profile{Name: "Claire", Country: "FR", CareerStage: "doctoral"}
		if err := st.CreateTalent(ctx, store.Actor{}, fr); err != nil {
			t.Fatal(err)
		}
		_, _, err := st.SaveApplication(ctx, store.Actor{}, f.prog.ID, fr.ID, programme.Application{Choices: []string{f.big.ID}, Statement: "x"})
		if got := progFieldsOf(err); !reflect.DeepEqual(got, []string{"nationality"}) {
			t.Fatalf("a French talent: %v", err)
		}
		_, _, err = st.SaveApplication(ctx, store.Actor{}, f.prog.ID, f.talents[0].ID,
			programme.Application{Choices: []string{f.big.ID, f.small.ID, f.big.ID}, Statement: "x"})
		if got := progFieldsOf(err); !reflect.DeepEqual(got, []string{"choices", "choices.2"}) {
			t.Fatalf("a list too long: %v", err)
		}
		if n := countRows(t, st, "programme_applications"); n != 0 {
			t.Fatalf("refused applications were stored: %d", n)
		}
		a := f.apply(t, st, 0, f.big.ID, f.small.ID)
		again, created, err := st.SaveApplication(ctx, store.Actor{}, f.prog.ID, f.talents[0].ID,
			programme.Application{Choices: []string{f.small.ID}, Statement: "Changed my mind."})
		if err != nil || created || again.ID != a.ID || !reflect.DeepEqual(again.Choices, []string{f.small.ID}) {
			t.Fatalf("replacing the list: %+v created=%v (%v)", again, created, err)
		}
		got, err := st.ApplicationOf(ctx, f.prog.ID, f.talents[0].ID)
		if err != nil || !reflect.DeepEqual(got.Choices, []string{f.small.ID}) || got.Statement != "Changed my mind." || got.Country != "KZ" {
			t.Fatalf("read back %+v (%v)", got, err)
		}
		entries, err := st.AuditLog(ctx, nil, "application", a.ID, 10)
		if err != nil || len(entries) != 2 || entries[0].Before == "" || entries[0].After == "" {
			t.Fatalf("audit of the application: %+v (%v)", entries, err)
		}
		if err := st.CloseApplications(ctx, f.officer, f.prog.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = st.SaveApplication(ctx, store.Actor{}, f.prog.ID, f.talents[1].ID, programme.Application{Choices: []string{f.big.ID}, Statement: "x"})
		if progCode(err) != silkbridge.ECONFLICT {
			t.Fatalf("applying after the window closed: %v", err)
		}
		if err := st.WithdrawApplication(ctx, store.Actor{}, f.prog.ID, f.talents[0].ID); progCode(err) != silkbridge.ECONFLICT {
			t.Fatalf("withdrawing after the window closed: %v", err)
		}
	})
}

func TestRankingsRunsAndPublication(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f := newProgFixture(t, st)
		apps := []*programme.Application{
			f.apply(t, st, 0, f.big.ID, f.small.ID),
			f.apply(t, st, 1, f.big.ID, f.small.ID),
			f.apply(t, st, 2, f.big.ID, f.small.ID),
		}
		one, two, three := 1.0, 2.0, 3.0
		if err := st.SetRanking(ctx, store.Actor{}, f.prog.ID, f.big.ID, []programme.RankEntry{
			{ApplicationID: apps[0].ID, Value: &one}, {ApplicationID: apps[1].ID, Value: &two}, {ApplicationID: apps[2].ID, Value: &three}}); err != nil {
			t.Fatal(err)
		}
		err := st.SetRanking(ctx, store.Actor{}, f.prog.ID, f.small.ID, []programme.RankEntry{{ApplicationID: "stranger", Value: &one}})
		if got := progFieldsOf(err); !reflect.DeepEqual(got, []string{"entries.0.application_id"}) {
			t.Fatalf("ranking a stranger: %v", err)
		}
		nine, five := 9.0, 5.0
		if err := st.SetRanking(ctx, store.Actor{}, f.prog.ID, f.small.ID, []programme.RankEntry{
			{ApplicationID: apps[2].ID, Value: &nine}, {ApplicationID: apps[1].ID, Value: &five}, {ApplicationID: apps[0].ID, Excluded: true}}); err != nil {
			t.Fatal(err)
		}
		applicants, err := st.PositionApplicants(ctx, f.prog.ID, f.small.ID)
		if err != nil || len(applicants) != 3 || applicants[0].TalentName != "Dana" || !applicants[2].Excluded || applicants[0].Choice != 2 {
			t.Fatalf("the small host's applicants in its order: %+v (%v)", applicants, err)
		}

		run := func(alg string) *programme.Run {
			seed := int64(7)
			r, err := st.CreateRun(ctx, f.officer, f.prog.ID, programme.RunParams{Algorithm: alg, Seed: &seed})
			if err != nil {
				t.Fatal(err)
			}
			snap, err := st.ProgrammeSnapshot(ctx, f.prog.ID)
			if err != nil {
				t.Fatal(err)
			}
			out, err := programme.Execute(snap, match.Algorithm(alg), r.Seed, func(stage string, pct int) {
				if err := st.RunProgress(ctx, r.ID, stage, pct); err != nil {
					t.Error(err)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := st.FinishRun(ctx, r.ID, snap.Version, out, nil); err != nil {
				t.Fatal(err)
			}
			r, err = st.Run(ctx, f.prog.ID, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		da, fda := run("da"), run("fda")
		if da.Status != programme.RunDone || da.Matched != 3 || fda.Matched != 2 || fda.Balance.Regions[0].Placed != 1 || da.InputSHA256 != fda.InputSHA256 {
			t.Fatalf("runs: da %+v, fda %+v", da, fda)
		}
		pl, err := st.PlacementOf(ctx, fda.ID, apps[1].ID)
		if err != nil || pl.PositionID != "" || len(pl.Refusals) != 2 || pl.Refusals[0].Reason != "regional-cap" || pl.TalentName != "Bilal" {
			t.Fatalf("Bilal's result under fda: %+v (%v)", pl, err)
		}
		intake, page, err := st.Placements(ctx, fda.ID, store.PlacementFilter{OrgID: f.largeOrg})
		if err != nil || page.Total != 1 || intake[0].TalentName != "Aigerim" {
			t.Fatalf("the large host's intake: %+v (%v)", intake, err)
		}
		inst, err := st.RunInstance(ctx, f.prog.ID, fda.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := match.ReadInstance(bytes.NewReader(inst)); err != nil {
			t.Fatalf("the kept instance does not read: %v", err)
		}

		if err := st.PublishRun(ctx, f.officer, f.prog.ID, fda.ID); progCode(err) != silkbridge.ECONFLICT {
			t.Fatalf("publishing while the window is open: %v", err)
		}
		if err := st.CloseApplications(ctx, f.officer, f.prog.ID); err != nil {
			t.Fatal(err)
		}
		// A host changes its ranking after the runs: they are stale.
		if err := st.SetRanking(ctx, store.Actor{}, f.prog.ID, f.small.ID, []programme.RankEntry{{ApplicationID: apps[2].ID, Value: &nine}}); err != nil {
			t.Fatal(err)
		}
		if err := st.PublishRun(ctx, f.officer, f.prog.ID, fda.ID); progCode(err) != silkbridge.ECONFLICT {
			t.Fatalf("publishing a stale run: %v", err)
		}
		if err := st.SetRanking(ctx, store.Actor{}, f.prog.ID, f.small.ID, []programme.RankEntry{
			{ApplicationID: apps[2].ID, Value: &nine}, {ApplicationID: apps[1].ID, Value: &five}, {ApplicationID: apps[0].ID, Excluded: true}}); err != nil {
			t.Fatal(err)
		}
		// Back to the data the run read: the hash matches again.
		if err := st.PublishRun(ctx, f.officer, f.prog.ID, fda.ID); err != nil {
			t.Fatalf("publishing fda: %v", err)
		}
		p, err := st.Programme(ctx, f.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.PublishedRunID != fda.ID || p.State(time.Now()) != programme.Published {
			t.Fatalf("programme after publication: %+v", p)
		}
		if err := st.PublishRun(ctx, f.officer, f.prog.ID, da.ID); progCode(err) != silkbridge.ECONFLICT {
			t.Fatalf("publishing a second run: %v", err)
		}
		if err := st.SetRanking(ctx, store.Actor{}, f.prog.ID, f.big.ID, nil); progCode(err) != silkbridge.ECONFLICT {
			t.Fatalf("ranking after publication: %v", err)
		}
		if _, err := st.SetConstraints(ctx, f.officer, f.prog.ID, programme.ConstraintSet{}); progCode(err) != silkbridge.ECONFLICT {
			t.Fatalf("constraints after publication: %v", err)
		}
		entries, err := st.AuditLog(ctx, nil, "programme", f.prog.ID, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 || entries[0].Action != "publish" {
			t.Fatalf("publication not audited: %+v", entries)
		}
	})
}

func TestPositions_RefusedChangesLeaveEverythingAsItWas(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f := newProgFixture(t, st)
		f.apply(t, st, 0, f.big.ID)
		before, err := st.Programme(ctx, f.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.DeletePosition(ctx, f.officer, f.prog.ID, f.big.ID); progCode(err) != silkbridge.ECONFLICT {
			t.Fatalf("deleting a listed position: %v", err)
		}
		_, err = st.UpdatePosition(ctx, f.officer, f.prog.ID, f.big.ID, func(p *programme.Position) { p.OrgID = f.smallOrg })
		if got := progFieldsOf(err); !reflect.DeepEqual(got, []string{"organisation_id"}) {
			t.Fatalf("moving a listed position to another host: %v", err)
		}
		// The small host is in no region; deleting its only position is fine
		// until a region names it.
		if _, err := st.SetConstraints(ctx, f.officer, f.prog.ID, programme.ConstraintSet{Regions: []programme.Region{
			{ID: "large", Name: "Large", Hosts: []string{f.largeOrg}, Cap: 1}, {ID: "rest", Name: "Rest", Hosts: []string{f.smallOrg}, Cap: 1}}}); err != nil {
			t.Fatal(err)
		}
		if err := st.DeletePosition(ctx, f.officer, f.prog.ID, f.small.ID); progCode(err) != silkbridge.ECONFLICT {
			t.Fatalf("deleting the last position of a host in a region: %v", err)
		}
		_, err = st.SetConstraints(ctx, f.officer, f.prog.ID, programme.ConstraintSet{Regions: []programme.Region{
			{ID: "large", Name: "Large", Hosts: []string{f.largeOrg, "elsewhere"}, Cap: 1}}})
		if got := progFieldsOf(err); !reflect.DeepEqual(got, []string{"regions.0.hosts"}) {
			t.Fatalf("a region with a stranger: %v", err)
		}
		after, err := st.Programme(ctx, f.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(after.Positions) != 2 || after.Positions[0].OrgID != f.largeOrg || len(after.Constraints.Regions) != 2 {
			t.Fatalf("refused changes changed the programme: %+v", after)
		}
		if after.Title != before.Title {
			t.Fatal("title changed")
		}
	})
}

func TestDeleteUser_RemovesTheirApplications(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f := newProgFixture(t, st)
		u, err := st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: "t@example.org", Name: "T", Password: "amber-lantern-42"}, account.Member)
		if err != nil {
			t.Fatal(err)
		}
		pr := &talent.Profile{UserID: u.ID, Name: "Timur", Country: "KZ", CareerStage: "early"}
		if err := st.CreateTalent(ctx, store.Actor{UserID: u.ID}, pr); err != nil {
			t.Fatal(err)
		}
		a, _, err := st.SaveApplication(ctx, store.Actor{UserID: u.ID}, f.prog.ID, pr.ID, programme.Application{Choices: []string{f.big.ID}, Statement: "My secret plans"})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteUser(ctx, store.Actor{UserID: u.ID}, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, st, "programme_applications"); n != 0 {
			t.Fatalf("%d applications left", n)
		}
		entries, err := st.AuditLog(ctx, nil, "application", a.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.After != "" && e.After != `{"erased":true}` {
				t.Fatalf("the audit log still holds the application: %s", e.After)
			}
		}
	})
}
