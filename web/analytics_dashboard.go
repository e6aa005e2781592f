package web

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/analytics"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/cooperation/depth"
	elig "github.com/silkbridge/silkbridge/eligible"
)

// One dashboard for a government: depth of cooperation, the balance of
// talent placements, the event funnel, the parks, the marketplace and the
// reach of policies. Each part is a table of rows; its chart, its
// accessible table, its CSV and its JSON are drawn from the same rows, so
// that what a chart shows and what a download holds cannot differ.

func (s *Server) dashboardRoutes() {
	s.page("GET /analytics", s.dashboardPage)
	s.page("GET /analytics/dashboard.csv", s.dashboardCSV)
	s.handleAPI("GET /api/v1/analytics/dashboard", Op{Summary: "The government dashboard: depth, talent balance, event funnel, parks, marketplace and policy reach, each a table with its formula",
		Tag: "analytics", Response: dashboard{}, Query: map[string]string{"part": "one part only: " + joinParts()}}, s.apiDashboard)
}

// dashboardParts are the parts, in the order shown.
var dashboardParts = []string{"depth", "talent_size", "talent_region", "events", "parks", "market", "policy"}

func joinParts() string {
	out := ""
	for i, p := range dashboardParts {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}

// dashboardTable is one part: its rows, its headline figures and the
// formula they come from.
type dashboardTable struct {
	Part    string             `json:"part"`
	Formula string             `json:"formula"`
	Figures map[string]float64 `json:"figures,omitempty"`
	Head    []string           `json:"columns"`
	Rows    [][]string         `json:"rows"`
	// Value is the column the chart draws (after the label in column 0).
	Value int `json:"-"`
}

// dashboard is the answer of GET /api/v1/analytics/dashboard.
type dashboard struct {
	Parts []*dashboardTable `json:"parts"`
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// dashboardData computes every part (or only the one named).
func (s *Server) dashboardData(ctx context.Context, only string) (*dashboard, error) {
	want := func(p string) bool { return only == "" || only == p }
	d := &dashboard{}
	if want("depth") {
		rep, err := s.cachedDepth(ctx, cooperation.Filter{}, depth.Period{})
		if err != nil {
			return nil, err
		}
		t := &dashboardTable{Part: "depth", Formula: "cooperations of two or more partners at each stage of the ladder now; beyond exchange = (total − exchange) / total",
			Head: []string{"stage", "cooperations"}, Value: 1, Figures: map[string]float64{"total": float64(rep.Total)}}
		for i, st := range rep.Stages {
			t.Rows = append(t.Rows, []string{st, itoa(rep.Counts[i])})
		}
		if rep.Total > 0 && len(rep.Counts) > 0 {
			t.Figures["beyond_exchange"] = analytics.Rate(rep.Total-rep.Counts[0], rep.Total)
		}
		d.Parts = append(d.Parts, t)
	}
	if want("talent_size") || want("talent_region") {
		hosts, err := s.store.PublishedPlacements(ctx)
		if err != nil {
			return nil, err
		}
		counts := make([]int, len(hosts))
		bySize, byRegion := map[string][2]int{}, map[string][2]int{}
		placed := 0
		for i, h := range hosts {
			counts[i] = h.Placed
			placed += h.Placed
			size := h.SizeClass
			if size == "" {
				size = "unknown"
			}
			region := h.Region
			if region == "" {
				region = "unknown"
			}
			bySize[size] = [2]int{bySize[size][0] + 1, bySize[size][1] + h.Placed}
			byRegion[region] = [2]int{byRegion[region][0] + 1, byRegion[region][1] + h.Placed}
		}
		gini, top := analytics.Inequality(counts)
		figures := map[string]float64{"hosts": float64(len(hosts)), "placed": float64(placed), "gini": gini, "top_decile_share": top}
		formula := "placements of every published matching run, over the organisations offering positions (those with none count); Gini = 2·Σ i·x_i / (n·Σ x) − (n+1)/n, x ascending; top-decile share = placements of the top tenth of hosts / all placements"
		group := func(part, key string, m map[string][2]int) *dashboardTable {
			t := &dashboardTable{Part: part, Formula: formula, Figures: figures, Head: []string{key, "hosts", "placements", "share_of_placements"}, Value: 2}
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				t.Rows = append(t.Rows, []string{k, itoa(m[k][0]), itoa(m[k][1]), ftoa(analytics.Rate(m[k][1], placed))})
			}
			return t
		}
		if want("talent_size") {
			d.Parts = append(d.Parts, group("talent_size", "size_class", bySize))
		}
		if want("talent_region") {
			d.Parts = append(d.Parts, group("talent_region", "region", byRegion))
		}
	}
	if want("events") {
		c, err := s.store.EventsFunnel(ctx, time.Now().UTC())
		if err != nil {
			return nil, err
		}
		per := 0.0
		if c.MeetingsHeld > 0 {
			per = float64(int(10000*float64(c.Cooperations)/float64(c.MeetingsHeld))) / 100
		}
		t := &dashboardTable{Part: "events", Value: 1,
			Formula: "cooperations from events per 100 meetings held = 100 × cooperations recorded as from an event / meetings scheduled at events that have ended; anchor: 2.3 partnership agreements per 100 brokerage meetings (an Enterprise Europe Network region)",
			Figures: map[string]float64{"events": float64(c.Events), "cooperations_per_100_meetings": per, "anchor_per_100_meetings": analytics.BrokerageAnchor},
			Head:    []string{"step", "count"},
			Rows: [][]string{{"registrations", itoa(c.Registrations)}, {"meetings_requested", itoa(c.MeetingsRequested)}, {"meetings_held", itoa(c.MeetingsHeld)},
				{"interests_after_event", itoa(c.Interests)}, {"cooperations_from_events", itoa(c.Cooperations)}}}
		d.Parts = append(d.Parts, t)
	}
	if want("parks") {
		ps, err := s.store.ParkSummaries(ctx)
		if err != nil {
			return nil, err
		}
		t := &dashboardTable{Part: "parks", Value: 4, Formula: "current members and foreign partners (organisations of another country) of each park, and its influence indicator today, computed as on the park's page",
			Head: []string{"park", "country", "members", "foreign_partners", "influence"}}
		members, foreign := 0, 0
		for _, p := range ps {
			influence := 0
			series, err := s.store.ParkInfluence(ctx, p.ID, time.Now().UTC())
			if err != nil {
				return nil, err
			}
			if len(series) > 0 {
				influence = series[len(series)-1].Influence
			}
			t.Rows = append(t.Rows, []string{p.Name, p.Country, itoa(p.Members), itoa(p.ForeignPartners), itoa(influence)})
			members, foreign = members+p.Members, foreign+p.ForeignPartners
		}
		t.Figures = map[string]float64{"parks": float64(len(ps)), "members": float64(members), "foreign_partners": float64(foreign)}
		d.Parts = append(d.Parts, t)
	}
	if want("market") {
		m, err := s.store.MarketActivity(ctx)
		if err != nil {
			return nil, err
		}
		t := &dashboardTable{Part: "market", Value: 1,
			Formula: "acceptance rate = accepted / (accepted + declined); time to first interest = median days from publication to a listing's first expression of interest",
			Figures: map[string]float64{"acceptance_rate": analytics.Rate(m.Accepted, m.Accepted+m.Declined),
				"median_days_to_first_interest": float64(int(analytics.Median(m.FirstInterestDays)*10)) / 10, "listings_with_interest": float64(len(m.FirstInterestDays))},
			Head: []string{"measure", "count"},
			Rows: [][]string{{"listings_published", itoa(m.Listings)}, {"interests", itoa(m.Interests)}, {"accepted", itoa(m.Accepted)},
				{"declined", itoa(m.Declined)}, {"pending", itoa(m.Pending)}}}
		d.Parts = append(d.Parts, t)
	}
	if want("policy") {
		p, err := s.store.PolicyReach(ctx)
		if err != nil {
			return nil, err
		}
		t := &dashboardTable{Part: "policy", Value: 1, Formula: "incentive checks counted per policy and day (one per policy answered to a person or organisation); eligible share = eligible answers / checks",
			Figures: map[string]float64{"eligible_share": analytics.Rate(p.Eligible, p.Checks)},
			Head:    []string{"measure", "count"},
			Rows: [][]string{{"policies", itoa(p.Policies)}, {"policies_checked", itoa(p.PoliciesChecked)}, {"checks", itoa(p.Checks)},
				{"eligible_answers", itoa(p.Eligible)}}}
		d.Parts = append(d.Parts, t)
	}
	return d, nil
}

// dashboardPart reads the part asked for ("" for all).
func dashboardPart(r *http.Request, required bool) (string, error) {
	part := r.URL.Query().Get("part")
	if (part == "" && required) || (part != "" && !containsString(dashboardParts, part)) {
		return "", silkbridge.Invalid("part", "field.choice", "choose one of the values listed", map[string]any{"Value": part})
	}
	return part, nil
}

func (s *Server) apiDashboard(w http.ResponseWriter, r *http.Request) error {
	part, err := dashboardPart(r, false)
	if err != nil {
		return err
	}
	d, err := s.dashboardData(r.Context(), part)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) dashboardCSV(w http.ResponseWriter, r *http.Request) error {
	part, err := dashboardPart(r, true)
	if err != nil {
		return err
	}
	d, err := s.dashboardData(r.Context(), part)
	if err != nil {
		return err
	}
	t := d.Parts[0]
	writeCSV(w, "dashboard-"+part+".csv", append([][]string{t.Head}, t.Rows...))
	return nil
}

// dashboardView is a part as the page shows it.
type dashboardView struct {
	*dashboardTable
	Title string
	// Explained is the formula in the reader's language.
	Explained string
	Labels    []string
	// Columns are the translated column heads.
	Columns []string
	Chart   map[string]any
	CSV     string
	JSON    string
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dashboardData(r.Context(), "")
	if err != nil {
		return err
	}
	var views []dashboardView
	for _, t := range d.Parts {
		formula := t.Part
		if t.Part == "talent_size" || t.Part == "talent_region" {
			formula = "talent"
		}
		v := dashboardView{dashboardTable: t, Title: s.T(r, "gov.dash."+t.Part), Explained: s.T(r, "gov.formula.part."+formula), CSV: "/analytics/dashboard.csv?part=" + t.Part,
			JSON: "/api/v1/analytics/dashboard?part=" + t.Part}
		var values []float64
		for _, h := range t.Head {
			v.Columns = append(v.Columns, s.T(r, "gov.col."+h))
		}
		for _, row := range t.Rows {
			label := row[0]
			switch t.Part {
			case "depth":
				label = s.T(r, "coop.stage."+label)
			case "talent_size":
				if label == "unknown" {
					label = s.T(r, "gov.row.unknown")
				} else {
					label = s.T(r, "org.size."+label)
				}
			case "talent_region", "parks":
				if label == "unknown" {
					label = s.T(r, "gov.row.unknown")
				}
			default:
				label = s.T(r, "gov.row."+label)
			}
			v.Labels = append(v.Labels, label)
			f, _ := strconv.ParseFloat(row[t.Value], 64)
			values = append(values, f)
		}
		v.Chart = map[string]any{"tooltip": map[string]any{"trigger": "axis"},
			"grid":  map[string]any{"left": 170, "right": 50, "top": 30, "bottom": 30},
			"xAxis": map[string]any{"type": "value"}, "yAxis": map[string]any{"type": "category", "data": v.Labels, "inverse": true},
			"series": []map[string]any{{"type": "bar", "name": v.Columns[t.Value], "data": values, "label": map[string]any{"show": true, "position": "right"}}}}
		views = append(views, v)
	}
	s.render(w, r, "analytics/dashboard", http.StatusOK, &Page{Title: s.T(r, "gov.dashboard.title"), Data: map[string]any{"Parts": views}})
	return nil
}

// countChecks records that the policies of answers were checked, for the
// policy reach; a failure to count never fails the check itself.
func (s *Server) countChecks(r *http.Request, answers []incentiveAnswer) {
	ids := make([]string, 0, len(answers))
	eligible := map[string]bool{}
	for _, a := range answers {
		ids = append(ids, a.PolicyID)
		eligible[a.PolicyID] = a.Outcome == elig.Eligible
	}
	if err := s.store.RecordIncentiveChecks(r.Context(), time.Now().UTC().Format(time.DateOnly), ids, eligible); err != nil {
		s.log.Warn("incentive checks not counted", "err", err)
	}
}
