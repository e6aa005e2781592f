package programme

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/talent"
)

// Application is a talent's ranked list of positions in a programme.
type Application struct {
	ID          string `json:"id"`
	ProgrammeID string `json:"programme_id"`
	TalentID    string `json:"talent_id"`
	// TalentName is filled when read.
	TalentName string `json:"talent_name,omitempty"`
	// Country is the talent's nationality when the list was last saved:
	// country quotas count it, so a later profile edit changes no result.
	Country string `json:"country"`
	// Choices are position ids, best first.
	Choices   []string  `json:"choices"`
	Statement string    `json:"statement"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Normalise trims the statement and drops empty choices, keeping the order.
func (a *Application) Normalise() {
	a.Statement = strings.TrimSpace(a.Statement)
	out := make([]string, 0, len(a.Choices))
	for _, c := range a.Choices {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	a.Choices = out
}

// Validate checks the list against the programme: at least one choice, no
// more than the programme allows, each a position of the programme and
// listed once, and a statement of bounded length.
func (a *Application) Validate(p *Programme) error {
	var pr silkbridge.Problems
	switch {
	case len(a.Choices) == 0:
		pr.Add("choices", "prog.field.choices_required", "choose at least one position", nil)
	case len(a.Choices) > p.MaxChoices:
		pr.Add("choices", "prog.field.choices_too_many", fmt.Sprintf("at most %d positions", p.MaxChoices),
			map[string]any{"Max": p.MaxChoices, "Count": len(a.Choices)})
	}
	seen := map[string]bool{}
	for i, c := range a.Choices {
		field := fmt.Sprintf("choices.%d", i)
		if p.Position(c) == nil {
			pr.Add(field, "prog.field.position", "not a position of this programme", nil)
			continue
		}
		if seen[c] {
			pr.Add(field, "prog.field.choice_twice", "this position is already on your list", nil)
		}
		seen[c] = true
	}
	if pr.Required("statement", a.Statement) {
		pr.MaxLen("statement", a.Statement, MaxStatementLen)
	}
	return pr.Err()
}

// CheckEligibility says whether the talent may apply, and if not, every
// reason, each as a field problem of the profile ("nationality",
// "career_stage", "fields"). briPartner reports whether a country is a Belt
// and Road partner.
func (p *Programme) CheckEligibility(t *talent.Profile, briPartner func(country string) bool) error {
	var pr silkbridge.Problems
	e := &p.Eligibility
	if len(e.Nationalities) > 0 || e.BRIPartners {
		ok := contains(e.Nationalities, t.Country) || (e.BRIPartners && briPartner(t.Country))
		if !ok {
			pr.Add("nationality", "prog.inelig.nationality", "your nationality is not among those the programme admits",
				map[string]any{"Country": t.Country})
		}
	}
	if len(e.CareerStages) > 0 {
		switch {
		case t.CareerStage == "":
			pr.Add("career_stage", "prog.inelig.career_stage_missing", "your profile does not say your career stage", nil)
		case !contains(e.CareerStages, t.CareerStage):
			pr.Add("career_stage", "prog.inelig.career_stage", "your career stage is not among those the programme admits",
				map[string]any{"Stage": t.CareerStage})
		}
	}
	if len(e.Fields) > 0 && !anyFieldMatches(t.Fields, e.Fields) {
		if len(t.Fields) == 0 {
			pr.Add("fields", "prog.inelig.fields_missing", "your profile lists no field of research", nil)
		} else {
			pr.Add("fields", "prog.inelig.fields", "none of your fields is among the programme's fields", nil)
		}
	}
	if e := pr.Invalid(); e != nil {
		e.MessageID, e.Message = "prog.not_eligible", "you are not eligible for this programme"
		return e
	}
	return nil
}

// anyFieldMatches reports whether a field of have equals, contains or is
// contained in a field of want ("2" and "2.2" match both ways).
func anyFieldMatches(have, want []string) bool {
	for _, h := range have {
		for _, w := range want {
			if h == w || strings.HasPrefix(h, w+".") || strings.HasPrefix(w, h+".") {
				return true
			}
		}
	}
	return false
}

// RankEntry is a host's judgement of one applicant to a position: a rank
// (1 is best) or a score (higher is better) as the position's RankMode
// says, none yet (Value nil: ranked after every ranked applicant), or not
// acceptable at all (Excluded).
type RankEntry struct {
	ApplicationID string   `json:"application_id"`
	Value         *float64 `json:"value"`
	Excluded      bool     `json:"excluded"`
}

// MaxScore bounds scores and ranks.
const MaxScore = 1e9

// ValidateRanking checks a host's entries for a position whose applicants
// are the given application ids. Ranks are whole numbers from 1; scores
// any number within ±MaxScore. Equal values are ties, broken by the lottery
// of each run.
func ValidateRanking(mode string, entries []RankEntry, applicants map[string]bool) error {
	var pr silkbridge.Problems
	seen := map[string]bool{}
	for i, e := range entries {
		field := fmt.Sprintf("entries.%d", i)
		if !applicants[e.ApplicationID] {
			pr.Add(field+".application_id", "prog.field.not_applicant", "not an applicant to this position", nil)
			continue
		}
		if seen[e.ApplicationID] {
			pr.Add(field+".application_id", "prog.field.ranked_twice", "this applicant is listed twice", nil)
			continue
		}
		seen[e.ApplicationID] = true
		if e.Value == nil {
			continue
		}
		v := *e.Value
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > MaxScore:
			pr.Add(field+".value", "prog.field.score", "a number", nil)
		case mode == RankByOrder && (v < 1 || v != math.Trunc(v)):
			pr.Add(field+".value", "prog.field.rank", "a whole number from 1 (the best)", nil)
		}
	}
	return pr.Err()
}

// Applicant is a talent who listed a position, as its host sees them: the
// application, where the talent put the position, the talent's profile
// in brief, and the host's judgement so far.
type Applicant struct {
	ApplicationID string   `json:"application_id"`
	TalentID      string   `json:"talent_id"`
	TalentName    string   `json:"talent_name"`
	Country       string   `json:"country"`
	CareerStage   string   `json:"career_stage,omitempty"`
	Fields        []string `json:"fields"`
	ORCID         string   `json:"orcid,omitempty"`
	Statement     string   `json:"statement"`
	// Choice is the place of the position on the talent's list (1: first).
	Choice   int      `json:"choice"`
	Value    *float64 `json:"value"`
	Excluded bool     `json:"excluded"`
}
