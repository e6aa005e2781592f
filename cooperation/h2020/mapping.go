// Package h2020 turns the Horizon 2020 participation record (CORDIS, read
// by package cordis) into Silkbridge's words: organisations by PIC, and
// projects as cooperations with partners, a coordinator and a stage on the
// depth ladder. It joins names and titles, checks every row and says why
// it refused the ones it did. It does no I/O beyond reading the files; the
// store writes the result.
//
// # Depth stage of an imported project
//
// CORDIS does not say how deep a cooperation is; its funding scheme (type
// of action, from the Horizon Dashboard through the rcn crosswalk at high
// confidence) says what kind of work the grant pays for. The first rule
// that matches the type of action, in this order, gives the stage:
//
//	type of action (Dashboard "ToA")                          stage
//	Bio-based Industries Innovation action - Flagship         commercialisation     (first-of-a-kind plant at commercial scale)
//	SME instrument (phase 1, phase 2, grant/blended)          commercialisation     (business innovation taken to market)
//	Public Procurement of Innovative solutions, COFUND (PPI)  commercialisation     (public buyers deploy market-ready innovation)
//	ERC Proof of Concept (and its lump-sum pilot)             technology_transfer   (research results towards innovation)
//	Pre-Commercial Procurement, COFUND (PCP)                  technology_transfer   (buyers procure R&D of new solutions)
//	Research and Innovation action (every variant: lump sum,
//	  BBI, ECSEL, EuroHPC, SGA-RIA)                           joint_research
//	Innovation action (every variant: lump sum, BBI
//	  demonstration, ECSEL, EuroHPC)                          technology_transfer   (prototypes, demonstration, pilots)
//	ERA-NET Cofund, COFUND (European Joint Programme)         joint_research        (joint transnational research programmes)
//	ERC Starting, Consolidator, Advanced, Synergy, low value  joint_research        (frontier research)
//	MSCA European Training Networks, Industrial Doctorates,
//	  Joint Doctorates                                        joint_research        (joint doctoral research and supervision)
//	Coordination and support action (every spelling, lump
//	  sum, BBI, ECSEL, EuroHPC-CSA, MSCA special needs),
//	  Specific Grant Agreement (EEN)                          exchange              (networking, coordination, support services)
//	MSCA RISE (staff exchange)                                exchange
//	MSCA fellowships, Reintegration, Career Restart, Society
//	  and Enterprise panels, COFUND fellowship and doctoral
//	  programmes                                              exchange              (researcher mobility)
//
// A project whose type of action is not linked (no high-confidence
// crosswalk link) or matches no rule takes the stage of its programme part,
// the first of its parts in this order that has one:
//
//	Innovation in SMEs -> technology_transfer, ARF -> commercialisation,
//	MSCA, SEWP, SWAFS -> exchange,
//	ERC, FET, RI, LEIT, SC1..SC7, Euratom -> joint_research.
//
// The evidence of the first stage change says which rule decided.
//
// # Fields of an imported project
//
// The record has no subject classification. A broad FORD field follows from
// the programme part where the part has one subject: SC1 -> 3 (medical and
// health sciences), SC2 -> 4 (agricultural and veterinary sciences), SC3 ->
// 2.7 (environmental engineering, which holds energy and fuels), SC4 -> 2.1
// (civil engineering, which holds transport engineering), SC5 -> 1.5 (earth
// and related environmental sciences), SC6 and SWAFS -> 5 (social
// sciences), LEIT -> 2 (engineering and technology), Euratom -> 1.3
// (physical sciences). ERC, MSCA, FET, RI, SEWP, SC7, Innovation in SMEs and
// ARF span every subject and give none.
//
// # Single-beneficiary grants
//
// A project with one organisation (most ERC, MSCA fellowship and SME
// instrument grants) is not a cooperation between two or more
// organisations. It is imported as a record of that organisation, marked
// single-beneficiary, on no ladder and in no cooperation list or analytics,
// so that the counts of projects and participations still match the source.
package h2020

import (
	"strings"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/organisation"
)

// stageRule maps types of action containing any of the phrases to a stage.
type stageRule struct {
	phrases []string
	stage   string
	// exact asks for the whole type of action, not a part of it.
	exact bool
}

// stageRules are tried in order on the lower-cased type of action; the
// order matters ("research and innovation action" contains "innovation
// action").
var stageRules = []stageRule{
	{[]string{"flagship"}, cooperation.Commercialisation, false},
	{[]string{"sme instrument"}, cooperation.Commercialisation, false},
	{[]string{"public procurement of innovative", "cofund (ppi)"}, cooperation.Commercialisation, false},
	{[]string{"proof of concept"}, cooperation.TechnologyTransfer, false},
	{[]string{"pre-commercial procurement", "cofund (pcp)"}, cooperation.TechnologyTransfer, false},
	{[]string{"research and innovation", "-ria"}, cooperation.JointResearch, false},
	{[]string{"innovation action", "-ia"}, cooperation.TechnologyTransfer, false},
	{[]string{"era-net cofund", "european joint programme"}, cooperation.JointResearch, false},
	{[]string{"starting grant", "consolidator grant", "advanced grant", "synergy grant", "erc low value grant"}, cooperation.JointResearch, false},
	{[]string{"european training networks", "european industrial doctorates", "european joint doctorates"}, cooperation.JointResearch, false},
	{[]string{"coordination and support", "coordination & support", "-csa", "specific grant agreement"}, cooperation.Exchange, false},
	{[]string{"rise"}, cooperation.Exchange, true},
	{[]string{"fellowship", "reintegration panel", "career restart panel", "society and enterprise panel", "doctoral programmes"}, cooperation.Exchange, false},
}

// StageForTypeOfAction returns the depth stage of a CORDIS type of action;
// ok is false when no rule knows it.
func StageForTypeOfAction(toa string) (stage string, ok bool) {
	t := strings.ToLower(strings.Join(strings.Fields(toa), " "))
	if t == "" {
		return "", false
	}
	for _, r := range stageRules {
		for _, p := range r.phrases {
			if (r.exact && t == p) || (!r.exact && strings.Contains(t, p)) {
				return r.stage, true
			}
		}
	}
	return "", false
}

// partOrder is the order in which programme parts decide a stage and its
// stage: the parts that say most about the kind of work come first.
var partOrder = []struct{ part, stage string }{
	{"Innovation in SMEs", cooperation.TechnologyTransfer},
	{"ARF", cooperation.Commercialisation},
	{"MSCA", cooperation.Exchange},
	{"SEWP", cooperation.Exchange},
	{"SWAFS", cooperation.Exchange},
	{"ERC", cooperation.JointResearch},
	{"FET", cooperation.JointResearch},
	{"RI", cooperation.JointResearch},
	{"LEIT", cooperation.JointResearch},
	{"SC1", cooperation.JointResearch},
	{"SC2", cooperation.JointResearch},
	{"SC3", cooperation.JointResearch},
	{"SC4", cooperation.JointResearch},
	{"SC5", cooperation.JointResearch},
	{"SC6", cooperation.JointResearch},
	{"SC7", cooperation.JointResearch},
	{"Euratom", cooperation.JointResearch},
}

// StageForProgrammeParts returns the stage of the first of parts in the
// documented order, and the part that decided; ok is false when none has one.
func StageForProgrammeParts(parts []string) (stage, part string, ok bool) {
	for _, o := range partOrder {
		for _, p := range parts {
			if p == o.part {
				return o.stage, p, true
			}
		}
	}
	return "", "", false
}

var partFields = map[string]string{
	"SC1": "3", "SC2": "4", "SC3": "2.7", "SC4": "2.1", "SC5": "1.5", "SC6": "5", "SWAFS": "5", "LEIT": "2", "Euratom": "1.3",
}

// FieldsForProgrammeParts returns the broad FORD fields of the parts, in
// the order of the parts, without repeats.
func FieldsForProgrammeParts(parts []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, p := range parts {
		if f, ok := partFields[p]; ok && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// KindForActivityType returns the organisation kind of a CORDIS activity
// type: HES university, REC research institute, PRC enterprise, PUB
// government agency, anything else other.
func KindForActivityType(t string) string {
	switch t {
	case "HES":
		return organisation.University
	case "REC":
		return organisation.ResearchInstitute
	case "PRC":
		return organisation.Enterprise
	case "PUB":
		return organisation.GovernmentAgency
	}
	return organisation.Other
}
