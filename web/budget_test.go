package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httputil"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// Byte budgets of a first visit (nothing cached) to a main page with all
// its stylesheets, scripts and icons, as transferred: headers and
// compressed bodies. A page with charts carries ECharts, the others do not.
const (
	chartPageBudget = 250_000
	plainPageBudget = 60_000
)

// firstVisitBytes fetches a page and every static file it refers to, as a
// browser with an empty cache that accepts encoding does, and returns the
// bytes transferred for the page and for its assets, and whether it
// loads ECharts.
func firstVisitBytes(t *testing.T, base, path, encoding string) (page, assets int, charts, ok bool) {
	t.Helper()
	wire := func(res *http.Response, body []byte) int {
		head, err := httputil.DumpResponse(res, false)
		if err != nil {
			t.Fatal(err)
		}
		return len(head) + len(body)
	}
	res, body := rawGet(t, base+path, encoding)
	if res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/signin") {
		return 0, 0, false, false // for signed-in users only
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	page = wire(res, body)
	html := string(decode(t, res, body))
	seen := map[string]bool{}
	for _, m := range staticRef.FindAllStringSubmatch(html, -1) {
		p := m[1]
		if seen[p] {
			continue
		}
		seen[p] = true
		res, body := rawGet(t, base+p, encoding)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s (from %s): %d", p, path, res.StatusCode)
		}
		assets += wire(res, body)
		charts = charts || strings.Contains(p, "echarts")
	}
	return page, assets, charts, true
}

// TestFirstVisit_EveryMainPageStaysWithinItsByteBudget fetches the home
// page, every page of the main menu, the sign-in and sign-up pages and the
// pages with charts, on a database with a page's worth of organisations,
// as a first visit with Accept-Encoding: gzip. It reports the bytes (run
// with -v to see the table) and fails when a page with charts moves more
// than 250 KB or another page more than 60 KB.
func TestFirstVisit_EveryMainPageStaysWithinItsByteBudget(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	ctx := context.Background()
	coop := newCoopWorld(t, ts)
	pw := newParkWorld(t, ts)
	for i := 0; i < 30; i++ {
		o := &organisation.Organisation{Name: fmt.Sprintf("Silk Road Institute of Materials Science No. %d", i+1),
			Kind: organisation.ResearchInstitute, Country: []string{"KZ", "CN", "UZ", "PK", "EG", "RU"}[i%6], Fields: []string{"2.5"}}
		if err := ts.st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
			t.Fatal(err)
		}
	}
	paths := []string{"/", "/signin", "/signup", "/parks/" + pw.park.ID, "/organisations/" + coop.kz.ID, "/cooperations/" + coop.coop.ID}
	for _, n := range sortedNav(false) {
		paths = append(paths, n.Path)
	}
	for _, enc := range []string{"gzip", "br"} {
		t.Logf("first visit with Accept-Encoding: %s", enc)
		t.Logf("%-50s %8s %8s %8s %8s", "page", "page B", "assets B", "total B", "budget")
		for _, p := range paths {
			page, assets, charts, ok := firstVisitBytes(t, ts.URL, p, enc)
			if !ok {
				t.Logf("%-50s (asks a visitor to sign in)", p)
				continue
			}
			budget := plainPageBudget
			if charts {
				budget = chartPageBudget
			}
			t.Logf("%-50s %8d %8d %8d %8d", p, page, assets, page+assets, budget)
			if page+assets > budget {
				t.Errorf("%s (%s): %d bytes on a first visit, over the budget of %d", p, enc, page+assets, budget)
			}
		}
	}
	if _, _, charts, _ := firstVisitBytes(t, ts.URL, "/analytics/depth", "gzip"); !charts {
		t.Error("the depth analytics page does not load ECharts: its budget was not tested")
	}
	if _, _, charts, _ := firstVisitBytes(t, ts.URL, "/", "gzip"); charts {
		t.Error("the home page loads ECharts, which it does not use")
	}
}
