package web

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/analytics"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/lesson"
	"github.com/silkbridge/silkbridge/openalex"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/policy"
	"github.com/silkbridge/silkbridge/store"
)

// A country's profile gathers what the platform and the bibliometric
// record know of it: who is registered, how deep its cooperations go and
// with whom, the programmes it sends talents to and hosts, the policies
// and parks there, its events and lessons, its strongest co-publishing
// partners over time, and the partners it publishes with but does not
// yet cooperate with on the platform.

func (s *Server) countryProfileRoutes() {
	s.page("GET /countries/{code}", s.countryProfilePage)
	s.handleAPI("GET /api/v1/countries/{code}/profile", Op{Summary: "A country's profile: records, cooperations by depth and partner, programmes, policies, parks, events, lessons, bibliometric partners and untapped pairs",
		Tag: "analytics", Response: countryProfile{}}, s.apiCountryProfile)
}

// countryProfile is the answer of GET /api/v1/countries/{code}/profile.
type countryProfile struct {
	Country      store.Country         `json:"country"`
	Records      *store.CountryRecords `json:"records"`
	Cooperations profileCooperations   `json:"cooperations"`
	Policies     []profileItem         `json:"policies"`
	Parks        []profileItem         `json:"parks"`
	Events       []profileItem         `json:"events"`
	Lessons      []profileItem         `json:"lessons"`
	Bibliometric profileBibliometric   `json:"bibliometric"`
	// Untapped are partners it publishes with in the latest year and has
	// no cooperation with on the platform.
	Untapped []analytics.Partner `json:"untapped"`
}

type profileCooperations struct {
	// Total counts its cooperations with a foreign partner, any year.
	Total     int            `json:"total"`
	Stages    []string       `json:"stages"`
	ByStage   []int          `json:"by_stage"`
	ByPartner []partnerCount `json:"by_partner"`
}

type partnerCount struct {
	Partner string `json:"partner"`
	Count   int    `json:"cooperations"`
	ByStage []int  `json:"by_stage"`
}

type profileItem struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Kind  string `json:"kind,omitempty"`
	Date  string `json:"date,omitempty"`
}

type profileBibliometric struct {
	Year        int                 `json:"year"`
	Total       int                 `json:"country_total"`
	Partners    []analytics.Partner `json:"strongest_partners"`
	Years       []int               `json:"years"`
	Trend       []trendSeries       `json:"trend"`
	Attribution string              `json:"attribution"`
}

type trendSeries struct {
	Partner string `json:"partner"`
	Works   []int  `json:"works"`
}

// profileCode reads and checks the country code of the address.
func profileCode(r *http.Request, ref *store.Reference) (store.Country, error) {
	code := strings.ToUpper(strings.TrimSpace(r.PathValue("code")))
	c, ok := ref.Country(code)
	if !ok {
		return c, silkbridge.NotFound("country")
	}
	return c, nil
}

func (s *Server) countryProfile(ctx context.Context, ref *store.Reference, c store.Country, lang string) (*countryProfile, error) {
	p := &countryProfile{Country: c, Policies: []profileItem{}, Parks: []profileItem{}, Events: []profileItem{}, Lessons: []profileItem{}, Untapped: []analytics.Partner{}}
	var err error
	if p.Records, err = s.store.CountryRecords(ctx, c.Code); err != nil {
		return nil, err
	}
	all, err := s.platformCounts(ctx, 0)
	if err != nil {
		return nil, err
	}
	pc := profileCooperations{Total: all.Totals[c.Code], Stages: cooperation.Stages, ByStage: all.CountryStages[c.Code], ByPartner: []partnerCount{}}
	if pc.ByStage == nil {
		pc.ByStage = make([]int, len(cooperation.Stages))
	}
	platformPartner := map[string]bool{}
	for k, v := range all.Pairs {
		a, b, _ := strings.Cut(k, "-")
		other := ""
		switch c.Code {
		case a:
			other = b
		case b:
			other = a
		default:
			continue
		}
		platformPartner[other] = true
		pc.ByPartner = append(pc.ByPartner, partnerCount{Partner: other, Count: analytics.Sum(v), ByStage: v})
	}
	sort.Slice(pc.ByPartner, func(i, j int) bool {
		x, y := pc.ByPartner[i], pc.ByPartner[j]
		return x.Count > y.Count || (x.Count == y.Count && x.Partner < y.Partner)
	})
	if len(pc.ByPartner) > 20 {
		pc.ByPartner = pc.ByPartner[:20]
	}
	p.Cooperations = pc

	pols, _, err := s.store.Policies(ctx, policy.Filter{Country: c.Code, PerPage: 50})
	if err != nil {
		return nil, err
	}
	for _, x := range pols {
		p.Policies = append(p.Policies, profileItem{ID: x.ID, Title: x.Title(lang), Kind: x.Kind})
	}
	parks, _, err := s.store.Organisations(ctx, organisation.Filter{Country: c.Code, Kind: "park", PerPage: 50})
	if err != nil {
		return nil, err
	}
	for _, x := range parks {
		p.Parks = append(p.Parks, profileItem{ID: x.ID, Title: x.Name, Kind: x.Kind})
	}
	evs, _, err := s.store.Events(ctx, event.Filter{Country: c.Code, PerPage: 20})
	if err != nil {
		return nil, err
	}
	for _, x := range evs {
		p.Events = append(p.Events, profileItem{ID: x.ID, Title: x.Title, Kind: x.Kind, Date: x.Start.Format("2006-01-02")})
	}
	ls, _, err := s.store.Lessons(ctx, lesson.Filter{Country: c.Code, PerPage: 20})
	if err != nil {
		return nil, err
	}
	for _, x := range ls {
		p.Lessons = append(p.Lessons, profileItem{ID: x.ID, Title: x.Title})
	}

	year, err := s.latestBibliometricYear(ctx)
	if err != nil {
		return nil, err
	}
	now, err := s.openAlexCounts(ctx, c.Code, year)
	if err != nil {
		return nil, err
	}
	base, err := s.openAlexCounts(ctx, c.Code, analytics.BaseYear)
	if err != nil {
		return nil, err
	}
	partners := analytics.Partners(c.Code, now, base, nil)
	for i := range partners {
		if pc, ok := ref.Country(partners[i].Code); ok {
			partners[i].BRI = pc.BRIPartner
		}
	}
	bib := profileBibliometric{Year: year, Total: now.Total[c.Code], Partners: partners, Attribution: openalex.Attribution, Trend: []trendSeries{}}
	if len(bib.Partners) > 10 {
		bib.Partners = bib.Partners[:10]
	}
	if bib.Partners == nil {
		bib.Partners = []analytics.Partner{}
	}
	for _, x := range partners {
		if !platformPartner[x.Code] && len(p.Untapped) < 15 {
			p.Untapped = append(p.Untapped, x)
		}
	}
	// The trend of the five strongest partners, from 2000 to the year.
	series, err := s.store.BibliometricSeries(ctx, c.Code)
	if err != nil {
		return nil, err
	}
	first := 2000
	for y := first; y <= year; y++ {
		bib.Years = append(bib.Years, y)
	}
	idx := map[string]int{}
	for i, x := range bib.Partners {
		if i >= 5 {
			break
		}
		idx[x.Code] = len(bib.Trend)
		bib.Trend = append(bib.Trend, trendSeries{Partner: x.Code, Works: make([]int, len(bib.Years))})
	}
	for _, w := range series {
		if i, ok := idx[w.Partner]; ok && w.Year >= first && w.Year <= year {
			bib.Trend[i].Works[w.Year-first] = w.Works
		}
	}
	p.Bibliometric = bib
	return p, nil
}

func (s *Server) apiCountryProfile(w http.ResponseWriter, r *http.Request) error {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	c, err := profileCode(r, ref)
	if err != nil {
		return err
	}
	p, err := s.countryProfile(r.Context(), ref, c, requestLanguage(r).Tag)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) countryProfilePage(w http.ResponseWriter, r *http.Request) error {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	c, err := profileCode(r, ref)
	if err != nil {
		return err
	}
	lang := requestLanguage(r).Tag
	p, err := s.countryProfile(r.Context(), ref, c, lang)
	if err != nil {
		return err
	}
	labels := make([]string, len(cooperation.Stages))
	for i, st := range cooperation.Stages {
		labels[i] = s.T(r, "coop.stage."+st)
	}
	var trend []map[string]any
	for _, t := range p.Bibliometric.Trend {
		trend = append(trend, map[string]any{"name": countryName(ref, t.Partner, lang), "type": "line", "data": t.Works, "showSymbol": false})
	}
	years := make([]string, len(p.Bibliometric.Years))
	for i, y := range p.Bibliometric.Years {
		years[i] = strconv.Itoa(y)
	}
	charts := map[string]any{
		"Stages": map[string]any{"tooltip": map[string]any{"trigger": "axis"},
			"grid":  map[string]any{"left": 150, "right": 40, "top": 30, "bottom": 30},
			"xAxis": map[string]any{"type": "value"}, "yAxis": map[string]any{"type": "category", "data": labels, "inverse": true},
			"series": []map[string]any{{"type": "bar", "data": p.Cooperations.ByStage, "label": map[string]any{"show": true, "position": "right"}}}},
		"Trend": map[string]any{"tooltip": map[string]any{"trigger": "axis"}, "legend": map[string]any{"top": 0},
			"grid":  map[string]any{"top": 40},
			"xAxis": map[string]any{"type": "category", "data": years}, "yAxis": map[string]any{"type": "value"}, "series": trend},
	}
	s.render(w, r, "analytics/country", http.StatusOK, &Page{Title: c.Name(lang), Data: map[string]any{"Profile": p, "Charts": charts,
		"Languages": store.Languages, "JSON": "/api/v1/countries/" + c.Code + "/profile"}})
	return nil
}

func countryName(ref *store.Reference, code, lang string) string {
	if c, ok := ref.Country(code); ok {
		return c.Name(lang)
	}
	return code
}
