package main

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"time"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/match"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/talent"
)

// The demonstration talent-training programme: a sample agreement, five
// sample host institutions (two large ones under a regional cap), thirty
// sample talents who applied, the hosts' rankings, a da and an fda run,
// and the fda result published, so that a newcomer sees the balance
// report, the Lorenz curves and every talent's explained result. A second
// sample programme is open for applications. Every record is marked sample.
func init() {
	demoLoaders = append(demoLoaders, demoLoader{name: "talent-training programme samples", load: loadProgrammeDemo})
}

const demoProgrammeTitle = "Silk Road joint doctoral training in water and energy (sample)"

func loadProgrammeDemo(ctx context.Context, st *store.Store, log *slog.Logger) error {
	found, _, err := st.Programmes(ctx, programme.Filter{Query: "Silk Road joint doctoral training", PerPage: 100})
	if err != nil {
		return err
	}
	for _, p := range found {
		if p.Sample && p.Title == demoProgrammeTitle {
			log.Info("programme samples already loaded", "programme", p.ID)
			return nil
		}
	}
	a := &cooperation.Agreement{Title: "Sample agreement on joint training of young scientists (China, Kazakhstan, Uzbekistan, Pakistan)",
		Kind: cooperation.AgreementTalentTraining, SignedOn: "2024-09-01", ExpiresOn: "2029-08-31", Sample: true,
		Summary: "A sample talent-training agreement: the parties fund joint doctoral training places and publish the rules of selection.",
		Parties: []cooperation.Party{{Kind: cooperation.PartyCountry, Country: "CN"}, {Kind: cooperation.PartyCountry, Country: "KZ"},
			{Kind: cooperation.PartyCountry, Country: "UZ"}, {Kind: cooperation.PartyCountry, Country: "PK"}}}
	if err := st.CreateAgreement(ctx, store.Actor{}, a); err != nil {
		return fmt.Errorf("sample agreement: %w", err)
	}
	hosts := []*organisation.Organisation{
		{Name: "Yellow River University of Technology (sample)", Kind: organisation.University, Country: "CN", SizeClass: "large", Fields: []string{"2.7", "2.2"}},
		{Name: "Eastern Institute of Energy Sciences (sample)", Kind: organisation.ResearchInstitute, Country: "CN", SizeClass: "large", Fields: []string{"2.2"}},
		{Name: "Tianshan Water Research Centre (sample)", Kind: organisation.ResearchInstitute, Country: "CN", SizeClass: "medium", Fields: []string{"2.7", "1.5"}},
		{Name: "Almaty Polytechnic Institute (sample)", Kind: organisation.University, Country: "KZ", SizeClass: "medium", Fields: []string{"2.2", "2.7"}},
		{Name: "Samarkand Solar Laboratory (sample)", Kind: organisation.ResearchInstitute, Country: "UZ", SizeClass: "small", Fields: []string{"2.7"}},
	}
	for _, o := range hosts {
		o.Sample, o.Description = true, "A sample host institution of the sample talent-training programme."
		if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
			return fmt.Errorf("sample host %s: %w", o.Name, err)
		}
	}
	policies := []programme.Policy{{Title: "Visa fast track for programme participants (sample)"}, {Title: "Monthly stipend and health insurance paid by the host (sample)"}}
	p := &programme.Programme{AgreementID: a.ID, Title: demoProgrammeTitle, Sample: true, MaxChoices: 4,
		Summary: "Three-year joint doctoral training in water and energy engineering. Talents from partner countries rank up to four host positions; " +
			"hosts rank their applicants by a published rule; places are matched by flexible deferred acceptance with a cap on the two large institutions, " +
			"so that the other hosts also receive talents.",
		OpensAt: time.Now().Add(-30 * 24 * time.Hour), ClosesAt: time.Now().Add(24 * time.Hour),
		Eligibility: programme.Eligibility{Nationalities: []string{"KZ", "UZ", "PK", "KG", "TJ", "MN", "RS", "EG", "ZA", "BD", "MY"}, BRIPartners: true,
			CareerStages: []string{"student", "doctoral"}, Fields: []string{"2", "1.5"}},
		Policies: policies}
	if err := st.CreateProgramme(ctx, store.Actor{}, p); err != nil {
		return fmt.Errorf("sample programme: %w", err)
	}
	positions := []*programme.Position{
		{OrgID: hosts[0].ID, Title: "Doctoral fellow, hydraulic engineering", Capacity: 6, Fields: []string{"2.7"}, Language: "English, 中文", Stipend: "4500 CNY / month", RankRule: "Master's grades 50%, research proposal 50%"},
		{OrgID: hosts[1].ID, Title: "Doctoral fellow, power grids", Capacity: 5, Fields: []string{"2.2"}, Language: "English", Stipend: "4500 CNY / month", RankMode: programme.RankByScore, RankRule: "Interview score (0–100)"},
		{OrgID: hosts[2].ID, Title: "Doctoral fellow, glacier hydrology", Capacity: 3, Fields: []string{"2.7", "1.5"}, Language: "English, Русский", Stipend: "4000 CNY / month", Floor: 2},
		{OrgID: hosts[3].ID, Title: "Doctoral fellow, renewable energy", Capacity: 3, Fields: []string{"2.2"}, Language: "Русский, English", Stipend: "350 000 KZT / month", Floor: 1},
		{OrgID: hosts[4].ID, Title: "Doctoral fellow, solar drying", Capacity: 2, Fields: []string{"2.7"}, Language: "English", Stipend: "6 000 000 UZS / month", Floor: 1},
	}
	for _, pos := range positions {
		if err := st.AddPosition(ctx, store.Actor{}, p.ID, pos); err != nil {
			return fmt.Errorf("sample position %s: %w", pos.Title, err)
		}
	}
	if _, err := st.SetConstraints(ctx, store.Actor{}, p.ID, programme.ConstraintSet{
		Regions:       []programme.Region{{ID: "large", Name: "The large institutions", Hosts: []string{hosts[0].ID, hosts[1].ID}, Cap: 7}},
		CountryQuotas: []programme.CountryQuota{{ID: "pk", Country: "PK", Cap: 6}, {ID: "pk-large", Country: "PK", Region: "large", Cap: 3}},
	}); err != nil {
		return fmt.Errorf("sample constraints: %w", err)
	}
	apps, err := demoApplicants(ctx, st, p, positions)
	if err != nil {
		return err
	}
	if err := demoRankings(ctx, st, p, positions); err != nil {
		return err
	}
	if err := st.CloseApplications(ctx, store.Actor{}, p.ID); err != nil {
		return err
	}
	var published *programme.Run
	for i, alg := range []match.Algorithm{match.DA, match.FDA} {
		seed := int64(20250901)
		run, err := st.CreateRun(ctx, store.Actor{}, p.ID, programme.RunParams{Algorithm: string(alg), Seed: &seed,
			Label: []string{"without caps (sample)", "with the cap on large institutions (sample)"}[i]})
		if err != nil {
			return err
		}
		snap, err := st.ProgrammeSnapshot(ctx, p.ID)
		if err != nil {
			return err
		}
		out, err := programme.Execute(snap, alg, run.Seed, nil)
		if err != nil {
			return fmt.Errorf("sample run %s: %w", alg, err)
		}
		if err := st.FinishRun(ctx, run.ID, snap.Version, out, nil); err != nil {
			return err
		}
		log.Info("sample programme run", "algorithm", alg, "placed", out.Matched, "applicants", len(apps), "gini", fmt.Sprintf("%.3f", out.Balance.Gini))
		published = run
	}
	if err := st.PublishRun(ctx, store.Actor{}, p.ID, published.ID); err != nil {
		return fmt.Errorf("publish sample run: %w", err)
	}
	// A second programme, open for applications, to try applying.
	open := &programme.Programme{AgreementID: a.ID, Title: "Short research stays in smart agriculture (sample)", Sample: true, MaxChoices: 3,
		Summary: "Six-month research stays for early-career researchers from partner countries. Applications are open.",
		OpensAt: time.Now().Add(-24 * time.Hour), ClosesAt: time.Now().AddDate(0, 2, 0),
		Eligibility: programme.Eligibility{BRIPartners: true, CareerStages: []string{"doctoral", "early"}}, Policies: policies[:1]}
	if err := st.CreateProgramme(ctx, store.Actor{}, open); err != nil {
		return fmt.Errorf("sample open programme: %w", err)
	}
	for i, h := range []int{0, 2, 3} {
		pos := &programme.Position{OrgID: hosts[h].ID, Title: []string{"Visiting researcher, irrigation", "Visiting researcher, soil water", "Visiting researcher, agrivoltaics"}[i],
			Capacity: 2 + i%2, Fields: []string{"4.1"}, Language: "English"}
		if err := st.AddPosition(ctx, store.Actor{}, open.ID, pos); err != nil {
			return err
		}
	}
	log.Info("programme samples loaded", "published", p.ID, "open", open.ID)
	return nil
}

// demoTalents are made-up applicants from partner countries.
var demoTalents = []struct{ name, country, stage, field string }{
	{"Aigerim Sample", "KZ", "doctoral", "2.7"}, {"Nurlan Sample", "KZ", "student", "2.2"}, {"Dana Sample", "KZ", "doctoral", "2.7"},
	{"Yerlan Sample", "KZ", "student", "2.2"}, {"Madina Sample", "KZ", "doctoral", "1.5"}, {"Aliya Sample", "KZ", "student", "2.7"},
	{"Bobur Sample", "UZ", "doctoral", "2.2"}, {"Dilnoza Sample", "UZ", "student", "2.7"}, {"Jasur Sample", "UZ", "doctoral", "2.7"},
	{"Nilufar Sample", "UZ", "student", "2.2"}, {"Sardor Sample", "UZ", "doctoral", "2.2"},
	{"Ayesha Sample", "PK", "doctoral", "2.7"}, {"Bilal Sample", "PK", "doctoral", "2.2"}, {"Fatima Sample", "PK", "student", "2.7"},
	{"Hamza Sample", "PK", "doctoral", "2.2"}, {"Zainab Sample", "PK", "student", "1.5"}, {"Usman Sample", "PK", "doctoral", "2.7"},
	{"Aibek Sample", "KG", "doctoral", "2.7"}, {"Cholpon Sample", "KG", "student", "1.5"}, {"Farrukh Sample", "TJ", "doctoral", "2.7"},
	{"Munira Sample", "TJ", "student", "2.2"}, {"Bat-Erdene Sample", "MN", "doctoral", "2.2"}, {"Oyuna Sample", "MN", "student", "2.7"},
	{"Milica Sample", "RS", "doctoral", "2.2"}, {"Nikola Sample", "RS", "student", "2.7"}, {"Mona Sample", "EG", "doctoral", "2.7"},
	{"Youssef Sample", "EG", "student", "2.2"}, {"Thandiwe Sample", "ZA", "doctoral", "2.2"}, {"Rahim Sample", "BD", "doctoral", "2.7"},
	{"Siti Sample", "MY", "student", "2.2"},
}

// demoScore is a made-up, repeatable quality of a talent for a host.
func demoScore(name string, salt int) int {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s/%d", name, salt)
	return int(h.Sum32() % 100)
}

// demoApplicants creates the sample talents and their ranked lists: most
// want a large institution first, as in real markets.
func demoApplicants(ctx context.Context, st *store.Store, p *programme.Programme, positions []*programme.Position) ([]*programme.Application, error) {
	var apps []*programme.Application
	for i, d := range demoTalents {
		// Public, so that the talent directory of a demo shows people; the
		// profiles say they are made up.
		t := &talent.Profile{Name: d.name, Country: d.country, CareerStage: d.stage, Fields: []string{d.field}, Sample: true,
			Bio: "A made-up talent of the sample programme.", Public: true, Shown: []string{"career_stage", "bio"}}
		if err := st.CreateTalent(ctx, store.Actor{}, t); err != nil {
			return nil, fmt.Errorf("sample talent %s: %w", d.name, err)
		}
		// Energy people start at the energy institute, water people at the
		// university; two in three then try the other large one.
		order := []int{0, 2, 4, 3}
		if d.field == "2.2" {
			order = []int{1, 3, 0, 2}
		}
		if i%3 == 2 {
			order = []int{2, 0, 1, 4}
		}
		var choices []string
		for _, k := range order[:2+i%3] {
			choices = append(choices, positions[k].ID)
		}
		a, _, err := st.SaveApplication(ctx, store.Actor{}, p.ID, t.ID, programme.Application{Choices: choices,
			Statement: "I want to train where my research on " + map[string]string{"2.2": "power systems", "2.7": "water and energy", "1.5": "glaciers"}[d.field] + " can grow."})
		if err != nil {
			return nil, fmt.Errorf("sample application of %s: %w", d.name, err)
		}
		apps = append(apps, a)
	}
	return apps, nil
}

// demoRankings has every host rank its applicants: by order, or by score
// for the score-ranked position, with a few ties for the lottery to break.
func demoRankings(ctx context.Context, st *store.Store, p *programme.Programme, positions []*programme.Position) error {
	for k, pos := range positions {
		applicants, err := st.PositionApplicants(ctx, p.ID, pos.ID)
		if err != nil {
			return err
		}
		var entries []programme.RankEntry
		for i, a := range applicants {
			v := float64(demoScore(a.TalentName, k))
			if pos.RankMode == programme.RankByOrder {
				v = float64(1 + demoScore(a.TalentName, k)%max(len(applicants), 1))
			}
			e := programme.RankEntry{ApplicationID: a.ApplicationID, Value: &v}
			if i == len(applicants)-1 && k == 2 {
				e.Value, e.Excluded = nil, true // one host turns one applicant down
			}
			entries = append(entries, e)
		}
		if err := st.SetRanking(ctx, store.Actor{}, p.ID, pos.ID, entries); err != nil {
			return fmt.Errorf("sample ranking of %s: %w", pos.Title, err)
		}
	}
	return nil
}
