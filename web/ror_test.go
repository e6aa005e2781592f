package web

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/ror"
	"github.com/silkbridge/silkbridge/store"
)

// importRORSample loads the sample of real ROR records into the server's
// store.
func importRORSample(t *testing.T, ts *testServer) {
	t.Helper()
	importRORSampleInto(t, ts.st)
}

func importRORSampleInto(t *testing.T, st *store.Store) {
	t.Helper()
	rd, err := ror.Open(filepath.Join("..", "ror", "testdata", "ror-sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if _, err := st.ImportROR(context.Background(), store.Actor{}, rd.Next, nil); err != nil {
		t.Fatal(err)
	}
}

func TestROR_SearchAndAutocompleteFindAnyScriptWithTheExactNameOnTop(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		importRORSample(t, ts)
		c := ts.client(t)
		for q, want := range map[string]string{
			"北京大学": "Peking University",
			"Назарбаев Университет": "Nazarbayev University",
			"аль-Фараби":            "Al-Farabi Kazakh National University",
		} {
			page := c.get("/organisations?q=" + url.QueryEscape(q))
			first := strings.Index(page.Body, `class="title"`)
			if page.StatusCode != http.StatusOK || first < 0 || !strings.HasPrefix(html.UnescapeString(page.Body[first:]), `class="title" href="/organisations/`) ||
				!strings.Contains(html.UnescapeString(page.Body[first:first+200]), "<bdi>"+want+"</bdi>") {
				t.Errorf("list %q: %d, first result is not %q", q, page.StatusCode, want)
			}
			res := c.get("/api/v1/organisations/autocomplete?q=" + url.QueryEscape(q))
			var sg []store.Suggestion
			if err := json.Unmarshal([]byte(res.Body), &sg); err != nil {
				t.Fatalf("autocomplete %q: %d %s: %v", q, res.StatusCode, res.Body, err)
			}
			if len(sg) == 0 || sg[0].Name != want || !strings.Contains(strings.ToLower(sg[0].Matched), strings.ToLower(q)) {
				t.Errorf("autocomplete %q = %+v, want %q first with the name it matched", q, sg, want)
			}
		}
		frag := c.do(mustRequest(t, "GET", ts.URL+"/organisations/suggest?q="+url.QueryEscape("北京大学"), map[string]string{"HX-Request": "true"}))
		if frag.StatusCode != http.StatusOK || strings.Contains(frag.Body, "<html") || !strings.Contains(frag.Body, `lang="zh"`) {
			t.Errorf("suggestion fragment: %d %s", frag.StatusCode, frag.Body)
		}
	})
}

func mustRequest(t *testing.T, method, u string, header map[string]string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return req
}

func TestROR_AutocompleteRefusesAMissingOrLongQueryNamingTheField(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		c := ts.client(t)
		for path, field := range map[string]string{
			"/api/v1/organisations/autocomplete":                               "q",
			"/api/v1/organisations/autocomplete?q=" + strings.Repeat("x", 201): "q",
			"/api/v1/organisations/autocomplete?q=pku&limit=50":                "limit",
			"/api/v1/organisations/autocomplete?q=pku&limit=abc":               "limit",
		} {
			res := c.get(path)
			if res.StatusCode < 400 || res.StatusCode >= 500 || strings.Join(problemFields(t, res), ",") != field {
				t.Errorf("%s: %d %s, want a 4xx naming %s", path, res.StatusCode, res.Body, field)
			}
		}
		res := c.get("/organisations/suggest?lang=ru&q=" + strings.Repeat("я", 201))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="q-error"`) {
			t.Errorf("suggest page with a long query: %d", res.StatusCode)
		}
		if res := c.get("/organisations/suggest"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `name="q"`) {
			t.Errorf("suggest page without a query: %d", res.StatusCode)
		}
	})
}

func TestROR_OrganisationPageShowsTheRecordNamesInEveryScriptAndTheParent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		importRORSample(t, ts)
		c := ts.client(t)
		var sg []store.Suggestion
		res := c.get("/api/v1/organisations/autocomplete?q=" + url.QueryEscape("北京大学附属中学"))
		if err := json.Unmarshal([]byte(res.Body), &sg); err != nil || len(sg) == 0 {
			t.Fatalf("autocomplete: %s %v", res.Body, err)
		}
		page := c.get("/organisations/" + sg[0].ID + "?lang=zh")
		body := html.UnescapeString(page.Body)
		for _, want := range []string{`href="https://ror.org/05a2mmm74"`, `<span lang="zh" dir="auto">北京大学附属中学</span>`,
			`Beijing`, `>Peking University</bdi>`, "研究机构注册库"} {
			if !strings.Contains(body, want) {
				t.Errorf("organisation page lacks %s", want)
			}
		}
		api := c.get("/api/v1/organisations/" + sg[0].ID + "/ror")
		if api.StatusCode != http.StatusOK || !strings.Contains(api.Body, `"type":"parent"`) {
			t.Errorf("ROR record over the API: %d %s", api.StatusCode, api.Body)
		}
	})
}

// rorFixtureOrganisation imports the ROR sample and returns the API
// address of Peking University, for the tests that walk every route.
func rorFixtureOrganisation(t *testing.T, ts *testServer) string {
	t.Helper()
	importRORSample(t, ts)
	orgs, _, err := ts.st.Organisations(context.Background(), organisation.Filter{Query: "北京大学", PerPage: 1})
	if err != nil || len(orgs) == 0 {
		t.Fatalf("Peking University after the ROR import: %v", err)
	}
	return "/api/v1/organisations/" + orgs[0].ID
}
