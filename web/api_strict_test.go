package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
)

// The five bodies every write operation must refuse: four JSON values that
// are not an object, and a body that is not valid UTF-8.
var notAnObject = []string{`null`, `[]`, `"x"`, `1`}

const invalidUTF8 = "\xff\xfe"

func TestDecodeJSON_RefusesWhatIsNotAnObjectOfTheSchema(t *testing.T) {
	type party struct {
		Name string `json:"name"`
	}
	type body struct {
		Title   string  `json:"title"`
		Parties []party `json:"parties"`
		Seed    *int64  `json:"seed"`
	}
	cases := []struct {
		name, body, field, message string
	}{
		{"null", `null`, "body", "error.json_object"},
		{"null with space", " \n null ", "body", "error.json_object"},
		{"array", `[]`, "body", "error.json_object"},
		{"string", `"x"`, "body", "error.json_object"},
		{"number", `1`, "body", "error.json_object"},
		{"boolean", `true`, "body", "error.json_object"},
		{"not JSON", `nul`, "body", "error.json_syntax"},
		{"cut short", `{"title": "x"`, "body", "error.json_syntax"},
		{"empty", ` `, "body", "error.body_empty"},
		{"invalid UTF-8 value", `{"title": "Solar` + invalidUTF8 + `"}`, "title", "error.json_utf8"},
		{"invalid UTF-8 deep", `{"title": "ok", "parties": [{"name": "a"}, {"name": "` + invalidUTF8 + `"}]}`, "parties.1.name", "error.json_utf8"},
		{"invalid UTF-8 key", `{"ti` + invalidUTF8 + `tle": "x"}`, "ti\ufffd\ufffdtle", "error.json_utf8"},
		{"invalid UTF-8 outside JSON", `{"title": "x"} ` + invalidUTF8, "body", "error.json_utf8"},
		{"wrong type names the JSON kind", `{"title": ["x"]}`, "title", "error.json_type"},
		{"unknown field", `{"colour": "red"}`, "colour", "error.unknown_field"},
		{"trailing data", `{"title": "x"} {}`, "body", "error.json_trailing"},
		{"null text", `{"title": null}`, "title", "error.json_null"},
		{"null list", `{"parties": null}`, "parties", "error.json_null"},
		{"null list item", `{"parties": [{"name": "a"}, null]}`, "parties.1", "error.json_null"},
		{"null deep, any case", `{"parties": [{"NAME": null}]}`, "parties.0.NAME", "error.json_null"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var v body
			err := decodeJSONBytes([]byte(tc.body), &v)
			var e *silkbridge.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v, want a silkbridge error", err)
			}
			if e.Code != silkbridge.EMALFORMED || len(e.Fields) != 1 || e.Fields[0].Field != tc.field || e.Fields[0].MessageID != tc.message {
				t.Fatalf("error %s %+v, want %s on %q", e.Code, e.Fields, tc.message, tc.field)
			}
			if strings.Contains(e.Error(), "web.") {
				t.Errorf("the message names a Go type: %s", e.Error())
			}
		})
	}
	var v body
	if err := decodeJSONBytes([]byte(`{"title": "Ürümqi 乌鲁木齐", "parties": [], "seed": null}`), &v); err != nil || v.Title != "Ürümqi 乌鲁木齐" || v.Seed != nil {
		t.Fatalf("a valid body (null where the field is a pointer): %v %+v", err, v)
	}
}

// TestAPI_NullConstraintsAreRefusedAndKeepTheQuotas is the case the review
// found: null wiped a programme's constraint set and answered 200.
func TestAPI_NullConstraintsAreRefusedAndKeepTheQuotas(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	fx := newAuthzFixture(t, ts)
	req := authzCases["PUT /api/v1/programmes/{id}/constraints"].Build(t, fx, roleOfficer)
	officer := fx.Actor(roleOfficer)
	if res := officer.send(t, req, nil, true); res.StatusCode != http.StatusOK {
		t.Fatalf("valid constraints: %d %s", res.StatusCode, res.Body)
	}
	before := officer.Client.get(req.Path).Body
	if !strings.Contains(before, `"Large"`) {
		t.Fatalf("the constraints were not kept: %s", before)
	}
	for _, b := range append(notAnObject, `{"regions": "none"}`) {
		req.JSON = b
		res := officer.send(t, req, nil, true)
		if res.StatusCode != http.StatusBadRequest || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: status %d %s, want 400 problem details", b, res.StatusCode, res.Body)
		}
	}
	// The problem speaks the client's language.
	r, _ := http.NewRequest("PUT", ts.URL+req.Path, strings.NewReader(`null`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept-Language", "zh")
	res := officer.Client.do(r)
	var p Problem
	if err := json.Unmarshal([]byte(res.Body), &p); err != nil || len(p.Errors) != 1 || p.Errors[0].Message != "请求正文必须是一个 JSON 对象。" {
		t.Errorf("null in Chinese: %v %s", err, res.Body)
	}
	if after := officer.Client.get(req.Path).Body; after != before {
		t.Errorf("refused bodies changed the constraints:\nbefore %s\nafter  %s", before, after)
	}
}

// TestAPI_EveryWriteOperationRefusesBodiesThatAreNotItsObject walks every
// registered API write operation (the route table gives a valid request
// for each) and sends it with null, [], "x", 1 and invalid UTF-8 instead
// of its body, as a role that may make it: each must answer 400 problem
// details naming the problem, and change nothing. An operation without a
// body must refuse any body.
func TestAPI_EveryWriteOperationRefusesBodiesThatAreNotItsObject(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		fx := newAuthzFixture(t, ts)
		ops := map[string]Op{}
		for _, o := range ts.srv.api {
			ops[o.Method+" "+o.Path] = o.Op
		}
		n := 0
		for _, rt := range ts.srv.Routes() {
			key := rt.Method + " " + rt.Path
			op, isAPI := ops[key]
			if !isAPI || !stateChanging(rt.Method) {
				continue
			}
			c, ok := authzCases[key]
			if !ok {
				t.Errorf("%s has no entry in the route table to build its request from", key)
				continue
			}
			n++
			t.Run(key, func(t *testing.T) {
				role := c.Allow[0]
				for _, r := range c.Allow {
					if r != roleVisitor {
						role = r
						break
					}
				}
				req := c.Build(t, fx, role)
				actor := req.As
				if actor == nil {
					actor = fx.Actor(role)
				}
				bodies := append([]string(nil), notAnObject...)
				utf8Field := "body"
				if op.Request != nil {
					b, field := withInvalidUTF8(t, req.JSON)
					bodies, utf8Field = append(bodies, b), field
				} else {
					bodies = append(bodies, invalidUTF8)
				}
				for i, b := range bodies {
					want, field := "error.json_object", "body"
					switch {
					case op.Request == nil:
						want = "error.body_not_expected"
					case i == len(bodies)-1:
						want, field = "error.json_utf8", utf8Field
					}
					bad := req
					bad.JSON, bad.Form = b, nil
					before := fx.dbFingerprint(t)
					res := actor.send(t, bad, nil, true)
					if res.StatusCode != http.StatusBadRequest {
						t.Errorf("%q as %s: status %d, want 400: %.300s", b, role, res.StatusCode, res.Body)
						continue
					}
					if d := diffFingerprints(before, fx.dbFingerprint(t)); d != "" {
						t.Errorf("%q as %s: refused but changed %s", b, role, d)
					}
					var p Problem
					if err := json.Unmarshal([]byte(res.Body), &p); err != nil || res.Header.Get("Content-Type") != "application/problem+json" {
						t.Errorf("%q: not problem details (%v): %.300s", b, err, res.Body)
						continue
					}
					if len(p.Errors) != 1 || p.Errors[0].Code != want || p.Errors[0].Field != field || p.Errors[0].Message == "" || p.Errors[0].Message == want {
						t.Errorf("%q: problems %+v, want %s on %q with a message", b, p.Errors, want, field)
					}
				}
			})
		}
		if n < 50 {
			t.Fatalf("only %d API write operations walked", n)
		}
	})
}

// withInvalidUTF8 returns the valid body with its first string value (in
// key order, depth first) made invalid UTF-8, and that value's field path.
func withInvalidUTF8(t *testing.T, body any) (string, string) {
	t.Helper()
	var raw []byte
	if s, ok := body.(string); ok {
		raw = []byte(s)
	} else {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("the route table's body is not JSON: %v", err)
	}
	const mark = "\u0001mark\u0001"
	var field string
	var walk func(v any, path string) any
	walk = func(v any, path string) any {
		if field != "" {
			return v
		}
		switch x := v.(type) {
		case string:
			field = path
			return mark
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				p := k
				if path != "" {
					p = path + "." + k
				}
				x[k] = walk(x[k], p)
			}
		case []any:
			for i := range x {
				x[i] = walk(x[i], strings.TrimPrefix(path+"."+itoa(i), "."))
			}
		}
		return v
	}
	v = walk(v, "")
	if field == "" {
		// No text to spoil: spoil a key, which the decoder names as it reads it.
		return `{"` + invalidUTF8 + `": 1}`, "\ufffd\ufffd"
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	quoted, _ := json.Marshal(mark)
	return string(bytes.Replace(out, quoted, []byte(`"`+invalidUTF8+`"`), 1)), field
}

func TestAPI_UnknownRoutesAndMethodsAnswerProblemDetails(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	c := ts.client(t)
	cases := []struct {
		method, path string
		status       int
		allow, typ   string
	}{
		{"GET", "/api/v1/no-such-thing", http.StatusNotFound, "", "/docs/problems#not-found"},
		{"GET", "/api/v1/", http.StatusNotFound, "", "/docs/problems#not-found"},
		{"PATCH", "/api/v1/organisations", http.StatusMethodNotAllowed, "GET, HEAD, POST", "/docs/problems#method-not-allowed"},
		{"POST", "/api/v1/countries/KZ", http.StatusMethodNotAllowed, "GET, HEAD", "/docs/problems#method-not-allowed"},
		{"DELETE", "/api/v1/openapi.json", http.StatusMethodNotAllowed, "GET, HEAD", "/docs/problems#method-not-allowed"},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(tc.method, ts.URL+tc.path, nil)
		req.Header.Set("Accept-Language", "fr")
		res := c.do(req)
		var p Problem
		if err := json.Unmarshal([]byte(res.Body), &p); err != nil || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s: not problem details (%v): %s", tc.method, tc.path, err, res.Body)
			continue
		}
		if res.StatusCode != tc.status || p.Status != tc.status || p.Type != ts.URL+tc.typ || res.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d %+v Allow %q, want %d %s Allow %q", tc.method, tc.path, res.StatusCode, p, res.Header.Get("Allow"), tc.status, tc.typ, tc.allow)
		}
		if !strings.Contains(p.Detail, "n’") && !strings.Contains(p.Detail, "n'") {
			t.Errorf("%s %s: detail %q is not in French", tc.method, tc.path, p.Detail)
		}
	}
	// A known operation with a bad id is still the operation's own 404.
	if res := c.get("/api/v1/organisations/" + silkbridge.NewID()); res.StatusCode != http.StatusNotFound || !strings.Contains(res.Body, "#not-found") {
		t.Errorf("missing organisation: %d %s", res.StatusCode, res.Body)
	}
}

func TestAPI_ProblemTypesPointAtThePageThatExplainsThem(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	c, _ := ts.user(t, "problems@example.org", account.Member)
	res := c.json("POST", "/api/v1/organisations", `null`)
	var p Problem
	if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
		t.Fatal(err)
	}
	// The test server's base URL is its own address, as serve's is on a
	// loopback address: the type is the absolute address of the page.
	if p.Type != ts.URL+"/docs/problems#malformed" {
		t.Fatalf("type %q", p.Type)
	}
	path, anchor, _ := strings.Cut(strings.TrimPrefix(p.Type, ts.URL), "#")
	titles := map[string]bool{}
	for _, l := range Languages {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.Header.Set("Accept-Language", l.Tag)
		page := c.do(req)
		if page.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d", l.Tag, path, page.StatusCode)
		}
		for _, pt := range problemTypes {
			if !strings.Contains(page.Body, `id="`+pt.Anchor+`"`) {
				t.Errorf("%s: the page has no entry %q", l.Tag, pt.Anchor)
			}
		}
		if !strings.Contains(page.Body, `id="`+anchor+`"`) {
			t.Errorf("%s: no entry for %s", l.Tag, anchor)
		}
		start := strings.Index(page.Body, "<h1>")
		end := strings.Index(page.Body, "</h1>")
		if start < 0 || end < start {
			t.Fatalf("%s: no heading", l.Tag)
		}
		titles[page.Body[start:end]] = true
	}
	if len(titles) != len(Languages) {
		t.Errorf("the page is not translated: %d distinct headings in %d languages", len(titles), len(Languages))
	}
}
