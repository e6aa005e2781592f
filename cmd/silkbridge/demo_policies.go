package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/policy"
	"github.com/silkbridge/silkbridge/store"
)

// The demonstration policies: a sample science agency and a sample park
// publish incentives in several of the six languages, each with an
// eligibility rule, so "Incentives for me" has something to answer on first
// start. Every record is marked sample and the pages say so.
func init() {
	demoLoaders = append(demoLoaders, demoLoader{name: "policy samples", load: loadPoliciesDemo})
}

func loadPoliciesDemo(ctx context.Context, st *store.Store, log *slog.Logger) error {
	n, err := st.CountSamplePolicies(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("policy samples already loaded", "policies", n)
		return nil
	}
	agency := &organisation.Organisation{Name: "Silk Road Science Agency (sample)", Kind: organisation.GovernmentAgency, Country: "CN", Sample: true,
		Description: "A sample government science and technology agency that publishes incentives."}
	park := &organisation.Organisation{Name: "Alatau Innovation Cooperation Park (sample)", Kind: organisation.Park, Country: "KZ", Sample: true,
		Fields: []string{"2.2", "2.7"}, Description: "A sample science and technology innovation cooperation park."}
	for _, o := range []*organisation.Organisation{agency, park} {
		if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
			return fmt.Errorf("sample organisation %s: %w", o.Name, err)
		}
	}
	// Only verified agencies and parks publish; the sample ones are
	// verified with the evidence "sample".
	if _, err := st.VerifySampleIssuers(ctx, store.Actor{}); err != nil {
		return fmt.Errorf("verify sample issuers: %w", err)
	}
	member := &organisation.Organisation{Name: "Steppe Photonics LLP (sample)", Kind: organisation.Enterprise, Country: "KZ", Sample: true,
		ParkID: park.ID, Fields: []string{"2.2"}, Description: "A sample enterprise in the park, its size class left blank."}
	if err := st.CreateOrganisation(ctx, store.Actor{}, member); err != nil {
		return fmt.Errorf("sample organisation %s: %w", member.Name, err)
	}
	policies := []*policy.Policy{
		{IssuerID: agency.ID, Jurisdiction: policy.JurisdictionCountry, Country: "CN", Kind: "tax_reduction",
			Benefit: "Enterprise income tax at 15% instead of 25% for three years", ValidFrom: "2024-01-01", ValidUntil: "2027-12-31",
			Texts: []policy.Text{
				{Lang: "en", Title: "Reduced income tax for R&D enterprises in Belt and Road joint research", Summary: "Enterprises from partner countries that run joint research or deeper cooperation pay a reduced rate."},
				{Lang: "zh", Title: "参与“一带一路”联合研究的研发企业所得税优惠", Summary: "来自合作国家、开展联合研究或更深层次合作的企业享受优惠税率。"},
				{Lang: "ru", Title: "Сниженный налог на прибыль для R&D-предприятий в совместных исследованиях «Пояса и пути»"},
			},
			Rule: `{"all":[{"org_kind":["enterprise"]},{"bri_partner":true},{"cooperation_stage":{"min":"joint_research","active":true}}]}`},
		{IssuerID: park.ID, Jurisdiction: policy.JurisdictionPark, ParkID: park.ID, Kind: "subsidy",
			Benefit: "Rent-free laboratory space for two years", ValidFrom: "2024-06-01",
			Texts: []policy.Text{
				{Lang: "en", Title: "Laboratory space for small and medium park members"},
				{Lang: "ru", Title: "Лабораторные площади для малых и средних участников парка"},
				{Lang: "fr", Title: "Laboratoires pour les petits et moyens membres du parc"},
			},
			Rule: `{"all":[{"park_member":"` + park.ID + `"},{"size_class":["small","medium"]}]}`},
		{IssuerID: agency.ID, Jurisdiction: policy.JurisdictionCountry, Country: "CN", Kind: "visa_residence",
			Benefit: "Five-year multiple-entry visa within ten working days", ValidFrom: "2023-01-01",
			Texts: []policy.Text{
				{Lang: "en", Title: "Fast-track talent visa for early-career researchers"},
				{Lang: "zh", Title: "青年科研人员人才签证快速通道"},
				{Lang: "ar", Title: "مسار سريع لتأشيرة المواهب للباحثين في بداية مسارهم المهني"},
				{Lang: "es", Title: "Visado de talento por vía rápida para investigadores noveles"},
			},
			Rule: `{"all":[{"career_stage":["doctoral","early"]},{"not":{"nationality":["CN"]}}]}`},
		{IssuerID: agency.ID, Jurisdiction: policy.JurisdictionRegion, Country: "CN", Region: "Xinjiang", Kind: "grant",
			Benefit: "Up to 2 million CNY for a joint laboratory", ValidFrom: "2024-03-01", ValidUntil: "2028-02-29",
			Texts: []policy.Text{
				{Lang: "zh", Title: "联合实验室建设资助", Summary: "面向已有技术成果（技术就绪度6级及以上）的科研院所和企业。"},
				{Lang: "en", Title: "Joint laboratory grant"},
			},
			Rule: `{"all":[{"org_kind":["research_institute","university","enterprise"]},{"field":["2"]},{"achievement_trl":{"min":6}}]}`},
	}
	for _, p := range policies {
		p.Sample = true
		if err := st.CreatePolicy(ctx, store.Actor{}, p, func(*organisation.Organisation) error { return nil }); err != nil {
			return fmt.Errorf("sample policy %s: %w", p.Texts[0].Title, err)
		}
	}
	log.Info("policy samples loaded", "policies", len(policies))
	return nil
}
