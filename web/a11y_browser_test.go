package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/opportunity"
	"github.com/silkbridge/silkbridge/store"
)

// axe-core (web/testdata/axe, MPL-2.0, from the npm registry) checks each
// page in the browser; it is a test asset and never part of the binary.

// a11yPages are the main pages a visitor reaches from the menu, and a page
// of each kind of record, on a demo-like fixture.
func a11yPages(t *testing.T, ts *testServer) []string {
	t.Helper()
	tashkent := marketOrg(t, ts.st, nil, "Tashkent Institute of Solar Physics", "UZ", "solar@example.uz")
	lyon := marketOrg(t, ts.st, nil, "Laboratoire de photonique de Lyon", "FR", "photonique@example.fr")
	almaty := marketOrg(t, ts.st, nil, "Almaty Water Research Centre", "KZ", "water@example.kz")
	marketListing(t, ts.st, tashkent.ID, opportunity.Published)
	coop := marketCooperation(t, ts.st, "Solar drying of apricots in the Fergana valley", "2024-03-01", tashkent, lyon, almaty)
	// A jump over joint research, so the ladder shows every kind of rung.
	if _, err := ts.st.ChangeStage(context.Background(), store.Actor{}, coop.ID, cooperation.JointLab, "2025-01-15",
		cooperation.Evidence{Kind: cooperation.EvidenceNote, Note: "A shared drying test bench in Tashkent"}); err != nil {
		t.Fatal(err)
	}
	return []string{
		"/", "/organisations", "/organisations/" + tashkent.ID, "/talents", "/market", "/programmes",
		"/cooperations", "/cooperations/" + coop.ID, "/agreements", "/events", "/lessons",
		"/analytics/depth", "/policies", "/incentives", "/parks", "/achievements", "/facilities",
		"/countries", "/signin", "/signup",
	}
}

// axeViolation is the part of an axe-core result the test reports.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// axeCheck runs axe-core on the open page and returns its serious and
// critical violations.
func (b *browser) axeCheck() []axeViolation {
	b.t.Helper()
	src, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](string(src)+";true")); err != nil {
		b.t.Fatalf("load axe: %v", err)
	}
	js := `axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
  return JSON.stringify(r.violations.filter(function (v) { return v.impact === "serious" || v.impact === "critical"; }).map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 8).map(function (n) { return n.target.join(" "); })};
  }));
})`
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("run axe: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		b.t.Fatalf("axe result: %v", err)
	}
	return vs
}

// pageOverflow returns how many CSS pixels the page is wider than the window.
func (b *browser) pageOverflow() int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

var a11yWidths = []int64{1366, 390}

// TestBrowser_MainPagesHaveNoSeriousAccessibilityViolations runs axe-core on
// every main page in English, Chinese and Arabic, on a desktop and a phone
// width, and fails on any violation of impact serious or critical. The phone
// width must not scroll the whole page sideways. With SILKBRIDGE_SCREENSHOTS
// set, each page is saved as <page>-<lang>-<width>.png in that folder.
func TestBrowser_MainPagesHaveNoSeriousAccessibilityViolations(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	pages := a11yPages(t, ts)
	for _, lang := range []string{"en", "ar", "zh"} {
		for _, width := range a11yWidths {
			t.Run(fmt.Sprintf("%s-%d", lang, width), func(t *testing.T) {
				b := newBrowser(t, ts.URL)
				b.do(chromedp.EmulateViewport(width, 900))
				b.open("/lang/" + lang + "?back=/")
				for _, p := range pages {
					b.open(p)
					// axe runs in en and ar (left-to-right and right-to-left);
					// Chinese is looked at on the screenshots.
					if lang != "zh" {
						for _, v := range b.axeCheck() {
							t.Errorf("%s: %s (%s) %s: %s", p, v.ID, v.Impact, v.Help, strings.Join(v.Targets, " | "))
						}
					}
					if over := b.pageOverflow(); over > 0 {
						t.Errorf("%s: the page is %d px wider than the %d px window", p, over, width)
					}
					b.screenshot(fmt.Sprintf("%s-%s-%d", screenshotName(p), lang, width))
				}
			})
		}
	}
}

// screenshotName turns a path into a file name: "/" is "home", ids are dropped.
func screenshotName(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if parts[0] == "" {
		return "home"
	}
	if len(parts) > 1 && len(parts[1]) > 20 {
		return parts[0] + "-one"
	}
	return strings.Join(parts, "-")
}

// visible says whether the first element matching sel takes up space on screen.
func (b *browser) visible(sel string) bool {
	b.t.Helper()
	js := `(function(){var e=document.querySelector(` + jsString(sel) + `);if(!e)return false;return e.checkVisibility({contentVisibilityAuto:true,visibilityProperty:true});})()`
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js))
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

// TestBrowser_MenuFoldsIntoAButtonOnPhonesWithoutJavaScript: with scripts
// off, a 390 px window shows the menu button and no links until it is
// pressed, then the grouped links; a 1366 px window shows the groups at once
// and no button.
func TestBrowser_MenuFoldsIntoAButtonOnPhonesWithoutJavaScript(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	b := newBrowser(t, ts.URL)
	b.do(chromedp.EmulateViewport(390, 800))
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.open("/organisations")
	if !b.visible(".menu-button") {
		t.Fatal("on a phone the menu button is not shown")
	}
	if b.visible(`.main-nav a[href="/talents"]`) {
		t.Fatal("on a phone the menu's links show before the button is pressed")
	}
	b.do(chromedp.Click(chromedp.CSS(".menu-button")))
	if !b.visible(`.main-nav a[href="/talents"]`) {
		t.Fatal("the button did not open the menu")
	}
	labels, err := chromedp.Run(b.ctx, chromedp.TextContent(chromedp.CSS(".nav-groups")))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{"Find", "Cooperate", "Programmes and events", "Policies and parks", "Analytics"} {
		if !strings.Contains(labels, g) {
			t.Errorf("the menu has no section %q: %s", g, labels)
		}
	}
	b.screenshot("menu-open-en-390")

	b.do(chromedp.EmulateViewport(1366, 800))
	b.open("/organisations")
	if b.visible(".menu-button") || !b.visible(`.main-nav a[href="/talents"]`) {
		t.Fatal("on a wide screen the menu should be open, without a button")
	}
	if got := b.text(`.main-nav a[aria-current="page"]`); got != "Organisations" {
		t.Fatalf("current page in the menu: %q", got)
	}
}
