// Package cooperation holds the cooperations between organisations, the
// depth ladder they climb (exchange, joint research, joint lab, technology
// transfer, commercialisation) with the dated history of every step, their
// outputs, and the agreements they run under.
package cooperation

import (
	"fmt"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/organisation"
)

// Stages of the depth ladder, from the shallowest to the deepest.
const (
	Exchange           = "exchange"
	JointResearch      = "joint_research"
	JointLab           = "joint_lab"
	TechnologyTransfer = "technology_transfer"
	Commercialisation  = "commercialisation"
)

// Stages lists the depth ladder in order, shallowest first.
var Stages = []string{Exchange, JointResearch, JointLab, TechnologyTransfer, Commercialisation}

// StageIndex returns the rung of stage on the ladder (0 for exchange), or
// -1 when stage is not a stage.
func StageIndex(stage string) int {
	for i, s := range Stages {
		if s == stage {
			return i
		}
	}
	return -1
}

// ValidStage reports whether stage is a rung of the ladder.
func ValidStage(stage string) bool { return StageIndex(stage) >= 0 }

// Kinds of source a cooperation came from.
const (
	SourceInterest  = "interest"  // an accepted expression of interest in the marketplace
	SourceEvent     = "event"     // met at an event
	SourceAgreement = "agreement" // set up under an agreement
	SourcePark      = "park"      // formed in a cooperation park
	SourceImport    = "import"    // loaded from an external record (CORDIS)
	SourceManual    = "manual"    // entered by hand
)

// SourceKinds lists every kind of source.
var SourceKinds = []string{SourceInterest, SourceEvent, SourceAgreement, SourcePark, SourceImport, SourceManual}

// Roles of a partner in a cooperation.
const (
	RoleCoordinator = "coordinator"
	RoleParticipant = "participant"
	// RolePartner takes part without receiving the cooperation's funding.
	RolePartner = "partner"
)

// Roles lists every partner role.
var Roles = []string{RoleCoordinator, RoleParticipant, RolePartner}

// Kinds of output.
const (
	OutputPublication   = "publication"
	OutputPatent        = "patent"
	OutputProduct       = "product"
	OutputPeopleTrained = "people_trained"
	// OutputDataset is data produced, such as measurements made at a
	// shared facility; Count is the samples measured.
	OutputDataset = "dataset"
)

// OutputKinds lists every kind of output.
var OutputKinds = []string{OutputPublication, OutputPatent, OutputProduct, OutputPeopleTrained, OutputDataset}

// Kinds of evidence for a stage change.
const (
	EvidenceNote      = "note"
	EvidenceOutput    = "output"
	EvidenceAgreement = "agreement"
)

// EvidenceKinds lists every kind of evidence.
var EvidenceKinds = []string{EvidenceNote, EvidenceOutput, EvidenceAgreement}

// CORDISAttribution is the credit every record imported from CORDIS carries.
const CORDISAttribution = "Source: CORDIS, © European Union"

// DateLayout is how dates are written: in forms, JSON and the database.
const DateLayout = "2006-01-02"

// Source says where a cooperation came from: the kind and the id of the
// interest, event, agreement or park (empty for manual ones; the external
// record id for imports).
type Source struct {
	Kind string `json:"kind"`
	Ref  string `json:"ref,omitempty"`
}

// Partner is one organisation in a cooperation.
type Partner struct {
	OrgID string `json:"organisation_id"`
	Role  string `json:"role"`
	// Contribution is the funding this partner receives, in euros; 0 when
	// none is known (partners in the CORDIS sense receive none).
	Contribution float64 `json:"contribution_eur,omitempty"`
	// Filled from the organisation when read.
	Name       string `json:"name,omitempty"`
	Country    string `json:"country,omitempty"`
	BRIPartner bool   `json:"bri_partner,omitempty"`
	// Named is false for imported organisations whose legal name is not
	// published; Name is then generated from the PIC.
	Named bool `json:"named"`
}

// StageChange is one dated step on the ladder with its evidence. The first
// change of a cooperation has an empty From: it records where it started.
type StageChange struct {
	ID            string    `json:"id"`
	CooperationID string    `json:"cooperation_id"`
	From          string    `json:"from,omitempty"`
	To            string    `json:"to"`
	Date          string    `json:"date"`
	Evidence      Evidence  `json:"evidence"`
	ActorID       string    `json:"-"`
	CreatedAt     time.Time `json:"created_at"`
}

// Evidence backs a stage change: a note, or an output or agreement on the
// platform (by id) with an optional note.
type Evidence struct {
	Kind string `json:"kind"`
	Ref  string `json:"ref,omitempty"`
	Note string `json:"note,omitempty"`
}

// Output is a result of a cooperation: a publication, a patent, a product
// or people trained (Count of them), each with a date.
type Output struct {
	ID            string    `json:"id"`
	CooperationID string    `json:"cooperation_id"`
	Kind          string    `json:"kind"`
	Title         string    `json:"title"`
	Date          string    `json:"date"`
	Count         int       `json:"count,omitempty"`
	URL           string    `json:"url,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
}

// Cooperation is a project between organisations, tracked on the ladder.
type Cooperation struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Acronym string `json:"acronym,omitempty"`
	Summary string `json:"summary,omitempty"`
	Stage   string `json:"stage"`
	// StageSince is the date of the last stage change.
	StageSince string   `json:"stage_since,omitempty"`
	Fields     []string `json:"fields"`
	Keywords   []string `json:"keywords"`
	StartDate  string   `json:"start_date,omitempty"`
	EndDate    string   `json:"end_date,omitempty"`
	// Funding: the total cost and the funder's contribution, in euros.
	TotalCost float64 `json:"total_cost_eur,omitempty"`
	Funding   float64 `json:"funding_eur,omitempty"`
	Funder    string  `json:"funder,omitempty"`
	// Programme names the funding programme part (for CORDIS: ERC, MSCA,
	// LEIT, SC1 ...); TypeOfAction the funding scheme.
	Programme    string `json:"programme,omitempty"`
	TypeOfAction string `json:"type_of_action,omitempty"`
	Source       Source `json:"source"`
	// ExternalID identifies an imported record in its source (cordis:RCN);
	// re-imports update the record that carries it.
	ExternalID  string `json:"external_id,omitempty"`
	Attribution string `json:"attribution,omitempty"`
	// SingleBeneficiary marks an imported grant to one organisation: kept as
	// a record of that organisation, but not a cooperation between two or
	// more, so it is on no ladder and in no cooperation list or analytics.
	SingleBeneficiary bool `json:"single_beneficiary,omitempty"`
	Sample            bool `json:"sample,omitempty"`

	Partners []Partner `json:"partners"`
	// Countries follow from the partners, sorted.
	Countries []string      `json:"countries"`
	Outputs   []Output      `json:"outputs,omitempty"`
	History   []StageChange `json:"history,omitempty"`
	// AgreementIDs are the agreements the cooperation runs under.
	AgreementIDs []string  `json:"agreement_ids,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Coordinator returns the coordinating partner; ok is false when none is.
func (c *Cooperation) Coordinator() (Partner, bool) {
	for _, p := range c.Partners {
		if p.Role == RoleCoordinator {
			return p, true
		}
	}
	return Partner{}, false
}

// CoordinatingPartner returns the coordinator, nil when none is named (for
// templates, which cannot take Coordinator's two results).
func (c *Cooperation) CoordinatingPartner() *Partner {
	for i := range c.Partners {
		if c.Partners[i].Role == RoleCoordinator {
			return &c.Partners[i]
		}
	}
	return nil
}

// HasPartner reports whether the organisation is a partner.
func (c *Cooperation) HasPartner(orgID string) bool {
	for _, p := range c.Partners {
		if p.OrgID == orgID {
			return true
		}
	}
	return false
}

// PartnerIDs returns the ids of the partner organisations.
func (c *Cooperation) PartnerIDs() []string {
	ids := make([]string, len(c.Partners))
	for i, p := range c.Partners {
		ids[i] = p.OrgID
	}
	return ids
}

// Filter selects cooperations in a list. Zero values select everything;
// single-beneficiary grants are left out unless Grants asks for them alone.
type Filter struct {
	Query   string
	Country string
	// Country2 with Country selects cooperations between the two countries.
	Country2   string
	Field      string
	Stage      string
	SourceKind string
	SourceRef  string
	// Year selects cooperations running in that year (start to end).
	Year       int
	OrgID      string
	BRIPartner bool
	// Grants lists single-beneficiary grants instead of cooperations.
	Grants  bool
	Page    int
	PerPage int
}

// Checker answers whether reference codes exist; the store provides it.
type Checker = organisation.Checker

// Normalise trims and canonicalises the fields people type.
func (c *Cooperation) Normalise() {
	c.Title = strings.TrimSpace(c.Title)
	c.Acronym = strings.TrimSpace(c.Acronym)
	c.Summary = strings.TrimSpace(c.Summary)
	c.Stage = strings.TrimSpace(c.Stage)
	c.StartDate = strings.TrimSpace(c.StartDate)
	c.EndDate = strings.TrimSpace(c.EndDate)
	c.Funder = strings.TrimSpace(c.Funder)
	c.Programme = strings.TrimSpace(c.Programme)
	c.TypeOfAction = strings.TrimSpace(c.TypeOfAction)
	c.Source.Kind = strings.TrimSpace(c.Source.Kind)
	c.Source.Ref = strings.TrimSpace(c.Source.Ref)
	if c.Source.Kind == "" {
		c.Source.Kind = SourceManual
	}
	c.Fields = organisation.CleanList(c.Fields, 10)
	c.Keywords = organisation.CleanList(c.Keywords, 30)
	for i := range c.Partners {
		c.Partners[i].OrgID = strings.TrimSpace(c.Partners[i].OrgID)
		c.Partners[i].Role = strings.TrimSpace(c.Partners[i].Role)
		if c.Partners[i].Role == "" {
			c.Partners[i].Role = RoleParticipant
		}
	}
}

// Validate checks the record; the error names every field at fault.
// Partners must be two or more distinct organisations with exactly one
// coordinator; whether they exist is the store's to check.
func (c *Cooperation) Validate(ref Checker) error {
	var p silkbridge.Problems
	c.validateDetails(&p, ref)
	if !ValidStage(c.Stage) {
		p.Add("stage", "coop.field.stage", "choose a stage of the depth ladder", map[string]any{"Value": c.Stage})
	}
	if !contains(SourceKinds, c.Source.Kind) {
		p.Add("source_kind", "field.choice", "choose one of the values listed", map[string]any{"Value": c.Source.Kind})
	} else if needsRef(c.Source.Kind) && c.Source.Ref == "" {
		p.Required("source_ref", c.Source.Ref)
	}
	p.MaxLen("source_ref", c.Source.Ref, 100)
	ValidatePartners(&p, c.Partners)
	return p.Err()
}

// ValidateDetails checks the fields a partner's manager may edit (title,
// summary, fields, dates, funding), without the partners and the stage.
func (c *Cooperation) ValidateDetails(ref Checker) error {
	var p silkbridge.Problems
	c.validateDetails(&p, ref)
	return p.Err()
}

func (c *Cooperation) validateDetails(p *silkbridge.Problems, ref Checker) {
	if p.Required("title", c.Title) {
		p.MaxLen("title", c.Title, 500)
		p.VisibleText("title", c.Title)
	}
	p.MaxLen("acronym", c.Acronym, 60)
	p.MaxLen("summary", c.Summary, 5000)
	organisation.CheckFields(p, "fields", c.Fields, ref)
	for _, k := range c.Keywords {
		if !p.MaxLen("keywords", k, 60) {
			break
		}
	}
	start, okStart := checkDate(p, "start_date", c.StartDate, false)
	end, okEnd := checkDate(p, "end_date", c.EndDate, false)
	if okStart && okEnd && !start.IsZero() && !end.IsZero() && end.Before(start) {
		p.Add("end_date", "coop.field.end_before_start", "the end date is before the start date", nil)
	}
	if c.TotalCost < 0 {
		p.Add("total_cost_eur", "coop.field.amount", "an amount in euros, zero or more", nil)
	}
	if c.Funding < 0 {
		p.Add("funding_eur", "coop.field.amount", "an amount in euros, zero or more", nil)
	}
	p.MaxLen("funder", c.Funder, 200)
	p.MaxLen("programme", c.Programme, 100)
	p.MaxLen("type_of_action", c.TypeOfAction, 200)
}

// ValidatePartners records problems with a partner list: at least two
// distinct organisations, exactly one coordinator, known roles, no
// negative contribution.
func ValidatePartners(p *silkbridge.Problems, partners []Partner) {
	seen := map[string]bool{}
	coordinators := 0
	for _, pt := range partners {
		if pt.OrgID == "" {
			p.Add("partners", "coop.field.partner_missing", "choose an organisation for every partner", nil)
			return
		}
		if seen[pt.OrgID] {
			p.Add("partners", "coop.field.partner_twice", "an organisation is listed twice", nil)
			return
		}
		seen[pt.OrgID] = true
		if !contains(Roles, pt.Role) {
			p.Add("partners", "coop.field.role", "choose coordinator, participant or partner", map[string]any{"Value": pt.Role})
			return
		}
		if pt.Role == RoleCoordinator {
			coordinators++
		}
		if pt.Contribution < 0 {
			p.Add("partners", "coop.field.amount", "an amount in euros, zero or more", nil)
			return
		}
	}
	if len(seen) < 2 {
		p.Add("partners", "coop.field.two_partners", "a cooperation needs at least two partner organisations", nil)
		return
	}
	if coordinators != 1 {
		p.Add("partners", "coop.field.one_coordinator", "exactly one partner must be the coordinator", map[string]any{"Count": coordinators})
	}
}

// needsRef reports whether a source of kind must name the record it came from.
func needsRef(kind string) bool {
	return kind == SourceInterest || kind == SourceEvent || kind == SourceAgreement || kind == SourcePark || kind == SourceImport
}

// ValidatePartner checks one partner added to an existing cooperation.
func ValidatePartner(pt *Partner) error {
	var p silkbridge.Problems
	pt.OrgID = strings.TrimSpace(pt.OrgID)
	pt.Role = strings.TrimSpace(pt.Role)
	if pt.Role == "" {
		pt.Role = RoleParticipant
	}
	p.Required("organisation_id", pt.OrgID)
	if pt.Role != RoleParticipant && pt.Role != RolePartner {
		// A cooperation keeps its one coordinator: added partners join as
		// participants or unfunded partners.
		p.Add("role", "coop.field.added_role", "choose participant or partner", map[string]any{"Value": pt.Role})
	}
	if pt.Contribution < 0 {
		p.Add("contribution_eur", "coop.field.amount", "an amount in euros, zero or more", nil)
	}
	return p.Err()
}

// Normalise trims the fields of an output.
func (o *Output) Normalise() {
	o.Kind = strings.TrimSpace(o.Kind)
	o.Title = strings.TrimSpace(o.Title)
	o.Date = strings.TrimSpace(o.Date)
	o.URL = strings.TrimSpace(o.URL)
}

// Validate checks an output; today bounds its date.
func (o *Output) Validate(today time.Time) error {
	var p silkbridge.Problems
	if !contains(OutputKinds, o.Kind) {
		p.Add("kind", "field.choice", "choose one of the values listed", map[string]any{"Value": o.Kind})
	}
	if p.Required("title", o.Title) {
		p.MaxLen("title", o.Title, 500)
		p.VisibleText("title", o.Title)
	}
	if d, ok := checkDate(&p, "date", o.Date, true); ok && inFuture(d, today) {
		p.Add("date", "coop.field.future", "the date is in the future", nil)
	}
	if o.Kind == OutputPeopleTrained && o.Count < 1 {
		p.Add("count", "coop.field.count", "how many people: a whole number of at least 1", nil)
	}
	if o.Count < 0 || o.Count > 1_000_000 {
		p.Add("count", "coop.field.count", "how many people: a whole number of at least 1", nil)
	}
	if o.URL != "" && !organisation.ValidURL(o.URL) {
		p.Add("url", "field.url", "a web address starting with https:// or http://", nil)
	}
	p.MaxLen("url", o.URL, 500)
	return p.Err()
}

// ValidateChange checks a stage change against the current stage and the
// date of the last change; today bounds the date.
func ValidateChange(current, lastDate string, ch *StageChange, today time.Time) error {
	var p silkbridge.Problems
	ch.To = strings.TrimSpace(ch.To)
	ch.Date = strings.TrimSpace(ch.Date)
	ch.Evidence.Kind = strings.TrimSpace(ch.Evidence.Kind)
	ch.Evidence.Ref = strings.TrimSpace(ch.Evidence.Ref)
	ch.Evidence.Note = strings.TrimSpace(ch.Evidence.Note)
	if ch.Evidence.Kind == "" {
		ch.Evidence.Kind = EvidenceNote
	}
	switch {
	case !ValidStage(ch.To):
		p.Add("stage", "coop.field.stage", "choose a stage of the depth ladder", map[string]any{"Value": ch.To})
	case ch.To == current:
		p.Add("stage", "coop.field.same_stage", "the cooperation is already at this stage", nil)
	}
	if d, ok := checkDate(&p, "date", ch.Date, true); ok {
		if inFuture(d, today) {
			p.Add("date", "coop.field.future", "the date is in the future", nil)
		} else if lastDate != "" && ch.Date < lastDate {
			p.Add("date", "coop.field.before_last", "the date is before the last stage change ({{.Last}})", map[string]any{"Last": lastDate})
		}
	}
	switch ch.Evidence.Kind {
	case EvidenceNote:
		if p.Required("evidence", ch.Evidence.Note) {
			p.MaxLen("evidence", ch.Evidence.Note, 1000)
		}
	case EvidenceOutput, EvidenceAgreement:
		if !silkbridge.ValidID(ch.Evidence.Ref) {
			p.Add("evidence_ref", "coop.field.evidence_ref", "choose the output or agreement that shows the change", nil)
		}
		p.MaxLen("evidence", ch.Evidence.Note, 1000)
	default:
		p.Add("evidence_kind", "field.choice", "choose one of the values listed", map[string]any{"Value": ch.Evidence.Kind})
	}
	return p.Err()
}

// inFuture reports whether day is later than today anywhere on Earth: the
// server's UTC date may be a day behind its user's.
func inFuture(day, today time.Time) bool {
	y, m, d := today.UTC().Date()
	return day.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1))
}

// ParseDate reads a date written as YYYY-MM-DD.
func ParseDate(s string) (time.Time, error) {
	return time.Parse(DateLayout, s)
}

// checkDate records a problem when value is not a date; required says
// whether an empty value is a problem too. ok is true when the value is
// usable (a date, or empty and optional).
func checkDate(p *silkbridge.Problems, field, value string, required bool) (time.Time, bool) {
	if value == "" {
		if required {
			p.Required(field, value)
			return time.Time{}, false
		}
		return time.Time{}, true
	}
	d, err := ParseDate(value)
	if err != nil || d.Year() < 1900 || d.Year() > 2200 {
		p.Add(field, "coop.field.date", "a date written as YYYY-MM-DD", map[string]any{"Value": value})
		return time.Time{}, false
	}
	return d, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MonthsBetween counts whole months from a to b (negative when b is before a).
func MonthsBetween(a, b time.Time) int {
	m := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	if b.Day() < a.Day() {
		m--
	}
	return m
}

// Label returns "acronym: title" or the title alone.
func (c *Cooperation) Label() string {
	if c.Acronym != "" && !strings.EqualFold(c.Acronym, c.Title) {
		return fmt.Sprintf("%s: %s", c.Acronym, c.Title)
	}
	return c.Title
}
