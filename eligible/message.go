package eligible

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
)

// MessageID is the catalogue key of a translatable text.
type MessageID string

// Message is a text in translatable form: a catalogue ID and the values of
// its placeholders. Each value is an int, a Term, a Terms, a Message or a
// Messages; render it with Render, or with String for English.
type Message struct {
	ID   MessageID      `json:"id"`
	Args map[string]any `json:"args,omitempty"`
}

// Vocab names the vocabulary a Term comes from.
type Vocab string

// Vocabularies. Words of the closed ones (org kinds, size classes, career
// stages, cooperation stages, facts) are catalogue messages, TermID; the
// open ones (countries, fields, parks) are named by the Localizer.
const (
	VocabOrgKind     Vocab = "org_kind"
	VocabSizeClass   Vocab = "size_class"
	VocabCareerStage Vocab = "career_stage"
	VocabStage       Vocab = "stage"
	VocabFact        Vocab = "fact"
	VocabCountry     Vocab = "country"
	VocabField       Vocab = "field"
	VocabPark        Vocab = "park"
)

// Term is one value of a vocabulary, such as the country "KZ" or the
// organisation kind "enterprise".
type Term struct {
	Vocab Vocab  `json:"vocab"`
	Code  string `json:"code"`
}

// Join says how the items of a list read together.
type Join string

// Ways to join a list.
const (
	JoinOr   Join = "or"   // alternatives: "a, b or c"
	JoinAnd  Join = "and"  // together: "a, b and c"
	JoinList Join = "list" // separate clauses: "a; b; c"
)

// Terms is a list of terms joined into one placeholder value.
type Terms struct {
	Items []Term `json:"items"`
	Join  Join   `json:"join"`
}

// Messages is a list of messages joined into one placeholder value.
type Messages struct {
	Items []Message `json:"items"`
	Join  Join      `json:"join"`
}

// Localizer renders messages in one language.
type Localizer interface {
	// Text fills the template of id with args, already rendered.
	Text(id MessageID, args map[string]string) string
	// Name names a term of an open vocabulary: a country, field or park.
	Name(t Term) string
	// Join joins rendered list items.
	Join(items []string, j Join) string
}

// TermID is the catalogue ID of a closed-vocabulary term, such as
// "eligible.org_kind.enterprise".
func TermID(t Term) MessageID { return MessageID("eligible." + string(t.Vocab) + "." + t.Code) }

func (v Vocab) closed() bool {
	switch v {
	case VocabOrgKind, VocabSizeClass, VocabCareerStage, VocabStage, VocabFact:
		return true
	}
	return false
}

// Render renders the message and its arguments with l.
func (m Message) Render(l Localizer) string {
	args := make(map[string]string, len(m.Args))
	for name, v := range m.Args {
		args[name] = renderArg(v, l)
	}
	return l.Text(m.ID, args)
}

// String renders the message in English.
func (m Message) String() string { return m.Render(English) }

func renderArg(v any, l Localizer) string {
	switch v := v.(type) {
	case int:
		return strconv.Itoa(v)
	case Term:
		return renderTerm(v, l)
	case Terms:
		items := make([]string, len(v.Items))
		for i, t := range v.Items {
			items[i] = renderTerm(t, l)
		}
		return l.Join(items, v.Join)
	case Message:
		return v.Render(l)
	case Messages:
		items := make([]string, len(v.Items))
		for i, m := range v.Items {
			items[i] = m.Render(l)
		}
		return l.Join(items, v.Join)
	}
	return fmt.Sprint(v)
}

func renderTerm(t Term, l Localizer) string {
	if t.Vocab.closed() {
		return l.Text(TermID(t), nil)
	}
	return l.Name(t)
}

// English renders messages from Catalogue; it names countries, fields and
// parks by their codes.
var English Localizer = english{}

type english struct{}

func (english) Text(id MessageID, args map[string]string) string {
	tmpl, ok := catalogue[id]
	if !ok {
		return string(id)
	}
	return fill(tmpl, args)
}

func (english) Name(t Term) string { return t.Code }

func (english) Join(items []string, j Join) string {
	if j == JoinList {
		return strings.Join(items, "; ")
	}
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + string(j) + " " + items[len(items)-1]
}

// fill replaces each {{.Name}} in tmpl by args[Name]. The catalogue uses no
// other template syntax, so its texts also read as Go templates for go-i18n.
func fill(tmpl string, args map[string]string) string {
	var b strings.Builder
	for {
		start := strings.Index(tmpl, "{{.")
		if start < 0 {
			break
		}
		end := strings.Index(tmpl[start:], "}}")
		if end < 0 {
			break
		}
		b.WriteString(tmpl[:start])
		b.WriteString(args[tmpl[start+3:start+end]])
		tmpl = tmpl[start+end+2:]
	}
	b.WriteString(tmpl)
	return b.String()
}

// Catalogue returns every message ID of the package with its English text.
// Placeholders are written {{.Name}}, as go-i18n expects.
func Catalogue() map[MessageID]string { return maps.Clone(catalogue) }

// Message IDs built in code; the catalogue below holds their texts.
const (
	msgOpenTo         MessageID = "eligible.open_to"
	msgAll            MessageID = "eligible.all"
	msgAny            MessageID = "eligible.any"
	msgInvalidRule    MessageID = "eligible.rule.invalid"
	msgReasonMet      MessageID = "eligible.reason.met"
	msgReasonUnmet    MessageID = "eligible.reason.unmet"
	msgReasonUnknown  MessageID = "eligible.reason.unknown"
	msgMissing        MessageID = "eligible.verdict.missing"
	msgActualIs       MessageID = "eligible.actual.is"
	msgActualAre      MessageID = "eligible.actual.are"
	msgActualNone     MessageID = "eligible.actual.none"
	msgActualYes      MessageID = "eligible.actual.yes"
	msgActualNo       MessageID = "eligible.actual.no"
	msgActualUnknown  MessageID = "eligible.actual.unknown"
	msgNotOrg         MessageID = "eligible.actual.not_organisation"
	msgNotPerson      MessageID = "eligible.actual.not_person"
	msgNoApplicant    MessageID = "eligible.actual.no_applicant"
	msgCoopActive     MessageID = "eligible.actual.cooperation.active"
	msgCoopEver       MessageID = "eligible.actual.cooperation.ever"
	msgCoopNoneActive MessageID = "eligible.actual.cooperation.none_active"
	msgCoopNone       MessageID = "eligible.actual.cooperation.none"
	msgTRLBest        MessageID = "eligible.actual.trl"
	msgTRLNone        MessageID = "eligible.actual.trl.none"
	msgTRLAtLeast     MessageID = "eligible.trl.at_least"
	msgTRLAtMost      MessageID = "eligible.trl.at_most"
	msgTRLBetween     MessageID = "eligible.trl.between"
	msgTRLExactly     MessageID = "eligible.trl.exactly"
)

// condID is the ID of a condition's phrase: "eligible.cond.<kind>[.<variant>][.not]".
func condID(k Kind, variant string, negated bool) MessageID {
	id := "eligible.cond." + string(k)
	if variant != "" {
		id += "." + variant
	}
	if negated {
		id += ".not"
	}
	return MessageID(id)
}

var catalogue = map[MessageID]string{
	"eligible.outcome.eligible":     "Eligible",
	"eligible.outcome.not_eligible": "Not eligible",
	"eligible.outcome.unknown":      "Unknown",
	msgMissing:                      "To decide, add: {{.Facts}}",

	msgOpenTo:      "Open to: {{.Conditions}}.",
	msgAll:         "all of ({{.Items}})",
	msgAny:         "any of ({{.Items}})",
	msgInvalidRule: "the rule is not valid",

	"eligible.cond.org_kind":                     "organisation kind is {{.Values}}",
	"eligible.cond.org_kind.not":                 "organisation kind is not {{.Values}}",
	"eligible.cond.country":                      "country is {{.Values}}",
	"eligible.cond.country.not":                  "country is not {{.Values}}",
	"eligible.cond.bri_partner":                  "country is a Belt and Road partner",
	"eligible.cond.bri_partner.not":              "country is not a Belt and Road partner",
	"eligible.cond.field":                        "has a field in {{.Values}}",
	"eligible.cond.field.not":                    "has no field in {{.Values}}",
	"eligible.cond.size_class":                   "size class is {{.Values}}",
	"eligible.cond.size_class.not":               "size class is not {{.Values}}",
	"eligible.cond.park_member":                  "member of park {{.Park}}",
	"eligible.cond.park_member.not":              "not a member of park {{.Park}}",
	"eligible.cond.park_member.any":              "member of a park",
	"eligible.cond.park_member.any.not":          "not a member of any park",
	"eligible.cond.cooperation_stage.active":     "takes part in an active cooperation at stage {{.Stage}} or deeper",
	"eligible.cond.cooperation_stage.active.not": "takes part in no active cooperation at stage {{.Stage}} or deeper",
	"eligible.cond.cooperation_stage.ever":       "has taken part in a cooperation that reached stage {{.Stage}} or deeper",
	"eligible.cond.cooperation_stage.ever.not":   "has never taken part in a cooperation that reached stage {{.Stage}} or deeper",
	"eligible.cond.achievement_trl":              "best achievement is at TRL {{.Range}}",
	"eligible.cond.achievement_trl.not":          "no achievement, or the best is not at TRL {{.Range}}",
	"eligible.cond.career_stage":                 "career stage is {{.Values}}",
	"eligible.cond.career_stage.not":             "career stage is not {{.Values}}",
	"eligible.cond.nationality":                  "nationality is {{.Values}}",
	"eligible.cond.nationality.not":              "nationality is not {{.Values}}",
	msgTRLAtLeast:                                "{{.Min}} or higher",
	msgTRLAtMost:                                 "{{.Max}} or lower",
	msgTRLBetween:                                "{{.Min}} to {{.Max}}",
	msgTRLExactly:                                "{{.Min}}",

	msgReasonMet:     "Met: {{.Condition}} ({{.Actual}})",
	msgReasonUnmet:   "Not met: {{.Condition}} ({{.Actual}})",
	msgReasonUnknown: "Unknown: {{.Condition}} ({{.Actual}})",

	msgActualIs:       "{{.Fact}} is {{.Value}}",
	msgActualAre:      "{{.Fact}} are {{.Values}}",
	msgActualNone:     "{{.Fact}}: none",
	msgActualYes:      "{{.Fact}}: yes",
	msgActualNo:       "{{.Fact}}: no",
	msgActualUnknown:  "not known: {{.Fact}}",
	msgNotOrg:         "the applicant is not an organisation",
	msgNotPerson:      "the applicant is not a person",
	msgNoApplicant:    "the applicant is neither an organisation nor a person",
	msgCoopActive:     "the deepest stage among the organisation's active cooperations is {{.Stage}}",
	msgCoopEver:       "the deepest stage the organisation's cooperations reached is {{.Stage}}",
	msgCoopNoneActive: "the organisation has no active cooperation",
	msgCoopNone:       "the organisation has no cooperation",
	msgTRLBest:        "the organisation's best achievement is at TRL {{.TRL}}",
	msgTRLNone:        "the organisation has no achievement",

	"eligible.fact.organisation.kind":         "the organisation's kind",
	"eligible.fact.organisation.country":      "the organisation's country",
	"eligible.fact.organisation.bri_partner":  "whether the organisation's country is a Belt and Road partner",
	"eligible.fact.organisation.size_class":   "the organisation's size class",
	"eligible.fact.organisation.fields":       "the organisation's fields",
	"eligible.fact.organisation.parks":        "the organisation's park memberships",
	"eligible.fact.organisation.cooperations": "the organisation's cooperations",
	"eligible.fact.organisation.achievements": "the organisation's achievements",
	"eligible.fact.person.country":            "the person's country",
	"eligible.fact.person.bri_partner":        "whether the person's country is a Belt and Road partner",
	"eligible.fact.person.fields":             "the person's fields",
	"eligible.fact.person.career_stage":       "the person's career stage",
	"eligible.fact.person.nationality":        "the person's nationality",

	"eligible.org_kind.university":         "university",
	"eligible.org_kind.research_institute": "research institute",
	"eligible.org_kind.enterprise":         "enterprise",
	"eligible.org_kind.government_agency":  "government agency",
	"eligible.org_kind.park":               "park",
	"eligible.org_kind.cooperation_base":   "cooperation base",
	"eligible.org_kind.other":              "other",

	"eligible.size_class.small":  "small",
	"eligible.size_class.medium": "medium",
	"eligible.size_class.large":  "large",

	"eligible.career_stage.student":  "student",
	"eligible.career_stage.doctoral": "doctoral candidate",
	"eligible.career_stage.early":    "early career",
	"eligible.career_stage.mid":      "mid-career",
	"eligible.career_stage.senior":   "senior",

	"eligible.stage.exchange":            "exchange",
	"eligible.stage.joint_research":      "joint research",
	"eligible.stage.joint_lab":           "joint lab",
	"eligible.stage.technology_transfer": "technology transfer",
	"eligible.stage.commercialisation":   "commercialisation",
}
