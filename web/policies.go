package web

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/eligible"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/policy"
	"github.com/silkbridge/silkbridge/store"
)

func (s *Server) policyRoutes() {
	s.page("GET /policies", s.listPolicies)
	s.page("GET /policies/feed.atom", s.policyFeed)
	s.page("GET /policies/new", s.newPolicyForm)
	s.page("POST /policies", s.createPolicy)
	s.page("GET /policies/{id}", s.showPolicy)
	s.page("GET /policies/{id}/edit", s.editPolicyForm)
	s.page("POST /policies/{id}", s.updatePolicy)
	s.page("POST /policies/{id}/delete", s.deletePolicy)

	s.handleAPI("GET /api/v1/policies", Op{Summary: "List and search policies and incentives", Tag: "policies",
		Response: List[policy.Policy]{}, Query: map[string]string{
			"q": "free-text search (any of the six UN languages)", "kind": "policy kind", "issuer": "issuing organisation id",
			"country": "ISO 3166-1 alpha-2 code of the jurisdiction", "open": "true: only policies valid today",
			"page": "page number", "per_page": "items per page (at most 100)"}}, s.apiListPolicies)
	s.handleAPI("POST /api/v1/policies", Op{Summary: "Publish a policy (national or regional: for a verified government agency, by its managers or agency officers; park: by a verified park's managers, for that park)", Tag: "policies",
		Request: policyInput{}, Response: policy.Policy{}, Auth: true, Status: http.StatusCreated}, s.apiCreatePolicy)
	s.handleAPI("GET /api/v1/policies/{id}", Op{Summary: "One policy", Tag: "policies", Response: policy.Policy{}}, s.apiGetPolicy)
	s.handleAPI("PUT /api/v1/policies/{id}", Op{Summary: "Replace a policy (those who may publish for its issuer)", Tag: "policies",
		Request: policyInput{}, Response: policy.Policy{}, Auth: true}, s.apiUpdatePolicy)
	s.handleAPI("DELETE /api/v1/policies/{id}", Op{Summary: "Withdraw a policy (those who may publish for its issuer)", Tag: "policies",
		Auth: true, Status: http.StatusNoContent}, s.apiDeletePolicy)
}

// policyInput is the body of the API's create and update calls; rule is
// the eligibility rule as a JSON value.
type policyInput struct {
	IssuerID     string          `json:"issuer_id"`
	Jurisdiction string          `json:"jurisdiction"`
	Country      string          `json:"country"`
	Region       string          `json:"region"`
	ParkID       string          `json:"park_id"`
	Kind         string          `json:"kind"`
	Benefit      string          `json:"benefit"`
	ValidFrom    string          `json:"valid_from"`
	ValidUntil   string          `json:"valid_until"`
	Texts        []policy.Text   `json:"texts"`
	Links        []string        `json:"links"`
	Rule         json.RawMessage `json:"rule"`
}

func (in policyInput) apply(p *policy.Policy) {
	p.IssuerID, p.Jurisdiction, p.Country, p.Region, p.ParkID = in.IssuerID, in.Jurisdiction, in.Country, in.Region, in.ParkID
	p.Kind, p.Benefit, p.ValidFrom, p.ValidUntil = in.Kind, in.Benefit, in.ValidFrom, in.ValidUntil
	p.Texts, p.Links, p.Rule = in.Texts, in.Links, string(in.Rule)
}

func policyFromForm(r *http.Request) policyInput {
	f := r.PostForm
	in := policyInput{IssuerID: f.Get("issuer_id"), Jurisdiction: f.Get("jurisdiction"), Country: f.Get("country"),
		Region: f.Get("region"), ParkID: f.Get("park_id"), Kind: f.Get("kind"), Benefit: f.Get("benefit"),
		ValidFrom: f.Get("valid_from"), ValidUntil: f.Get("valid_until"), Links: splitList(f.Get("links")),
		Rule: json.RawMessage(f.Get("rule"))}
	for _, l := range policy.Languages {
		in.Texts = append(in.Texts, policy.Text{Lang: l, Title: f.Get("title_" + l), Summary: f.Get("summary_" + l), Body: f.Get("body_" + l)})
	}
	return in
}

// policyForm fills a form's values from a stored policy, for editing.
func policyForm(p *policy.Policy) map[string][]string {
	v := map[string][]string{
		"issuer_id": {p.IssuerID}, "jurisdiction": {p.Jurisdiction}, "country": {p.Country}, "region": {p.Region},
		"park_id": {p.ParkID}, "kind": {p.Kind}, "benefit": {p.Benefit}, "valid_from": {p.ValidFrom},
		"valid_until": {p.ValidUntil}, "links": {strings.Join(p.Links, "\n")}, "rule": {p.Rule},
	}
	for _, t := range p.Texts {
		v["title_"+t.Lang], v["summary_"+t.Lang], v["body_"+t.Lang] = []string{t.Title}, []string{t.Summary}, []string{t.Body}
	}
	return v
}

// mayPublishFor is the role-and-ownership rule of policies: agency
// officers publish for any government agency, an organisation's managers
// for their own agency or park, admins for any issuer. Whether the issuer
// may speak for a state or a park at all (verified, its own park) is
// policy.CheckIssuer, which the store applies to every write.
func mayPublishFor(u *account.User) store.IssuerCheck {
	return func(issuer *organisation.Organisation) error {
		switch {
		case u == nil:
			return silkbridge.Unauthorized()
		case u.IsAdmin():
			return nil
		case issuer.Kind == organisation.GovernmentAgency && (u.IsOfficer() || u.Manages(issuer.ID)):
			return nil
		case issuer.Kind == organisation.Park && u.Manages(issuer.ID):
			return nil
		case issuer.Kind != organisation.GovernmentAgency && issuer.Kind != organisation.Park:
			return nil // no one's issuer: validation refuses it, naming the field
		}
		return silkbridge.Forbidden()
	}
}

// mayPublish reports whether the user may publish for some issuer at all,
// before any issuer is chosen.
func mayPublish(u *account.User) bool { return u.IsOfficer() || u.IsManager() }

func today() string { return time.Now().UTC().Format(policy.DateLayout) }

func policyFilter(r *http.Request) (policy.Filter, error) {
	q := r.URL.Query()
	page, err := queryInt(r, "page", 1)
	if err != nil {
		return policy.Filter{}, err
	}
	per, err := queryInt(r, "per_page", 20)
	if err != nil {
		return policy.Filter{}, err
	}
	f := policy.Filter{Query: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), IssuerID: q.Get("issuer"),
		Country: strings.ToUpper(q.Get("country")), Page: page, PerPage: per}
	if queryBool(r, "open") {
		f.OpenOn = today()
	}
	return f, nil
}

// policyView is a policy as a page shows it: in the reader's language, or
// in a marked fallback.
type policyView struct {
	*policy.Policy
	Text     policy.Text
	Fallback bool
	Issuer   *organisation.Organisation
	Open     bool
}

func (s *Server) policyViews(r *http.Request, ps []*policy.Policy) []policyView {
	lang := requestLanguage(r).Tag
	issuers := map[string]*organisation.Organisation{}
	out := make([]policyView, len(ps))
	for i, p := range ps {
		if _, ok := issuers[p.IssuerID]; !ok {
			issuers[p.IssuerID], _ = s.store.Organisation(r.Context(), p.IssuerID)
		}
		t, fb := p.TextIn(lang)
		out[i] = policyView{Policy: p, Text: t, Fallback: fb, Issuer: issuers[p.IssuerID], Open: p.OpenOn(today())}
	}
	return out
}

func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request) error {
	f, err := policyFilter(r)
	if err != nil {
		return err
	}
	ps, page, err := s.store.Policies(r.Context(), f)
	if err != nil {
		return err
	}
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	issuers, err := s.policyIssuers(r, nil)
	if err != nil {
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "policies/list", http.StatusOK, &Page{Title: s.T(r, "policy.list.title"), Data: map[string]any{
		"Policies": s.policyViews(r, ps), "Page": page, "Filter": f, "Open": queryBool(r, "open"), "Kinds": policy.Kinds,
		"Issuers": issuers, "Countries": ref.SortedCountries(requestLanguage(r).Tag), "CanPublish": mayPublish(currentUser(r)),
	}})
	return nil
}

// policyIssuers lists the organisations that issue policies (agencies and
// parks); with a user, only those the user may publish for.
func (s *Server) policyIssuers(r *http.Request, u *account.User) ([]*organisation.Organisation, error) {
	var out []*organisation.Organisation
	for _, kind := range []string{organisation.GovernmentAgency, organisation.Park} {
		orgs, _, err := s.store.Organisations(r.Context(), organisation.Filter{Kind: kind, PerPage: 100})
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			if u == nil || mayPublishFor(u)(o) == nil {
				out = append(out, o)
			}
		}
	}
	return out, nil
}

func (s *Server) showPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := s.store.Policy(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	u := currentUser(r)
	v := s.policyViews(r, []*policy.Policy{p})[0]
	var park *organisation.Organisation
	if p.ParkID != "" {
		park, _ = s.store.Organisation(r.Context(), p.ParkID)
	}
	words, err := s.ruleWords(r)
	if err != nil {
		return err
	}
	described := ""
	if rule, err := eligible.Parse([]byte(p.Rule)); err == nil {
		described = eligible.Describe(rule).Render(words)
	}
	canEdit := v.Issuer != nil && mayPublishFor(u)(v.Issuer) == nil
	clearFlash(w, r)
	s.render(w, r, "policies/show", http.StatusOK, &Page{Title: v.Text.Title, Data: map[string]any{
		"P": v, "Park": park, "Rule": described, "CanEdit": canEdit,
	}})
	return nil
}

func (s *Server) policyFormData(r *http.Request, p *policy.Policy) (map[string]any, error) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return nil, err
	}
	issuers, err := s.policyIssuers(r, currentUser(r))
	if err != nil {
		return nil, err
	}
	parks, _, err := s.store.Organisations(r.Context(), organisation.Filter{Kind: organisation.Park, PerPage: 100})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Policy": p, "Issuers": issuers, "Parks": parks, "Kinds": policy.Kinds,
		"Jurisdictions": policy.Jurisdictions, "Languages": policy.Languages,
		"Countries": ref.SortedCountries(requestLanguage(r).Tag)}, nil
}

func (s *Server) newPolicyForm(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if !mayPublish(u) {
		return silkbridge.Forbidden()
	}
	data, err := s.policyFormData(r, &policy.Policy{})
	if err != nil {
		return err
	}
	form := map[string][]string{"jurisdiction": {policy.JurisdictionCountry}, "valid_from": {today()}, "rule": {`{"all":[{"org_kind":["enterprise"]}]}`}}
	if issuers := data["Issuers"].([]*organisation.Organisation); len(issuers) == 1 {
		// The only issuer is the chosen one, so the form can say up front
		// whether it may publish.
		form["issuer_id"] = []string{issuers[0].ID}
		if issuers[0].Kind == organisation.Park {
			form["jurisdiction"], form["park_id"] = []string{policy.JurisdictionPark}, []string{issuers[0].ID}
		}
	}
	s.render(w, r, "policies/form", http.StatusOK, &Page{Title: s.T(r, "policy.new.title"), Data: data, Form: form})
	return nil
}

func (s *Server) createPolicy(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if !mayPublish(u) {
		return silkbridge.Forbidden()
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	var p policy.Policy
	policyFromForm(r).apply(&p)
	if err := s.store.CreatePolicy(r.Context(), store.Actor{UserID: u.ID}, &p, mayPublishFor(u)); err != nil {
		return s.policyFormError(w, r, &p, s.T(r, "policy.new.title"), err)
	}
	s.redirectFlash(w, r, "/policies/"+p.ID, s.T(r, "policy.created"))
	return nil
}

// policyFormError shows the form again with the problems, or the error
// page when the refusal is about who may publish.
func (s *Server) policyFormError(w http.ResponseWriter, r *http.Request, p *policy.Policy, title string, err error) error {
	if code := silkbridge.ErrorCode(err); code != silkbridge.EINVALID {
		return err
	}
	data, derr := s.policyFormData(r, p)
	if derr != nil {
		return derr
	}
	return s.formError(w, r, "policies/form", &Page{Title: title, Data: data}, err)
}

func (s *Server) editPolicyForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.ownPolicy(r)
	if err != nil {
		return err
	}
	data, err := s.policyFormData(r, p)
	if err != nil {
		return err
	}
	s.render(w, r, "policies/form", http.StatusOK, &Page{Title: s.T(r, "policy.edit.title"), Data: data, Form: policyForm(p)})
	return nil
}

// ownPolicy loads a policy the signed-in user may change.
func (s *Server) ownPolicy(r *http.Request) (*policy.Policy, error) {
	u := currentUser(r)
	if u == nil {
		return nil, silkbridge.Unauthorized()
	}
	p, err := s.store.Policy(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	issuer, err := s.store.Organisation(r.Context(), p.IssuerID)
	if err != nil {
		return nil, err
	}
	return p, mayPublishFor(u)(issuer)
}

func (s *Server) updatePolicy(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	in := policyFromForm(r)
	p, err := s.store.UpdatePolicy(r.Context(), store.Actor{UserID: u.ID}, r.PathValue("id"), mayPublishFor(u), func(p *policy.Policy) { in.apply(p) })
	if err != nil {
		shown := &policy.Policy{ID: r.PathValue("id")}
		in.apply(shown)
		return s.policyFormError(w, r, shown, s.T(r, "policy.edit.title"), err)
	}
	s.redirectFlash(w, r, "/policies/"+p.ID, s.T(r, "policy.updated"))
	return nil
}

func (s *Server) deletePolicy(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if err := s.store.DeletePolicy(r.Context(), store.Actor{UserID: u.ID}, r.PathValue("id"), mayPublishFor(u)); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/policies", s.T(r, "policy.deleted"))
	return nil
}

// Atom (RFC 4287) feed of new and changed policies.
type policyAtomFeed struct {
	XMLName xml.Name          `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string            `xml:"title"`
	ID      string            `xml:"id"`
	Updated string            `xml:"updated"`
	Link    []policyAtomLink  `xml:"link"`
	Author  policyAtomAuthor  `xml:"author"`
	Entries []policyAtomEntry `xml:"entry"`
}

type policyAtomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type policyAtomAuthor struct {
	Name string `xml:"name"`
}

type policyAtomEntry struct {
	Title     string           `xml:"title"`
	ID        string           `xml:"id"`
	Updated   string           `xml:"updated"`
	Published string           `xml:"published"`
	Link      policyAtomLink   `xml:"link"`
	Author    policyAtomAuthor `xml:"author"`
	Category  struct {
		Term string `xml:"term,attr"`
	} `xml:"category"`
	Summary struct {
		Lang string `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
		Text string `xml:",chardata"`
	} `xml:"summary"`
}

func (s *Server) policyFeed(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.store.PolicyFeed(r.Context(), 50)
	if err != nil {
		return err
	}
	base := "https://" + r.Host
	if r.TLS == nil {
		base = "http://" + r.Host
	}
	feed := policyAtomFeed{Title: "Silkbridge — " + s.T(r, "policy.list.title"), ID: base + "/policies",
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339), Author: policyAtomAuthor{Name: "Silkbridge"},
		Link: []policyAtomLink{{Rel: "self", Href: base + "/policies/feed.atom", Type: "application/atom+xml"}, {Rel: "alternate", Href: base + "/policies"}}}
	for i, v := range s.policyViews(r, ps) {
		if i == 0 {
			feed.Updated = v.UpdatedAt.Format(time.RFC3339)
		}
		e := policyAtomEntry{Title: v.Text.Title, ID: "urn:uuid:" + v.ID, Updated: v.UpdatedAt.Format(time.RFC3339),
			Published: v.CreatedAt.Format(time.RFC3339), Link: policyAtomLink{Rel: "alternate", Href: base + "/policies/" + v.ID}}
		if v.Issuer != nil {
			e.Author.Name = v.Issuer.Name
		}
		e.Category.Term = v.Kind
		e.Summary.Lang, e.Summary.Text = v.Text.Lang, strings.TrimSpace(v.Benefit+"\n"+v.Text.Summary)
		feed.Entries = append(feed.Entries, e)
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	enc.Encode(feed)
	return nil
}

func (s *Server) apiListPolicies(w http.ResponseWriter, r *http.Request) error {
	f, err := policyFilter(r)
	if err != nil {
		return err
	}
	ps, page, err := s.store.Policies(r.Context(), f)
	if err != nil {
		return err
	}
	items := make([]policy.Policy, len(ps))
	for i, p := range ps {
		items[i] = *p
	}
	writeJSON(w, http.StatusOK, List[policy.Policy]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: page.Total})
	return nil
}

func (s *Server) apiGetPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := s.store.Policy(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiCreatePolicy(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	u := currentUser(r)
	if !mayPublish(u) {
		return silkbridge.Forbidden()
	}
	var in policyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var p policy.Policy
	in.apply(&p)
	if err := s.store.CreatePolicy(r.Context(), store.Actor{UserID: u.ID}, &p, mayPublishFor(u)); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/policies/"+p.ID)
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) apiUpdatePolicy(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	u := currentUser(r)
	var in policyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.store.UpdatePolicy(r.Context(), store.Actor{UserID: u.ID}, r.PathValue("id"), mayPublishFor(u), func(p *policy.Policy) { in.apply(p) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiDeletePolicy(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	u := currentUser(r)
	if err := s.store.DeletePolicy(r.Context(), store.Actor{UserID: u.ID}, r.PathValue("id"), mayPublishFor(u)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
