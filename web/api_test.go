package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/account"
)

func TestAPI_CountriesListsEveryCountryInSixLanguages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		res := ts.client(t).get("/api/v1/countries")
		if res.StatusCode != 200 {
			t.Fatalf("status %d", res.StatusCode)
		}
		var list []struct {
			Code       string            `json:"code"`
			Names      map[string]string `json:"names"`
			BRIPartner bool              `json:"bri_partner"`
		}
		if err := json.Unmarshal([]byte(res.Body), &list); err != nil {
			t.Fatal(err)
		}
		if len(list) < 249 {
			t.Fatalf("%d countries", len(list))
		}
		for _, c := range list {
			for _, l := range []string{"en", "zh", "ru", "ar", "fr", "es"} {
				if c.Names[l] == "" {
					t.Fatalf("%s has no %s name", c.Code, l)
				}
			}
		}
	})
}

// TestAPI_BadInputGetsProblemDetailsAndChangesNothing walks malformed,
// unknown-field, invalid and oversized bodies.
func TestAPI_BadInputGetsProblemDetailsAndChangesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		c, _ := ts.user(t, "api@example.org", account.Member)
		cases := []struct {
			name   string
			body   any
			status int
			field  string
		}{
			{"malformed JSON", `{"name": "x",`, 400, "body"},
			{"unknown field", `{"name": "x", "colour": "red"}`, 400, "colour"},
			{"wrong type", `{"name": 5}`, 400, "name"},
			{"trailing data", `{"name": "x"} {}`, 400, "body"},
			{"empty body", ``, 400, "body"},
			{"invalid values", map[string]any{"name": "X", "kind": "university", "country": "XX", "ror_id": "123"}, 422, "country"},
			{"bad ROR checksum", map[string]any{"name": "X", "kind": "university", "country": "CN", "ror_id": "05dxps056"}, 422, "ror_id"},
			{"too large", `{"name": "` + strings.Repeat("x", 70<<10) + `"}`, 413, ""},
		}
		for _, tc := range cases {
			res := c.json("POST", "/api/v1/organisations", tc.body)
			if res.StatusCode != tc.status {
				t.Errorf("%s: status %d, want %d: %s", tc.name, res.StatusCode, tc.status, res.Body)
				continue
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: content type %q", tc.name, ct)
			}
			var p Problem
			if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
				t.Errorf("%s: not problem details: %s", tc.name, res.Body)
				continue
			}
			if p.Status != tc.status || p.Title == "" {
				t.Errorf("%s: problem %+v", tc.name, p)
			}
			if tc.field != "" {
				found := false
				for _, f := range p.Errors {
					found = found || f.Field == tc.field
				}
				if !found {
					t.Errorf("%s: no error names field %q: %s", tc.name, tc.field, res.Body)
				}
			}
		}
		list := c.get("/api/v1/organisations")
		if !strings.Contains(list.Body, `"total":0`) {
			t.Fatalf("bad input stored something: %s", list.Body)
		}
	})
}

func TestAPI_OrganisationRoundTripAndOwnership(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		owner, _ := ts.user(t, "owner@example.org", account.Member)
		other, _ := ts.user(t, "other@example.org", account.Member)
		res := owner.json("POST", "/api/v1/organisations", map[string]any{
			"name": "Tashkent Institute of Irrigation", "kind": "university", "country": "UZ", "fields": []string{"2.7"},
			"contact_email": "info@example.uz"})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %s", res.StatusCode, res.Body)
		}
		var o struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(res.Body), &o); err != nil {
			t.Fatal(err)
		}
		if r := ts.client(t).get("/api/v1/organisations/" + o.ID); strings.Contains(r.Body, "info@example.uz") {
			t.Error("a visitor sees the contact e-mail")
		}
		if r := other.json("PUT", "/api/v1/organisations/"+o.ID, map[string]any{"name": "Hijacked", "kind": "university", "country": "UZ"}); r.StatusCode != http.StatusForbidden {
			t.Errorf("another member may edit: %d", r.StatusCode)
		}
		if r := ts.client(t).json("DELETE", "/api/v1/organisations/"+o.ID, nil); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("a visitor may delete: %d", r.StatusCode)
		}
		r := owner.json("PUT", "/api/v1/organisations/"+o.ID, map[string]any{"name": "TIIAME", "kind": "university", "country": "UZ"})
		if r.StatusCode != 200 || !strings.Contains(r.Body, "TIIAME") {
			t.Fatalf("owner update: %d %s", r.StatusCode, r.Body)
		}
		if r := owner.json("DELETE", "/api/v1/organisations/"+o.ID, nil); r.StatusCode != http.StatusNoContent {
			t.Fatalf("owner delete: %d", r.StatusCode)
		}
	})
}

// TestOpenAPI_DescribesEveryAPIRoute fails when a route under /api/v1 is
// registered without being in the OpenAPI document.
func TestOpenAPI_DescribesEveryAPIRoute(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	res := ts.client(t).get("/api/v1/openapi.json")
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(res.Body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	n := 0
	for _, r := range ts.srv.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Path == "/api/v1/openapi.json" {
			continue
		}
		n++
		op, ok := doc.Paths[r.Path][strings.ToLower(r.Method)]
		if !ok {
			t.Errorf("%s %s is not in openapi.json", r.Method, r.Path)
			continue
		}
		if op["summary"] == "" {
			t.Errorf("%s %s has no summary", r.Method, r.Path)
		}
	}
	if n == 0 {
		t.Fatal("no API routes registered")
	}
}

func TestHealthzAndMetrics(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	c := ts.client(t)
	if r := c.get("/healthz"); r.StatusCode != 200 || !strings.Contains(r.Body, `"ok"`) {
		t.Fatalf("healthz: %d %s", r.StatusCode, r.Body)
	}
	c.get("/organisations")
	m := httptest.NewServer(ts.srv.MetricsHandler())
	t.Cleanup(m.Close)
	if r := (&client{t: t, base: m.URL, http: http.DefaultClient}).get("/metrics"); !strings.Contains(r.Body, `silkbridge_http_requests_total{route="GET /organisations",status="200"}`) {
		t.Fatalf("metrics lack the request counter:\n%.2000s", r.Body)
	}
}

func TestPages_CrossOriginPostIsRefused(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	c, _ := ts.user(t, "x@example.org", account.Member)
	req, err := http.NewRequest("POST", ts.URL+"/organisations", strings.NewReader("name=Evil&kind=university&country=CN"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	if r := c.do(req); r.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin POST: %d", r.StatusCode)
	}
	if r := c.get("/api/v1/organisations"); !strings.Contains(r.Body, `"total":0`) {
		t.Fatal("cross-origin POST stored something")
	}
}

func TestPages_SecurityHeaders(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	r := ts.client(t).get("/")
	csp := r.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
		t.Errorf("CSP %q", csp)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Referrer-Policy") == "" {
		t.Errorf("headers %v", r.Header)
	}
}
