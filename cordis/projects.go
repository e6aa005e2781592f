package cordis

import (
	"io"
	"strings"
)

// ProgrammePart says that a project belongs to a part of Horizon 2020
// (ERC, MSCA, LEIT, SC1 to SC7, ...). A project can belong to several.
type ProgrammePart struct {
	RCN  string
	Part string
}

// ProgrammePartsFile is the name of the programme parts file in the
// cordis-h2020-participations data set.
const ProgrammePartsFile = "programme_parts.csv.gz"

var programmePartColumns = []string{"rcn", "programme_part"}

// ProgrammePartReader streams the rows of programme_parts.csv.gz.
type ProgrammePartReader struct{ t *table }

// NewProgrammePartReader reads programme parts from r (plain or gzip CSV);
// name is the file name used in errors.
func NewProgrammePartReader(r io.Reader, name string) (*ProgrammePartReader, error) {
	t, err := newTable(r, name, programmePartColumns)
	if err != nil {
		return nil, err
	}
	return &ProgrammePartReader{t: t}, nil
}

// OpenProgrammeParts opens a programme parts file; Close releases it.
func OpenProgrammeParts(path string) (*ProgrammePartReader, error) {
	t, err := openTable(path, programmePartColumns)
	if err != nil {
		return nil, err
	}
	return &ProgrammePartReader{t: t}, nil
}

// Close releases the file opened by OpenProgrammeParts.
func (r *ProgrammePartReader) Close() error { return r.t.close() }

// Next returns the next row, or io.EOF after the last one.
func (r *ProgrammePartReader) Next() (ProgrammePart, error) {
	t := r.t
	if err := t.next(); err != nil {
		return ProgrammePart{}, err
	}
	var p ProgrammePart
	var err error
	if p.RCN, err = t.id(0, true); err != nil {
		return p, err
	}
	if p.Part = strings.TrimSpace(t.field(1)); p.Part == "" {
		return p, t.errorf(1, "is empty")
	}
	return p, nil
}

// Confidence is how sure the crosswalk is that an rcn is a grant number.
type Confidence string

// Confidence levels of derived/rcn_to_project_id.csv.
const (
	// High: at least 3 participations matched.
	High Confidence = "high"
	// Medium: 2 participations matched.
	Medium Confidence = "medium"
	// Low: a single-beneficiary grant matched on a round amount; fit for
	// display only.
	Low Confidence = "low"
)

// Usable reports whether a link is sure enough to feed an algorithm (high
// or medium), not only a display.
func (c Confidence) Usable() bool { return c == High || c == Medium }

// ProjectLink links a CORDIS record number to a grant number (the
// Dashboard's "Project Nbr").
type ProjectLink struct {
	RCN                     string
	ProjectID               string // grant number
	Acronym                 string
	Participations          int // participations of the project in h2020.csv.gz
	DashboardParticipations int // participations in the Dashboard list
	Confidence              Confidence
}

// CrosswalkFile is the path of the crosswalk inside the
// cordis-h2020-participations data set.
const CrosswalkFile = "derived/rcn_to_project_id.csv"

var crosswalkColumns = []string{"rcn", "project_id", "project_acronym", "n_participations", "dashboard_participations", "confidence"}

// CrosswalkReader streams the rows of derived/rcn_to_project_id.csv.
type CrosswalkReader struct{ t *table }

// NewCrosswalkReader reads crosswalk rows from r (plain or gzip CSV); name
// is the file name used in errors.
func NewCrosswalkReader(r io.Reader, name string) (*CrosswalkReader, error) {
	t, err := newTable(r, name, crosswalkColumns)
	if err != nil {
		return nil, err
	}
	return &CrosswalkReader{t: t}, nil
}

// OpenCrosswalk opens a crosswalk file; Close releases it.
func OpenCrosswalk(path string) (*CrosswalkReader, error) {
	t, err := openTable(path, crosswalkColumns)
	if err != nil {
		return nil, err
	}
	return &CrosswalkReader{t: t}, nil
}

// Close releases the file opened by OpenCrosswalk.
func (r *CrosswalkReader) Close() error { return r.t.close() }

// Next returns the next link, or io.EOF after the last one.
func (r *CrosswalkReader) Next() (ProjectLink, error) {
	t := r.t
	if err := t.next(); err != nil {
		return ProjectLink{}, err
	}
	var l ProjectLink
	var err error
	if l.RCN, err = t.id(0, true); err != nil {
		return l, err
	}
	if l.ProjectID, err = t.id(1, true); err != nil {
		return l, err
	}
	l.Acronym = strings.TrimSpace(t.field(2))
	if l.Participations, err = t.integer(3, false); err != nil {
		return l, err
	}
	if l.DashboardParticipations, err = t.integer(4, false); err != nil {
		return l, err
	}
	switch c := Confidence(strings.TrimSpace(t.field(5))); c {
	case High, Medium, Low:
		l.Confidence = c
	default:
		return l, t.errorf(5, "%q is not high, medium or low", t.field(5))
	}
	return l, nil
}

// DashboardProject is one row of the Horizon Dashboard project list: the
// title, acronym, type of action and call topic of a grant.
type DashboardProject struct {
	Title             string
	Acronym           string
	Theme             string // "Thema": the programme area in words
	Participations    int
	EUContribution    Amount
	TypeOfAction      string // "ToA", e.g. Research and Innovation action
	NetEUContribution Amount
	ProjectID         string // "Project Nbr": the grant number
	CORDISLink        string
	TopicCode         string
	TopicDescription  string
}

// DashboardFile is the name of the H2020 project list in the
// eu-rd-projects-named data set.
const DashboardFile = "h2020-projects-dashboard.csv.gz"

var dashboardColumns = []string{
	"Project Title", "Project Acronym", "Thema", "H2020 Participations", "H2020 EU Contribution (EUR)",
	"ToA", "H2020 Net EU Contribution", "Project Nbr", "CORDIS link", "Topic Code", "Topic description",
}

// DashboardReader streams the rows of h2020-projects-dashboard.csv.gz.
type DashboardReader struct{ t *table }

// NewDashboardReader reads Dashboard projects from r (plain or gzip CSV);
// name is the file name used in errors.
func NewDashboardReader(r io.Reader, name string) (*DashboardReader, error) {
	t, err := newTable(r, name, dashboardColumns)
	if err != nil {
		return nil, err
	}
	return &DashboardReader{t: t}, nil
}

// OpenDashboard opens a Dashboard project list; Close releases it.
func OpenDashboard(path string) (*DashboardReader, error) {
	t, err := openTable(path, dashboardColumns)
	if err != nil {
		return nil, err
	}
	return &DashboardReader{t: t}, nil
}

// Close releases the file opened by OpenDashboard.
func (r *DashboardReader) Close() error { return r.t.close() }

// Next returns the next project, or io.EOF after the last one.
func (r *DashboardReader) Next() (DashboardProject, error) {
	t := r.t
	if err := t.next(); err != nil {
		return DashboardProject{}, err
	}
	var p DashboardProject
	var err error
	p.Title = strings.TrimSpace(t.field(0))
	p.Acronym = strings.TrimSpace(t.field(1))
	p.Theme = strings.TrimSpace(t.field(2))
	if p.Participations, err = t.integer(3, true); err != nil {
		return p, err
	}
	if p.EUContribution, err = t.amount(4); err != nil {
		return p, err
	}
	p.TypeOfAction = strings.TrimSpace(t.field(5))
	if p.NetEUContribution, err = t.amount(6); err != nil {
		return p, err
	}
	if p.ProjectID, err = t.id(7, true); err != nil {
		return p, err
	}
	p.CORDISLink = strings.TrimSpace(t.field(8))
	p.TopicCode = strings.TrimSpace(t.field(9))
	p.TopicDescription = strings.TrimSpace(t.field(10))
	return p, nil
}

// OrganisationName is one row of derived_pic_names.csv: the legal name of
// an organisation identified by its PIC.
type OrganisationName struct {
	PIC       string
	LegalName string
	ShortName string
	// Type is the activity type (HES, REC, PRC, PUB, OTH); empty when the
	// source did not say.
	Type string
	// Country is the ISO code; CORDISCountry as written (EL, UK); both
	// empty when the source did not say.
	Country       string
	CORDISCountry string
	Source        string // the named file the row came from
}

// NamesFile is the name of the PIC to legal name list in the
// eu-rd-projects-named data set.
const NamesFile = "derived_pic_names.csv"

var nameColumns = []string{"pic", "legal_name", "legal_short_name", "legal_entity_type", "country_code", "source"}

// NameReader streams the rows of derived_pic_names.csv. Rows without a PIC
// cannot be joined to anything; Next skips them and Skipped counts them.
type NameReader struct {
	t       *table
	skipped int
}

// NewNameReader reads organisation names from r (plain or gzip CSV); name
// is the file name used in errors.
func NewNameReader(r io.Reader, name string) (*NameReader, error) {
	t, err := newTable(r, name, nameColumns)
	if err != nil {
		return nil, err
	}
	return &NameReader{t: t}, nil
}

// OpenNames opens a PIC to legal name list; Close releases it.
func OpenNames(path string) (*NameReader, error) {
	t, err := openTable(path, nameColumns)
	if err != nil {
		return nil, err
	}
	return &NameReader{t: t}, nil
}

// Close releases the file opened by OpenNames.
func (r *NameReader) Close() error { return r.t.close() }

// Skipped returns how many rows without a PIC Next has passed over.
func (r *NameReader) Skipped() int { return r.skipped }

// Next returns the next named organisation, or io.EOF after the last one.
func (r *NameReader) Next() (OrganisationName, error) {
	t := r.t
	for {
		if err := t.next(); err != nil {
			return OrganisationName{}, err
		}
		var n OrganisationName
		var err error
		if n.PIC, err = t.id(0, false); err != nil {
			return n, err
		}
		if n.PIC == "" {
			r.skipped++
			continue
		}
		// About 140 rows carry a PIC but no name; they still give a type
		// or a country, so they are returned as they are.
		n.LegalName = CleanName(t.field(1))
		n.ShortName = CleanName(t.field(2))
		n.Type = strings.TrimSpace(t.field(3))
		if n.Type != "" && !isActivityType(n.Type) {
			return n, t.errorf(3, "%q is not an activity type (%s)", t.field(3), strings.Join(ActivityTypes, ", "))
		}
		n.CORDISCountry = strings.ToUpper(strings.TrimSpace(t.field(4)))
		if n.CORDISCountry != "" && !isCountryCode(n.CORDISCountry) {
			return n, t.errorf(4, "%q is not a two-letter country code", t.field(4))
		}
		n.Country = ISOCountry(n.CORDISCountry)
		n.Source = strings.TrimSpace(t.field(5))
		return n, nil
	}
}
