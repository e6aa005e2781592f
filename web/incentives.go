package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/eligible"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/policy"
	"github.com/silkbridge/silkbridge/store"
)

func (s *Server) incentiveRoutes() {
	s.page("GET /incentives", s.showIncentives)
	s.handleAPI("GET /api/v1/incentives", Op{Summary: "Check every open policy against you or an organisation you manage", Tag: "policies",
		Response: incentiveReport{}, Auth: true, Query: map[string]string{
			"as": "\"me\" for yourself alone, or the id of an organisation you manage (default: the first you manage, else yourself)"}},
		s.apiIncentives)
	s.handleAPI("GET /api/v1/policies/{id}/check", Op{Summary: "Check one policy against you or an organisation you manage", Tag: "policies",
		Response: incentiveAnswer{}, Auth: true, Query: map[string]string{
			"as": "\"me\" for yourself alone, or the id of an organisation you manage"}}, s.apiCheckPolicy)
}

// ruleWords renders the eligibility package's messages in the request's
// language: its message IDs are in the policy catalogues, countries and
// fields are named from the reference data, parks by their names.
type ruleWords struct {
	tr    *translator
	ref   *store.Reference
	lang  string
	parks map[string]string
}

func (s *Server) ruleWords(r *http.Request) (*ruleWords, error) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return nil, err
	}
	parks, _, err := s.store.Organisations(r.Context(), organisation.Filter{Kind: organisation.Park, PerPage: 100})
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, p := range parks {
		names[p.ID] = p.Name
	}
	l := requestLanguage(r)
	return &ruleWords{tr: s.translator(l), ref: ref, lang: l.Tag, parks: names}, nil
}

func (w *ruleWords) Text(id eligible.MessageID, args map[string]string) string {
	data := make(map[string]any, len(args))
	for k, v := range args {
		data[k] = v
	}
	return w.tr.tmap(string(id), data, eligible.English.Text(id, args))
}

func (w *ruleWords) Name(t eligible.Term) string {
	switch t.Vocab {
	case eligible.VocabCountry:
		if c, ok := w.ref.Country(t.Code); ok {
			return c.Name(w.lang)
		}
	case eligible.VocabField:
		if f, ok := w.ref.Field(t.Code); ok {
			return f.Name(w.lang)
		}
	case eligible.VocabPark:
		if n, ok := w.parks[t.Code]; ok {
			return n
		}
	}
	return t.Code
}

func (w *ruleWords) Join(items []string, j eligible.Join) string {
	switch {
	case len(items) == 0:
		return ""
	case len(items) == 1:
		return items[0]
	case j == eligible.JoinList:
		return strings.Join(items, w.tr.T("policy.join.clauses"))
	}
	head := strings.Join(items[:len(items)-1], w.tr.T("policy.join.comma"))
	return w.tr.T("policy.join."+string(j), "Head", head, "Last", items[len(items)-1])
}

// incentiveAnswer is the checker's answer for one policy, in words.
type incentiveAnswer struct {
	PolicyID string           `json:"policy_id"`
	Title    string           `json:"title"`
	Kind     string           `json:"kind"`
	Benefit  string           `json:"benefit"`
	Outcome  eligible.Outcome `json:"outcome"`
	Answer   string           `json:"answer"`
	Reasons  []string         `json:"reasons"`
	Missing  []missingFact    `json:"missing,omitempty"`
	// Verdict is the checker's answer with message IDs, for machines.
	Verdict eligible.Verdict `json:"verdict"`
	// Fallback says the title is not in the reader's language.
	Fallback bool `json:"fallback,omitempty"`
}

// missingFact is a fact the checker lacks and where to fill it in.
type missingFact struct {
	Fact  eligible.Fact `json:"fact"`
	Label string        `json:"label"`
	Link  string        `json:"link"`
}

// incentiveReport is the answer for every open policy.
type incentiveReport struct {
	As        string            `json:"as"` // "me" or the organisation id
	CheckedOn string            `json:"checked_on"`
	Answers   []incentiveAnswer `json:"answers"`
}

// applicant resolves whom to check: the user alone ("me"), or the user with
// an organisation they manage; the default is the first they manage.
func applicant(u *account.User, as string) (string, error) {
	switch {
	case as == "me":
		return "", nil
	case as == "" && len(u.Orgs) > 0:
		return u.Orgs[0], nil
	case as == "":
		return "", nil
	case !u.Manages(as):
		return "", silkbridge.Invalid("as", "policy.error.as", "choose yourself or an organisation you manage", nil)
	}
	return as, nil
}

// factLink is the page where a missing fact is filled in.
func factLink(f eligible.Fact, orgID string) string {
	switch f {
	case eligible.FactOrgCooperations:
		return "/cooperations/new"
	case eligible.FactOrgAchievements:
		return "/achievements/new"
	}
	if strings.HasPrefix(string(f), "organisation.") && orgID != "" {
		return "/organisations/" + orgID + "/edit"
	}
	return "/profile"
}

// checkPolicies runs each policy's rule against the applicant's facts.
func (s *Server) checkPolicies(r *http.Request, u *account.User, orgID string, ps []*policy.Policy) ([]incentiveAnswer, error) {
	facts, err := s.store.EligibilityFacts(r.Context(), u.ID, orgID, time.Now().UTC())
	if err != nil {
		return nil, err
	}
	words, err := s.ruleWords(r)
	if err != nil {
		return nil, err
	}
	out := make([]incentiveAnswer, 0, len(ps))
	for _, p := range ps {
		// A stored rule was checked on save; one that no longer reads (a
		// park since deleted) evaluates as invalid, which answers Unknown.
		rule, _ := eligible.Parse([]byte(p.Rule))
		v := eligible.Evaluate(rule, facts)
		t, fb := p.TextIn(words.lang)
		a := incentiveAnswer{PolicyID: p.ID, Title: t.Title, Kind: p.Kind, Benefit: p.Benefit, Outcome: v.Outcome,
			Answer: v.Outcome.Message().Render(words), Verdict: v, Fallback: fb}
		for _, reason := range v.Reasons {
			a.Reasons = append(a.Reasons, reason.Message.Render(words))
		}
		for _, f := range v.Missing {
			a.Missing = append(a.Missing, missingFact{Fact: f, Label: words.Text(eligible.TermID(f.Term()), nil), Link: factLink(f, orgID)})
		}
		out = append(out, a)
	}
	s.countChecks(r, out)
	// Eligible first, then unknown (a fact away), then not eligible.
	slices.SortStableFunc(out, func(a, b incentiveAnswer) int { return int(b.Outcome) - int(a.Outcome) })
	return out, nil
}

func (s *Server) incentives(r *http.Request) (*incentiveReport, error) {
	u := currentUser(r)
	if u == nil {
		return nil, silkbridge.Unauthorized()
	}
	as := r.URL.Query().Get("as")
	orgID, err := applicant(u, as)
	if err != nil {
		return nil, err
	}
	ps, err := s.store.OpenPolicies(r.Context(), today())
	if err != nil {
		return nil, err
	}
	answers, err := s.checkPolicies(r, u, orgID, ps)
	if err != nil {
		return nil, err
	}
	rep := &incentiveReport{As: orgID, CheckedOn: today(), Answers: answers}
	if orgID == "" {
		rep.As = "me"
	}
	return rep, nil
}

func (s *Server) showIncentives(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.incentives(r)
	if err != nil {
		return err
	}
	var orgs []*organisation.Organisation
	for _, id := range currentUser(r).Orgs {
		if o, err := s.store.Organisation(r.Context(), id); err == nil {
			orgs = append(orgs, o)
		}
	}
	counts := map[string]int{}
	for _, a := range rep.Answers {
		counts[a.Outcome.String()]++
	}
	clearFlash(w, r)
	s.render(w, r, "policies/incentives", http.StatusOK, &Page{Title: s.T(r, "incentives.title"), Data: map[string]any{
		"Report": rep, "Orgs": orgs, "Counts": counts,
	}})
	return nil
}

func (s *Server) apiIncentives(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.incentives(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) apiCheckPolicy(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	orgID, err := applicant(u, r.URL.Query().Get("as"))
	if err != nil {
		return err
	}
	p, err := s.store.Policy(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	answers, err := s.checkPolicies(r, u, orgID, []*policy.Policy{p})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, answers[0])
	return nil
}
