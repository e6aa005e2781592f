package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/silkbridge/silkbridge/achievement"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/park"
	"github.com/silkbridge/silkbridge/store"
)

// The demonstration park: a sample cooperation park with members that
// joined (and one that left) over the years, foreign partners, a
// cooperation that deepened, technology achievements and transfers, so the
// park page draws an influence series and the achievement pages have
// something to match on first start. Every record is marked sample.
func init() {
	demoLoaders = append(demoLoaders, demoLoader{name: "park and achievement samples", load: loadParksDemo})
}

func loadParksDemo(ctx context.Context, st *store.Store, log *slog.Logger) error {
	n, err := st.CountSampleAchievements(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("park and achievement samples already loaded", "achievements", n)
		return nil
	}
	org := func(name, kind, country, parkID string, fields ...string) (*organisation.Organisation, error) {
		o := &organisation.Organisation{Name: name + " (sample)", Kind: kind, Country: country, ParkID: parkID, Fields: fields, Sample: true,
			Description: "A sample organisation for the park demonstration."}
		if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
			return nil, fmt.Errorf("sample organisation %s: %w", name, err)
		}
		return o, nil
	}
	pk, err := org("Caspian Silk Road Technology Park", organisation.Park, "KZ", "", "2.5", "2.7")
	if err != nil {
		return err
	}
	type spec struct {
		name, kind, country string
		fields              []string
	}
	orgs := map[string]*organisation.Organisation{}
	for key, s := range map[string]spec{
		"glass":    {"Aktau Glassworks LLP", organisation.Enterprise, "KZ", []string{"2.5"}},
		"xian":     {"Xi'an Institute of Solar Materials", organisation.ResearchInstitute, "CN", []string{"2.5", "2.7"}},
		"tashkent": {"Tashkent Water Technologies University", organisation.University, "UZ", []string{"2.7"}},
		"baku":     {"Baku Desalination Systems", organisation.Enterprise, "AZ", []string{"2.7"}},
		"munich":   {"Munich Institute for Thin Films", organisation.ResearchInstitute, "DE", []string{"2.5"}},
		"kazan":    {"Kazan Polytechnic University", organisation.University, "RU", []string{"2.2"}},
		"almaty":   {"Almaty Agro Processing JSC", organisation.Enterprise, "KZ", []string{"4.1"}},
	} {
		if orgs[key], err = org(s.name, s.kind, s.country, "", s.fields...); err != nil {
			return err
		}
	}
	base, err := org("Caspian–Central Asia Joint Laboratory Base", organisation.CooperationBase, "KZ", pk.ID, "2.7")
	if err != nil {
		return err
	}
	_ = base
	for _, m := range []park.Member{
		{OrgID: orgs["glass"].ID, JoinedOn: "2021-03-15"},
		{OrgID: orgs["xian"].ID, JoinedOn: "2022-06-01"},
		{OrgID: orgs["tashkent"].ID, JoinedOn: "2023-02-10"},
		{OrgID: orgs["baku"].ID, JoinedOn: "2022-09-01", LeftOn: "2024-08-31"},
	} {
		m.ParkID = pk.ID
		if err := st.AddParkMember(ctx, store.Actor{}, &m); err != nil {
			return fmt.Errorf("sample park member: %w", err)
		}
	}
	for _, p := range []park.Partner{
		{OrgID: orgs["munich"].ID, SinceOn: "2022-01-20"},
		{OrgID: orgs["kazan"].ID, SinceOn: "2023-05-05"},
	} {
		p.ParkID = pk.ID
		if err := st.AddParkPartner(ctx, store.Actor{}, &p); err != nil {
			return fmt.Errorf("sample park partner: %w", err)
		}
	}
	coop := &cooperation.Cooperation{Title: "Anti-reflective coatings for desert solar farms (sample)", StartDate: "2022-07-01",
		Stage: cooperation.Exchange, Fields: []string{"2.5"}, Sample: true, Source: cooperation.Source{Kind: cooperation.SourcePark, Ref: pk.ID},
		Partners: []cooperation.Partner{{OrgID: orgs["xian"].ID, Role: cooperation.RoleCoordinator}, {OrgID: orgs["glass"].ID, Role: cooperation.RoleParticipant},
			{OrgID: orgs["munich"].ID, Role: cooperation.RolePartner}}}
	if err := st.CreateCooperation(ctx, store.Actor{}, coop); err != nil {
		return fmt.Errorf("sample park cooperation: %w", err)
	}
	for _, step := range []struct{ stage, date string }{{cooperation.JointResearch, "2023-03-01"}, {cooperation.JointLab, "2024-04-15"}} {
		if _, err := st.ChangeStage(ctx, store.Actor{}, coop.ID, step.stage, step.date,
			cooperation.Evidence{Kind: cooperation.EvidenceNote, Note: "Sample step for the park demonstration."}); err != nil {
			return fmt.Errorf("sample cooperation stage: %w", err)
		}
	}
	achievements := []*achievement.Achievement{
		{OwnerID: orgs["xian"].ID, Title: "Low-iron solar glass with anti-reflective coating", Kind: "patent", TRL: 7, IPStatus: "granted",
			IPNumbers: []string{"CN 114000000 B (sample)"}, Fields: []string{"2.5"}, Keywords: []string{"solar glass", "anti-reflective coating", "photovoltaics"},
			Summary:   "A sol-gel coating that raises the light transmission of solar glass by 2.5 percentage points and resists sand abrasion.",
			Licensing: "Non-exclusive licence per country; royalties on output.", AvailableIn: []string{"KZ", "UZ", "AZ", "KG", "TJ"}},
		{OwnerID: orgs["tashkent"].ID, Title: "Solar-powered brackish water desalination unit", Kind: "prototype", TRL: 6, IPStatus: "pending",
			Fields: []string{"2.7"}, Keywords: []string{"desalination", "reverse osmosis", "solar"},
			Summary:   "A containerised reverse-osmosis unit for 20 m³ a day, powered by photovoltaics without batteries.",
			Licensing: "Joint development, then licence."},
		{OwnerID: orgs["glass"].ID, Title: "Float glass furnace heat recovery know-how", Kind: "know_how", TRL: 9, IPStatus: "trade_secret",
			Fields: []string{"2.5"}, Keywords: []string{"glass furnace", "heat recovery", "energy efficiency"},
			Summary: "Operating practice that cut the gas use of a float glass furnace by 12%."},
		{OwnerID: orgs["munich"].ID, Title: "Open thin-film thickness measurement software", Kind: "software", TRL: 8, IPStatus: "open",
			Fields: []string{"2.5"}, Keywords: []string{"thin films", "ellipsometry", "metrology"},
			Summary: "Software that fits ellipsometry data for coatings on glass; released under an open licence."},
	}
	for _, a := range achievements {
		a.Title += " (sample)"
		a.Sample = true
		if err := st.CreateAchievement(ctx, store.Actor{}, a); err != nil {
			return fmt.Errorf("sample achievement %s: %w", a.Title, err)
		}
	}
	transfers := []struct {
		t     achievement.Transfer
		steps [][2]string
	}{
		{achievement.Transfer{AchievementID: achievements[0].ID, ReceiverID: orgs["glass"].ID, StartedOn: "2023-01-10", Terms: "Non-exclusive licence for Kazakhstan"},
			[][2]string{{achievement.StageNegotiation, "2023-04-01"}, {achievement.StageLicenceSigned, "2023-09-15"}, {achievement.StageInProduction, "2024-05-01"}}},
		{achievement.Transfer{AchievementID: achievements[0].ID, ReceiverID: orgs["baku"].ID, StartedOn: "2024-02-01"},
			[][2]string{{achievement.StageNegotiation, "2024-06-10"}}},
		{achievement.Transfer{AchievementID: achievements[2].ID, ReceiverID: orgs["almaty"].ID, StartedOn: "2024-03-01"},
			[][2]string{{achievement.StageLicenceSigned, "2024-11-20"}}},
	}
	for _, x := range transfers {
		t := x.t
		t.Sample = true
		if err := st.CreateTransfer(ctx, store.Actor{}, &t); err != nil {
			return fmt.Errorf("sample transfer: %w", err)
		}
		for _, step := range x.steps {
			if _, err := st.AdvanceTransfer(ctx, store.Actor{}, t.ID, step[0], step[1]); err != nil {
				return fmt.Errorf("sample transfer step: %w", err)
			}
		}
	}
	log.Info("park and achievement samples loaded", "park", pk.Name, "achievements", len(achievements), "transfers", len(transfers))
	return nil
}
