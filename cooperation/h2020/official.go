package h2020

import (
	"fmt"
	"sort"
	"strings"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/cordis"
)

// LoadOfficial reads an official CORDIS export (cordis-h2020projects-csv
// or cordis-HORIZONprojects-csv, a folder or its zip) into a record: the
// export names every organisation and titles every project, so nothing
// carries a placeholder. Projects are keyed by their CORDIS record number
// (rcn), as in the Horizon 2020 participation record, so loading the
// official H2020 export over it updates the same cooperations.
func LoadOfficial(path string, countryExists func(string) bool) (*Record, error) {
	e, err := cordis.OpenOfficial(path)
	if err != nil {
		return nil, err
	}
	defer e.Close()
	rec := &Record{}
	topics := map[string]cordis.OfficialTopic{}
	if e.Has(cordis.OfficialTopics) {
		if err := e.EachTopic(func(t cordis.OfficialTopic) error { topics[t.ProjectID] = t; return nil }, rec.refuse); err != nil {
			return nil, err
		}
	}
	parts := map[string][]string{}
	if e.Has(cordis.OfficialLegalBasisFile) {
		if err := e.EachLegalBasis(func(l cordis.OfficialLegalBasis) error {
			if p := officialPart(l.LegalBasis); p != "" && !containsString(parts[l.ProjectID], p) {
				parts[l.ProjectID] = append(parts[l.ProjectID], p)
			}
			return nil
		}, rec.refuse); err != nil {
			return nil, err
		}
	}
	projects := map[string]cordis.OfficialProject{}
	if err := e.EachProject(func(p cordis.OfficialProject) error { projects[p.ID] = p; return nil }, rec.refuse); err != nil {
		return nil, err
	}
	orgs := map[string]*Organisation{}
	members := map[string][]Participant{}
	countries := map[string]bool{}
	err = e.EachParticipant(func(p cordis.OfficialParticipant) error {
		rec.Rows++
		if _, ok := projects[p.ProjectID]; !ok {
			return &cordis.RowError{File: cordis.OfficialOrganisations, Row: rec.Rows + 1, Column: "projectID",
				Err: fmt.Errorf("project %s is not in %s", p.ProjectID, cordis.OfficialProjects)}
		}
		if !countryExists(p.Country) {
			return &cordis.RowError{File: cordis.OfficialOrganisations, Row: rec.Rows + 1, Column: "country",
				Err: fmt.Errorf("%q is not a country of the reference data", p.CORDISCountry)}
		}
		o := orgs[p.PIC]
		if o == nil {
			o = &Organisation{PIC: p.PIC, Country: p.Country, ActivityType: p.ActivityType, Kind: KindForActivityType(p.ActivityType)}
			orgs[p.PIC] = o
		}
		if !o.Named && p.Name != "" {
			o.Name, o.ShortName, o.Named = p.Name, p.ShortName, true
		}
		countries[p.Country] = true
		members[p.ProjectID] = append(members[p.ProjectID], Participant{PIC: p.PIC, Role: p.Role, Contribution: p.ECContribution})
		rec.Participations++
		return nil
	}, rec.refuse)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		if !o.Named {
			o.Name = UnnamedOrganisation(o.PIC)
		} else {
			rec.NamedOrganisations++
		}
		rec.Organisations = append(rec.Organisations, *o)
	}
	sort.Slice(rec.Organisations, func(i, j int) bool { return rec.Organisations[i].PIC < rec.Organisations[j].PIC })
	rec.Countries = len(countries)
	for id, op := range projects {
		if len(members[id]) == 0 {
			continue
		}
		ps := parts[id]
		if len(ps) == 0 {
			// Without legalBasis.csv, the project's own column.
			for _, lb := range strings.FieldsFunc(op.LegalBasis, func(r rune) bool { return r == ';' || r == ',' }) {
				if pt := officialPart(lb); pt != "" && !containsString(ps, pt) {
					ps = append(ps, pt)
				}
			}
		}
		rec.Projects = append(rec.Projects, officialProject(op, topics[id], ps, members[id], rec))
	}
	sort.Slice(rec.Projects, func(i, j int) bool { return lessNumeric(rec.Projects[i].RCN, rec.Projects[j].RCN) })
	return rec, nil
}

func officialProject(op cordis.OfficialProject, topic cordis.OfficialTopic, parts []string, members []Participant, rec *Record) Project {
	key := op.RCN
	if key == "" {
		key = "grant-" + op.ID
	}
	p := Project{RCN: key, ProjectID: op.ID, Title: op.Title, Titled: true, Acronym: op.Acronym, TypeOfAction: op.FundingScheme,
		Parts: parts, Fields: FieldsForProgrammeParts(parts), TotalCost: op.TotalCost, MaxContribution: op.ECMaxContribution,
		Participants: members, Single: len(members) < 2}
	rec.Titles++
	if p.Parts == nil {
		p.Parts = []string{}
	}
	if !op.StartDate.IsZero() {
		p.StartDate = op.StartDate.Format(cooperation.DateLayout)
	}
	if !op.EndDate.IsZero() {
		p.EndDate = op.EndDate.Format(cooperation.DateLayout)
	}
	if topic.Title != "" {
		p.Summary = "Call topic: " + topic.Title + " (" + topic.Topic + ")."
	}
	coordinators := 0
	for i := range p.Participants {
		if p.Participants[i].Role == string(cordis.Coordinator) {
			coordinators++
			if coordinators > 1 {
				p.Participants[i].Role = cooperation.RoleParticipant
				rec.RolesAdjusted++
			}
		}
	}
	if p.Single {
		return p
	}
	if coordinators == 0 {
		rec.WithoutCoordinator++
	}
	if st, ok := StageForTypeOfAction(op.FundingScheme); ok {
		p.Stage, p.StageBasis = st, fmt.Sprintf("type of action %q", op.FundingScheme)
		rec.StagesByTypeOfAction++
	} else if st, part, ok := StageForProgrammeParts(parts); ok {
		p.Stage, p.StageBasis = st, fmt.Sprintf("programme part %s", part)
		rec.StagesByProgramme++
	} else {
		p.Stage, p.StageBasis = cooperation.Exchange, "neither type of action nor programme part known"
		rec.StagesByDefault++
	}
	return p
}

// officialPart maps a legal basis of the exports to the programme parts
// the record uses: H2020's H2020-EU.3.1. is SC1; Horizon Europe's pillars
// and clusters go to the H2020 part of the same purpose (HORIZON.1.1 ERC,
// HORIZON.2.1 health as SC1, HORIZON.3.1 the EIC as innovation in SMEs).
func officialPart(lb string) string {
	lb = strings.TrimSuffix(strings.TrimSpace(lb), ".")
	for _, m := range []struct{ prefix, part string }{
		{"H2020-EU.1.1", "ERC"}, {"H2020-EU.1.2", "FET"}, {"H2020-EU.1.3", "MSCA"}, {"H2020-EU.1.4", "RI"},
		{"H2020-EU.2.1", "LEIT"}, {"H2020-EU.2.3", "Innovation in SMEs"}, {"H2020-EU.2.2", "ARF"},
		{"H2020-EU.3.1", "SC1"}, {"H2020-EU.3.2", "SC2"}, {"H2020-EU.3.3", "SC3"}, {"H2020-EU.3.4", "SC4"},
		{"H2020-EU.3.5", "SC5"}, {"H2020-EU.3.6", "SC6"}, {"H2020-EU.3.7", "SC7"}, {"H2020-EU.4", "SEWP"}, {"H2020-EU.5", "SWAFS"},
		{"H2020-Euratom", "Euratom"}, {"EURATOM", "Euratom"},
		{"HORIZON.1.1", "ERC"}, {"HORIZON.1.2", "MSCA"}, {"HORIZON.1.3", "RI"},
		{"HORIZON.2.1", "SC1"}, {"HORIZON.2.2", "SC6"}, {"HORIZON.2.3", "SC7"}, {"HORIZON.2.4", "LEIT"},
		{"HORIZON.2.5", "SC3"}, {"HORIZON.2.6", "SC2"}, {"HORIZON.3.1", "Innovation in SMEs"}, {"HORIZON.4", "SEWP"},
	} {
		if lb == m.prefix || strings.HasPrefix(lb, m.prefix+".") {
			return m.part
		}
	}
	return ""
}
