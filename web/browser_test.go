package web

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser tests drive a real headless Chromium (Debian's chromium) against
// the real server on a test database: one browser for the package, a new
// tab for each test. Without Chromium they are skipped, unless
// SILKBRIDGE_REQUIRE_BROWSER=1 says that they must run.

var (
	browserOnce   sync.Once
	browserCtx    context.Context
	browserErr    string
	browserCancel context.CancelFunc
)

func chromiumPath() string {
	for _, p := range []string{os.Getenv("SILKBRIDGE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	return ""
}

// browserTab opens a new tab in the package's browser, closed when the test ends.
func browserTab(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() && os.Getenv("SILKBRIDGE_REQUIRE_BROWSER") != "1" {
		t.Skip("browser tests do not run with -short")
	}
	browserOnce.Do(func() {
		path := chromiumPath()
		if path == "" {
			browserErr = "no Chromium found (install Debian's chromium or set SILKBRIDGE_CHROMIUM)"
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.Flag("headless", true),
			chromedp.Flag("no-sandbox", true),
			chromedp.Flag("disable-gpu", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("lang", "en-US"),
			chromedp.WindowSize(1280, 900),
		)
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(alloc)
		if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
			browserErr = "start Chromium: " + err.Error()
			cancel()
			cancelAlloc()
			return
		}
		browserCtx = ctx
		browserCancel = func() { cancel(); cancelAlloc() }
	})
	if browserCtx == nil {
		if os.Getenv("SILKBRIDGE_REQUIRE_BROWSER") == "1" {
			t.Fatal(browserErr)
		}
		t.Skip(browserErr)
	}
	// A browser context of its own per test: cookies (the session, the
	// chosen language) never leak from one test into the next.
	tab, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	tab, cancelTimeout := context.WithTimeout(tab, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	return tab
}

// browser wraps a tab with steps that fail the test on error.
type browser struct {
	t   *testing.T
	ctx context.Context
	url string
}

func newBrowser(t *testing.T, base string) *browser {
	return &browser{t: t, ctx: browserTab(t), url: base}
}

func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatal(err)
	}
}

// open navigates to a path of the server and waits for the page.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.url+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// click clicks and waits for the page it leads to.
func (b *browser) click(sel string) {
	b.t.Helper()
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	b.do(chromedp.WaitReady(chromedp.CSS("body")))
}

// fill replaces the value of an input.
func (b *browser) fill(sel, value string) {
	b.t.Helper()
	js := `(function(){var e=document.querySelector(` + jsString(sel) + `);e.value=` + jsString(value) +
		`;e.dispatchEvent(new Event("input",{bubbles:true}));return e.value;})()`
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js)); err != nil {
		b.t.Fatalf("fill %s: %v", sel, err)
	}
}

// choose selects options of a select element by value.
func (b *browser) choose(sel string, values ...string) {
	b.t.Helper()
	js := `(function(){var s=document.querySelector(` + jsString(sel) + `);var want=` + jsArray(values) +
		`;for(var i=0;i<s.options.length;i++){s.options[i].selected=want.indexOf(s.options[i].value)>=0;}return s.value;})()`
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js)); err != nil {
		b.t.Fatalf("choose %s: %v", sel, err)
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text %s: %v", sel, err)
	}
	return s
}

func (b *browser) value(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("value %s: %v", sel, err)
	}
	return s
}

func (b *browser) location() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

// screenshot saves the page when SILKBRIDGE_SCREENSHOTS names a folder.
func (b *browser) screenshot(name string) {
	dir := os.Getenv("SILKBRIDGE_SCREENSHOTS")
	if dir == "" {
		return
	}
	b.t.Helper()
	// Quality 100 is what makes Chromium write PNG rather than JPEG.
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(dir+"/"+name+".png", png, 0o644); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
	}
}

func (b *browser) mustContain(sel string, want ...string) {
	b.t.Helper()
	got := b.text(sel)
	for _, w := range want {
		if !strings.Contains(got, w) {
			b.t.Fatalf("%s does not contain %q:\n%s", sel, w, got)
		}
	}
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

func jsArray(v []string) string {
	parts := make([]string, len(v))
	for i, s := range v {
		parts[i] = jsString(s)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// TestBrowser_CreateOrganisationInChineseAndFindIt is the foundation's
// end-to-end path: switch to Chinese, sign up, add an organisation with a
// bad ROR id (the page shows the error and keeps the input), correct it,
// and find the organisation with a Chinese search term.
func TestBrowser_CreateOrganisationInChineseAndFindIt(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	b := newBrowser(t, ts.URL)
	b.open("/")
	b.mustContain("h1", "Find partners")
	b.click(`.lang-switch a[lang="zh"]`)
	b.mustContain("h1", "寻找科技合作")

	b.open("/signup")
	b.fill("#name", "王伟")
	b.fill("#email", "wang@example.cn")
	b.fill("#password", "a-long-password")
	b.click(`form[action="/signup"] button[type=submit]`)
	b.mustContain(".flash", "欢迎")

	b.open("/organisations/new")
	b.fill("#name", "丝路可再生能源研究院")
	b.choose("#kind", "research_institute")
	b.choose("#country", "CN")
	b.choose("#fields", "2.7")
	b.fill("#ror_id", "05dxps056")
	b.fill("#description", "从事太阳能和风能研究，与中亚伙伴合作")
	b.click(`form.form button[type=submit]`)
	b.mustContain(".field-error", "ROR")
	b.screenshot("org-form-error-zh")
	if got := b.value("#name"); got != "丝路可再生能源研究院" {
		t.Fatalf("the form lost the name: %q", got)
	}
	if got := b.value("#ror_id"); got != "05dxps056" {
		t.Fatalf("the form lost the ROR id: %q", got)
	}
	b.fill("#ror_id", "05dxps055")
	b.click(`form.form button[type=submit]`)
	if !strings.Contains(b.location(), "/organisations/") {
		t.Fatalf("not on the organisation page: %s", b.location())
	}
	b.mustContain("h1", "丝路可再生能源研究院")

	b.open("/organisations")
	b.fill("#q", "太阳能")
	b.click(`form.filters button[type=submit]`)
	b.mustContain("#results", "丝路可再生能源研究院", "共 1 条结果")
	b.screenshot("org-search-zh")
}
