package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// newLimitedServer is a test server with the given limits.
func newLimitedServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	st := storetest.New(t, store.SQLite)
	cfg.MaxBodyBytes = 64 << 10
	srv, err := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &testServer{Server: ts, st: st, srv: srv}
}

func getWith(t *testing.T, url string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{Response: res, Body: string(b)}
}

// TestRateLimit_AVisitorOverTheLimitGets429WithRetryAfterAndTheWaitInWords:
// with a burst of 3 and one request a minute, the fourth page view is
// refused with a translated page that says how long to wait in words, and
// an API call with problem details; static files, signed-in users and
// other addresses go on.
func TestRateLimit_AVisitorOverTheLimitGets429WithRetryAfterAndTheWaitInWords(t *testing.T) {
	ts := newLimitedServer(t, Config{RateLimit: 1, RateBurst: 3})
	member, _ := ts.user(t, "member@example.kz", account.Member) // its sign-in takes one request of the burst
	for i := 0; i < 2; i++ {
		if res := getWith(t, ts.URL+"/organisations"); res.StatusCode != http.StatusOK {
			t.Fatalf("request %d within the burst: %d", i+1, res.StatusCode)
		}
	}
	res := getWith(t, ts.URL+"/organisations")
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("request over the burst: %d, want 429", res.StatusCode)
	}
	secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || secs < 50 || secs > 60 {
		t.Errorf("Retry-After %q, want the seconds until the next token (about 60)", res.Header.Get("Retry-After"))
	}
	if !strings.Contains(res.Body, "Please try again in 1 minute") || strings.Contains(res.Body, "seconds") {
		t.Errorf("the 429 page does not say the wait in words:\n%s", res.Body)
	}
	ru := getWith(t, ts.URL+"/organisations?lang=ru")
	if ru.StatusCode != http.StatusTooManyRequests || !strings.Contains(ru.Body, "Попробуйте снова через") {
		t.Errorf("the Russian 429 page: %d\n%s", ru.StatusCode, ru.Body)
	}

	api := getWith(t, ts.URL+"/api/v1/organisations", "Accept-Language", "fr")
	if api.StatusCode != http.StatusTooManyRequests || api.Header.Get("Retry-After") == "" ||
		api.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("API over the limit: %d, Retry-After %q, %s", api.StatusCode, api.Header.Get("Retry-After"), api.Header.Get("Content-Type"))
	}
	var p Problem
	if err := json.Unmarshal([]byte(api.Body), &p); err != nil {
		t.Fatal(err)
	}
	if p.Status != 429 || p.Code != "too_many" || !strings.Contains(p.Detail, "Réessayez dans 1 minute") {
		t.Errorf("problem details: %+v", p)
	}

	app, err := assetPath("app.css")
	if err != nil {
		t.Fatal(err)
	}
	if res := getWith(t, ts.URL+app); res.StatusCode != http.StatusOK {
		t.Errorf("a static file over the limit: %d, want 200 (static files are not limited)", res.StatusCode)
	}
	for i := 0; i < 5; i++ {
		if res := member.get("/organisations"); res.StatusCode != http.StatusOK {
			t.Fatalf("a signed-in member from the same address: %d, want 200", res.StatusCode)
		}
	}
	// Another client address has its own bucket.
	other := httptest.NewRequest("GET", "/organisations", nil)
	other.RemoteAddr = "203.0.113.9:5000"
	rec := httptest.NewRecorder()
	ts.srv.ServeHTTP(rec, other)
	if rec.Code != http.StatusOK {
		t.Errorf("another address: %d, want 200", rec.Code)
	}
}

func TestRateLimit_ZeroTurnsItOff(t *testing.T) {
	ts := newLimitedServer(t, Config{RateLimit: 0, RateBurst: 1})
	for i := 0; i < 30; i++ {
		if res := getWith(t, ts.URL+"/api/v1/countries"); res.StatusCode != http.StatusOK {
			t.Fatalf("request %d without a limit: %d", i+1, res.StatusCode)
		}
	}
}

func TestRateLimiter_RefillsForgetsIdleClientsAndSharesABucketBeyondItsBound(t *testing.T) {
	l := newRateLimiter(1, 2) // one a second, two at once
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 2; i++ {
		if _, ok := l.allow("a", now); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	wait, ok := l.allow("a", now)
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("third request at once: allowed %v, wait %v; want refused, under a second", ok, wait)
	}
	if _, ok := l.allow("b", now); !ok {
		t.Error("another client was refused")
	}
	if _, ok := l.allow("a", now.Add(time.Second)); !ok {
		t.Error("a second later the bucket has not refilled")
	}
	l.allow("c", now.Add(2*time.Minute)) // a minute since the last sweep: idle clients go
	if _, kept := l.clients["a"]; kept {
		t.Error("a client whose bucket refilled long ago is still kept")
	}
	if _, kept := l.clients["c"]; !kept {
		t.Error("the client just seen was dropped")
	}

	full := newRateLimiter(1, 1)
	for i := 0; i < maxRateClients; i++ {
		full.clients[strconv.Itoa(i)] = &rateClient{lim: nil, seen: now}
	}
	if _, ok := full.allow("new-1", now); !ok {
		t.Fatal("the first new client beyond the bound was refused")
	}
	if _, ok := full.allow("new-2", now); ok {
		t.Error("new clients beyond the bound do not share one bucket")
	}
	if len(full.clients) != maxRateClients {
		t.Errorf("%d clients kept, want at most %d", len(full.clients), maxRateClients)
	}
}

func TestClientKey_GroupsAnIPv6SubscriberBlock(t *testing.T) {
	for remote, want := range map[string]string{
		"198.51.100.7:443":               "198.51.100.7",
		"[2001:db8:1:2:aaaa::1]:443":     "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::9]:80":      "2001:db8:1:2::/64",
		"[::ffff:198.51.100.7]:443":      "198.51.100.7",
		"[2001:db8:1:3::1]:443":          "2001:db8:1:3::/64",
		"not an address":                 "not an address",
		"[fe80::1%eth0]:80":              "fe80::/64",
		"[2001:db8:ffff:ffff:1::1]:1234": "2001:db8:ffff:ffff::/64",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		if got := clientKey(r); got != want {
			t.Errorf("%s: key %q, want %q", remote, got, want)
		}
	}
}

// TestExpensive_BeyondTheBoundARequestWaitsThenGets503: with one turn for
// expensive requests and that turn taken, an analytics page waits
// briefly, then is refused with 503 and Retry-After (page and API); a
// cheap page is served meanwhile; a turn given back in time serves it.
func TestExpensive_BeyondTheBoundARequestWaitsThenGets503(t *testing.T) {
	ts := newLimitedServer(t, Config{MaxExpensive: 1})
	lim := ts.srv.limits
	lim.expensive <- struct{}{} // a slow analytics request holds the only turn

	res := getWith(t, ts.URL+"/analytics/depth")
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != strconv.Itoa(busyRetryAfter) {
		t.Fatalf("analytics with no turn free: %d, Retry-After %q; want 503 and %d", res.StatusCode, res.Header.Get("Retry-After"), busyRetryAfter)
	}
	if !strings.Contains(res.Body, "The site is very busy at the moment. Please try again in less than a minute.") {
		t.Errorf("the 503 page does not say why:\n%s", res.Body)
	}
	api := getWith(t, ts.URL+"/api/v1/organisations?q=solar")
	if api.StatusCode != http.StatusServiceUnavailable || api.Header.Get("Content-Type") != "application/problem+json" || api.Header.Get("Retry-After") == "" {
		t.Errorf("API search with no turn free: %d %s, Retry-After %q", api.StatusCode, api.Header.Get("Content-Type"), api.Header.Get("Retry-After"))
	}
	if res := getWith(t, ts.URL+"/organisations"); res.StatusCode != http.StatusOK {
		t.Errorf("a list without search while the turns are taken: %d, want 200", res.StatusCode)
	}

	// The turn comes back while the request waits: it is served.
	go func() {
		time.Sleep(expensiveWait / 4)
		<-lim.expensive
	}()
	if res := getWith(t, ts.URL+"/analytics/depth"); res.StatusCode != http.StatusOK {
		t.Errorf("analytics once the turn is back: %d, want 200", res.StatusCode)
	}
	if n := len(lim.expensive); n != 0 {
		t.Errorf("%d turns still taken after the requests ended", n)
	}
}

func TestExpensive_SearchAnalyticsAndRecommendationsOnly(t *testing.T) {
	for target, want := range map[string]bool{
		"/analytics/depth":                           true,
		"/analytics/depth.csv?table=pairs":           true,
		"/api/v1/analytics/depth":                    true,
		"/recommendations/organisations/x":           true,
		"/api/v1/recommendations/cooperations/x":     true,
		"/achievements/match":                        true,
		"/organisations?q=solar":                     true,
		"/api/v1/opportunities?q=%E5%A4%AA%E9%98%B3": true,
		"/organisations":                             false,
		"/organisations?q=+":                         false,
		"/organisations/x":                           false,
		"/api/v1/countries":                          false,
		"/":                                          false,
	} {
		if got := expensive(httptest.NewRequest("GET", target, nil)); got != want {
			t.Errorf("GET %s: expensive %v, want %v", target, got, want)
		}
	}
	if expensive(httptest.NewRequest("POST", "/organisations?q=x", nil)) {
		t.Error("a POST counted as an expensive read")
	}
}

// TestPasswordLimits_SayTheWaitInWords: the sign-in and reset limits,
// counted in the database, say their wait in words too: a minute for
// sign-in, an hour for reset links, never "3591 seconds".
func TestPasswordLimits_SayTheWaitInWords(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	ts.user(t, "victim@example.org", account.Member)
	var last response
	for i := 0; i < signInAccountMax+1; i++ {
		last = wrongSignIn(ts.client(t), "victim@example.org")
	}
	if last.StatusCode != http.StatusTooManyRequests || !strings.Contains(last.Body, "Too many attempts. Please try again in ") {
		t.Errorf("sign-in lockout: %d\n%s", last.StatusCode, last.Body)
	}
	for i := 0; i < resetAccountMax+1; i++ {
		last = ts.client(t).form("POST", "/password/forgot", url.Values{"email": {"victim@example.org"}})
	}
	if last.StatusCode != http.StatusTooManyRequests || !strings.Contains(last.Body, "Please try again in about 1 hour") {
		t.Errorf("reset lockout: %d\n%s", last.StatusCode, last.Body)
	}
	if strings.Contains(last.Body, "seconds") {
		t.Errorf("the reset lockout still counts seconds:\n%s", last.Body)
	}
}
