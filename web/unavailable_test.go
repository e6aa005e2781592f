package web

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/store"
)

// makeUnavailable takes the test server's database away for real: the
// SQLite store's pool is closed; the PostgreSQL database is dropped, which
// terminates the connections the pool holds.
func makeUnavailable(t *testing.T, ts *testServer) {
	t.Helper()
	if ts.st.Engine() == store.SQLite {
		if err := ts.st.Close(); err != nil {
			t.Fatal(err)
		}
		return
	}
	var name string
	if err := ts.st.DB().QueryRow(`SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("pgx", os.Getenv("SILKBRIDGE_TEST_POSTGRES"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`); err != nil {
		t.Fatal(err)
	}
}

// TestUnavailableDatabase_Answers503WithRetryAfterNotUnauthenticated
// takes the database away under a running server: a valid API token, a
// signed-in browser and a visitor all get 503 with Retry-After (problem
// details for the API, a translated page for browsers), never 401 or 500.
func TestUnavailableDatabase_Answers503WithRetryAfterNotUnauthenticated(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		browser, u := ts.user(t, "down@example.org", "member")
		secret, _, err := ts.st.CreateToken(ctx, store.Actor{UserID: u.ID}, u.ID, "script", store.ScopeRead)
		if err != nil {
			t.Fatal(err)
		}
		// The token works while the database is there.
		req, _ := http.NewRequest("GET", ts.URL+"/api/v1/me/export", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		if res := ts.client(t).do(req); res.StatusCode != http.StatusOK {
			t.Fatalf("export before: status %d: %s", res.StatusCode, res.Body)
		}
		makeUnavailable(t, ts)

		for _, path := range []string{"/api/v1/me/export", "/api/v1/me/profile"} {
			req, _ := http.NewRequest("GET", ts.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+secret)
			req.Header.Set("Accept-Language", "es")
			res := ts.client(t).do(req)
			if res.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("token on %s: status %d, want 503: %s", path, res.StatusCode, res.Body)
			}
			if got := res.Header.Get("Retry-After"); got == "" {
				t.Errorf("token on %s: no Retry-After", path)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("token on %s: content type %q", path, ct)
			}
			var p Problem
			if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
				t.Fatalf("token on %s: %v: %s", path, err, res.Body)
			}
			if p.Code != "unavailable" || p.Status != http.StatusServiceUnavailable || !strings.Contains(p.Detail, "no está disponible") {
				t.Errorf("token on %s: problem %+v", path, p)
			}
		}

		visitor := ts.client(t)
		for name, c := range map[string]*client{"visitor": visitor, "signed-in browser": browser} {
			for _, path := range []string{"/market", "/account/export"} {
				req, _ := http.NewRequest("GET", ts.URL+path, nil)
				req.Header.Set("Accept-Language", "fr")
				res := c.do(req)
				if name == "visitor" && path == "/account/export" {
					continue // a visitor is sent to sign in before the database is asked
				}
				if res.StatusCode != http.StatusServiceUnavailable {
					t.Fatalf("%s on %s: status %d, want 503", name, path, res.StatusCode)
				}
				if res.Header.Get("Retry-After") == "" {
					t.Errorf("%s on %s: no Retry-After", name, path)
				}
				if !strings.Contains(res.Body, "momentanément indisponible") {
					t.Errorf("%s on %s: the page does not say so in French: %.300s", name, path, res.Body)
				}
			}
		}
		// The browser's session survives the outage: the cookie was not cleared.
		base, err := url.Parse(ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		kept := false
		for _, c := range browser.http.Jar.Cookies(base) {
			kept = kept || (c.Name == sessionCookie && c.Value != "")
		}
		if !kept {
			t.Error("the session cookie was cleared during the outage")
		}
	})
}
