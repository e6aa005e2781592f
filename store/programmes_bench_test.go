package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/match"
	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
	"github.com/silkbridge/silkbridge/talent"
)

// BenchmarkProgrammeRun_ThroughTheStore measures what a run adds to the
// matching itself on SQLite: reading the programme's snapshot, and
// writing the result (placements with their reasons, the kept instance,
// the balance report), for a programme of 3,000 talents and 200 positions.
func BenchmarkProgrammeRun_ThroughTheStore(b *testing.B) {
	st := storetest.New(b, store.SQLite)
	const talents, positions = 3000, 200
	a := &cooperation.Agreement{Title: "Bench", Kind: cooperation.AgreementTalentTraining, SignedOn: "2024-01-01",
		Parties: []cooperation.Party{{Kind: cooperation.PartyCountry, Country: "CN"}, {Kind: cooperation.PartyCountry, Country: "KZ"}}}
	if err := st.CreateAgreement(ctx, store.Actor{}, a); err != nil {
		b.Fatal(err)
	}
	p := &programme.Programme{AgreementID: a.ID, Title: "Bench", MaxChoices: 10, OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(time.Hour)}
	if err := st.CreateProgramme(ctx, store.Actor{}, p); err != nil {
		b.Fatal(err)
	}
	var ids []string
	for i := range positions {
		o := newOrg(fmt.Sprintf("Host %d", i), "CN")
		if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
			b.Fatal(err)
		}
		pos := &programme.Position{OrgID: o.ID, Title: "Fellow", Capacity: 1 + i%12}
		if err := st.AddPosition(ctx, store.Actor{}, p.ID, pos); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, pos.ID)
	}
	for i := range talents {
		t := &talent.Profile{Name: fmt.Sprintf("Talent %d", i), Country: []string{"KZ", "UZ", "PK"}[i%3]}
		if err := st.CreateTalent(ctx, store.Actor{}, t); err != nil {
			b.Fatal(err)
		}
		var choices []string
		for k := range 10 {
			choices = append(choices, ids[(i*7+k*k*13)%positions])
		}
		if _, _, err := st.SaveApplication(ctx, store.Actor{}, p.ID, t.ID, programme.Application{Choices: progDedupe(choices), Statement: "x"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		run, err := st.CreateRun(ctx, store.Actor{}, p.ID, programme.RunParams{Algorithm: "da"})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		snap, err := st.ProgrammeSnapshot(ctx, p.ID)
		if err != nil {
			b.Fatal(err)
		}
		out, err := programme.Execute(snap, match.DA, run.Seed, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := st.FinishRun(ctx, run.ID, snap.Version, out, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func progDedupe(list []string) []string {
	seen := map[string]bool{}
	out := list[:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
