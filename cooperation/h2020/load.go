package h2020

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/cordis"
)

// Source names the record in external ids, the organisations' source and
// the import report.
const Source = "cordis-h2020"

// Funder is who funded every imported project.
const Funder = "European Union, Horizon 2020"

// Organisation is one organisation of the record, identified by its PIC.
type Organisation struct {
	PIC string
	// Name is the legal name when one is published, else generated from
	// the PIC ("Organisation PIC 999616262"); Named tells which.
	Name         string
	ShortName    string
	Named        bool
	Country      string // ISO 3166-1 alpha-2
	ActivityType string // HES, REC, PRC, PUB, OTH
	Kind         string // organisation kind
}

// Participant is one organisation's part in a project.
type Participant struct {
	PIC  string
	Role string // coordinator, participant or partner
	// Contribution is the EU contribution to this participant in euros,
	// 0 when unknown (partners receive none).
	Contribution float64
}

// Project is one Horizon 2020 project.
type Project struct {
	RCN string
	// ProjectID is the grant number, from a high-confidence crosswalk link.
	ProjectID string
	// Title is the Dashboard title when the crosswalk links the project at
	// high confidence, else generated from the rcn; Titled tells which.
	Title        string
	Titled       bool
	Acronym      string
	Summary      string
	TypeOfAction string
	Parts        []string
	Fields       []string
	// Stage is the depth stage (empty for a single-beneficiary grant);
	// StageBasis says which rule gave it.
	Stage              string
	StageBasis         string
	StartDate, EndDate string // YYYY-MM-DD or empty when unknown
	TotalCost          float64
	MaxContribution    float64
	Participants       []Participant
	// Single is true when one organisation takes part: a grant, not a
	// cooperation.
	Single bool
}

// Refusal is a row the import did not load, and why.
type Refusal struct {
	File   string `json:"file"`
	Row    int    `json:"row"`
	Reason string `json:"reason"`
}

// Record is the whole record ready to store.
type Record struct {
	Organisations []Organisation
	Projects      []Project
	// Rows is the number of participation rows read; Participations the
	// number kept.
	Rows           int
	Participations int
	Countries      int
	Refused        []Refusal
	// Titles counts projects titled through a high-confidence link;
	// StagesByTypeOfAction and StagesByProgramme how the stage was found,
	// StagesByDefault the cooperations given exchange for want of both.
	Titles               int
	NamedOrganisations   int
	StagesByTypeOfAction int
	StagesByProgramme    int
	StagesByDefault      int
	// RolesAdjusted counts extra coordinators recorded as participants: a
	// cooperation has exactly one coordinator.
	RolesAdjusted int
	// WithoutCoordinator counts cooperations whose record names none.
	WithoutCoordinator int
}

// Cooperations counts the projects with two or more organisations.
func (r *Record) Cooperations() int {
	n := 0
	for i := range r.Projects {
		if !r.Projects[i].Single {
			n++
		}
	}
	return n
}

// maxRefusals stops a load whose files are plainly not the record: past
// this many bad rows, going on would only bury the first reasons.
const maxRefusals = 10000

// Load reads the files at paths and builds the record. countryExists says
// which country codes the platform knows; a participation from any other
// country is refused. Bad rows are refused with their reason; an error is
// returned only when a file cannot be read at all.
func Load(paths cordis.Paths, countryExists func(string) bool) (*Record, error) {
	rec := &Record{}
	names, err := loadNames(paths.Names, rec)
	if err != nil {
		return nil, err
	}
	links, err := loadLinks(paths.Crosswalk, rec)
	if err != nil {
		return nil, err
	}
	dashboard, err := loadDashboard(paths.Dashboard, links, rec)
	if err != nil {
		return nil, err
	}
	parts, err := loadParts(paths.ProgrammeParts, rec)
	if err != nil {
		return nil, err
	}
	pr, err := cordis.OpenParticipations(paths.Participations)
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	return rec, build(pr, paths.Participations, countryExists, names, links, dashboard, parts, rec)
}

// refuse records a bad row, or returns the error when it is not about a row.
func (r *Record) refuse(err error) error {
	var re *cordis.RowError
	if !errors.As(err, &re) || re.Row == 0 {
		return err
	}
	reason := re.Err.Error()
	if re.Column != "" {
		reason = "column " + re.Column + ": " + reason
	}
	r.Refused = append(r.Refused, Refusal{File: re.File, Row: re.Row, Reason: reason})
	if len(r.Refused) > maxRefusals {
		return fmt.Errorf("%s: more than %d bad rows; is this the CORDIS record?", re.File, maxRefusals)
	}
	return nil
}

func loadNames(path string, rec *Record) (map[string]cordis.OrganisationName, error) {
	r, err := cordis.OpenNames(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := map[string]cordis.OrganisationName{}
	for {
		n, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			if err := rec.refuse(err); err != nil {
				return nil, err
			}
			continue
		}
		if strings.TrimSpace(n.LegalName) != "" {
			if _, dup := out[n.PIC]; !dup {
				out[n.PIC] = n
			}
		}
	}
}

func loadLinks(path string, rec *Record) (map[string]cordis.ProjectLink, error) {
	r, err := cordis.OpenCrosswalk(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := map[string]cordis.ProjectLink{}
	for {
		l, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			if err := rec.refuse(err); err != nil {
				return nil, err
			}
			continue
		}
		// Only high-confidence links name a project: medium and low ones
		// are matched on amounts that other grants share.
		if l.Confidence == cordis.High {
			out[l.RCN] = l
		}
	}
}

func loadDashboard(path string, links map[string]cordis.ProjectLink, rec *Record) (map[string]cordis.DashboardProject, error) {
	wanted := make(map[string]bool, len(links))
	for _, l := range links {
		wanted[l.ProjectID] = true
	}
	r, err := cordis.OpenDashboard(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := map[string]cordis.DashboardProject{}
	for {
		p, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			if err := rec.refuse(err); err != nil {
				return nil, err
			}
			continue
		}
		if wanted[p.ProjectID] {
			out[p.ProjectID] = p
		}
	}
}

func loadParts(path string, rec *Record) (map[string][]string, error) {
	r, err := cordis.OpenProgrammeParts(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := map[string][]string{}
	for {
		p, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			if err := rec.refuse(err); err != nil {
				return nil, err
			}
			continue
		}
		if !containsString(out[p.RCN], p.Part) {
			out[p.RCN] = append(out[p.RCN], p.Part)
		}
	}
}

// projectRows gathers the participations of one project while reading.
type projectRows struct {
	first cordis.Participation
	parts []Participant
}

func build(pr *cordis.ParticipationReader, path string, countryExists func(string) bool,
	names map[string]cordis.OrganisationName, links map[string]cordis.ProjectLink,
	dashboard map[string]cordis.DashboardProject, parts map[string][]string, rec *Record) error {
	file := baseName(path)
	orgs := map[string]*Organisation{}
	projects := map[string]*projectRows{}
	seen := map[[2]string]bool{}
	countries := map[string]bool{}
	for {
		p, err := pr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		rec.Rows++
		if err != nil {
			if err := rec.refuse(err); err != nil {
				return err
			}
			continue
		}
		refuse := func(reason string) {
			rec.Refused = append(rec.Refused, Refusal{File: file, Row: rec.Rows, Reason: reason})
		}
		if !countryExists(p.Country) {
			refuse(fmt.Sprintf("column country: %q is not a country the platform knows", p.CORDISCountry))
			continue
		}
		key := [2]string{p.RCN, p.PIC}
		if seen[key] {
			refuse(fmt.Sprintf("organisation PIC %s is already a participant of project %s", p.PIC, p.RCN))
			continue
		}
		if o := orgs[p.PIC]; o != nil && o.Country != p.Country {
			refuse(fmt.Sprintf("organisation PIC %s is in %s on an earlier row, %s here", p.PIC, o.Country, p.Country))
			continue
		}
		seen[key] = true
		countries[p.Country] = true
		if orgs[p.PIC] == nil {
			orgs[p.PIC] = newOrganisation(p, names)
		}
		pj := projects[p.RCN]
		if pj == nil {
			pj = &projectRows{first: p}
			projects[p.RCN] = pj
		}
		pj.parts = append(pj.parts, Participant{PIC: p.PIC, Role: string(p.Role), Contribution: p.Contribution.EUR})
		rec.Participations++
	}
	rec.Countries = len(countries)

	rec.Organisations = make([]Organisation, 0, len(orgs))
	for _, o := range orgs {
		rec.Organisations = append(rec.Organisations, *o)
		if o.Named {
			rec.NamedOrganisations++
		}
	}
	sort.Slice(rec.Organisations, func(i, j int) bool { return rec.Organisations[i].PIC < rec.Organisations[j].PIC })

	rec.Projects = make([]Project, 0, len(projects))
	for rcn, pj := range projects {
		rec.Projects = append(rec.Projects, newProject(rcn, pj, links, dashboard, parts[rcn], rec))
	}
	sort.Slice(rec.Projects, func(i, j int) bool { return lessNumeric(rec.Projects[i].RCN, rec.Projects[j].RCN) })
	return nil
}

func newOrganisation(p cordis.Participation, names map[string]cordis.OrganisationName) *Organisation {
	o := &Organisation{PIC: p.PIC, Country: p.Country, ActivityType: p.Type, Kind: KindForActivityType(p.Type)}
	if n, ok := names[p.PIC]; ok {
		o.Name, o.ShortName, o.Named = strings.TrimSpace(n.LegalName), strings.TrimSpace(n.ShortName), true
	} else {
		o.Name = UnnamedOrganisation(p.PIC)
	}
	return o
}

// UnnamedOrganisation is the name given to an organisation whose legal
// name is not published.
func UnnamedOrganisation(pic string) string { return "Organisation PIC " + pic }

// UntitledProject is the title given to a project that no high-confidence
// link titles.
func UntitledProject(rcn string) string { return "Horizon 2020 project, CORDIS record " + rcn }

func newProject(rcn string, pj *projectRows, links map[string]cordis.ProjectLink, dashboard map[string]cordis.DashboardProject,
	parts []string, rec *Record) Project {
	f := pj.first
	p := Project{RCN: rcn, Title: UntitledProject(rcn), Parts: parts, Fields: FieldsForProgrammeParts(parts),
		TotalCost: f.TotalCost.EUR, MaxContribution: f.MaxContribution.EUR, Participants: pj.parts, Single: len(pj.parts) < 2}
	if p.Parts == nil {
		p.Parts = []string{}
	}
	if !f.StartDate.IsZero() {
		p.StartDate = f.StartDate.Format(cooperation.DateLayout)
	}
	if !f.EndDate.IsZero() {
		p.EndDate = f.EndDate.Format(cooperation.DateLayout)
	}
	if l, ok := links[rcn]; ok {
		p.ProjectID, p.Acronym = l.ProjectID, strings.TrimSpace(l.Acronym)
		if d, ok := dashboard[l.ProjectID]; ok {
			if t := strings.TrimSpace(d.Title); t != "" {
				p.Title, p.Titled = t, true
				rec.Titles++
			}
			if a := strings.TrimSpace(d.Acronym); a != "" {
				p.Acronym = a
			}
			p.TypeOfAction = strings.TrimSpace(d.TypeOfAction)
			p.Summary = summary(d)
		}
	}
	// Exactly one coordinator: the first the record names.
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
	if st, ok := StageForTypeOfAction(p.TypeOfAction); ok {
		p.Stage, p.StageBasis = st, fmt.Sprintf("type of action %q", p.TypeOfAction)
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

func summary(d cordis.DashboardProject) string {
	var parts []string
	if t := strings.TrimSpace(d.TopicDescription); t != "" {
		topic := "Call topic: " + t
		if c := strings.TrimSpace(d.TopicCode); c != "" {
			topic += " (" + c + ")"
		}
		parts = append(parts, topic+".")
	}
	if t := strings.TrimSpace(d.Theme); t != "" {
		parts = append(parts, "Theme: "+t+".")
	}
	return strings.Join(parts, " ")
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// lessNumeric orders record numbers as numbers when both are.
func lessNumeric(a, b string) bool {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return x < y
	}
	return a < b
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}
