package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/account"
)

// TestEveryGETRoute_NeverAnswers500ToBadInput requests every registered
// GET route, as a visitor and as an officer, with path parameters that name
// nothing or are not identifiers at all and with malformed query values.
// Bad input must get a 4xx (or the page), never a server error.
func TestEveryGETRoute_NeverAnswers500ToBadInput(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	officer, _ := ts.user(t, "smoke-officer@example.org", account.Officer)
	visitor := ts.client(t)
	ids := []string{"01a224d2-bf2f-78a7-95e8-f2b190e3bd27", "not-an-id", "%27%22%3Cx%3E", "0"}
	queries := []string{
		"",
		"page=-1&per_page=abc&country=ZZZ&field=99.99&kind=castle&q=%22%27+OR+1%3D1&bri=maybe",
		"page=999999&per_page=1000000&year=abc&from=2020-13-45&to=x&months=-5&trl=12&deadline=yesterday",
		"q=" + url.QueryEscape("人工智能 университет الجامعة ") + "&stage=nowhere&status=%00&lang=xx",
	}
	for _, r := range ts.srv.Routes() {
		if r.Method != http.MethodGet || r.Path == "/static/" {
			continue
		}
		for _, id := range ids {
			path := r.Path
			for strings.Contains(path, "{") {
				i := strings.Index(path, "{")
				j := strings.Index(path[i:], "}")
				path = path[:i] + id + path[i+j+1:]
			}
			path = strings.TrimSuffix(path, "{$}")
			for _, q := range queries {
				for _, c := range []*client{visitor, officer} {
					res := c.get(path + "?" + q)
					if res.StatusCode >= 500 {
						t.Errorf("GET %s?%s (route %s): status %d\n%.300s", path, q, r.Path, res.StatusCode, res.Body)
					}
				}
			}
			if !strings.Contains(r.Path, "{") {
				break
			}
		}
	}
}

// TestEveryStateChangingRoute_NeverAnswers500ToBadInput sends malformed
// forms and JSON bodies to every POST, PUT, PATCH and DELETE route as an
// admin (who passes every role check, so the input reaches validation).
func TestEveryStateChangingRoute_NeverAnswers500ToBadInput(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	admin, _ := ts.user(t, "smoke-admin@example.org", account.Admin)
	forms := []url.Values{
		{},
		{"name": {strings.Repeat("x", 20000)}, "country": {"ZZ"}, "kind": {"castle"}, "fields": {"99.9"}, "date": {"2020-02-31"},
			"capacity": {"-3"}, "trl": {"42"}, "deadline": {"soon"}, "stage": {"nowhere"}, "rule": {`{"all":[`}, "email": {"@"}},
		{"id": {"%00"}, "position": {"'; DROP TABLE users; --"}, "rank": {"NaN"}, "score": {"1e999"}, "start": {"25:61"}, "tz": {"Mars/Base"}},
	}
	bodies := []string{`{"name":`, `[]`, `{"name": 5, "fields": "2.2"}`, `{"unknown_field": true}`, `null`, `"text"`}
	for _, r := range ts.srv.Routes() {
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			continue
		}
		// These end the admin's own session; the rest must run signed in.
		if r.Path == "/signout" || r.Path == "/account/delete" {
			continue
		}
		path := r.Path
		for strings.Contains(path, "{") {
			i := strings.Index(path, "{")
			j := strings.Index(path[i:], "}")
			path = path[:i] + "01a224d2-bf2f-78a7-95e8-f2b190e3bd27" + path[i+j+1:]
		}
		if strings.HasPrefix(r.Path, "/api/") {
			for _, b := range bodies {
				if res := admin.json(r.Method, path, b); res.StatusCode >= 500 {
					t.Errorf("%s %s with %s: status %d\n%.300s", r.Method, path, b, res.StatusCode, res.Body)
				}
			}
			continue
		}
		for _, f := range forms {
			if res := admin.form(r.Method, path, f); res.StatusCode >= 500 {
				t.Errorf("%s %s with %v: status %d\n%.300s", r.Method, path, f, res.StatusCode, res.Body)
			}
		}
	}
	if res := admin.get("/account"); res.StatusCode != http.StatusOK {
		t.Fatalf("the admin was signed out during the walk (status %d), so later routes were not reached", res.StatusCode)
	}
}
