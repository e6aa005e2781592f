// Package programme holds talent-training programmes run under an
// agreement: host positions, who may apply, the application window, the
// talents' ranked lists, the hosts' rankings, the distributional
// constraints an officer sets (regional caps, targets, floors, country
// quotas), and matching runs. It turns the stored records of a programme
// into a match.Instance and a run's result into placements with reasons;
// it does no I/O of its own.
package programme

import (
	"fmt"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/talent"
)

// Limits on what a programme may hold.
const (
	MaxChoicesLimit  = 50     // the longest list a programme may allow
	MaxCapacity      = 100000 // seats of one position
	MaxPolicies      = 30
	MaxStatementLen  = 2000
	MaxPositionTitle = 300
)

// Programme is a talent-training programme under an agreement.
type Programme struct {
	ID          string `json:"id"`
	AgreementID string `json:"agreement_id"`
	// AgreementTitle is filled when read.
	AgreementTitle string    `json:"agreement_title,omitempty"`
	Title          string    `json:"title"`
	Summary        string    `json:"summary,omitempty"`
	OpensAt        time.Time `json:"opens_at"`
	ClosesAt       time.Time `json:"closes_at"`
	// MaxChoices is the longest ranked list a talent may submit.
	MaxChoices  int         `json:"max_choices"`
	Eligibility Eligibility `json:"eligibility"`
	// Policies are the incentives and rules that apply to participants,
	// as titles with optional links until the policy catalogue links them.
	Policies    []Policy    `json:"policies"`
	Constraints Constraints `json:"constraints"`
	// Positions are filled when read, in display order.
	Positions []Position `json:"positions"`
	// OfficerID is the agency officer responsible for the programme.
	OfficerID string `json:"-"`
	// PublishedRunID names the run whose result is final, once published.
	PublishedRunID string `json:"published_run_id,omitempty"`
	// DataVersion grows with every change a matching reads.
	DataVersion int64     `json:"-"`
	Sample      bool      `json:"sample,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Eligibility says who may apply. Empty lists admit everyone.
type Eligibility struct {
	// Nationalities are ISO 3166-1 alpha-2 codes; with BRIPartners, a
	// national of any Belt and Road partner country is eligible too.
	Nationalities []string `json:"nationalities"`
	BRIPartners   bool     `json:"bri_partners"`
	// CareerStages are values of talent.CareerStages.
	CareerStages []string `json:"career_stages"`
	// Fields are FORD codes; a talent needs one of them (or a sub-field).
	Fields []string `json:"fields"`
}

// Policy is an incentive or rule that applies to participants.
type Policy struct {
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
}

// Position is a host institution's place in a programme: the "hospital" of
// the matching.
type Position struct {
	ID          string `json:"id"`
	ProgrammeID string `json:"programme_id"`
	OrgID       string `json:"organisation_id"`
	// OrgName and OrgCountry are filled when read.
	OrgName     string   `json:"organisation_name,omitempty"`
	OrgCountry  string   `json:"organisation_country,omitempty"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Capacity    int      `json:"capacity"`
	Fields      []string `json:"fields"`
	Language    string   `json:"language,omitempty"`
	Stipend     string   `json:"stipend,omitempty"`
	// RankMode says how the host ranks applicants: by order (1 is best) or
	// by score (higher is better), following the published RankRule.
	RankMode string `json:"rank_mode"`
	RankRule string `json:"rank_rule,omitempty"`
	// Target is the number of seats the position aims for inside its
	// region (nil: the default share of the regional cap); Floor is the
	// number of seats reserved as a minimum wished, reported when short.
	Target *int `json:"target"`
	Floor  int  `json:"floor"`
	// Applicants is filled when read: how many talents listed it.
	Applicants int       `json:"applicants"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Ranking modes.
const (
	RankByOrder = "order"
	RankByScore = "score"
)

// RankModes lists the ranking modes.
var RankModes = []string{RankByOrder, RankByScore}

// Filter selects programmes in a list.
type Filter struct {
	Query   string
	Country string // a country of the agreement's parties
	// Open keeps programmes whose window is open now.
	Open    bool
	Page    int
	PerPage int
}

// Window states.
const (
	Upcoming  = "upcoming"
	Open      = "open"
	Closed    = "closed"
	Published = "published"
)

// State says where the programme stands at t: upcoming, open for
// applications, closed, or with its result published.
func (p *Programme) State(t time.Time) string {
	switch {
	case p.PublishedRunID != "":
		return Published
	case t.Before(p.OpensAt):
		return Upcoming
	case t.Before(p.ClosesAt):
		return Open
	default:
		return Closed
	}
}

// Seats is the total capacity of the programme's positions.
func (p *Programme) Seats() int {
	n := 0
	for _, pos := range p.Positions {
		n += pos.Capacity
	}
	return n
}

// Position returns the position with id, or nil.
func (p *Programme) Position(id string) *Position {
	for i := range p.Positions {
		if p.Positions[i].ID == id {
			return &p.Positions[i]
		}
	}
	return nil
}

// Hosts returns the host organisations in order of first position, each once.
func (p *Programme) Hosts() []Host {
	var out []Host
	seen := map[string]int{}
	for _, pos := range p.Positions {
		i, ok := seen[pos.OrgID]
		if !ok {
			i = len(out)
			seen[pos.OrgID] = i
			out = append(out, Host{OrgID: pos.OrgID, Name: pos.OrgName, Country: pos.OrgCountry})
		}
		out[i].Positions++
		out[i].Seats += pos.Capacity
	}
	return out
}

// Host is an organisation that offers positions in a programme.
type Host struct {
	OrgID     string `json:"organisation_id"`
	Name      string `json:"name"`
	Country   string `json:"country"`
	Positions int    `json:"positions"`
	Seats     int    `json:"seats"`
}

// HostName returns the name of host organisation orgID, or the id.
func (p *Programme) HostName(orgID string) string {
	for _, pos := range p.Positions {
		if pos.OrgID == orgID && pos.OrgName != "" {
			return pos.OrgName
		}
	}
	return orgID
}

// Normalise trims and canonicalises the fields people type.
func (p *Programme) Normalise() {
	p.AgreementID = strings.TrimSpace(p.AgreementID)
	p.Title = strings.TrimSpace(p.Title)
	p.Summary = strings.TrimSpace(p.Summary)
	p.OpensAt, p.ClosesAt = p.OpensAt.UTC().Truncate(time.Second), p.ClosesAt.UTC().Truncate(time.Second)
	e := &p.Eligibility
	e.Nationalities = organisation.CleanList(e.Nationalities, 250)
	for i := range e.Nationalities {
		e.Nationalities[i] = strings.ToUpper(e.Nationalities[i])
	}
	e.CareerStages = organisation.CleanList(e.CareerStages, len(talent.CareerStages)+1)
	e.Fields = organisation.CleanList(e.Fields, 50)
	out := p.Policies[:0]
	for _, pol := range p.Policies {
		pol.Title, pol.URL = strings.TrimSpace(pol.Title), strings.TrimSpace(pol.URL)
		if pol.Title == "" && pol.URL == "" {
			continue
		}
		if pol.Title == "" {
			pol.Title = pol.URL
		}
		out = append(out, pol)
	}
	p.Policies = out
}

// Validate checks the programme's own fields; the error names every field
// at fault. That the agreement exists is the store's to check.
func (p *Programme) Validate(ref organisation.Checker) error {
	var pr silkbridge.Problems
	pr.Required("agreement_id", p.AgreementID)
	if pr.Required("title", p.Title) {
		pr.MaxLen("title", p.Title, 300)
		pr.VisibleText("title", p.Title)
	}
	pr.MaxLen("summary", p.Summary, 10000)
	if p.OpensAt.IsZero() {
		pr.Add("opens_at", "field.required", "this field is required", nil)
	}
	if p.ClosesAt.IsZero() {
		pr.Add("closes_at", "field.required", "this field is required", nil)
	} else if !p.OpensAt.IsZero() && !p.ClosesAt.After(p.OpensAt) {
		pr.Add("closes_at", "prog.field.closes_before_opens", "the window must close after it opens", nil)
	}
	if p.MaxChoices < 1 || p.MaxChoices > MaxChoicesLimit {
		pr.Add("max_choices", "prog.field.range", fmt.Sprintf("a whole number from %d to %d", 1, MaxChoicesLimit), map[string]any{"Min": 1, "Max": MaxChoicesLimit})
	}
	e := &p.Eligibility
	for _, c := range e.Nationalities {
		if !ref.CountryExists(c) {
			pr.Add("nationalities", "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": c})
			break
		}
	}
	for _, s := range e.CareerStages {
		if !contains(talent.CareerStages, s) {
			pr.Add("career_stages", "field.career_stage", "choose one of the career stages listed", map[string]any{"Value": s})
			break
		}
	}
	organisation.CheckFields(&pr, "fields", e.Fields, ref)
	if len(p.Policies) > MaxPolicies {
		pr.Add("policies", "prog.field.too_many", fmt.Sprintf("at most %d entries", MaxPolicies), map[string]any{"Max": MaxPolicies})
	}
	for _, pol := range p.Policies {
		if !pr.MaxLen("policies", pol.Title, 300) {
			break
		}
		if pol.URL != "" && !organisation.ValidURL(pol.URL) {
			pr.Add("policies", "field.url", "a web address starting with https:// or http://", nil)
			break
		}
	}
	return pr.Err()
}

// ParsePolicies reads policies typed one a line: a title, a link, or a
// title and a link ("Visa fast track https://...").
func ParsePolicies(text string) []Policy {
	var out []Policy
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var pol Policy
		if i := strings.Index(line, "http://"); i >= 0 {
			pol.Title, pol.URL = line[:i], line[i:]
		} else if i := strings.Index(line, "https://"); i >= 0 {
			pol.Title, pol.URL = line[:i], line[i:]
		} else {
			pol.Title = line
		}
		pol.Title = strings.TrimRight(strings.TrimSpace(pol.Title), " -–:|")
		if f := strings.Fields(pol.URL); len(f) > 0 {
			pol.URL = f[0]
		}
		out = append(out, pol)
	}
	return out
}

// FormatPolicies writes policies one a line, as ParsePolicies reads them.
func FormatPolicies(list []Policy) string {
	var b strings.Builder
	for _, pol := range list {
		switch {
		case pol.URL == "":
			b.WriteString(pol.Title)
		case pol.Title == "" || pol.Title == pol.URL:
			b.WriteString(pol.URL)
		default:
			b.WriteString(pol.Title + " " + pol.URL)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Normalise trims and canonicalises the fields people type.
func (pos *Position) Normalise() {
	pos.OrgID = strings.TrimSpace(pos.OrgID)
	pos.Title = strings.TrimSpace(pos.Title)
	pos.Description = strings.TrimSpace(pos.Description)
	pos.Language = strings.TrimSpace(pos.Language)
	pos.Stipend = strings.TrimSpace(pos.Stipend)
	pos.RankRule = strings.TrimSpace(pos.RankRule)
	pos.RankMode = strings.TrimSpace(pos.RankMode)
	if pos.RankMode == "" {
		pos.RankMode = RankByOrder
	}
	pos.Fields = organisation.CleanList(pos.Fields, 20)
}

// Validate checks the position; the error names every field at fault. That
// the organisation exists is the store's to check.
func (pos *Position) Validate(ref organisation.Checker) error {
	var pr silkbridge.Problems
	pr.Required("organisation_id", pos.OrgID)
	if pr.Required("title", pos.Title) {
		pr.MaxLen("title", pos.Title, MaxPositionTitle)
		pr.VisibleText("title", pos.Title)
	}
	pr.MaxLen("description", pos.Description, 5000)
	if pos.Capacity < 1 || pos.Capacity > MaxCapacity {
		pr.Add("capacity", "prog.field.range", fmt.Sprintf("a whole number from %d to %d", 1, MaxCapacity), map[string]any{"Min": 1, "Max": MaxCapacity})
	}
	organisation.CheckFields(&pr, "fields", pos.Fields, ref)
	pr.MaxLen("language", pos.Language, 60)
	pr.MaxLen("stipend", pos.Stipend, 200)
	if !contains(RankModes, pos.RankMode) {
		pr.Add("rank_mode", "field.choice", "not one of the choices", map[string]any{"Value": pos.RankMode})
	}
	pr.MaxLen("rank_rule", pos.RankRule, 2000)
	checkSeats(&pr, "target", "floor", pos)
	return pr.Err()
}

// checkSeats checks a position's target and floor against its capacity.
func checkSeats(pr *silkbridge.Problems, targetField, floorField string, pos *Position) {
	if pos.Target != nil && (*pos.Target < 0 || *pos.Target > pos.Capacity) {
		pr.Add(targetField, "prog.field.range", fmt.Sprintf("a whole number from %d to %d", 0, pos.Capacity), map[string]any{"Min": 0, "Max": pos.Capacity})
	}
	if pos.Floor < 0 || pos.Floor > pos.Capacity {
		pr.Add(floorField, "prog.field.range", fmt.Sprintf("a whole number from %d to %d", 0, pos.Capacity), map[string]any{"Min": 0, "Max": pos.Capacity})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
