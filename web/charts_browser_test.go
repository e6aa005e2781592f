package web

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/store"
)

// drawnChart is what a drawn chart holds in its SVG.
type drawnChart struct {
	ID    string   `json:"id"`
	Paths int      `json:"paths"`
	Texts []string `json:"texts"`
}

// drawnCharts waits until every chart of the page is drawn, then reads
// their SVGs.
func drawnCharts(t *testing.T, b *browser, want int) map[string]drawnChart {
	t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](
		`document.querySelectorAll(".chart[data-drawn]").length === document.querySelectorAll(".chart[data-chart]").length`,
		chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		t.Fatalf("the charts were not drawn: %v", err)
	}
	js := `JSON.stringify(Array.from(document.querySelectorAll(".chart[data-chart]")).map(function (el) {
		return {id: el.dataset.chart, paths: el.querySelectorAll("svg path").length,
			texts: Array.from(el.querySelectorAll("svg text")).map(function (t) { return t.textContent; })};
	}))`
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatal(err)
	}
	var list []drawnChart
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != want {
		t.Fatalf("%d charts on the page, want %d", len(list), want)
	}
	out := map[string]drawnChart{}
	for _, c := range list {
		out[c.ID] = c
	}
	return out
}

func hasText(c drawnChart, s string) bool {
	for _, t := range c.Texts {
		if t == s {
			return true
		}
	}
	return false
}

// TestBrowser_EveryChartIsDrawnWithTheSlimECharts opens the pages with
// charts in Chromium: the custom ECharts build must hold every series type
// and component their options use (a missing one draws an empty chart).
// The Lorenz chart of programme runs is drawn in
// TestBrowser_ProgrammeFromOpeningToAnExplainedRefusal.
func TestBrowser_EveryChartIsDrawnWithTheSlimECharts(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	ctx := context.Background()
	w := newCoopWorld(t, ts)
	note := cooperation.Evidence{Kind: cooperation.EvidenceNote, Note: "joint paper drafted"}
	if _, err := ts.st.ChangeStage(ctx, store.Actor{}, w.coop.ID, "joint_research", "2024-03-01", note); err != nil {
		t.Fatal(err)
	}
	pw := newParkWorld(t, ts)
	b := newBrowser(t, ts.URL)

	b.open("/analytics/depth")
	charts := drawnCharts(t, b, 4)
	for id, c := range charts {
		// Axes alone draw a few paths; a series draws its bars, lines or cells.
		if c.Paths < 4 {
			t.Errorf("%s: %d SVG paths, the series were not drawn", id, c.Paths)
		}
	}
	// The heatmap labels its one transition (exchange to joint research)
	// with its count: no label means the heatmap or its visualMap is missing.
	if c := charts["chart-transitions"]; !hasText(c, "1") {
		t.Errorf("the transition heatmap has no cell label: %q", c.Texts)
	}
	if c := charts["chart-funnel"]; !hasText(c, "Exchange") {
		t.Errorf("the funnel has no stage axis: %q", c.Texts)
	}
	b.screenshot("charts-depth")

	b.open("/parks/" + pw.park.ID)
	charts = drawnCharts(t, b, 1)
	// The legend (scroll type) names the line series.
	if c := charts["chart-influence"]; !hasText(c, "Influence") || c.Paths < 4 {
		t.Errorf("the influence chart lacks its legend or series: %d paths, %q", c.Paths, c.Texts)
	}
	b.screenshot("charts-park")
}
