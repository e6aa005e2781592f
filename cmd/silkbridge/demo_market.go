package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/silkbridge/silkbridge/opportunity"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// The demonstration marketplace: a few sample organisations publish
// listings in the six UN languages, so that a newcomer sees offers,
// requests and partner searches to search, answer and save. Every record
// is marked sample and the pages say so.
func init() {
	demoLoaders = append(demoLoaders, demoLoader{name: "marketplace samples", load: loadMarketDemo})
}

type demoListing struct {
	org  int
	x    opportunity.Opportunity
	live bool // published; else left in review for an officer to try
}

func loadMarketDemo(ctx context.Context, st *store.Store, log *slog.Logger) error {
	n, err := st.CountSampleOpportunities(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("marketplace samples already loaded", "listings", n)
		return nil
	}
	orgs := []*organisation.Organisation{
		{Name: "Silk Road Solar Drying Lab (sample)", Kind: organisation.ResearchInstitute, Country: "CN", SizeClass: "medium",
			Fields: []string{"2.7"}, ContactEmail: "solar-lab@sample.invalid", Description: "A sample research institute.", Sample: true},
		{Name: "Steppe Water Technologies (sample)", Kind: organisation.Enterprise, Country: "KZ", SizeClass: "small",
			Fields: []string{"2.7", "4.1"}, ContactEmail: "water@sample.invalid", Description: "A sample enterprise.", Sample: true},
		{Name: "Nile Delta Agritech Centre (sample)", Kind: organisation.University, Country: "EG", SizeClass: "large",
			Fields: []string{"4.1"}, ContactEmail: "agritech@sample.invalid", Description: "A sample university centre.", Sample: true},
		{Name: "Andes Mineral Research Group (sample)", Kind: organisation.ResearchInstitute, Country: "PE", SizeClass: "small",
			Fields: []string{"1.5", "2.7"}, ContactEmail: "minerals@sample.invalid", Description: "A sample research group.", Sample: true},
	}
	for _, o := range orgs {
		if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
			return fmt.Errorf("sample organisation %s: %w", o.Name, err)
		}
	}
	in := func(months int) string { return time.Now().UTC().AddDate(0, months, 0).Format(opportunity.DateLayout) }
	listings := []demoListing{
		{0, opportunity.Opportunity{Kind: opportunity.TechnologyOffer, Title: "槽式太阳能集热干燥技术转让",
			Description: "适用于干旱地区果蔬干燥的太阳能集热系统，干燥时间减半，已示范运行三年。寻求中亚和西亚的生产与销售伙伴。",
			Fields:      []string{"2.7"}, Keywords: []string{"太阳能", "干燥", "solar drying"}, TRL: 7,
			PartnershipTypes: []string{"licence", "joint_venture"}, CountriesSought: []string{"KZ", "UZ", "KG", "TJ"}, Deadline: in(6), Anonymous: true}, true},
		{1, opportunity.Opportunity{Kind: opportunity.TechnologyRequest, Title: "Требуется технология очистки шахтных вод",
			Description: "Ищем проверенную технологию очистки шахтных вод от тяжёлых металлов для горнодобывающих предприятий Центрального Казахстана.",
			Fields:      []string{"2.7"}, Keywords: []string{"очистка воды", "тяжёлые металлы"}, TRL: 6,
			PartnershipTypes: []string{"licence", "technical_cooperation"}, Deadline: in(4)}, true},
		{2, opportunity.Opportunity{Kind: opportunity.ResearchCooperation, Title: "تعاون بحثي في الري بالتنقيط الذكي",
			Description: "نبحث عن شركاء لمشروع بحثي مشترك حول الري بالتنقيط المعتمد على أجهزة الاستشعار في الأراضي الرملية بدلتا النيل.",
			Fields:      []string{"4.1"}, Keywords: []string{"الري", "أجهزة الاستشعار"},
			PartnershipTypes: []string{"joint_research", "researcher_exchange"}, CountriesSought: []string{"CN", "PK", "MA"}, Deadline: in(8)}, true},
		{3, opportunity.Opportunity{Kind: opportunity.PartnerSearch, Title: "Búsqueda de socios: minerales críticos y reciclaje",
			Description: "Grupo de investigación busca socios para una propuesta conjunta sobre la recuperación de litio y cobre de relaves mineros.",
			Fields:      []string{"1.5"}, Keywords: []string{"litio", "relaves"},
			PartnershipTypes: []string{"joint_research"}, Deadline: in(3)}, true},
		{2, opportunity.Opportunity{Kind: opportunity.TechnologyOffer, Title: "Capteurs d'humidité du sol à bas coût",
			Description: "Capteurs robustes et peu coûteux, validés sur des parcelles d'essai ; licence ou fabrication sous accord.",
			Fields:      []string{"4.1", "2.2"}, Keywords: []string{"capteurs", "irrigation"}, TRL: 6,
			PartnershipTypes: []string{"licence", "manufacturing"}}, true},
		{1, opportunity.Opportunity{Kind: opportunity.PartnerSearch, Title: "Partners for a Central Asian water innovation hub",
			Description: "We seek universities and companies to run a training and pilot hub for water-saving technology in Almaty.",
			Fields:      []string{"2.7"}, Keywords: []string{"water", "training"},
			PartnershipTypes: []string{"training", "investment"}, CountriesSought: []string{"CN", "TR", "AZ"}, Deadline: in(5), Anonymous: true}, true},
		{0, opportunity.Opportunity{Kind: opportunity.TechnologyRequest, Title: "Seeking low-temperature heat storage materials",
			Description: "We need phase-change materials for storing solar heat overnight in drying plants (40-70 °C).",
			Fields:      []string{"2.5"}, Keywords: []string{"phase change", "heat storage"}, TRL: 4,
			PartnershipTypes: []string{"joint_research", "licence"}, Deadline: in(2)}, false},
	}
	for _, l := range listings {
		x := l.x
		x.OwnerOrgID, x.Sample = orgs[l.org].ID, true
		if err := st.CreateOpportunity(ctx, store.Actor{}, &x); err != nil {
			return fmt.Errorf("sample listing %q: %w", x.Title, err)
		}
		actions := []string{opportunity.ActionSubmit}
		if l.live {
			actions = append(actions, opportunity.ActionApprove)
		}
		for _, a := range actions {
			if _, err := st.ReviewOpportunity(ctx, store.Actor{}, x.ID, a, ""); err != nil {
				return fmt.Errorf("sample listing %q: %s: %w", x.Title, a, err)
			}
		}
	}
	log.Info("marketplace samples loaded", "organisations", len(orgs), "listings", len(listings))
	return nil
}
