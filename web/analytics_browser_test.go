package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// evalJSON runs js in the page and decodes its JSON.stringify'd result.
func (b *browser) evalJSON(js string, v any) {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string]("JSON.stringify("+js+")"))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		b.t.Fatalf("evaluate %s: %v (%s)", js, err, s)
	}
}

// waitJS waits until js is true in the page.
func (b *browser) waitJS(js string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("!!("+js+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waited in vain for %s (%v)", js, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// shot saves what the window shows, scrolled to sel, into dir as name.png.
func (b *browser) shot(dir, name, sel string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(function(){document.querySelector(`+jsString(sel)+`).scrollIntoView();return true})()`)); err != nil {
		b.t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// mapValues reads the map chart's data as drawn: value by country code.
func (b *browser) mapValues() map[string]float64 {
	b.t.Helper()
	var items []struct {
		Code  string   `json:"code"`
		Value *float64 `json:"value"`
	}
	b.evalJSON(`echarts.getInstanceByDom(document.getElementById("world-map")).getOption().series[0].data`, &items)
	out := map[string]float64{}
	for _, it := range items {
		if it.Value != nil {
			out[it.Code] = *it.Value
		}
	}
	return out
}

// TestBrowser_WorldMapNetworkAndDashboard imports the real record, adds
// platform cooperations, and looks at the pages in Chromium: the map and
// the network are drawn with China's partners, the CSV of the map holds
// exactly the values the map shows, moving the year slider redraws the
// map for that year, and every dashboard chart is drawn. Screenshots in
// English, Chinese and Arabic go to SILKBRIDGE_SCREENSHOTS or a temporary
// folder named in the log.
func TestBrowser_WorldMapNetworkAndDashboard(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	loadOpenAlex(t, ts.st)
	ctx := context.Background()
	orgs := map[string]string{}
	for _, c := range []string{"CN", "KZ", "PK", "DE"} {
		o := &organisation.Organisation{Name: "Institute " + c, Kind: organisation.ResearchInstitute, Country: c}
		if err := ts.st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
			t.Fatal(err)
		}
		orgs[c] = o.ID
	}
	for _, p := range [][3]string{{"CN", "KZ", "2021-01-01"}, {"CN", "PK", "2022-05-01"}, {"KZ", "DE", "2019-03-01"}} {
		c := &cooperation.Cooperation{Title: p[0] + "-" + p[1], StartDate: p[2],
			Partners: []cooperation.Partner{{OrgID: orgs[p[0]], Role: cooperation.RoleCoordinator}, {OrgID: orgs[p[1]]}}}
		if err := ts.st.CreateCooperation(ctx, store.Actor{}, c); err != nil {
			t.Fatal(err)
		}
	}
	dir := os.Getenv("SILKBRIDGE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	b := newBrowser(t, ts.URL)

	b.open("/analytics/world?country=CN&year=2023")
	b.waitJS(`document.getElementById("world-map").dataset.drawn && document.getElementById("world-network").dataset.drawn`)
	b.waitJS(`document.querySelector("#world-map svg path")`)
	vals := b.mapValues()
	if vals["PK"] != 9601 || vals["RU"] != 4596 || len(vals) < 150 {
		t.Fatalf("map shows PK %v RU %v over %d countries, want 9601 and 4596", vals["PK"], vals["RU"], len(vals))
	}
	var links int
	b.evalJSON(`echarts.getInstanceByDom(document.getElementById("world-network")).getOption().series[0].links.length`, &links)
	if links != 40 {
		t.Errorf("the network draws %d links, want 40", links)
	}
	b.mustContain("#untapped", "Russia")
	b.mustContain("#world-table", "Pakistan")

	// The CSV behind the map holds the map's values, no more, no less.
	var href string
	b.evalJSON(`document.getElementById("map-csv").getAttribute("href")`, &href)
	res := ts.client(t).get(href)
	rows, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	inCSV := map[string]float64{}
	for _, r := range rows[1:] {
		v, err := strconv.ParseFloat(r[4], 64)
		if err != nil {
			t.Fatal(err)
		}
		inCSV[r[1]] = v
	}
	if len(inCSV) != len(vals) {
		t.Errorf("CSV has %d partners, the map %d", len(inCSV), len(vals))
	}
	for code, v := range vals {
		if inCSV[code] != v {
			t.Errorf("%s: map %v, CSV %v", code, v, inCSV[code])
		}
	}
	var svg string
	b.evalJSON(`echarts.getInstanceByDom(document.getElementById("world-map")).renderToSVGString().slice(0, 4)`, &svg)
	if svg != "<svg" {
		t.Errorf("the map cannot be saved as SVG: %q", svg)
	}
	b.shot(dir, "world-en", "h1")
	b.shot(dir, "network-en", "#network-h")

	// The year slider redraws the map for 2013.
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(function(){var s=document.getElementById("year");s.value="2013";s.dispatchEvent(new Event("change",{bubbles:true}));return true})()`)); err != nil {
		t.Fatal(err)
	}
	b.waitJS(`location.search.indexOf("year=2013") >= 0 && document.readyState == "complete"`)
	b.waitJS(`document.getElementById("world-map").dataset.drawn`)
	old := b.mapValues()
	if old["PK"] == vals["PK"] || old["PK"] <= 0 || b.value("#year") != "2013" {
		t.Errorf("after the slider: PK %v (2023: %v), slider %s", old["PK"], vals["PK"], b.value("#year"))
	}

	for _, lang := range []string{"zh", "ar"} {
		b.open("/analytics/world?country=CN&year=2023&bri=1&lang=" + lang)
		b.waitJS(`document.getElementById("world-map").dataset.drawn && document.querySelector("#world-map svg path")`)
		b.shot(dir, "world-"+lang, "#map-h")
	}

	b.open("/analytics")
	b.waitJS(`document.querySelectorAll("[data-gov-chart]").length == 7 && document.querySelectorAll("[data-gov-chart][data-drawn]").length == 7`)
	b.mustContain("#table-depth", "Exchange")
	var depth []float64
	b.evalJSON(`echarts.getInstanceByDom(document.getElementById("dash-depth")).getOption().series[0].data`, &depth)
	if len(depth) != 5 || depth[0] != 3 {
		t.Errorf("depth chart %v, want 3 cooperations at exchange", depth)
	}
	dres := ts.client(t).get("/analytics/dashboard.csv?part=depth")
	if !strings.Contains(dres.Body, "exchange,3") {
		t.Errorf("depth CSV:\n%s", dres.Body)
	}
	b.shot(dir, "dashboard-en", "h1")
	b.shot(dir, "dashboard-events-en", "#part-events")
	for _, lang := range []string{"zh", "ar"} {
		b.open("/analytics?lang=" + lang)
		b.waitJS(`document.querySelectorAll("[data-gov-chart][data-drawn]").length == 7`)
		b.shot(dir, "dashboard-"+lang, "#part-talent_size")
	}
	b.open("/countries/KZ?lang=zh")
	b.waitJS(`document.querySelectorAll("[data-gov-chart][data-drawn]").length == 2`)
	b.mustContain("#country-bib", "俄罗斯")
	b.shot(dir, "country-kz-zh", "h1")
	b.shot(dir, "country-kz-bib-zh", "#bib-h")
	t.Logf("screenshots in %s", dir)
}
