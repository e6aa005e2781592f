package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/recommend"
	"github.com/silkbridge/silkbridge/store"
)

// Partner recommendation: for an organisation, for a listing, and for a
// cooperation that needs another partner, a ranked list of organisations
// with the reasons for each, on pages and under /api/v1.

func (s *Server) recommendationRoutes() {
	s.page("GET /recommendations/organisations/{id}", s.recommendPage(subjectOrganisation))
	s.page("GET /recommendations/opportunities/{id}", s.recommendPage(subjectOpportunity))
	s.page("GET /recommendations/cooperations/{id}", s.recommendPage(subjectCooperation))

	q := map[string]string{"bri": "true: favour organisations from Belt and Road partner countries",
		"new_partners": "true: only organisations that never shared a cooperation with the seed, with why each fits",
		"limit":        "how many partners (1-100, default 20)"}
	s.handleAPI("GET /api/v1/recommendations/organisations/{id}", Op{Summary: "Partners recommended for an organisation, with reasons",
		Tag: "recommendations", Response: partnerList{}, Query: q}, s.recommendAPI(subjectOrganisation))
	s.handleAPI("GET /api/v1/recommendations/opportunities/{id}", Op{Summary: "Partners recommended for a listing's owner, with reasons",
		Tag: "recommendations", Response: partnerList{}, Query: q}, s.recommendAPI(subjectOpportunity))
	s.handleAPI("GET /api/v1/recommendations/cooperations/{id}", Op{Summary: "Another partner for a cooperation, with reasons",
		Tag: "recommendations", Response: partnerList{}, Query: q}, s.recommendAPI(subjectCooperation))
}

// What a recommendation is for.
const (
	subjectOrganisation = "organisation"
	subjectOpportunity  = "opportunity"
	subjectCooperation  = "cooperation"
)

// partnerList is a ranked list of proposed partners.
type partnerList struct {
	For          subjectRef    `json:"for"`
	FavourBRI    bool          `json:"favour_bri"`
	NewPartners  bool          `json:"new_partners"`
	Items        []partnerItem `json:"items"`
	GraphBuiltAt time.Time     `json:"graph_built_at"`
}

// subjectRef names what the partners are proposed for.
type subjectRef struct {
	Kind  string `json:"kind"`
	ID    string `json:"id"`
	Title string `json:"title"`
}

// partnerItem is one proposed partner.
type partnerItem struct {
	Rank         int           `json:"rank"`
	Organisation store.OrgCard `json:"organisation"`
	Score        float64       `json:"score"`
	Reasons      []reasonView  `json:"reasons"`
}

// reasonView is one reason, said in the request's language, with its facts.
type reasonView struct {
	Kind    string          `json:"kind"`
	Text    string          `json:"text"`
	Count   int             `json:"count,omitempty"`
	Via     []store.OrgCard `json:"via,omitempty"`
	Parts   []string        `json:"parts,omitempty"`
	Terms   []string        `json:"terms,omitempty"`
	Country string          `json:"country,omitempty"`
	Type    string          `json:"type,omitempty"`
}

// recommendOptions are the query parameters of a recommendation.
type recommendOptions struct {
	FavourBRI   bool
	NewPartners bool
	Limit       int
}

func parseRecommendOptions(r *http.Request) (recommendOptions, error) {
	var p silkbridge.Problems
	o := recommendOptions{Limit: 20}
	switch strings.ToLower(strings.TrimSpace(r.URL.Query().Get("bri"))) {
	case "", "0", "false", "off", "no":
	case "1", "true", "on", "yes":
		o.FavourBRI = true
	default:
		p.Add("bri", "market.field.boolean", "true or false", nil)
	}
	switch strings.ToLower(strings.TrimSpace(r.URL.Query().Get("new_partners"))) {
	case "", "0", "false", "off", "no":
	case "1", "true", "on", "yes":
		o.NewPartners = true
	default:
		p.Add("new_partners", "market.field.boolean", "true or false", nil)
	}
	if v := strings.TrimSpace(r.URL.Query().Get("limit")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			p.Add("limit", "market.field.limit", "a whole number from 1 to 100", map[string]any{"Max": 100})
		} else {
			o.Limit = n
		}
	}
	return o, p.Err()
}

// recommendQuery builds the recommender's query for the subject of the
// path, and checks that the user may ask it.
func (s *Server) recommendQuery(r *http.Request, kind string, o recommendOptions) (recommend.Query, subjectRef, error) {
	ctx := r.Context()
	id := r.PathValue("id")
	q := recommend.Query{FavourBRI: o.FavourBRI, NewPartners: o.NewPartners, Limit: o.Limit, Year: time.Now().Year()}
	switch kind {
	case subjectOrganisation:
		if !silkbridge.ValidID(id) {
			return q, subjectRef{}, silkbridge.NotFound("organisation")
		}
		org, err := s.store.Organisation(ctx, id)
		if err != nil {
			return q, subjectRef{}, err
		}
		q.Seed, q.SeedCountry = org.ID, org.Country
		q.SeedType = partnerOrgType(store.GraphOrganisation{Kind: org.Kind, ActivityType: org.ActivityType})
		q.Parts = org.Fields
		q.TopicDescription = strings.Join(org.Keywords, " ")
		return q, subjectRef{Kind: kind, ID: org.ID, Title: org.Name}, nil
	case subjectOpportunity:
		x, err := s.readableListing(r)
		if err != nil {
			return q, subjectRef{}, err
		}
		u := currentUser(r)
		if x.Anonymous && !u.Manages(x.OwnerOrgID) && !u.IsOfficer() {
			revealed, err := s.revealedTo(r, u)
			if err != nil {
				return q, subjectRef{}, err
			}
			if !revealed[x.ID] {
				// Partners of an anonymous owner would tell who it is.
				return q, subjectRef{}, silkbridge.Forbidden()
			}
		}
		q.Seed, q.SeedCountry = x.OwnerOrgID, x.Owner.Country
		q.SeedType = partnerOrgType(store.GraphOrganisation{Kind: x.Owner.Kind})
		q.Parts, q.Title = x.Fields, x.Title
		q.TopicDescription = x.Description + "\n" + strings.Join(x.Keywords, " ")
		return q, subjectRef{Kind: kind, ID: x.ID, Title: x.Title}, nil
	default:
		if !silkbridge.ValidID(id) {
			return q, subjectRef{}, silkbridge.NotFound("cooperation")
		}
		c, err := s.store.Cooperation(ctx, id)
		if err != nil {
			return q, subjectRef{}, err
		}
		if p, ok := c.Coordinator(); ok {
			q.Seed = p.OrgID
		} else if len(c.Partners) > 0 {
			q.Seed = c.Partners[0].OrgID
		}
		q.Exclude = c.PartnerIDs()
		q.Parts, q.Title = partnerParts(c.Programme, c.Fields), c.Title
		q.TopicDescription = c.Summary + "\n" + strings.Join(c.Keywords, " ")
		if len(c.StartDate) >= 4 {
			if y, err := strconv.Atoi(c.StartDate[:4]); err == nil {
				q.Year = y
			}
		}
		return q, subjectRef{Kind: kind, ID: c.ID, Title: c.Label()}, nil
	}
}

// recommendPartners answers a recommendation for the subject of the path.
func (s *Server) recommendPartners(r *http.Request, kind string) (*partnerList, recommendOptions, error) {
	o, err := parseRecommendOptions(r)
	if err != nil {
		return nil, o, err
	}
	q, subject, err := s.recommendQuery(r, kind, o)
	if err != nil {
		return nil, o, err
	}
	rec, built, err := s.recommender(r.Context())
	if err != nil {
		return nil, o, errRecommenderUnavailable{err}
	}
	kept, err := s.rankPartners(r.Context(), rec, q)
	if err != nil {
		return nil, o, err
	}
	out := &partnerList{For: subject, FavourBRI: o.FavourBRI, NewPartners: o.NewPartners, GraphBuiltAt: built.UTC()}
	out.Items = kept.itemsIn(requestLanguage(r).Tag, func() []partnerItem {
		tr := s.translator(requestLanguage(r))
		items := []partnerItem{}
		for _, rc := range kept.recs {
			card, ok := kept.cards[rc.Org]
			if !ok {
				continue // deleted since the graph was built
			}
			item := partnerItem{Rank: len(items) + 1, Organisation: card, Score: rc.Score, Reasons: []reasonView{}}
			for _, rs := range rc.Reasons {
				item.Reasons = append(item.Reasons, s.sayReason(r, tr, rs, kept.cards))
			}
			items = append(items, item)
		}
		return items
	})
	return out, o, nil
}

// countedReasons are the reasons whose message says a number.
var countedReasons = map[recommend.ReasonKind]bool{recommend.ReasonPastCooperation: true,
	recommend.ReasonSameProgrammePart: true, recommend.ReasonActiveOrganisation: true, recommend.ReasonRecentActivity: true}

// newReasons are the reasons said by the recommend2 catalogue.
var newReasons = map[recommend.ReasonKind]bool{recommend.ReasonCountriesCooperate: true, recommend.ReasonRecentActivity: true}

// sayReason turns one reason into words of the request's language.
func (s *Server) sayReason(r *http.Request, tr *translator, rs recommend.Reason, cards map[string]store.OrgCard) reasonView {
	v := reasonView{Kind: string(rs.Kind), Count: rs.Count, Parts: rs.Parts, Terms: rs.Terms, Country: rs.Country, Type: rs.Type}
	var names []string
	for _, id := range rs.Via {
		if c, ok := cards[id]; ok {
			v.Via = append(v.Via, c)
			names = append(names, c.Name)
		}
	}
	parts := make([]string, len(rs.Parts))
	for i, p := range rs.Parts {
		parts[i] = s.marketFieldName(r, p)
	}
	kv := []any{"Via", strings.Join(names, ", "), "Parts", strings.Join(parts, ", "), "Terms", strings.Join(rs.Terms, ", "),
		"Country", s.marketCountryName(r, rs.Country), "Type", tr.T("market.type." + rs.Type),
		"SeedCountry", s.marketCountryName(r, rs.SeedCountry)}
	if countedReasons[rs.Kind] {
		// A count selects the plural form, so only counted messages get one.
		kv = append(kv, "Count", rs.Count)
	}
	catalogue := "market.reason."
	if newReasons[rs.Kind] {
		catalogue = "recommend2.reason."
	}
	v.Text = tr.T(catalogue+string(rs.Kind), kv...)
	return v
}

// errRecommenderUnavailable says that the recommender could not be built
// (the database did not answer, or the record could not be read): the
// pages and the API then say so with 503 and the rest of the site goes on.
type errRecommenderUnavailable struct{ err error }

func (e errRecommenderUnavailable) Error() string {
	return "partner recommender unavailable: " + e.err.Error()
}
func (e errRecommenderUnavailable) Unwrap() error { return e.err }

// recommendRetryAfter is how long a client should wait before asking again
// when the recommender is unavailable.
const recommendRetryAfter = "30"

// recommendPaths are the path segments of the recommendation pages.
var recommendPaths = map[string]string{subjectOrganisation: "organisations", subjectOpportunity: "opportunities", subjectCooperation: "cooperations"}

func (s *Server) recommendPage(kind string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		base := "/recommendations/" + recommendPaths[kind] + "/" + r.PathValue("id")
		list, o, err := s.recommendPartners(r, kind)
		var down errRecommenderUnavailable
		if errors.As(err, &down) {
			s.log.Error("partner recommendation", "path", r.URL.Path, "err", err)
			w.Header().Set("Retry-After", recommendRetryAfter)
			s.render(w, r, "market/partners", http.StatusServiceUnavailable, &Page{Title: s.T(r, "market.partners.title"),
				Error: s.T(r, "market.partners.unavailable"), Form: r.URL.Query(),
				Data: map[string]any{"List": &partnerList{For: subjectRef{Kind: kind, ID: r.PathValue("id")}}, "Options": o, "Base": base}})
			return nil
		}
		if err != nil {
			if silkbridge.ErrorCode(err) == silkbridge.EINVALID {
				tr := s.translator(requestLanguage(r))
				s.render(w, r, "market/partners", http.StatusUnprocessableEntity, &Page{Title: s.T(r, "market.partners.title"),
					Errors: tr.FieldErrors(err), Error: tr.Error(err), Form: r.URL.Query(),
					Data: map[string]any{"List": &partnerList{For: subjectRef{Kind: kind, ID: r.PathValue("id")}}, "Options": o, "Base": base}})
				return nil
			}
			return err
		}
		s.render(w, r, "market/partners", http.StatusOK, &Page{Title: s.T(r, "market.partners.for", "Title", list.For.Title),
			Form: r.URL.Query(), Data: map[string]any{"List": list, "Options": o, "Base": base}})
		return nil
	}
}

func (s *Server) recommendAPI(kind string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		list, _, err := s.recommendPartners(r, kind)
		var down errRecommenderUnavailable
		if errors.As(err, &down) {
			s.log.Error("partner recommendation", "path", r.URL.Path, "err", err)
			w.Header().Set("Content-Type", "application/problem+json")
			w.Header().Set("Retry-After", recommendRetryAfter)
			w.WriteHeader(http.StatusServiceUnavailable)
			json.NewEncoder(w).Encode(Problem{Type: s.problemTypeURI("unavailable"), Title: http.StatusText(http.StatusServiceUnavailable),
				Status: http.StatusServiceUnavailable, Detail: s.T(r, "market.partners.unavailable"), Instance: r.URL.Path})
			return nil
		}
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, list)
		return nil
	}
}
