package park

import (
	"strconv"
	"time"
)

// Stages are the rungs of the cooperation depth ladder, shallowest first,
// as the influence indicator counts them (the same words as package
// cooperation, which this package does not need to import).
var Stages = []string{"exchange", "joint_research", "joint_lab", "technology_transfer", "commercialisation"}

// TransferWeight is what one completed technology transfer adds to the
// influence score: as much as a cooperation on the deepest rung.
const TransferWeight = 5

// Formula says in words how Influence computes each point; the park page
// shows it beside the chart.
const Formula = `On each date d (the last day of each year, and today for the current year):
members(d) = organisations with a membership of the park that began on or before d and had not ended by d, and organisations registered in the park since their creation;
active cooperations(d) = cooperations with at least one partner in members(d) that had started by d and not ended before d, each on the rung of the ladder it had reached by d;
countries engaged = distinct countries of members(d), of the park's foreign partners active on d, and of every partner of the active cooperations;
foreign partners = distinct organisations outside the park's country that are active park partners on d or partners of the active cooperations;
transfers completed = technology transfers that reached "licence signed" on or before d with the owner or the receiver a member on that day;
influence = countries engaged + foreign partners + Σ (rung × active cooperations on that rung, rung 1 = exchange … 5 = commercialisation) + 5 × transfers completed.`

// Span is a dated membership or partnership of one organisation: From up to
// (not including) Until, which is empty while it lasts.
type Span struct {
	OrgID   string
	Country string
	From    string
	Until   string
}

// Party is one partner of a cooperation.
type Party struct {
	OrgID   string
	Country string
}

// StageAt is the rung a cooperation reached on a date.
type StageAt struct {
	Stage string
	Date  string
}

// Cooperation is what the indicator needs of one cooperation: its dates,
// partners and dated stage history (in date order). Stage is the current
// rung, used when the history is empty.
type Cooperation struct {
	ID       string
	Start    string
	End      string
	Stage    string
	Partners []Party
	History  []StageAt
}

// Transfer is one technology transfer that reached "licence signed" on
// CompletedOn (empty: not completed).
type Transfer struct {
	OwnerID     string
	ReceiverID  string
	CompletedOn string
}

// Records are the stored records the indicator is computed from.
type Records struct {
	Country      string // the park's country
	Members      []Span
	Partners     []Span
	Cooperations []Cooperation
	Transfers    []Transfer
}

// Point is the indicator on one date.
type Point struct {
	Date            string `json:"date"`
	Countries       int    `json:"countries_engaged"`
	ForeignPartners int    `json:"foreign_partners"`
	// ByStage counts active cooperations on each rung, in the order of Stages.
	ByStage            []int `json:"active_cooperations_by_stage"`
	ActiveCooperations int   `json:"active_cooperations"`
	Transfers          int   `json:"transfers_completed"`
	Influence          int   `json:"influence"`
}

// maxYears bounds the series, so a record dated in 1900 by mistake cannot
// make the page compute a century of points.
const maxYears = 30

// Dates returns the dates of the series: the last day of every year from
// the year of the earliest record to the year before asOf, then asOf.
func Dates(r Records, asOf time.Time) []string {
	last := asOf.UTC().Format(DateLayout)
	first := last
	consider := func(d string) {
		if len(d) == len(DateLayout) && d < first {
			first = d
		}
	}
	for _, s := range r.Members {
		consider(s.From)
	}
	for _, s := range r.Partners {
		consider(s.From)
	}
	for _, c := range r.Cooperations {
		consider(c.Start)
	}
	for _, t := range r.Transfers {
		consider(t.CompletedOn)
	}
	year := asOf.UTC().Year()
	from := year
	if y, err := time.Parse(DateLayout, first); err == nil {
		from = max(y.Year(), year-maxYears+1)
	}
	var out []string
	for y := from; y < year; y++ {
		out = append(out, time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC).Format(DateLayout))
	}
	return append(out, last)
}

// Influence computes the indicator on each of Dates(r, asOf), as Formula
// says. It is a pure function of the records: the same records give the
// same series.
func Influence(r Records, asOf time.Time) []Point {
	dates := Dates(r, asOf)
	out := make([]Point, len(dates))
	for i, d := range dates {
		out[i] = pointOn(r, d)
	}
	return out
}

func pointOn(r Records, d string) Point {
	p := Point{Date: d, ByStage: make([]int, len(Stages))}
	members := map[string]bool{}
	countries := map[string]bool{}
	foreign := map[string]bool{}
	for _, m := range r.Members {
		if within(d, m.From, m.Until) {
			members[m.OrgID] = true
			countries[m.Country] = true
		}
	}
	for _, pt := range r.Partners {
		if within(d, pt.From, pt.Until) {
			countries[pt.Country] = true
			if pt.Country != r.Country {
				foreign[pt.OrgID] = true
			}
		}
	}
	for _, c := range r.Cooperations {
		rung, ok := activeRung(c, d, members)
		if !ok {
			continue
		}
		p.ByStage[rung]++
		p.ActiveCooperations++
		for _, pt := range c.Partners {
			countries[pt.Country] = true
			if pt.Country != r.Country && !members[pt.OrgID] {
				foreign[pt.OrgID] = true
			}
		}
	}
	for _, t := range r.Transfers {
		if t.CompletedOn != "" && t.CompletedOn <= d && (memberOn(r.Members, t.OwnerID, t.CompletedOn) || memberOn(r.Members, t.ReceiverID, t.CompletedOn)) {
			p.Transfers++
		}
	}
	delete(countries, "")
	p.Countries, p.ForeignPartners = len(countries), len(foreign)
	p.Influence = p.Countries + p.ForeignPartners + TransferWeight*p.Transfers
	for i, n := range p.ByStage {
		p.Influence += (i + 1) * n
	}
	return p
}

// activeRung returns the rung of a cooperation on day d when it is active
// then and has a partner among the members.
func activeRung(c Cooperation, d string, members map[string]bool) (int, bool) {
	start := c.Start
	if start == "" && len(c.History) > 0 {
		start = c.History[0].Date
	}
	if start == "" || start > d || (c.End != "" && c.End < d) {
		return 0, false
	}
	inPark := false
	for _, pt := range c.Partners {
		if members[pt.OrgID] {
			inPark = true
			break
		}
	}
	if !inPark {
		return 0, false
	}
	stage := c.Stage
	if len(c.History) > 0 {
		stage = c.History[0].Stage // started there, even if the first step is dated later
		for _, h := range c.History {
			if h.Date <= d {
				stage = h.Stage
			}
		}
	}
	rung := stageIndex(stage)
	return rung, rung >= 0
}

func memberOn(members []Span, orgID, day string) bool {
	for _, m := range members {
		if m.OrgID == orgID && within(day, m.From, m.Until) {
			return true
		}
	}
	return false
}

func stageIndex(stage string) int {
	for i, s := range Stages {
		if s == stage {
			return i
		}
	}
	return -1
}

// CSVHeader is the header row of the influence CSV, in the column order
// of CSVRow.
func CSVHeader() []string {
	h := []string{"date", "countries_engaged", "foreign_partners"}
	for _, s := range Stages {
		h = append(h, "active_"+s)
	}
	return append(h, "transfers_completed", "influence")
}

// CSVRow is one point as a CSV row.
func CSVRow(p Point) []string {
	row := []string{p.Date, itoa(p.Countries), itoa(p.ForeignPartners)}
	for _, n := range p.ByStage {
		row = append(row, itoa(n))
	}
	return append(row, itoa(p.Transfers), itoa(p.Influence))
}

func itoa(n int) string { return strconv.Itoa(n) }
