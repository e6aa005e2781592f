package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"sync"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/analytics"
	"github.com/silkbridge/silkbridge/openalex"
	"github.com/silkbridge/silkbridge/store"
)

// The government's world picture: a map of the chosen country's partners
// coloured by the chosen measure, Belt and Road partners outlined, a year
// slider, the network of the strongest country pairs, and the platform's
// cooperations beside the bibliometric record with the pairs that publish
// together but do not yet cooperate on the platform ("untapped").

// govRoutes registers the government analytics: pairs, map and network,
// country profiles and the dashboard.
func (s *Server) govRoutes() {
	s.analyticsPairRoutes()
	s.page("GET /analytics/world", s.worldPage)
	s.page("GET /analytics/world.geojson", s.worldGeoJSON)
	s.page("GET /analytics/network.csv", s.networkCSV)
	s.handleAPI("GET /api/v1/analytics/network", Op{Summary: "The strongest country pairs of a year by co-authored works (OpenAlex), for the network graph",
		Tag: "analytics", Response: networkReport{}, Query: map[string]string{"year": "year (default the latest of the record)",
			"bri": "1: only pairs of Belt and Road partner countries", "country": "with bri: this country's links too", "top": "how many links (default 40, at most 300)"}}, s.apiNetwork)
	s.countryProfileRoutes()
	s.dashboardRoutes()
}

// worldMaps keeps each server's converted boundary file.
var worldMaps sync.Map // *Server -> *worldMapOnce

type worldMapOnce struct {
	once sync.Once
	m    *worldMap
	err  error
}

// worldMap returns the boundary file of the server (Config.MapFile, or the
// shipped one), converted on first use.
func (s *Server) worldMap(ctx context.Context) (*worldMap, error) {
	v, _ := worldMaps.LoadOrStore(s, &worldMapOnce{})
	w := v.(*worldMapOnce)
	w.once.Do(func() {
		ref, err := s.store.Reference(ctx)
		if err != nil {
			w.err = err
			return
		}
		w.m, w.err = loadWorldMap(s.cfg.MapFile, ref)
	})
	return w.m, w.err
}

// CheckMapFile reads a boundary file as the map page would, so that a bad
// --map-file stops the start instead of the first map.
func CheckMapFile(path string) error {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("map file: %w", err)
	}
	fs, err := geoFeatures(b)
	if err == nil && len(fs) == 0 {
		err = fmt.Errorf("no shapes")
	}
	if err != nil {
		return fmt.Errorf("map file %s: %w", path, err)
	}
	return nil
}

func (s *Server) worldGeoJSON(w http.ResponseWriter, r *http.Request) error {
	m, err := s.worldMap(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(m.GeoJSON)
	return nil
}

// networkReport is the answer of GET /api/v1/analytics/network.
type networkReport struct {
	Year        int           `json:"year"`
	BRI         bool          `json:"bri"`
	Country     string        `json:"country,omitempty"`
	Links       []networkLink `json:"links"`
	Attribution string        `json:"attribution"`
	Formula     string        `json:"formula"`
}

type networkLink struct {
	A      string  `json:"a"`
	B      string  `json:"b"`
	Works  int     `json:"works"`
	Cosine float64 `json:"cosine"`
}

func (s *Server) network(ctx context.Context, ref *store.Reference, year int, bri bool, country string, top int) (*networkReport, error) {
	version, err := s.openAlexVersion(ctx)
	if err != nil {
		return nil, err
	}
	all, err := cached(fmt.Sprintf("%p|yearpairs|%d", s, year), version, func() ([]openalexPair, error) {
		ps, err := s.store.OpenAlexYearPairs(ctx, year, 0)
		out := make([]openalexPair, len(ps))
		for i, p := range ps {
			out[i] = openalexPair{A: p.A, B: p.B, Works: p.Works}
		}
		return out, err
	})
	if err != nil {
		return nil, err
	}
	totals, err := s.store.OpenAlexTotals(ctx, year)
	if err != nil {
		return nil, err
	}
	in := func(code string) bool {
		if !bri || code == country {
			return true
		}
		c, ok := ref.Country(code)
		return ok && c.BRIPartner
	}
	rep := &networkReport{Year: year, BRI: bri, Country: country, Links: []networkLink{}, Attribution: openalex.Attribution,
		Formula: "links: the strongest pairs by n_ab; cosine = n_ab / sqrt(n_a · n_b)"}
	for _, p := range all {
		if len(rep.Links) >= top {
			break
		}
		if !in(p.A) || !in(p.B) {
			continue
		}
		l := networkLink{A: p.A, B: p.B, Works: p.Works}
		if na, nb := totals[p.A], totals[p.B]; na > 0 && nb > 0 {
			l.Cosine = math.Round(1e6*float64(p.Works)/math.Sqrt(float64(na)*float64(nb))) / 1e6
		}
		rep.Links = append(rep.Links, l)
	}
	return rep, nil
}

type openalexPair struct {
	A, B  string
	Works int
}

func (s *Server) networkFromRequest(r *http.Request) (*networkReport, error) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return nil, err
	}
	q, err := s.parsePairQuery(r, ref)
	if err != nil {
		return nil, err
	}
	top := q.Top
	if top == 0 {
		top = 40
	}
	if top > 300 {
		return nil, silkbridge.Invalid("top", "gov.field.top", "at most 300 links", nil)
	}
	return s.network(r.Context(), ref, q.Year, q.BRI, q.Country, top)
}

func (s *Server) apiNetwork(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.networkFromRequest(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) networkCSV(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.networkFromRequest(r)
	if err != nil {
		return err
	}
	rows := [][]string{{"year", "country_a", "country_b", "works", "cosine"}}
	for _, l := range rep.Links {
		rows = append(rows, []string{strconv.Itoa(rep.Year), l.A, l.B, strconv.Itoa(l.Works), strconv.FormatFloat(l.Cosine, 'f', -1, 64)})
	}
	writeCSV(w, fmt.Sprintf("network-%d.csv", rep.Year), rows)
	return nil
}

// Measures the map can colour by.
var worldMeasures = []string{"value", "share", "cosine", "change"}

// comparisonRow is one partner seen by both sources.
type comparisonRow struct {
	Code     string
	Works    int
	Share    float64
	Cosine   float64
	Change   int
	Platform int
	ByStage  []int
	OnMap    bool
	BRI      bool
}

func measureOf(p analytics.Partner, measure string) float64 {
	switch measure {
	case "share":
		return p.Share
	case "cosine":
		return p.Cosine
	case "change":
		return float64(p.Change)
	}
	return float64(p.Value)
}

func (s *Server) worldPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	ref, err := s.store.Reference(ctx)
	if err != nil {
		return err
	}
	lang := requestLanguage(r).Tag
	status, err := s.store.OpenAlexStatus(ctx)
	if err != nil {
		return err
	}
	measure := r.URL.Query().Get("measure")
	if measure == "" {
		measure = "value"
	}
	q, qerr := s.parsePairQuery(r, ref)
	if qerr == nil && !containsString(worldMeasures, measure) {
		qerr = silkbridge.Invalid("measure", "field.choice", "choose one of the values listed", map[string]any{"Value": measure})
	}
	gm, err := s.worldMap(ctx)
	if err != nil {
		return err
	}
	p := &Page{Title: s.T(r, "gov.world.title"), Data: map[string]any{"Countries": ref.SortedCountries(lang), "Status": status,
		"Query": q, "Measure": measure, "Measures": worldMeasures, "MapName": gm.Name, "Attribution": openalex.Attribution}}
	data := p.Data.(map[string]any)
	if qerr != nil {
		if silkbridge.ErrorCode(qerr) != silkbridge.EINVALID {
			return qerr
		}
		tr := s.translator(requestLanguage(r))
		p.Errors, p.Error = tr.FieldErrors(qerr), tr.Error(qerr)
		s.render(w, r, "analytics/world", http.StatusUnprocessableEntity, p)
		return nil
	}
	rep, err := s.pairReport(ctx, ref, q)
	if err != nil {
		return err
	}
	// The other source, for the side-by-side table and the untapped pairs.
	other := q
	other.Source, other.Top = sourcePlatform, 0
	if q.Source == sourcePlatform {
		other.Source = sourceOpenAlex
	}
	orep, err := s.pairReport(ctx, ref, other)
	if err != nil {
		return err
	}
	bib, plat := rep, orep
	if q.Source == sourcePlatform {
		bib, plat = orep, rep
	}
	platBy := map[string]analytics.Partner{}
	for _, pp := range plat.Partners {
		platBy[pp.Code] = pp
	}
	var rows, untapped, offMap []comparisonRow
	seen := map[string]bool{}
	for _, b := range bib.Partners {
		pp := platBy[b.Code]
		row := comparisonRow{Code: b.Code, Works: b.Value, Share: b.Share, Cosine: b.Cosine, Change: b.Change, Platform: pp.Value, ByStage: pp.ByStage,
			OnMap: gm.Codes[b.Code], BRI: b.BRI}
		seen[b.Code] = true
		rows = append(rows, row)
		if pp.Value == 0 {
			untapped = append(untapped, row)
		}
		if !row.OnMap {
			offMap = append(offMap, row)
		}
	}
	for _, pp := range plat.Partners {
		if !seen[pp.Code] {
			rows = append(rows, comparisonRow{Code: pp.Code, Platform: pp.Value, ByStage: pp.ByStage, OnMap: gm.Codes[pp.Code], BRI: pp.BRI})
		}
	}
	if len(untapped) > 25 {
		untapped = untapped[:25]
	}
	net, err := s.network(ctx, ref, q.Year, q.BRI, q.Country, 40)
	if err != nil {
		return err
	}
	vals := url.Values{"source": {q.Source}, "country": {q.Country}, "year": {strconv.Itoa(q.Year)}}
	if q.BRI {
		vals.Set("bri", "1")
	}
	netVals := url.Values{"country": {q.Country}, "year": {strconv.Itoa(q.Year)}, "top": {"40"}}
	if q.BRI {
		netVals.Set("bri", "1")
	}
	data["Report"], data["Rows"], data["Untapped"], data["OffMap"], data["Network"] = rep, rows, untapped, offMap, net
	data["PairsJSON"] = "/api/v1/analytics/country-pairs?" + vals.Encode()
	data["PairsCSV"] = "/analytics/country-pairs.csv?" + vals.Encode()
	data["NetworkJSON"] = "/api/v1/analytics/network?" + netVals.Encode()
	data["NetworkCSV"] = "/analytics/network.csv?" + netVals.Encode()
	data["MapChart"] = s.mapChart(r, ref, rep, measure)
	data["NetworkChart"] = s.networkChart(r, ref, net, q.Country)
	first, last := status.FirstYear, status.LastYear
	if first == 0 {
		first, last = analytics.BaseYear, q.Year
	}
	data["FirstYear"], data["LastYear"] = first, max(last, q.Year)
	s.render(w, r, "analytics/world", http.StatusOK, p)
	return nil
}

// mapChart is the ECharts option of the map: every partner coloured by the
// measure, Belt and Road partners outlined, the country itself marked.
func (s *Server) mapChart(r *http.Request, ref *store.Reference, rep *pairReport, measure string) map[string]any {
	lang := requestLanguage(r).Tag
	nameMap := map[string]string{}
	for _, c := range ref.Countries {
		nameMap[c.Code] = c.Name(lang)
	}
	var items []map[string]any
	has := map[string]bool{}
	lo, hi := 0.0, 0.0
	for _, p := range rep.Partners {
		v := measureOf(p, measure)
		lo, hi = math.Min(lo, v), math.Max(hi, v)
		it := map[string]any{"name": nameMap[p.Code], "code": p.Code, "value": v}
		if p.BRI {
			it["itemStyle"] = map[string]any{"borderColor": "#b03a2e", "borderWidth": 1.2}
		}
		items = append(items, it)
		has[p.Code] = true
	}
	for _, c := range ref.Countries {
		if c.BRIPartner && !has[c.Code] && c.Code != rep.Country {
			items = append(items, map[string]any{"name": nameMap[c.Code], "code": c.Code, "value": nil,
				"itemStyle": map[string]any{"borderColor": "#b03a2e", "borderWidth": 1.2}})
		}
	}
	items = append(items, map[string]any{"name": nameMap[rep.Country], "code": rep.Country, "value": nil,
		"itemStyle": map[string]any{"areaColor": "#f4d03f", "borderColor": "#333", "borderWidth": 1.5}})
	if hi == lo {
		hi = lo + 1
	}
	return map[string]any{
		"tooltip": map[string]any{"trigger": "item"},
		"visualMap": map[string]any{"min": lo, "max": hi, "left": "left", "bottom": 10, "calculable": true,
			"text": []string{s.T(r, "gov.measure."+measure), ""}, "inRange": map[string]any{"color": []string{"#e8f1fa", "#6baed6", "#08306b"}}},
		"series": []map[string]any{{"type": "map", "map": "world", "roam": true, "nameMap": nameMap, "data": items,
			"emphasis": map[string]any{"label": map[string]any{"show": false}}, "itemStyle": map[string]any{"areaColor": "#f2f2f2", "borderColor": "#999", "borderWidth": 0.4}}},
	}
}

// networkChart is the ECharts option of the strongest links, on a circle
// (stable from one reading to the next, unlike a force layout).
func (s *Server) networkChart(r *http.Request, ref *store.Reference, net *networkReport, country string) map[string]any {
	lang := requestLanguage(r).Tag
	degree := map[string]int{}
	for _, l := range net.Links {
		degree[l.A] += l.Works
		degree[l.B] += l.Works
	}
	codes := make([]string, 0, len(degree))
	for c := range degree {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool {
		return degree[codes[i]] > degree[codes[j]] || (degree[codes[i]] == degree[codes[j]] && codes[i] < codes[j])
	})
	peak := 1
	for _, l := range net.Links {
		peak = max(peak, l.Works)
	}
	var nodes, links []map[string]any
	for _, c := range codes {
		name := c
		bri := false
		if rc, ok := ref.Country(c); ok {
			name, bri = rc.Name(lang), rc.BRIPartner
		}
		n := map[string]any{"id": c, "name": name, "value": degree[c], "symbolSize": 8 + 30*math.Sqrt(float64(degree[c])/float64(2*peak))}
		if bri {
			n["itemStyle"] = map[string]any{"borderColor": "#b03a2e", "borderWidth": 2}
		}
		if c == country {
			n["itemStyle"] = map[string]any{"color": "#f4d03f", "borderColor": "#333", "borderWidth": 2}
		}
		nodes = append(nodes, n)
	}
	for _, l := range net.Links {
		links = append(links, map[string]any{"source": l.A, "target": l.B, "value": l.Works,
			"lineStyle": map[string]any{"width": 0.5 + 6*float64(l.Works)/float64(peak), "opacity": 0.6}})
	}
	return map[string]any{
		"tooltip": map[string]any{},
		"series": []map[string]any{{"type": "graph", "layout": "circular", "circular": map[string]any{"rotateLabel": true},
			"data": nodes, "links": links, "roam": true, "label": map[string]any{"show": true, "position": "right"},
			"lineStyle": map[string]any{"color": "source", "curveness": 0.2}}},
	}
}
