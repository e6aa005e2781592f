package achievement

import (
	"cmp"
	"slices"
	"strings"

	"github.com/silkbridge/silkbridge/textsearch"
)

// Request is a technology request as the matcher reads it: from the
// marketplace (a listing of kind technology_request) or entered on the
// achievements page.
type Request struct {
	ID       string
	Title    string
	Text     string
	Fields   []string
	Keywords []string
	// TRL is the readiness level sought (0: any).
	TRL int
	// Country is where the requester would use the technology ("": anywhere).
	Country string
}

// Kinds of reason a suggestion gives.
const (
	ReasonField     = "field"     // a shared field (Values: the codes)
	ReasonBroad     = "broad"     // fields under the same broad field
	ReasonTerms     = "terms"     // shared words of the titles, texts and keywords
	ReasonTRL       = "trl"       // ready at or above the level sought
	ReasonTRLNear   = "trl_near"  // one level below the level sought
	ReasonAvailable = "available" // licensable in the requester's country
)

// Points each kind of reason earns; a suggestion's score is their sum.
const (
	pointsField     = 30 // per shared field, at most two
	pointsBroad     = 12 // per broad field shared, at most two
	pointsTerm      = 6  // per shared term, at most maxTerms
	maxTerms        = 6
	pointsTRL       = 20
	pointsTRLNear   = 8
	pointsAvailable = 10
)

// Reason says why an achievement may answer a request, with the points it
// earned.
type Reason struct {
	Kind   string   `json:"kind"`
	Values []string `json:"values,omitempty"`
	Points int      `json:"points"`
}

// Suggestion is an achievement ranked for a request, with its reasons.
type Suggestion struct {
	Achievement *Achievement `json:"achievement"`
	RequestID   string       `json:"request_id,omitempty"`
	Score       int          `json:"score"`
	Reasons     []Reason     `json:"reasons"`
}

// Score rates how well an achievement could answer a request. ok is false
// when it could not: it is not available in the requester's country, or
// it shares neither a field nor a word with the request (readiness and
// availability alone say nothing about the subject).
//
// score = 30 × shared fields (≤ 2) + 12 × fields sharing only their broad
// field (≤ 2) + 6 × shared terms (≤ 6, from textsearch.Terms of title, text
// and keywords on each side) + 20 if the TRL is at or above the level sought,
// or 8 if one below + 10 if available in the requester's country.
func Score(req Request, a *Achievement) (score int, reasons []Reason, ok bool) {
	if req.Country != "" && !a.AvailableInCountry(req.Country) {
		return 0, nil, false
	}
	var exact, broad []string
	for _, f := range req.Fields {
		switch {
		case slices.Contains(a.Fields, f):
			exact = append(exact, f)
		case slices.ContainsFunc(a.Fields, func(g string) bool { return broadField(g) == broadField(f) }):
			if !slices.Contains(broad, broadField(f)) {
				broad = append(broad, broadField(f))
			}
		}
	}
	if len(exact) > 0 {
		reasons = append(reasons, Reason{Kind: ReasonField, Values: exact, Points: pointsField * min(len(exact), 2)})
	}
	if len(broad) > 0 {
		reasons = append(reasons, Reason{Kind: ReasonBroad, Values: broad, Points: pointsBroad * min(len(broad), 2)})
	}
	theirs := map[string]bool{}
	for _, t := range textsearch.Terms(a.Title + " " + a.Summary + " " + strings.Join(a.Keywords, " ")) {
		theirs[t] = true
	}
	var shared []string
	for _, t := range textsearch.Terms(req.Title + " " + req.Text + " " + strings.Join(req.Keywords, " ")) {
		if theirs[t] && !slices.Contains(shared, t) {
			shared = append(shared, t)
		}
	}
	if len(shared) > 0 {
		slices.Sort(shared)
		reasons = append(reasons, Reason{Kind: ReasonTerms, Values: shared[:min(len(shared), maxTerms)], Points: pointsTerm * min(len(shared), maxTerms)})
	}
	if len(reasons) == 0 {
		return 0, nil, false
	}
	switch {
	case req.TRL == 0:
	case a.TRL >= req.TRL:
		reasons = append(reasons, Reason{Kind: ReasonTRL, Points: pointsTRL})
	case a.TRL == req.TRL-1:
		reasons = append(reasons, Reason{Kind: ReasonTRLNear, Points: pointsTRLNear})
	}
	if req.Country != "" {
		reasons = append(reasons, Reason{Kind: ReasonAvailable, Values: []string{req.Country}, Points: pointsAvailable})
	}
	for _, r := range reasons {
		score += r.Points
	}
	return score, reasons, true
}

// broadField is the first level of a FORD code ("2" of "2.5").
func broadField(code string) string {
	if i := strings.IndexByte(code, '.'); i > 0 {
		return code[:i]
	}
	return code
}

// Suggest ranks the achievements that could answer the request, the best
// first (ties: the higher TRL, then the id), at most limit of them.
func Suggest(req Request, candidates []*Achievement, limit int) []Suggestion {
	out := []Suggestion{}
	for _, a := range candidates {
		if score, reasons, ok := Score(req, a); ok {
			out = append(out, Suggestion{Achievement: a, RequestID: req.ID, Score: score, Reasons: reasons})
		}
	}
	slices.SortFunc(out, func(x, y Suggestion) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(y.Achievement.TRL, x.Achievement.TRL), cmp.Compare(x.Achievement.ID, y.Achievement.ID))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}
