package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/opportunity"
)

// TestVisibleText_NamesAndTitlesWithBidiOrZeroWidthCharactersAreRefused
// sends organisation names, a person's name and a listing's title holding
// invisible direction or zero-width characters: each is refused with 422
// naming the field in the reader's language, and nothing is stored.
func TestVisibleText_NamesAndTitlesWithBidiOrZeroWidthCharactersAreRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		c, _ := ts.user(t, "bidi@example.org", "member")
		res := c.json("POST", "/api/v1/organisations", map[string]any{"name": "Plain Institute", "kind": "research_institute", "country": "KZ"})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("a plain name: status %d: %s", res.StatusCode, res.Body)
		}
		var org struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(res.Body), &org); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name, method, path, field string
			body                      map[string]any
		}{
			{"right-to-left override in an organisation name", "POST", "/api/v1/organisations", "name",
				map[string]any{"name": "Acme \u202Egnp.exe", "kind": "research_institute", "country": "KZ"}},
			{"zero-width space in an organisation name", "POST", "/api/v1/organisations", "name",
				map[string]any{"name": "Ac\u200Bme", "kind": "research_institute", "country": "KZ"}},
			{"isolate in a person's name", "PUT", "/api/v1/me/profile", "name",
				map[string]any{"name": "Ali \u2067Baba\u2069", "country": "KZ"}},
			{"Arabic letter mark in a listing title", "POST", "/api/v1/opportunities", "title",
				map[string]any{"owner_organisation_id": org.ID, "kind": "technology_offer", "title": "Solar \u061Cdryer",
					"description": "Sensors and valves", "trl": 6, "fields": []string{"4.1"}}},
			{"byte order mark in a listing title", "POST", "/api/v1/opportunities", "title",
				map[string]any{"owner_organisation_id": org.ID, "kind": "technology_offer", "title": "\uFEFFSolar dryer",
					"description": "Sensors and valves", "trl": 6, "fields": []string{"4.1"}}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var before int
				if err := ts.st.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM organisations) + (SELECT COUNT(*) FROM talents) + (SELECT COUNT(*) FROM opportunities)`).Scan(&before); err != nil {
					t.Fatal(err)
				}
				buf, err := json.Marshal(tc.body)
				if err != nil {
					t.Fatal(err)
				}
				req, err := http.NewRequest(tc.method, ts.URL+tc.path, bytes.NewReader(buf))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept-Language", "ru")
				res := c.do(req)
				if res.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422: %s", res.StatusCode, res.Body)
				}
				var p Problem
				if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
					t.Fatal(err)
				}
				found := false
				for _, f := range p.Errors {
					if f.Field == tc.field && f.Code == "field.invisible_characters" {
						found = true
						if want := "Удалите невидимые символы"; len(f.Message) < len(want) || f.Message[:len(want)] != want {
							t.Errorf("message not in Russian: %q", f.Message)
						}
					}
				}
				if !found {
					t.Errorf("no invisible-characters problem on %s: %s", tc.field, res.Body)
				}
				var after int
				if err := ts.st.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM organisations) + (SELECT COUNT(*) FROM talents) + (SELECT COUNT(*) FROM opportunities)`).Scan(&after); err != nil {
					t.Fatal(err)
				}
				if after != before {
					t.Errorf("a refused request stored something: %d records before, %d after", before, after)
				}
			})
		}
	})
}

// TestVisibleText_PagesIsolateNamesAndTitles shows names and titles that
// came in without the check (an import, older data) holding a
// right-to-left override: the pages put each in its own <bdi>, so the
// override cannot turn the text around it backwards.
func TestVisibleText_PagesIsolateNamesAndTitles(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		org := marketOrg(t, ts.st, nil, "Plain Institute", "KZ", "contact@plain.example")
		x := marketListing(t, ts.st, org.ID, opportunity.Published)
		const name, title = "Acme \u202Egnp.exe", "\u0645\u062C\u0641\u0641 \u202Esolar"
		if _, err := ts.st.DB().Exec(`UPDATE organisations SET name = $1 WHERE id = $2`, name, org.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := ts.st.DB().Exec(`UPDATE opportunities SET title = $1 WHERE id = $2`, title, x.ID); err != nil {
			t.Fatal(err)
		}
		c := ts.client(t)
		for _, tc := range []struct{ path, want string }{
			{"/organisations/" + org.ID, "<bdi>" + name + "</bdi>"},
			{"/organisations", "<bdi>" + name + "</bdi>"},
			{"/market/" + x.ID, "<bdi>" + title + "</bdi>"},
			{"/market", "<bdi>" + title + "</bdi>"},
		} {
			res := c.get(tc.path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d", tc.path, res.StatusCode)
			}
			if !strings.Contains(res.Body, tc.want) {
				t.Errorf("%s does not isolate the text: want %q", tc.path, tc.want)
			}
		}
	})
}
