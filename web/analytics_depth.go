package web

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/cooperation/depth"
	"github.com/silkbridge/silkbridge/store"
)

// Depth analytics: how many cooperations stand at each stage of the
// ladder, how they moved in a period, how long they took to go deeper,
// by country pair, field and year; and, for agency officers, the list of
// cooperations still at exchange after a number of months. Every chart
// has its numbers beside it and as CSV.

func (s *Server) depthRoutes() {
	s.page("GET /analytics/depth", s.depthPage)
	s.page("GET /analytics/depth.csv", s.depthCSV)
	s.page("GET /analytics/depth/shallow", s.shallowPage)
	s.page("GET /analytics/depth/shallow.csv", s.shallowCSV)

	query := map[string]string{"from": "first day of the period (YYYY-MM-DD) for transitions and median times",
		"to": "last day of the period (YYYY-MM-DD)", "country": "ISO 3166-1 alpha-2 code of a partner's country",
		"country2": "with country: the cooperations between the two countries", "field": "FORD field code",
		"year": "cooperations running in this year", "bri": "true: with a partner from a Belt and Road partner country",
		"top": "how many country pairs to list (default 50, 0 for all)"}
	s.handleAPI("GET /api/v1/analytics/depth", Op{Summary: "Depth analytics: stage counts, transition matrix, median times, by country pair, field and year",
		Tag: "analytics", Response: depthReport{}, Query: query}, s.apiDepth)
	s.handleAPI("GET /api/v1/analytics/depth/shallow", Op{Summary: "Cooperations still at exchange after the given months (agency officers)",
		Tag: "analytics", Response: List[cooperation.Cooperation]{}, Auth: true,
		Query: map[string]string{"months": "months at exchange (default 12)", "country": "partner country", "country2": "second partner country",
			"field": "FORD field code", "page": "page number", "per_page": "items per page (at most 100)"}}, s.apiShallow)
}

// depthReport is the API's answer: the report with the question it answers.
type depthReport struct {
	From  string `json:"from,omitempty"`
	To    string `json:"to,omitempty"`
	Query struct {
		Country  string `json:"country,omitempty"`
		Country2 string `json:"country2,omitempty"`
		Field    string `json:"field,omitempty"`
		Year     int    `json:"year,omitempty"`
	} `json:"query"`
	*depth.Report
}

// depthReports keeps computed reports (the whole record takes a quarter of
// a second of processor time) until the data they were computed from
// changes, or for reportTTL at most; each app instance keeps its own.
var depthReports = struct {
	sync.Mutex
	m map[string]depthEntry
}{m: map[string]depthEntry{}}

type depthEntry struct {
	version string
	at      time.Time
	report  *depth.Report
}

const (
	reportTTL   = 10 * time.Minute
	reportsKept = 64
)

// cachedDepth returns the report of the filter and period, computed anew
// when the data changed since it was last computed.
func (s *Server) cachedDepth(ctx context.Context, f cooperation.Filter, period depth.Period) (*depth.Report, error) {
	version, err := s.store.DepthVersion(ctx)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%p|%+v|%s|%s", s, f, period.From.Format(time.DateOnly), period.To.Format(time.DateOnly))
	depthReports.Lock()
	e, ok := depthReports.m[key]
	depthReports.Unlock()
	if ok && e.version == version && time.Since(e.at) < reportTTL {
		return copyReport(e.report), nil
	}
	// One request computes a missing report while the others asking for
	// it wait: two hundred at once each computing it starved them all.
	computing := depthComputing(key)
	computing.Lock()
	defer computing.Unlock()
	depthReports.Lock()
	e, ok = depthReports.m[key]
	depthReports.Unlock()
	if ok && e.version == version && time.Since(e.at) < reportTTL {
		return copyReport(e.report), nil
	}
	// The report is kept for everyone: a client that leaves before it is
	// ready must not waste it (under load, all of them would).
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	hs, err := s.store.DepthHistories(ctx, f)
	if err != nil {
		return nil, err
	}
	report := depth.Compute(hs, period)
	depthReports.Lock()
	if len(depthReports.m) >= reportsKept {
		clear(depthReports.m)
	}
	depthReports.m[key] = depthEntry{version: version, at: time.Now(), report: report}
	depthReports.Unlock()
	return copyReport(report), nil
}

// depthLocks holds one lock per report key, taken while it is computed.
var depthLocks = struct {
	sync.Mutex
	m map[string]*sync.Mutex
}{m: map[string]*sync.Mutex{}}

func depthComputing(key string) *sync.Mutex {
	depthLocks.Lock()
	defer depthLocks.Unlock()
	l, ok := depthLocks.m[key]
	if !ok {
		if len(depthLocks.m) >= reportsKept {
			clear(depthLocks.m)
		}
		l = &sync.Mutex{}
		depthLocks.m[key] = l
	}
	return l
}

// copyReport gives the caller a report it may trim without touching the
// kept one.
func copyReport(r *depth.Report) *depth.Report {
	c := *r
	return &c
}

// depthQuery reads the filter and period of the analytics; bad values are
// field problems.
func depthQuery(r *http.Request, ref *store.Reference) (cooperation.Filter, depth.Period, error) {
	q := r.URL.Query()
	var p silkbridge.Problems
	f := cooperation.Filter{Country: strings.ToUpper(strings.TrimSpace(q.Get("country"))), Country2: strings.ToUpper(strings.TrimSpace(q.Get("country2"))),
		Field: q.Get("field"), BRIPartner: queryBool(r, "bri")}
	for name, code := range map[string]string{"country": f.Country, "country2": f.Country2} {
		if code != "" && !ref.CountryExists(code) {
			p.Add(name, "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": code})
		}
	}
	if f.Field != "" && !ref.FieldExists(f.Field) {
		p.Add("field", "field.field_code", "not a field of research and development code (such as 2.2)", map[string]any{"Value": f.Field})
	}
	if y, err := queryInt(r, "year", 0); err != nil || (y != 0 && (y < 1900 || y > 2200)) {
		p.Add("year", "coop.field.year", "a year such as 2019", nil)
	} else {
		f.Year = y
	}
	var period depth.Period
	for _, d := range []struct {
		name string
		dst  *time.Time
	}{{"from", &period.From}, {"to", &period.To}} {
		if v := strings.TrimSpace(q.Get(d.name)); v != "" {
			t, err := cooperation.ParseDate(v)
			if err != nil {
				p.Add(d.name, "coop.field.date", "a date written as YYYY-MM-DD", map[string]any{"Value": v})
				continue
			}
			*d.dst = t
		}
	}
	if !period.From.IsZero() && !period.To.IsZero() && period.To.Before(period.From) {
		p.Add("to", "coop.field.period", "the end of the period is before its start", nil)
	}
	return f, period, p.Err()
}

func (s *Server) depthReport(r *http.Request) (*depthReport, error) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return nil, err
	}
	f, period, err := depthQuery(r, ref)
	if err != nil {
		return nil, err
	}
	report, err := s.cachedDepth(r.Context(), f, period)
	if err != nil {
		return nil, err
	}
	out := &depthReport{Report: report}
	if !period.From.IsZero() {
		out.From = period.From.Format(cooperation.DateLayout)
	}
	if !period.To.IsZero() {
		out.To = period.To.Format(cooperation.DateLayout)
	}
	out.Query.Country, out.Query.Country2, out.Query.Field, out.Query.Year = f.Country, f.Country2, f.Field, f.Year
	return out, nil
}

func (s *Server) depthPage(w http.ResponseWriter, r *http.Request) error {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	rep, rerr := s.depthReport(r)
	p := &Page{Title: s.T(r, "coop.depth.title"), Data: map[string]any{
		"Countries": ref.SortedCountries(requestLanguage(r).Tag), "Fields": ref.Fields, "Stages": cooperation.Stages,
		"Query": r.URL.Query(), "CanSeeShallow": currentUser(r).IsOfficer(),
	}}
	if rerr != nil {
		if silkbridge.ErrorCode(rerr) != silkbridge.EINVALID {
			return rerr
		}
		tr := s.translator(requestLanguage(r))
		p.Errors, p.Error = tr.FieldErrors(rerr), tr.Error(rerr)
		s.render(w, r, "analytics/depth", http.StatusUnprocessableEntity, p)
		return nil
	}
	data := p.Data.(map[string]any)
	data["Report"] = rep
	pairs := rep.ByCountryPair
	if len(pairs) > 20 {
		pairs = pairs[:20]
	}
	data["TopPairs"] = pairs
	data["Charts"] = s.depthCharts(r, rep)
	data["CSV"] = "/analytics/depth.csv?" + r.URL.RawQuery
	s.render(w, r, "analytics/depth", http.StatusOK, p)
	return nil
}

// depthCharts builds the ECharts options of the page: the stage funnel,
// the transition heat map, the median times and the stages by start year.
func (s *Server) depthCharts(r *http.Request, rep *depthReport) map[string]any {
	labels := make([]string, len(rep.Stages))
	for i, st := range rep.Stages {
		labels[i] = s.T(r, "coop.stage."+st)
	}
	var cells [][]int
	peak := 1
	for i, row := range rep.Transitions {
		for j, n := range row {
			cells = append(cells, []int{j, i, n})
			peak = max(peak, n)
		}
	}
	medianLabels, medianMonths := []string{}, []float64{}
	for _, m := range rep.Medians {
		medianLabels = append(medianLabels, s.T(r, "coop.stage."+m.Stage))
		medianMonths = append(medianMonths, m.Months)
	}
	years := []string{}
	for _, g := range rep.ByYear {
		years = append(years, g.Key)
	}
	var yearSeries []map[string]any
	for i := range rep.Stages {
		data := make([]int, len(rep.ByYear))
		for k, g := range rep.ByYear {
			data[k] = g.Counts[i]
		}
		yearSeries = append(yearSeries, map[string]any{"name": labels[i], "type": "bar", "stack": "stages", "data": data})
	}
	return map[string]any{
		// The funnel is drawn as bars in ladder order, shallowest on top,
		// so that a ladder that does not narrow shows as it is.
		"Funnel": map[string]any{
			"tooltip": map[string]any{"trigger": "axis"},
			"grid":    map[string]any{"left": 150, "right": 40, "top": 10, "bottom": 30},
			"xAxis":   map[string]any{"type": "value"},
			"yAxis":   map[string]any{"type": "category", "data": labels, "inverse": true},
			"series": []map[string]any{{"type": "bar", "data": rep.Counts, "barWidth": "60%",
				"label": map[string]any{"show": true, "position": "right"}}},
		},
		"Transitions": map[string]any{
			"tooltip": map[string]any{"position": "top"},
			"grid":    map[string]any{"left": 140, "bottom": 90, "right": 20, "top": 20},
			"xAxis": map[string]any{"type": "category", "data": labels, "name": s.T(r, "coop.depth.to"), "nameLocation": "middle", "nameGap": 70,
				"axisLabel": map[string]any{"interval": 0, "rotate": 20}},
			"yAxis":     map[string]any{"type": "category", "data": labels, "inverse": true},
			"visualMap": map[string]any{"min": 0, "max": peak, "calculable": true, "orient": "horizontal", "left": "center", "bottom": 0, "show": false},
			"series":    []map[string]any{{"type": "heatmap", "data": cells, "label": map[string]any{"show": true}}},
		},
		"Medians": map[string]any{
			"tooltip": map[string]any{"trigger": "axis"},
			"xAxis":   map[string]any{"type": "category", "data": medianLabels, "axisLabel": map[string]any{"interval": 0}},
			"yAxis":   map[string]any{"type": "value", "name": s.T(r, "coop.depth.months")},
			"series":  []map[string]any{{"type": "bar", "data": medianMonths, "label": map[string]any{"show": true, "position": "top"}}},
		},
		"Years": map[string]any{
			"tooltip": map[string]any{"trigger": "axis"},
			"legend":  map[string]any{"top": 0},
			"grid":    map[string]any{"top": 40},
			"xAxis":   map[string]any{"type": "category", "data": years},
			"yAxis":   map[string]any{"type": "value"},
			"series":  yearSeries,
		},
	}
}

// depthCSV writes one table of the report as CSV: counts, transitions,
// medians, pairs, fields or years.
func (s *Server) depthCSV(w http.ResponseWriter, r *http.Request) error {
	table := r.URL.Query().Get("table")
	if table == "" {
		table = "counts"
	}
	tables := []string{"counts", "transitions", "medians", "pairs", "fields", "years"}
	if !containsString(tables, table) {
		return silkbridge.Invalid("table", "field.choice", "choose one of the values listed", map[string]any{"Value": table})
	}
	rep, err := s.depthReport(r)
	if err != nil {
		return err
	}
	var rows [][]string
	itoa := strconv.Itoa
	switch table {
	case "counts":
		rows = append(rows, []string{"stage", "cooperations"})
		for i, st := range rep.Stages {
			rows = append(rows, []string{st, itoa(rep.Counts[i])})
		}
	case "transitions":
		rows = append(rows, append([]string{"from \\ to"}, rep.Stages...))
		for i, st := range rep.Stages {
			row := []string{st}
			for _, n := range rep.Transitions[i] {
				row = append(row, itoa(n))
			}
			rows = append(rows, row)
		}
	case "medians":
		rows = append(rows, []string{"stage", "median_days_before_moving_deeper", "median_months", "stays"})
		for _, m := range rep.Medians {
			rows = append(rows, []string{m.Stage, strconv.FormatFloat(m.Days, 'f', 1, 64), strconv.FormatFloat(m.Months, 'f', 1, 64), itoa(m.N)})
		}
	default:
		groups := map[string][]depth.Group{"pairs": rep.ByCountryPair, "fields": rep.ByField, "years": rep.ByYear}[table]
		head := []string{map[string]string{"pairs": "country_pair", "fields": "field", "years": "start_year"}[table]}
		rows = append(rows, append(append(head, rep.Stages...), "total", "beyond_exchange", "moves_deeper_in_period"))
		for _, g := range groups {
			row := []string{g.Key}
			for _, n := range g.Counts {
				row = append(row, itoa(n))
			}
			rows = append(rows, append(row, itoa(g.Total), itoa(g.Deeper), itoa(g.Moves)))
		}
	}
	writeCSV(w, "depth-"+table+".csv", rows)
	return nil
}

// writeCSV sends rows as a CSV download.
func writeCSV(w http.ResponseWriter, name string, rows [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	cw := csv.NewWriter(w)
	cw.WriteAll(rows)
}

// shallowQuery reads the months and filter of the shallow list.
func shallowQuery(r *http.Request, ref *store.Reference) (int, cooperation.Filter, error) {
	f, _, err := depthQuery(r, ref)
	var p silkbridge.Problems
	if e, ok := errors.AsType[*silkbridge.Error](err); ok {
		for _, fe := range e.Fields {
			p.Add(fe.Field, fe.MessageID, fe.Message, fe.Data)
		}
	} else if err != nil {
		return 0, f, err
	}
	months, merr := queryInt(r, "months", 12)
	if merr != nil || months > 1200 {
		p.Add("months", "coop.field.months", "a whole number of months, 0 to 1200", nil)
	}
	if f.Page, merr = queryInt(r, "page", 1); merr != nil {
		p.Add("page", "field.integer", "a whole number", nil)
	}
	if f.PerPage, merr = queryInt(r, "per_page", 50); merr != nil {
		p.Add("per_page", "field.integer", "a whole number", nil)
	}
	return months, f, p.Err()
}

// officer refuses everyone but agency officers and admins.
func officer(r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if !u.IsOfficer() {
		return silkbridge.Forbidden()
	}
	return nil
}

func (s *Server) shallowPage(w http.ResponseWriter, r *http.Request) error {
	if err := officer(r); err != nil {
		return err
	}
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	months, f, qerr := shallowQuery(r, ref)
	p := &Page{Title: s.T(r, "coop.shallow.title"), Data: map[string]any{"Countries": ref.SortedCountries(requestLanguage(r).Tag),
		"Fields": ref.Fields, "Query": r.URL.Query(), "Months": months}}
	if qerr != nil {
		if silkbridge.ErrorCode(qerr) != silkbridge.EINVALID {
			return qerr
		}
		tr := s.translator(requestLanguage(r))
		p.Errors, p.Error = tr.FieldErrors(qerr), tr.Error(qerr)
		s.render(w, r, "analytics/shallow", http.StatusUnprocessableEntity, p)
		return nil
	}
	list, page, err := s.store.ShallowCooperations(r.Context(), months, f)
	if err != nil {
		return err
	}
	data := p.Data.(map[string]any)
	data["Cooperations"], data["Page"], data["Waiting"] = list, page, waitingMonths(list)
	data["CSV"] = "/analytics/depth/shallow.csv?" + r.URL.RawQuery
	s.render(w, r, "analytics/shallow", http.StatusOK, p)
	return nil
}

// waitingMonths says how many whole months each cooperation has been at
// its stage, by id.
func waitingMonths(list []*cooperation.Cooperation) map[string]int {
	now := time.Now().UTC()
	out := map[string]int{}
	for _, c := range list {
		if d, err := cooperation.ParseDate(c.StageSince); err == nil {
			out[c.ID] = cooperation.MonthsBetween(d, now)
		}
	}
	return out
}

func (s *Server) shallowCSV(w http.ResponseWriter, r *http.Request) error {
	if err := officer(r); err != nil {
		return err
	}
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	months, f, err := shallowQuery(r, ref)
	if err != nil {
		return err
	}
	rows := [][]string{{"id", "title", "countries", "coordinator", "at_exchange_since", "months_waiting", "source"}}
	for f.Page, f.PerPage = 1, 100; ; f.Page++ {
		list, page, err := s.store.ShallowCooperations(r.Context(), months, f)
		if err != nil {
			return err
		}
		waiting := waitingMonths(list)
		for _, c := range list {
			coord, _ := c.Coordinator()
			rows = append(rows, []string{c.ID, c.Label(), strings.Join(c.Countries, " "), coord.Name, c.StageSince, strconv.Itoa(waiting[c.ID]), c.Source.Kind})
		}
		if f.Page >= page.Pages() {
			break
		}
	}
	writeCSV(w, "shallow-cooperations.csv", rows)
	return nil
}

func (s *Server) apiDepth(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.depthReport(r)
	if err != nil {
		return err
	}
	top, err := queryInt(r, "top", 50)
	if err != nil {
		return err
	}
	if top > 0 && len(rep.ByCountryPair) > top {
		rep.ByCountryPair = rep.ByCountryPair[:top]
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) apiShallow(w http.ResponseWriter, r *http.Request) error {
	if err := officer(r); err != nil {
		return err
	}
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return err
	}
	months, f, err := shallowQuery(r, ref)
	if err != nil {
		return err
	}
	list, page, err := s.store.ShallowCooperations(r.Context(), months, f)
	if err != nil {
		return err
	}
	items := make([]cooperation.Cooperation, len(list))
	for i, c := range list {
		items[i] = *c
	}
	writeJSON(w, http.StatusOK, List[cooperation.Cooperation]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: page.Total})
	return nil
}
