package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// withHost sends req with the client's cookies as if the client had
// written another Host header (the cookie jar would go by that host).
func (c *client) withHost(host string, req *http.Request) response {
	c.t.Helper()
	for _, ck := range c.http.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	req.Host = host
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return response{Response: res, Body: string(b)}
}

func TestLinks_AreBuiltFromTheBaseURLNeverFromTheHostHeader(t *testing.T) {
	st := newTestServer(t, store.SQLite).st
	ts, _ := serverOn(t, st, Config{BaseURL: "https://silkbridge.example/"})
	manager, mu := ts.user(t, "boss@example.org", account.Member)
	o := &organisation.Organisation{Name: "Samarkand Optics", Kind: organisation.Enterprise, Country: "UZ"}
	if err := st.CreateOrganisation(context.Background(), store.Actor{UserID: mu.ID}, o); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/organisations/"+o.ID+"/invitations", strings.NewReader(`{"email":"deputy@example.org"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res := manager.withHost("evil.example", req)
	if res.StatusCode != http.StatusCreated || !strings.Contains(res.Body, `"link":"https://silkbridge.example/invitation?token=`) {
		t.Fatalf("invitation under a forged Host: %d %s", res.StatusCode, res.Body)
	}
	form := url.Values{"q": {"optics"}, "name": {"Optics"}}
	req, _ = http.NewRequest("POST", ts.URL+"/saved-searches", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if r := manager.withHost("evil.example", req); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save search: %d", r.StatusCode)
	}
	req, _ = http.NewRequest("GET", ts.URL+"/market/mine", nil)
	page := manager.withHost("evil.example", req)
	if strings.Contains(page.Body, "evil.example") || !strings.Contains(page.Body, "https://silkbridge.example/feeds/market?") {
		t.Fatalf("feed addresses under a forged Host:\n%s", page.Body)
	}
}

func TestLinks_WithoutABaseURLNeverTakeTheHostHeader(t *testing.T) {
	st := newTestServer(t, store.SQLite).st
	srv, err := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	ts := &testServer{Server: hs, st: st, srv: srv}
	manager, mu := ts.user(t, "boss@example.org", account.Member)
	o := &organisation.Organisation{Name: "Bukhara Looms", Kind: organisation.Enterprise, Country: "UZ"}
	if err := st.CreateOrganisation(context.Background(), store.Actor{UserID: mu.ID}, o); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/organisations/"+o.ID+"/invitations", strings.NewReader(`{"email":"deputy@example.org"}`))
	req.Header.Set("Content-Type", "application/json")
	res := manager.withHost("evil.example", req)
	if res.StatusCode != http.StatusCreated || strings.Contains(res.Body, "evil.example") {
		t.Fatalf("invitation under a forged Host: %d %s", res.StatusCode, res.Body)
	}
}
