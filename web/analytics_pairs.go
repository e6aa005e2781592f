package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/analytics"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/openalex"
	"github.com/silkbridge/silkbridge/store"
)

// Country-pair analytics: the partners of a country in a year, by the
// bibliometric record (co-authored works, OpenAlex) or by the platform's
// own cooperations (running that year, by depth), raw and normalised
// (share of the country's international output, Salton's cosine), with
// the change since 2013. Every figure the pages chart comes from these
// answers, and its CSV is the same rows.

// Sources of pair figures.
const (
	sourceOpenAlex = "openalex"
	sourcePlatform = "platform"
)

// pairQuery is a validated question for the pair analytics.
type pairQuery struct {
	Source  string `json:"source"`
	Country string `json:"country"`
	Year    int    `json:"year"`
	BRI     bool   `json:"bri"`
	// Top limits the partners listed (0: all).
	Top int `json:"top,omitempty"`
}

// pairFormulas are the figures' definitions, shown beside the charts.
var pairFormulas = map[string]string{
	"share":  "share = n_ab / n_a (n_a: the country's international output that year)",
	"cosine": "cosine = n_ab / sqrt(n_a · n_b) (Salton)",
	"change": "change = n_ab(year) − n_ab(2013)",
}

// pairReport is the answer of GET /api/v1/analytics/country-pairs.
type pairReport struct {
	pairQuery
	BaseYear int `json:"base_year"`
	// CountryTotal is n_a: works with any foreign co-author (openalex), or
	// cooperations with a foreign partner running that year (platform).
	CountryTotal int                 `json:"country_total"`
	Stages       []string            `json:"stages,omitempty"`
	Partners     []analytics.Partner `json:"partners"`
	Formulas     map[string]string   `json:"formulas"`
	Attribution  string              `json:"attribution"`
}

func (s *Server) analyticsPairRoutes() {
	s.page("GET /analytics/country-pairs.csv", s.pairsCSV)
	s.handleAPI("GET /api/v1/analytics/country-pairs", Op{Summary: "Partners of a country in a year: co-authored works (OpenAlex) or platform cooperations by depth, share, Salton's cosine and change since 2013",
		Tag: "analytics", Response: pairReport{}, Query: map[string]string{
			"source":  "openalex (co-authored works, default) or platform (cooperations running that year)",
			"country": "ISO 3166-1 alpha-2 code (default CN)", "year": "year (default the latest of the bibliometric record)",
			"bri": "1: only Belt and Road partner countries", "top": "how many partners to list, strongest first (default all)"}}, s.apiPairs)
}

// parsePairQuery reads and checks the question; bad values are field
// problems.
func (s *Server) parsePairQuery(r *http.Request, ref *store.Reference) (pairQuery, error) {
	q := r.URL.Query()
	var p silkbridge.Problems
	pq := pairQuery{Source: strings.ToLower(strings.TrimSpace(q.Get("source"))), Country: strings.ToUpper(strings.TrimSpace(q.Get("country"))), BRI: queryBool(r, "bri")}
	if pq.Source == "" {
		pq.Source = sourceOpenAlex
	}
	if pq.Source != sourceOpenAlex && pq.Source != sourcePlatform {
		p.Add("source", "field.choice", "choose one of the values listed", map[string]any{"Value": pq.Source})
	}
	if pq.Country == "" {
		pq.Country = "CN"
	}
	if !ref.CountryExists(pq.Country) {
		p.Add("country", "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": pq.Country})
	}
	y, err := queryInt(r, "year", 0)
	if err != nil || (y != 0 && (y < 1900 || y > 2200)) {
		p.Add("year", "coop.field.year", "a year such as 2019", nil)
	}
	pq.Year = y
	if pq.Top, err = queryInt(r, "top", 0); err != nil {
		p.Add("top", "field.integer", "a whole number", nil)
	}
	if err := p.Err(); err != nil {
		return pq, err
	}
	if pq.Year == 0 {
		pq.Year, err = s.latestBibliometricYear(r.Context())
	}
	return pq, err
}

// latestBibliometricYear is the last year of the record, or last year
// when it is not imported.
func (s *Server) latestBibliometricYear(ctx context.Context) (int, error) {
	y, err := s.store.OpenAlexLastYear(ctx)
	if err != nil || y > 0 {
		return y, err
	}
	return time.Now().Year() - 1, nil
}

// Computed figures are kept until the data they come from changes: the
// bibliometric record changes only by import, the platform's by any
// cooperation or stage change (the depth version).
var analyticsCache = struct {
	sync.Mutex
	m map[string]analyticsEntry
}{m: map[string]analyticsEntry{}}

type analyticsEntry struct {
	version string
	at      time.Time
	value   any
}

// cached returns the value of key computed for version, computing it anew
// when the version changed or it is older than reportTTL.
func cached[T any](key, version string, compute func() (T, error)) (T, error) {
	analyticsCache.Lock()
	e, ok := analyticsCache.m[key]
	analyticsCache.Unlock()
	if ok && e.version == version && time.Since(e.at) < reportTTL {
		return e.value.(T), nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	analyticsCache.Lock()
	if len(analyticsCache.m) >= 256 {
		clear(analyticsCache.m)
	}
	analyticsCache.m[key] = analyticsEntry{version: version, at: time.Now(), value: v}
	analyticsCache.Unlock()
	return v, nil
}

// openAlexVersion changes with each import of the record.
func (s *Server) openAlexVersion(ctx context.Context) (string, error) {
	return s.store.OpenAlexVersion(ctx)
}

// platformYear is the platform's pair counts of a year.
type platformYear struct {
	Pairs  map[string][]int
	Totals map[string]int
	// CountryStages splits each country's cooperations by stage.
	CountryStages map[string][]int
}

func (s *Server) platformCounts(ctx context.Context, year int) (*platformYear, error) {
	version, err := s.store.DepthVersion(ctx)
	if err != nil {
		return nil, err
	}
	// Every year is counted from one reading of the record, kept while the
	// record does not change.
	all, err := cached(fmt.Sprintf("%p|platform", s), version, func() ([]store.CooperationCountries, error) {
		return s.store.CooperationCountries(ctx)
	})
	if err != nil {
		return nil, err
	}
	return cached(fmt.Sprintf("%p|platform|%d", s, year), version, func() (*platformYear, error) {
		from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
		var coops []analytics.Cooperation
		for _, c := range all {
			if year > 0 && (c.Start == "" || c.Start > to || (c.End != "" && c.End < from)) {
				continue
			}
			coops = append(coops, analytics.Cooperation{Stage: cooperation.StageIndex(c.Stage), Countries: c.Countries})
		}
		pairs, totals := analytics.PlatformCounts(coops, len(cooperation.Stages))
		return &platformYear{Pairs: pairs, Totals: totals, CountryStages: analytics.CountryStages(coops, len(cooperation.Stages))}, nil
	})
}

// openAlexCounts is the record's counts of a country in a year.
func (s *Server) openAlexCounts(ctx context.Context, country string, year int) (analytics.Counts, error) {
	version, err := s.openAlexVersion(ctx)
	if err != nil {
		return analytics.Counts{}, err
	}
	return cached(fmt.Sprintf("%p|openalex|%s|%d", s, country, year), version, func() (analytics.Counts, error) {
		c := analytics.Counts{Pair: map[string]int{}}
		rows, err := s.store.OpenAlexPartners(ctx, country, year)
		if err != nil {
			return c, err
		}
		for _, w := range rows {
			c.Pair[w.Partner] = w.Works
		}
		c.Total, err = s.store.OpenAlexTotals(ctx, year)
		return c, err
	})
}

// pairCounts gives the counts of the source for country in year; for the
// platform, stages holds the split by depth per partner.
func (s *Server) pairCounts(ctx context.Context, source, country string, year int) (analytics.Counts, map[string][]int, error) {
	if source == sourceOpenAlex {
		c, err := s.openAlexCounts(ctx, country, year)
		return c, nil, err
	}
	py, err := s.platformCounts(ctx, year)
	if err != nil {
		return analytics.Counts{}, nil, err
	}
	c := analytics.Counts{Pair: map[string]int{}, Total: py.Totals}
	stages := map[string][]int{}
	for k, v := range py.Pairs {
		a, b, _ := strings.Cut(k, "-")
		switch country {
		case a:
			c.Pair[b], stages[b] = analytics.Sum(v), v
		case b:
			c.Pair[a], stages[a] = analytics.Sum(v), v
		}
	}
	return c, stages, nil
}

// pairReport answers a validated question.
func (s *Server) pairReport(ctx context.Context, ref *store.Reference, q pairQuery) (*pairReport, error) {
	now, stages, err := s.pairCounts(ctx, q.Source, q.Country, q.Year)
	if err != nil {
		return nil, err
	}
	base, _, err := s.pairCounts(ctx, q.Source, q.Country, analytics.BaseYear)
	if err != nil {
		return nil, err
	}
	var keep func(string) bool
	if q.BRI {
		keep = func(code string) bool { c, ok := ref.Country(code); return ok && c.BRIPartner }
	}
	rep := &pairReport{pairQuery: q, BaseYear: analytics.BaseYear, CountryTotal: now.Total[q.Country], Formulas: pairFormulas,
		Partners: analytics.Partners(q.Country, now, base, keep)}
	for i := range rep.Partners {
		if c, ok := ref.Country(rep.Partners[i].Code); ok {
			rep.Partners[i].BRI = c.BRIPartner
		}
		if stages != nil {
			rep.Partners[i].ByStage = stages[rep.Partners[i].Code]
		}
	}
	if q.Top > 0 && len(rep.Partners) > q.Top {
		rep.Partners = rep.Partners[:q.Top]
	}
	if rep.Partners == nil {
		rep.Partners = []analytics.Partner{}
	}
	if q.Source == sourceOpenAlex {
		rep.Attribution = openalex.Attribution
	} else {
		rep.Stages = cooperation.Stages
		rep.Attribution = "Silkbridge: cooperations recorded on this platform (imported records keep their own attribution, e.g. " + cooperation.CORDISAttribution + ")"
	}
	return rep, nil
}

func (s *Server) pairsFromRequest(r *http.Request) (*pairReport, error) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return nil, err
	}
	q, err := s.parsePairQuery(r, ref)
	if err != nil {
		return nil, err
	}
	return s.pairReport(r.Context(), ref, q)
}

func (s *Server) apiPairs(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.pairsFromRequest(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// pairsCSV writes the same rows as the API, one partner a line.
func (s *Server) pairsCSV(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.pairsFromRequest(r)
	if err != nil {
		return err
	}
	writeCSV(w, fmt.Sprintf("country-pairs-%s-%s-%d.csv", rep.Source, rep.Country, rep.Year), pairRows(rep))
	return nil
}

// pairRows is the CSV table of a report: the rows the API lists.
func pairRows(rep *pairReport) [][]string {
	head := []string{"country", "partner", "year", "source", "value", "country_total", "partner_total", "share", "cosine", "value_2013", "change", "change_pct", "bri_partner"}
	if rep.Stages != nil {
		head = append(head, rep.Stages...)
	}
	rows := [][]string{head}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	for _, p := range rep.Partners {
		pct := ""
		if p.ChangePct != nil {
			pct = f(*p.ChangePct)
		}
		row := []string{rep.Country, p.Code, strconv.Itoa(rep.Year), rep.Source, strconv.Itoa(p.Value), strconv.Itoa(rep.CountryTotal),
			strconv.Itoa(p.PartnerTotal), f(p.Share), f(p.Cosine), strconv.Itoa(p.Base), strconv.Itoa(p.Change), pct, strconv.FormatBool(p.BRI)}
		if rep.Stages != nil {
			for i := range rep.Stages {
				n := 0
				if i < len(p.ByStage) {
					n = p.ByStage[i]
				}
				row = append(row, strconv.Itoa(n))
			}
		}
		rows = append(rows, row)
	}
	return rows
}
