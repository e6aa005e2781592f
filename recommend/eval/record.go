// Package eval measures the partner recommender on the Horizon 2020 record
// as link prediction on consortia, following
// shared/formats/recommend-eval.md: later projects become queries seeded
// with their coordinator and the context known before partners are chosen,
// their other members are hidden, and every ranker learns from the
// training years only.
package eval

import (
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/silkbridge/silkbridge/cordis"
)

// Member is what the evaluation keeps of a participation row: nothing of
// its contribution and nothing that describes the consortium as a whole
// (nunique), so that no such value can reach a query.
type Member struct {
	PIC     string
	Role    cordis.Role
	Type    string
	Country string // ISO
}

// Project is one H2020 project with its members in file order, duplicate
// (rcn, pic) rows dropped.
type Project struct {
	RCN   string
	Year  int // 0 when the file gives no start year
	Parts []string
	// Title, Topic and TopicDescription come from the Dashboard through the
	// crosswalk, only where it links the project with high or medium
	// confidence.
	Title            string
	Topic            string
	TopicDescription string
	Members          []Member
}

// Coordinator returns the first coordinator row of the project.
func (p *Project) Coordinator() (Member, bool) {
	for _, m := range p.Members {
		if m.Role == cordis.Coordinator {
			return m, true
		}
	}
	return Member{}, false
}

// Record is the whole H2020 record as the evaluation sees it.
type Record struct {
	Projects []*Project // in order of first appearance in the file
	// Duplicates counts the (rcn, pic) rows dropped.
	Duplicates int
	// CountryPairs are the OpenAlex co-authorship counts of country pairs
	// when the data folder holds them, nil otherwise.
	CountryPairs []CountryPair
}

// Load reads the record from the CORDIS files.
func Load(paths cordis.Paths) (*Record, error) {
	byRCN := map[string]*Project{}
	rec := &Record{}
	seen := map[[2]string]bool{}
	pr, err := cordis.OpenParticipations(paths.Participations)
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	for {
		p, err := pr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		key := [2]string{p.RCN, p.PIC}
		if seen[key] {
			rec.Duplicates++
			continue
		}
		seen[key] = true
		proj := byRCN[p.RCN]
		if proj == nil {
			proj = &Project{RCN: p.RCN, Year: p.StartYear}
			byRCN[p.RCN] = proj
			rec.Projects = append(rec.Projects, proj)
		}
		if proj.Year == 0 {
			proj.Year = p.StartYear
		}
		proj.Members = append(proj.Members, Member{PIC: p.PIC, Role: p.Role, Type: p.Type, Country: p.Country})
	}

	pp, err := cordis.OpenProgrammeParts(paths.ProgrammeParts)
	if err != nil {
		return nil, err
	}
	defer pp.Close()
	for {
		p, err := pp.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if proj := byRCN[p.RCN]; proj != nil && !contains(proj.Parts, p.Part) {
			proj.Parts = append(proj.Parts, p.Part)
		}
	}
	for _, p := range rec.Projects {
		sort.Strings(p.Parts)
	}

	grants := map[string]string{} // grant number -> rcn, usable links only
	cw, err := cordis.OpenCrosswalk(paths.Crosswalk)
	if err != nil {
		return nil, err
	}
	defer cw.Close()
	for {
		l, err := cw.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if l.Confidence.Usable() {
			grants[l.ProjectID] = l.RCN
		}
	}
	db, err := cordis.OpenDashboard(paths.Dashboard)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	for {
		d, err := db.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		rcn, ok := grants[d.ProjectID]
		if !ok {
			continue
		}
		if proj := byRCN[rcn]; proj != nil {
			proj.Title, proj.Topic, proj.TopicDescription = d.Title, d.TopicCode, d.TopicDescription
		}
	}
	if len(rec.Projects) == 0 {
		return nil, fmt.Errorf("%s: no participations", paths.Participations)
	}
	if path, ok := countryPairsBeside(paths.Participations); ok {
		if rec.CountryPairs, err = LoadCountryPairs(path); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
