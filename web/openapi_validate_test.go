package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/eligible"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/store"
)

// loadOpenAPI loads the server's document with kin-openapi and checks that
// it is a valid OpenAPI 3.0 document.
func loadOpenAPI(t *testing.T, ts *testServer) *openapi3.T {
	t.Helper()
	res := ts.client(t).get("/api/v1/openapi.json")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("openapi.json: %d", res.StatusCode)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData([]byte(res.Body))
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	return doc
}

// validateResponse holds a GET response against the document's operation.
func validateResponse(doc *openapi3.T, template string, res response, body []byte) error {
	item := doc.Paths.Find(template)
	if item == nil || item.Get == nil {
		return &openapi3.SchemaError{Reason: "no GET " + template + " in the document"}
	}
	req, _ := http.NewRequest(http.MethodGet, "http://silkbridge.test"+template, nil)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req,
			Route:   &routers.Route{Spec: doc, Path: template, PathItem: item, Method: http.MethodGet, Operation: item.Get},
			Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		},
		Status:  res.StatusCode,
		Header:  res.Header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// paramPrefixes records, for every path parameter of template, the
// concrete prefix that path gives it: "/api/v1/programmes/{id}" ->
// "/api/v1/programmes/0193...".
func paramPrefixes(template, path string, into map[string][]string) {
	ts, ps := strings.Split(template, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return
	}
	for i, seg := range ts {
		if strings.HasPrefix(seg, "{") {
			k, v := strings.Join(ts[:i+1], "/"), strings.Join(ps[:i+1], "/")
			if !contains(into[k], v) {
				into[k] = append(into[k], v)
			}
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// hasData reports whether a response carries records: a non-empty list,
// envelope or object.
func hasData(body []byte) bool {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return false
	}
	switch x := v.(type) {
	case []any:
		return len(x) > 0
	case map[string]any:
		if items, ok := x["items"].([]any); ok {
			return len(items) > 0
		}
		return len(x) > 0
	}
	return false
}

// getQueries gives the GET operations that answer with data only when asked
// a question their query.
var getQueries = map[string]func(fx *authzFixture) string{
	"/api/v1/achievements/suggestions":   func(*authzFixture) string { return "?q=membrane+filter" },
	"/api/v1/analytics/depth/shallow":    func(*authzFixture) string { return "?months=0" },
	"/api/v1/programmes/{id}/intake":     func(fx *authzFixture) string { return "?organisation_id=" + fx.Org.ID },
	"/api/v1/events/{id}/requests":       func(*authzFixture) string { return "?all=true" },
	"/api/v1/organisations/autocomplete": func(*authzFixture) string { return "?q=PKU" },
}

// TestOpenAPI_EveryGETResponseMatchesTheDocument fills a database through
// the route table (every API write a role may make, made), then fetches
// every GET operation under /api/v1 as the roles in turn until one answers
// with data, and validates that answer against openapi.json with
// kin-openapi: a field renamed, retyped or added in the Go types without
// the document following fails here.
func TestOpenAPI_EveryGETResponseMatchesTheDocument(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		doc := loadOpenAPI(t, ts)
		fx := newAuthzFixture(t, ts)
		prefixes := fillThroughTheRouteTable(t, fx, ts)
		prefixes["/api/v1/countries/{code}"] = []string{"/api/v1/countries/KZ"}
		// Records the route table's requests leave halfway: a published
		// matching result and a brokerage schedule with a meeting.
		p := publishedProgramme(t, fx)
		prefixes["/api/v1/programmes/{id}"] = append(prefixes["/api/v1/programmes/{id}"], "/api/v1/programmes/"+p)
		e := scheduledEvent(t, fx)
		authzAchievement(t, fx)                        // the walk withdrew its own
		invitedCoHostEvent(t, fx, "conference", false) // the walk answered its own invitations
		prefixes["/api/v1/events/{id}"] = append(prefixes["/api/v1/events/{id}"], "/api/v1/events/"+e)
		prefixes["/api/v1/recommendations/organisations/{id}"] = []string{"/api/v1/recommendations/organisations/" + fx.Org.ID}
		prefixes["/api/v1/organisations/{id}"] = append(prefixes["/api/v1/organisations/{id}"], rorFixtureOrganisation(t, ts))
		for _, kind := range []string{"opportunities", "cooperations"} {
			for _, c := range prefixes["/api/v1/"+kind+"/{id}"] {
				prefixes["/api/v1/recommendations/"+kind+"/{id}"] = append(prefixes["/api/v1/recommendations/"+kind+"/{id}"],
					"/api/v1/recommendations/"+kind+"/"+c[strings.LastIndex(c, "/")+1:])
			}
		}

		roles := []authzRole{roleAdmin, roleOfficer, roleManager, roleMember, roleOtherManager, roleVisitor}
		var gets []string
		for _, o := range ts.srv.api {
			if o.Method == http.MethodGet {
				gets = append(gets, o.Path)
			}
		}
		sort.Strings(gets)
		harvestListedIDs(t, fx, gets, prefixes)
		for _, tmpl := range gets {
			candidates := []string{tmpl}
			suffix := ""
			if i := strings.LastIndex(tmpl, "}"); i >= 0 {
				prefix := tmpl[:i+1]
				suffix = tmpl[i+1:]
				candidates = nil
				known := prefixes[prefix]
				for j := len(known) - 1; j >= 0; j-- {
					candidates = append(candidates, known[j])
				}
			}
			query := ""
			if q := getQueries[tmpl]; q != nil {
				query = q(fx)
			}
			validated := false
			var last string
		search:
			for _, c := range candidates {
				for _, role := range roles {
					res := fx.Actor(role).Client.get(c + suffix + query)
					if res.StatusCode != http.StatusOK || !hasData([]byte(res.Body)) {
						last = fmt.Sprintf("%s as %s: %d %.200s", c+suffix+query, role, res.StatusCode, res.Body)
						continue
					}
					if err := validateResponse(doc, tmpl, res, []byte(res.Body)); err != nil {
						t.Errorf("GET %s (%s as %s) does not match openapi.json:\n%v\n%.600s", tmpl, c+suffix+query, role, err, res.Body)
					}
					validated = true
					break search
				}
			}
			if !validated {
				t.Errorf("GET %s: no role got data from %d candidate addresses (the last: %s); the fixture must build records for it", tmpl, len(candidates), last)
			}
		}
	})
}

// fillThroughTheRouteTable makes every API write of the route table as a
// role that may make it (deletions aside), and returns the concrete
// addresses of the records it touched, by path-parameter prefix.
func fillThroughTheRouteTable(t *testing.T, fx *authzFixture, ts *testServer) map[string][]string {
	t.Helper()
	prefixes := map[string][]string{}
	keys := make([]string, 0, len(authzCases))
	for k := range authzCases {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		method, tmpl, _ := strings.Cut(key, " ")
		if method == http.MethodDelete {
			continue
		}
		c := authzCases[key]
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
		paramPrefixes(tmpl, req.Path, prefixes)
		res := actor.send(t, req, nil, true)
		if res.StatusCode >= 400 {
			t.Fatalf("%s as %s: %d %.300s", key, role, res.StatusCode, res.Body)
		}
		// A created record's own address.
		var created struct {
			ID string `json:"id"`
		}
		if method == http.MethodPost && strings.HasPrefix(tmpl, "/api/") && json.Unmarshal([]byte(res.Body), &created) == nil && created.ID != "" {
			paramPrefixes(tmpl+"/{id}", req.Path+"/"+created.ID, prefixes)
		}
	}
	waitProgrammeRuns(t, fx.St, prefixes)
	return prefixes
}

// waitProgrammeRuns waits until every run of the programmes the writes
// touched has finished in the job workers, so that the GETs that follow
// see finished runs (polling, with a generous bound for a loaded machine).
func waitProgrammeRuns(t *testing.T, st *store.Store, prefixes map[string][]string) {
	t.Helper()
	ids := map[string]bool{}
	for k, paths := range prefixes {
		if strings.HasSuffix(k, "/programmes/{id}") {
			for _, p := range paths {
				ids[p[strings.LastIndex(p, "/")+1:]] = true
			}
		}
	}
	deadline := time.Now().Add(2 * time.Minute)
	for id := range ids {
		for {
			runs, err := st.Runs(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			pending := 0
			for _, r := range runs {
				if !r.Finished() {
					pending++
				}
			}
			if pending == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("programme %s still has %d unfinished runs", id, pending)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// harvestListedIDs adds, for every GET of one record (".../{x}") whose
// list is a GET too, the ids that list gives, read as every role.
func harvestListedIDs(t *testing.T, fx *authzFixture, gets []string, prefixes map[string][]string) {
	t.Helper()
	isGet := map[string]bool{}
	for _, g := range gets {
		isGet[g] = true
	}
	// Shallow paths first, so that nested lists find their parents' ids.
	sort.Slice(gets, func(i, j int) bool { return strings.Count(gets[i], "/") < strings.Count(gets[j], "/") })
	for _, tmpl := range gets {
		if !strings.HasSuffix(tmpl, "}") {
			continue
		}
		list := tmpl[:strings.LastIndex(tmpl, "/")]
		if !isGet[list] {
			continue
		}
		parents := []string{list}
		if i := strings.LastIndex(list, "}"); i >= 0 {
			parents = nil
			for _, p := range prefixes[list[:i+1]] {
				parents = append(parents, p+list[i+1:])
			}
		}
		for _, parent := range parents {
			for _, role := range authzRoles {
				res := fx.Actor(role).Client.get(parent)
				if res.StatusCode != http.StatusOK {
					continue
				}
				var env struct {
					Items []struct {
						ID string `json:"id"`
					} `json:"items"`
				}
				var arr []struct {
					ID string `json:"id"`
				}
				if json.Unmarshal([]byte(res.Body), &env) != nil || len(env.Items) == 0 {
					if json.Unmarshal([]byte(res.Body), &arr) == nil {
						env.Items = arr
					}
				}
				for _, it := range env.Items {
					if it.ID != "" {
						paramPrefixes(tmpl, parent+"/"+it.ID, prefixes)
					}
				}
			}
		}
	}
}

// publishedProgramme makes a programme whose published run placed the
// member at fx.Org's position, and returns its id.
func publishedProgramme(t *testing.T, fx *authzFixture) string {
	t.Helper()
	ctx := context.Background()
	officer := store.Actor{UserID: fx.User(roleOfficer).ID}
	p, pos := authzProgramme(t, fx)
	a := authzApplication(t, fx, p, pos)
	one := 1.0
	if err := fx.St.SetRanking(ctx, store.Actor{UserID: fx.User(roleManager).ID}, p.ID, pos.ID, []programme.RankEntry{{ApplicationID: a.ID, Value: &one}}); err != nil {
		t.Fatal(err)
	}
	if err := fx.St.CloseApplications(ctx, officer, p.ID); err != nil {
		t.Fatal(err)
	}
	run, err := fx.St.CreateRun(ctx, officer, p.ID, programme.RunParams{Algorithm: "fda"})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := fx.St.ProgrammeSnapshot(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	out, err := programme.Execute(snap, "fda", run.Seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.St.FinishRun(ctx, run.ID, snap.Version, out, nil); err != nil {
		t.Fatal(err)
	}
	if err := fx.St.PublishRun(ctx, officer, p.ID, run.ID); err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// scheduledEvent makes a brokerage event of fx.Org at which the member
// meets another participant in the schedule, and returns its id.
func scheduledEvent(t *testing.T, fx *authzFixture) string {
	t.Helper()
	ctx := context.Background()
	e := authzEvent(t, fx, event.Brokerage)
	sl := authzSlot(t, fx, e)
	other := fx.NewUser(t, account.Member)
	member := fx.User(roleMember)
	authzJoin(t, fx, e, other, true)
	authzJoin(t, fx, e, member, true)
	m := &event.MeetingRequest{EventID: e.ID, RequesterID: other.ID, InviteeID: member.ID}
	if err := fx.St.RequestMeeting(ctx, store.Actor{UserID: other.ID}, m); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.St.AnswerMeeting(ctx, store.Actor{UserID: member.ID}, e.ID, m.ID, true); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{other.ID, member.ID} {
		if err := fx.St.SetAvailability(ctx, store.Actor{UserID: u}, e.ID, u, []string{sl.ID}); err != nil {
			t.Fatal(err)
		}
	}
	sched, err := fx.St.RunSchedule(ctx, store.Actor{UserID: fx.User(roleManager).ID}, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sched.Meetings) == 0 {
		t.Fatalf("the schedule placed no meeting: %+v", sched)
	}
	return e.ID
}

// TestOpenAPI_ValidationCatchesARenamedField proves that the validation
// above can fail: real responses, with a field renamed, a vocabulary word
// misspelt or an outcome sent as a number, are refused by the document.
func TestOpenAPI_ValidationCatchesARenamedField(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	doc := loadOpenAPI(t, ts)
	fx := newAuthzFixture(t, ts)
	c := fx.Actor(roleAdmin).Client

	one := c.get("/api/v1/organisations/" + fx.Org.ID)
	list := c.get("/api/v1/organisations")
	check := c.get("/api/v1/countries/KZ")
	for _, real := range []struct {
		tmpl string
		res  response
	}{{"/api/v1/organisations/{id}", one}, {"/api/v1/organisations", list}, {"/api/v1/countries/{code}", check}} {
		if err := validateResponse(doc, real.tmpl, real.res, []byte(real.res.Body)); err != nil {
			t.Fatalf("the real %s does not validate: %v", real.tmpl, err)
		}
	}
	mangled := []struct {
		name, tmpl string
		res        response
		from, to   string
	}{
		{"renamed field", "/api/v1/organisations/{id}", one, `"name":`, `"title":`},
		{"renamed field in a list item", "/api/v1/organisations", list, `"country":`, `"country_code":`},
		{"renamed envelope field", "/api/v1/organisations", list, `"total":`, `"count":`},
		{"dropped required field", "/api/v1/organisations/{id}", one, `"id":"` + fx.Org.ID + `",`, ``},
		{"word outside the vocabulary", "/api/v1/organisations/{id}", one, `"kind":"research_institute"`, `"kind":"castle"`},
		{"number for a string", "/api/v1/countries/{code}", check, `"code":"KZ"`, `"code":7`},
	}
	for _, m := range mangled {
		if !strings.Contains(m.res.Body, m.from) {
			t.Fatalf("%s: the response has no %s: %.300s", m.name, m.from, m.res.Body)
		}
		body := strings.Replace(m.res.Body, m.from, m.to, 1)
		if err := validateResponse(doc, m.tmpl, m.res, []byte(body)); err == nil {
			t.Errorf("%s: %s validated with %s made %s", m.name, m.tmpl, m.from, m.to)
		}
	}
}

// TestOpenAPI_DescribesTypesAsTheyAreWritten checks the generator's
// reading of Go types against encoding/json's: text marshalers are
// strings, omitempty fields are optional and the others required, closed
// vocabularies list the domain's words, and integer query parameters are
// integers.
func TestOpenAPI_DescribesTypesAsTheyAreWritten(t *testing.T) {
	verdict := responseSchema(reflect.TypeFor[eligible.Verdict]())
	outcome := verdict["properties"].(map[string]any)["outcome"].(map[string]any)
	if outcome["type"] != "string" || !reflect.DeepEqual(outcome["enum"], []string{"eligible", "not_eligible", "unknown"}) {
		t.Errorf("eligible.Outcome is written as a word, documented as %v", outcome)
	}
	if b, _ := json.Marshal(eligible.Verdict{Outcome: eligible.NotEligible}); !strings.Contains(string(b), `"outcome":"not_eligible"`) {
		t.Fatalf("the outcome is no longer written as a word: %s", b)
	}
	req := verdict["required"].([]string)
	if !contains(req, "outcome") || !contains(req, "reasons") || contains(req, "missing") {
		t.Errorf("required %v: want outcome and reasons (no omitempty), not missing (omitempty)", req)
	}
	if verdict["additionalProperties"] != false {
		t.Errorf("a response object may carry no other property: %v", verdict["additionalProperties"])
	}
	org := responseSchema(reflect.TypeFor[organisation.Organisation]())
	kind := org["properties"].(map[string]any)["kind"].(map[string]any)
	if !reflect.DeepEqual(kind["enum"], organisation.Kinds) {
		t.Errorf("organisation kind enum %v, want %v", kind["enum"], organisation.Kinds)
	}
	coop := responseSchema(reflect.TypeFor[cooperation.Cooperation]())
	if st := coop["properties"].(map[string]any)["stage"].(map[string]any); !reflect.DeepEqual(st["enum"], cooperation.Stages) {
		t.Errorf("cooperation stage enum %v", st["enum"])
	}
	// A request body requires nothing the decoder does not.
	if r := requestSchema(reflect.TypeFor[roleInput]()); r["required"] != nil || r["additionalProperties"] != false {
		t.Errorf("request schema %v", r)
	}

	ts := newTestServer(t, "sqlite")
	doc := ts.srv.OpenAPIDocument()
	paths := doc["paths"].(map[string]map[string]any)
	params := paths["/api/v1/organisations"]["get"].(map[string]any)["parameters"].([]any)
	types := map[string]any{}
	for _, p := range params {
		p := p.(map[string]any)
		types[p["name"].(string)] = p["schema"].(map[string]any)["type"]
	}
	if types["page"] != "integer" || types["per_page"] != "integer" || types["q"] != "string" {
		t.Errorf("query parameter types %v", types)
	}
	del := paths["/api/v1/organisations/{id}"]["delete"].(map[string]any)
	if del["requestBody"] != nil || !strings.Contains(del["description"].(string), "no request body") {
		t.Errorf("an operation without a body must say so: %v", del)
	}
	if doc["openapi"] != "3.0.3" {
		t.Errorf("openapi %v", doc["openapi"])
	}
}
