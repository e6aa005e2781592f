package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/silkbridge/silkbridge/store"
)

// progTick ticks a checkbox without leaving the page.
func progTick(b *browser, sel string) {
	b.t.Helper()
	js := `(function(){var e=document.querySelector(` + jsString(sel) + `);e.checked=true;return e.checked;})()`
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js)); err != nil {
		b.t.Fatalf("tick %s: %v", sel, err)
	}
}

// progSignIn signs the tab in as the user with amber-lantern-42, after
// signing out whoever was in.
func progSignIn(b *browser, email string) {
	b.t.Helper()
	b.open("/")
	if strings.Contains(b.text("header"), "Sign out") {
		b.click(`form[action="/signout"] button[type=submit]`)
	}
	b.open("/signin")
	b.fill("#email", email)
	b.fill("#password", "amber-lantern-42")
	b.click(`form[action="/signin"] button[type=submit]`)
	b.mustContain(".flash", "Welcome back")
}

// TestBrowser_ProgrammeFromOpeningToAnExplainedRefusal is the story of the
// issue in a real browser: an officer opens a programme with two hosts and
// a cap on the large one; three talents apply; the hosts rank them; the
// officer runs da and fda, compares the balance report and publishes fda;
// a refused talent reads why.
func TestBrowser_ProgrammeFromOpeningToAnExplainedRefusal(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newProgWorld(t, ts) // the officer, two hosts, three talents, an agreement
	b := newBrowser(t, ts.URL)

	// The officer opens the programme.
	progSignIn(b, "officer@most.example")
	b.open("/programmes")
	b.click(`a[href="/programmes/new"]`)
	b.choose("#agreement_id", w.agreement.ID)
	b.fill("#title", "Silk Road engineering fellowships")
	b.fill("#max_choices", "2")
	b.fill("#nationalities", "KZ")
	progTick(b, `input[name="bri_partners"]`)
	b.click(`form.form button[type=submit]`)
	b.mustContain("h1", "Silk Road engineering fellowships")
	programmeURL := strings.TrimPrefix(b.location(), ts.URL)

	// Two hosts: a large university with two seats, a small institute with one.
	for _, pos := range []struct{ org, title, seats, mode string }{
		{w.bigOrg.ID, "Robotics fellow", "2", "order"},
		{w.smallOrg.ID, "Water fellow", "1", "score"},
	} {
		b.click(`a[href$="/positions/new"]`)
		b.choose("#organisation_id", pos.org)
		b.fill("#title", pos.title)
		b.fill("#capacity", pos.seats)
		b.choose("#rank_mode", pos.mode)
		b.click(`form.form button[type=submit]`)
		b.mustContain(".flash", "The position was added")
	}
	// A cap of one on the large one.
	b.click("#constraints-link")
	b.fill(`input[name="regions.0.name"]`, "Large institutions")
	b.fill(`input[name="regions.0.cap"]`, "1")
	progTick(b, `input[name="regions.0.hosts"][value="`+w.bigOrg.ID+`"]`)
	b.click("#save-constraints")
	b.mustContain(".flash", "The constraints were saved")
	b.mustContain("#constraints", "Large institutions", "Large University")
	b.screenshot("programme-officer")

	// Three talents apply, each with both positions, the large one first.
	for _, email := range []string{"aigerim@example.kz", "bilal@example.pk", "dana@example.kz"} {
		progSignIn(b, email)
		b.open(programmeURL)
		b.mustContain("#constraints", "Large institutions")
		b.click("#apply-link")
		b.choose("#choice-1", w.bigPositionID(t))
		b.choose("#choice-2", w.smallPositionID(t))
		b.fill("#statement", "I want to build machines that clean water.")
		b.click("#submit-application")
		b.mustContain(".flash", "Your application is in")
	}

	// The hosts rank them: the university by order, the institute by score.
	for _, host := range []struct {
		email  string
		values map[string]string
	}{
		{"big@tsinghua.example", map[string]string{"Aigerim Bekova": "1", "Bilal Khan": "2", "Dana Seitova": "3"}},
		{"small@xjiec.example", map[string]string{"Aigerim Bekova": "60", "Bilal Khan": "70", "Dana Seitova": "95"}},
	} {
		progSignIn(b, host.email)
		b.open(programmeURL)
		b.click(".host-link")
		b.click(".rank-link")
		for name, v := range host.values {
			b.fill(`tr[data-talent="`+name+`"] input[type=number]`, v)
		}
		b.click("#save-ranking")
		b.mustContain(".flash", "The ranking was saved")
	}

	// The officer closes applications, runs da and fda, and compares them.
	progSignIn(b, "officer@most.example")
	b.open(programmeURL)
	b.click("#close-applications")
	b.mustContain(".flash", "Applications are closed")
	b.click("#runs-link")
	for _, alg := range []string{"da", "fda"} {
		b.choose("#algorithm", alg)
		b.fill("#seed", "2026")
		b.click("#start-run")
		b.mustContain("#run-placed", map[string]string{"da": "3", "fda": "2"}[alg])
		b.click(`a[href$="/runs"]`)
	}
	progTick(b, `tr[data-algorithm="da"] input[name="run"]`)
	progTick(b, `tr[data-algorithm="fda"] input[name="run"]`)
	b.click("#compare-runs")
	b.mustContain(`tr[data-metric="placed"]`, "3", "2")
	b.mustContain(`#balance`, "Gini coefficient", "Top-decile share", "Floor deficit", "Large institutions", "1 / 1", "2 / 1")
	gini := b.text(`tr[data-metric="gini"]`)
	if !strings.Contains(gini, "0.000") {
		t.Fatalf("under fda both institutions take one talent each, a Gini of 0: %q", gini)
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.querySelector(".chart[data-drawn]") !== null`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the Lorenz chart was not drawn: %v", err)
	}
	b.screenshot("programme-compare")
	b.click(`.publish-run[data-algorithm="fda"]`)
	b.mustContain(".flash", "The result is published")

	// Bilal wanted the large university first: its one seat under the cap
	// went to Aigerim, ranked higher; the institute's seat to Dana, scored higher.
	progSignIn(b, "bilal@example.pk")
	b.open(programmeURL)
	b.mustContain("#my-result", "not placed", "Robotics fellow", "the cap of “Large institutions” (1 in all) was reached",
		"Water fellow", "the position was full with applicants its host ranked higher")
	b.screenshot("programme-refusal")
	// The same, in Arabic, right to left.
	b.open(programmeURL + "?lang=ar")
	b.mustContain("#my-result", "لم يتم التنسيب", "بلغت مجموعة «Large institutions» حدّها")
	if dir, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.documentElement.dir`)); err != nil || dir != "rtl" {
		t.Fatalf("the Arabic page is not right to left: %q (%v)", dir, err)
	}
	b.screenshot("programme-refusal-ar")
	progSignIn(b, "dana@example.kz")
	b.open(programmeURL)
	b.mustContain("#my-result", "You were placed at Water fellow — Small Institute (your choice 2)")
}

// bigPositionID and smallPositionID find the positions the officer added
// through the browser, by host.
func (w *progWorld) bigPositionID(t *testing.T) string   { return w.positionOf(t, w.bigOrg.ID) }
func (w *progWorld) smallPositionID(t *testing.T) string { return w.positionOf(t, w.smallOrg.ID) }

func (w *progWorld) positionOf(t *testing.T, orgID string) string {
	t.Helper()
	var id string
	if err := w.ts.st.DB().QueryRowContext(context.Background(), `SELECT id FROM programme_positions WHERE org_id = $1`, orgID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
