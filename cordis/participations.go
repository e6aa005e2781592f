package cordis

import (
	"io"
	"strings"
	"time"
)

// Role is the part an organisation played in a project.
type Role string

// Roles of h2020.csv.gz.
const (
	Coordinator Role = "coordinator"
	Participant Role = "participant"
	// Partner is a participant that receives no EU funding; its
	// contribution is unknown.
	Partner Role = "partner"
)

// ActivityTypes lists the CORDIS activity types of organisations:
// higher education, research organisation, private company, public body,
// other.
var ActivityTypes = []string{"HES", "REC", "PRC", "PUB", "OTH"}

// Participation is one row of h2020.csv.gz: one organisation in one project.
// Project fields (dates, costs, nunique) repeat on every row of a project.
type Participation struct {
	RCN  string // CORDIS record number: the project
	Role Role
	PIC  string // participant identification code: the organisation
	Type string // activity type, one of ActivityTypes
	// Contribution is the EU contribution to this participant; unknown for
	// partners and a few participants.
	Contribution Amount
	// Country is the ISO 3166-1 code (GR, GB); CORDISCountry is the code as
	// written in the file (EL, UK). NA is Namibia.
	Country       string
	CORDISCountry string
	// StartDate and EndDate are zero when the file does not know them.
	StartDate, EndDate time.Time
	MaxContribution    Amount // the project's EC maximum contribution
	TotalCost          Amount // the project's total cost
	StartYear, EndYear int    // 0 when unknown
	DurationMonths     int    // 0 when unknown
	Group              Group
	// NUnique is the number of distinct countries in the project. It
	// describes the whole consortium, so an evaluation must not show it to
	// a recommender.
	NUnique int
}

// ParticipationsFile is the name of the participations file in the
// cordis-h2020-participations data set.
const ParticipationsFile = "h2020.csv.gz"

var participationColumns = []string{
	"rcn", "role", "pic", "type", "contribution", "country", "start_date", "end_date",
	"max_contribution", "total_cost", "start_year", "end_year", "duration", "group", "nunique",
}

const (
	pRCN = iota
	pRole
	pPIC
	pType
	pContribution
	pCountry
	pStartDate
	pEndDate
	pMaxContribution
	pTotalCost
	pStartYear
	pEndYear
	pDuration
	pGroup
	pNUnique
)

// ParticipationReader streams the rows of h2020.csv.gz.
type ParticipationReader struct{ t *table }

// NewParticipationReader reads participations from r (plain or gzip CSV);
// name is the file name used in errors.
func NewParticipationReader(r io.Reader, name string) (*ParticipationReader, error) {
	t, err := newTable(r, name, participationColumns)
	if err != nil {
		return nil, err
	}
	return &ParticipationReader{t: t}, nil
}

// OpenParticipations opens a participations file; Close releases it.
func OpenParticipations(path string) (*ParticipationReader, error) {
	t, err := openTable(path, participationColumns)
	if err != nil {
		return nil, err
	}
	return &ParticipationReader{t: t}, nil
}

// Close releases the file opened by OpenParticipations.
func (r *ParticipationReader) Close() error { return r.t.close() }

// Next returns the next participation, or io.EOF after the last one. An
// error names the file, the row and the column.
func (r *ParticipationReader) Next() (Participation, error) {
	t := r.t
	if err := t.next(); err != nil {
		return Participation{}, err
	}
	var p Participation
	var err error
	if p.RCN, err = t.id(pRCN, true); err != nil {
		return p, err
	}
	switch role := Role(strings.TrimSpace(t.field(pRole))); role {
	case Coordinator, Participant, Partner:
		p.Role = role
	default:
		return p, t.errorf(pRole, "%q is not coordinator, participant or partner", t.field(pRole))
	}
	if p.PIC, err = t.id(pPIC, true); err != nil {
		return p, err
	}
	p.Type = strings.TrimSpace(t.field(pType))
	if !isActivityType(p.Type) {
		return p, t.errorf(pType, "%q is not an activity type (%s)", t.field(pType), strings.Join(ActivityTypes, ", "))
	}
	if p.Contribution, err = t.amount(pContribution); err != nil {
		return p, err
	}
	// A country is never "unknown" here: NA is Namibia.
	p.CORDISCountry = strings.ToUpper(strings.TrimSpace(t.field(pCountry)))
	if !isCountryCode(p.CORDISCountry) {
		return p, t.errorf(pCountry, "%q is not a two-letter country code", t.field(pCountry))
	}
	p.Country = ISOCountry(p.CORDISCountry)
	if p.StartDate, err = t.date(pStartDate); err != nil {
		return p, err
	}
	if p.EndDate, err = t.date(pEndDate); err != nil {
		return p, err
	}
	if p.MaxContribution, err = t.amount(pMaxContribution); err != nil {
		return p, err
	}
	if p.TotalCost, err = t.amount(pTotalCost); err != nil {
		return p, err
	}
	if p.StartYear, err = t.integer(pStartYear, true); err != nil {
		return p, err
	}
	if p.EndYear, err = t.integer(pEndYear, true); err != nil {
		return p, err
	}
	if p.DurationMonths, err = t.integer(pDuration, true); err != nil {
		return p, err
	}
	switch g := Group(strings.TrimSpace(t.field(pGroup))); g {
	case EU15, EU13, Associated, Third:
		p.Group = g
	default:
		return p, t.errorf(pGroup, "%q is not eu15, eu13, ac or tc", t.field(pGroup))
	}
	if p.NUnique, err = t.integer(pNUnique, true); err != nil {
		return p, err
	}
	return p, nil
}

func isActivityType(s string) bool {
	for _, a := range ActivityTypes {
		if s == a {
			return true
		}
	}
	return false
}

func isCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}
