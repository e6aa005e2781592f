package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// coopWorld is a server with a manager of a Kazakh university coordinating
// a cooperation with a Chinese institute (which nobody here manages).
type coopWorld struct {
	ts        *testServer
	manager   *client
	kz, cn    *organisation.Organisation
	coop      *cooperation.Cooperation
	managerID string
}

func newCoopWorld(t *testing.T, ts *testServer) *coopWorld {
	t.Helper()
	ctx := context.Background()
	w := &coopWorld{ts: ts}
	var u *account.User
	w.manager, u = ts.user(t, "aigerim@example.kz", account.Member)
	w.managerID = u.ID
	w.kz = &organisation.Organisation{Name: "Al-Farabi Kazakh National University", Kind: organisation.University, Country: "KZ"}
	if err := ts.st.CreateOrganisation(ctx, store.Actor{UserID: u.ID}, w.kz); err != nil {
		t.Fatal(err)
	}
	w.cn = &organisation.Organisation{Name: "Xinjiang Institute of Ecology", Kind: organisation.ResearchInstitute, Country: "CN"}
	if err := ts.st.CreateOrganisation(ctx, store.Actor{}, w.cn); err != nil {
		t.Fatal(err)
	}
	w.coop = &cooperation.Cooperation{Title: "Aral Sea dust monitoring", Fields: []string{"1.5"}, StartDate: "2023-01-15",
		Partners: []cooperation.Partner{{OrgID: w.kz.ID, Role: cooperation.RoleCoordinator}, {OrgID: w.cn.ID, Role: cooperation.RoleParticipant}}}
	if err := ts.st.CreateCooperation(ctx, store.Actor{}, w.coop); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestCooperationPages_ListShowAgreementsAndAnalyticsRender(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newCoopWorld(t, ts)
	visitor := ts.client(t)
	pages := []struct {
		path string
		want []string
	}{
		{"/cooperations", []string{"Aral Sea dust monitoring", "Kazakhstan"}},
		{"/cooperations?country=KZ&country2=CN&stage=exchange&field=1", []string{"Aral Sea dust monitoring"}},
		{"/cooperations/" + w.coop.ID, []string{"Aral Sea dust monitoring", "Xinjiang Institute of Ecology", "Exchange", "timeline"}},
		{"/agreements", []string{"Agreements"}},
		{"/analytics/depth", []string{"Cooperations at each stage", "chart-transitions", "depth-counts"}},
		{"/analytics/depth?country=KZ&from=2020-01-01&to=2030-12-31", []string{"depth-medians"}},
		{"/lang/zh?back=/cooperations/" + w.coop.ID, nil},
	}
	for _, p := range pages {
		res := visitor.get(p.path)
		if p.want == nil {
			continue
		}
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", p.path, res.StatusCode)
			continue
		}
		for _, s := range p.want {
			if !strings.Contains(res.Body, s) {
				t.Errorf("GET %s lacks %q", p.path, s)
			}
		}
	}
	// A visitor sees no forms; the coordinator's manager sees all three.
	if res := visitor.get("/cooperations/" + w.coop.ID); strings.Contains(res.Body, "stage-form") {
		t.Error("a visitor is offered the stage form")
	}
	res := w.manager.get("/cooperations/" + w.coop.ID)
	for _, form := range []string{`action="/cooperations/` + w.coop.ID + `/stage"`, `/outputs"`, `/partners"`} {
		if !strings.Contains(res.Body, form) {
			t.Errorf("the manager's page lacks the form %s", form)
		}
	}
	csv := visitor.get("/analytics/depth.csv?table=counts")
	if csv.StatusCode != http.StatusOK || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") || !strings.Contains(csv.Body, "exchange,1") {
		t.Errorf("counts CSV: %d %q", csv.StatusCode, csv.Body)
	}
}

func TestCooperationForms_RefuseBadInputWithFieldMessagesAndChangeNothing(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newCoopWorld(t, ts)
	tomorrow := "2999-01-01"
	id := w.coop.ID
	cases := []struct {
		name, path string
		form       url.Values
		field      string
	}{
		{"stage: the same stage", "/cooperations/" + id + "/stage", url.Values{"stage": {"exchange"}, "date": {coopToday()}, "evidence": {"x"}}, "stage"},
		{"stage: unknown stage", "/cooperations/" + id + "/stage", url.Values{"stage": {"friendship"}, "date": {coopToday()}, "evidence": {"x"}}, "stage"},
		{"stage: in the future", "/cooperations/" + id + "/stage", url.Values{"stage": {"joint_research"}, "date": {tomorrow}, "evidence": {"x"}}, "date"},
		{"stage: before the start", "/cooperations/" + id + "/stage", url.Values{"stage": {"joint_research"}, "date": {"2022-01-01"}, "evidence": {"x"}}, "date"},
		{"stage: no evidence", "/cooperations/" + id + "/stage", url.Values{"stage": {"joint_research"}, "date": {coopToday()}}, "evidence"},
		{"stage: unknown output", "/cooperations/" + id + "/stage", url.Values{"stage": {"joint_research"}, "date": {coopToday()}, "evidence_kind": {"output"}, "evidence_ref": {"0190e6a0-0000-7000-8000-000000000000"}}, "evidence_ref"},
		{"output: no title", "/cooperations/" + id + "/outputs", url.Values{"kind": {"patent"}, "date": {"2023-05-01"}}, "title"},
		{"output: count not a number", "/cooperations/" + id + "/outputs", url.Values{"kind": {"people_trained"}, "title": {"Engineers"}, "date": {"2023-05-01"}, "count": {"five"}}, "count"},
		{"output: bad kind", "/cooperations/" + id + "/outputs", url.Values{"kind": {"rumour"}, "title": {"x"}, "date": {"2023-05-01"}}, "kind"},
		{"partner: unknown organisation", "/cooperations/" + id + "/partners", url.Values{"organisation_id": {"nobody"}}, "organisation_id"},
		{"partner: already a partner", "/cooperations/" + id + "/partners", url.Values{"organisation_id": {w.cn.ID}}, "organisation_id"},
		{"partner: second coordinator", "/cooperations/" + id + "/partners", url.Values{"organisation_id": {w.cn.ID}, "role": {"coordinator"}}, "role"},
		{"edit: no title", "/cooperations/" + id, url.Values{"title": {""}}, "title"},
		{"edit: funding not a number", "/cooperations/" + id, url.Values{"title": {"T"}, "funding_eur": {"lots"}}, "funding_eur"},
		{"create: one partner", "/cooperations", url.Values{"title": {"Alone"}, "coordinator": {w.kz.ID}}, "partners"},
		{"create: bad dates", "/cooperations", url.Values{"title": {"T"}, "coordinator": {w.kz.ID}, "partner_id": {w.cn.ID}, "start_date": {"2023-05-01"}, "end_date": {"2020-01-01"}}, "end_date"},
		{"create: unknown agreement", "/cooperations", url.Values{"title": {"T"}, "coordinator": {w.kz.ID}, "partner_id": {w.cn.ID}, "source_kind": {"agreement"}, "source_ref": {"0190e6a0-0000-7000-8000-000000000000"}}, "source_ref"},
		{"agreement: one party", "/agreements", url.Values{"title": {"A"}, "kind": {"joint_lab"}, "signed_on": {"2020-01-01"}, "party_org": {w.kz.ID}}, "parties"},
		{"agreement: bad kind", "/agreements", url.Values{"title": {"A"}, "kind": {"marriage"}, "signed_on": {"2020-01-01"}, "party_country": {"CN"}, "party_org": {w.kz.ID}}, "kind"},
		{"agreement: expires before signed", "/agreements", url.Values{"title": {"A"}, "kind": {"joint_lab"}, "signed_on": {"2020-01-01"}, "expires_on": {"2019-01-01"}, "party_country": {"CN", ""}, "party_org": {"", w.kz.ID}}, "expires_on"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := dbFingerprint(t, ts.st)
			res := w.manager.form("POST", tc.path, tc.form)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422: %.300s", res.StatusCode, res.Body)
			}
			if !strings.Contains(res.Body, `id="`+tc.field+`-error"`) {
				t.Errorf("no message beside %s", tc.field)
			}
			if d := diffFingerprints(before, dbFingerprint(t, ts.st)); d != "" {
				t.Errorf("a refused form changed the database: %s", d)
			}
		})
	}
	for _, bad := range []string{"/cooperations?year=soon", "/cooperations?stage=marriage", "/cooperations?country=ZZ", "/agreements?kind=x",
		"/analytics/depth?from=yesterday", "/analytics/depth?from=2024-01-01&to=2023-01-01", "/analytics/depth.csv?table=secrets"} {
		if res := w.manager.get(bad); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("GET %s: %d, want 422", bad, res.StatusCode)
		}
	}
}

func TestCooperationAPI_RefusesBadInputWithProblemDetailsAndChangesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		w := newCoopWorld(t, ts)
		id := w.coop.ID
		cases := []struct {
			name, method, path string
			body               any
			status             int
			field              string
		}{
			{"stage: not JSON", "POST", "/api/v1/cooperations/" + id + "/stage", `{"stage":`, 400, "body"},
			{"stage: unknown field", "POST", "/api/v1/cooperations/" + id + "/stage", map[string]any{"stage": "joint_lab", "mood": "happy"}, 400, "mood"},
			{"stage: bad date", "POST", "/api/v1/cooperations/" + id + "/stage", map[string]any{"stage": "joint_lab", "date": "01/02/2024", "evidence": "x"}, 422, "date"},
			{"stage: evidence kind", "POST", "/api/v1/cooperations/" + id + "/stage", map[string]any{"stage": "joint_lab", "date": coopToday(), "evidence_kind": "rumour"}, 422, "evidence_kind"},
			{"output: future date", "POST", "/api/v1/cooperations/" + id + "/outputs", map[string]any{"kind": "patent", "title": "P", "date": "2999-01-01"}, 422, "date"},
			{"output: count type", "POST", "/api/v1/cooperations/" + id + "/outputs", map[string]any{"kind": "patent", "title": "P", "date": "2023-01-01", "count": "many"}, 400, "count"},
			{"partner: negative money", "POST", "/api/v1/cooperations/" + id + "/partners", map[string]any{"organisation_id": w.kz.ID, "contribution_eur": -5}, 422, "contribution_eur"},
			{"update: title too long", "PUT", "/api/v1/cooperations/" + id, map[string]any{"title": strings.Repeat("x", 501)}, 422, "title"},
			{"create: two coordinators", "POST", "/api/v1/cooperations", map[string]any{"title": "T", "partners": []map[string]any{
				{"organisation_id": w.kz.ID, "role": "coordinator"}, {"organisation_id": w.cn.ID, "role": "coordinator"}}}, 422, "partners"},
			{"create: no partners", "POST", "/api/v1/cooperations", map[string]any{"title": "T"}, 422, "partners"},
			{"create: bad field code", "POST", "/api/v1/cooperations", map[string]any{"title": "T", "fields": []string{"99"}, "partners": []map[string]any{
				{"organisation_id": w.kz.ID, "role": "coordinator"}, {"organisation_id": w.cn.ID}}}, 422, "fields"},
			{"agreement: bad country", "POST", "/api/v1/agreements", map[string]any{"title": "A", "kind": "joint_lab", "signed_on": "2020-01-01",
				"parties": []map[string]any{{"kind": "country", "country": "XX"}, {"kind": "organisation", "organisation_id": w.kz.ID}}}, 422, "parties"},
			{"agreement link: unknown cooperation", "POST", "/api/v1/agreements/nope/cooperations", map[string]any{"cooperation_id": id}, 404, ""},
			{"depth: bad year", "GET", "/api/v1/analytics/depth?year=MMXX", nil, 422, "year"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before := dbFingerprint(t, ts.st)
				res := w.manager.json(tc.method, tc.path, tc.body)
				if res.StatusCode != tc.status {
					t.Fatalf("status %d, want %d: %.300s", res.StatusCode, tc.status, res.Body)
				}
				if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
					t.Errorf("content type %q", res.Header.Get("Content-Type"))
				}
				var p Problem
				if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
					t.Fatal(err)
				}
				if tc.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != tc.field || p.Errors[0].Message == "") {
					t.Errorf("problem %+v, want a message on %s", p, tc.field)
				}
				if d := diffFingerprints(before, dbFingerprint(t, ts.st)); d != "" {
					t.Errorf("a refused call changed the database: %s", d)
				}
			})
		}
	})
}

func TestCooperationAPI_StageChangeShowsInTheTimelineAndTheAnalytics(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		w := newCoopWorld(t, ts)
		visitor := ts.client(t)
		var before struct{ Transitions [][]int }
		if err := json.Unmarshal([]byte(visitor.get("/api/v1/analytics/depth").Body), &before); err != nil {
			t.Fatal(err)
		}
		if before.Transitions[0][1] != 0 {
			t.Fatalf("transitions before: %v", before.Transitions)
		}
		res := w.manager.json("POST", "/api/v1/cooperations/"+w.coop.ID+"/stage",
			map[string]any{"stage": "joint_research", "date": "2023-07-15", "evidence": "joint proposal to the Kazakh science fund won"})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("stage change: %d %s", res.StatusCode, res.Body)
		}
		var c cooperation.Cooperation
		if err := json.Unmarshal([]byte(visitor.get("/api/v1/cooperations/"+w.coop.ID).Body), &c); err != nil {
			t.Fatal(err)
		}
		if c.Stage != cooperation.JointResearch || len(c.History) != 2 || c.History[1].Evidence.Note == "" {
			t.Errorf("after the change: stage %s, history %+v", c.Stage, c.History)
		}
		var after struct {
			Counts      []int
			Transitions [][]int
			Medians     []struct {
				Stage  string
				Days   float64 `json:"median_days"`
				Months float64 `json:"median_months"`
				N      int
			}
		}
		if err := json.Unmarshal([]byte(visitor.get("/api/v1/analytics/depth?country=KZ&country2=CN").Body), &after); err != nil {
			t.Fatal(err)
		}
		// 2023-01-15 to 2023-07-15 is 181 days.
		if after.Transitions[0][1] != 1 || after.Counts[1] != 1 || after.Medians[0].Days != 181 || after.Medians[0].N != 1 {
			t.Errorf("analytics after the change: %+v", after)
		}
		if res := visitor.get("/api/v1/analytics/depth?from=2024-01-01"); !strings.Contains(res.Body, `"transition_total":0`) {
			t.Errorf("a period after the change still counts it: %.200s", res.Body)
		}
	})
}

// TestDepthAPI_HandBuiltFixtureGivesTheStatedMatrixAndMedians builds four
// cooperations with known, back-dated histories through the store and
// checks the figures worked out by hand.
func TestDepthAPI_HandBuiltFixtureGivesTheStatedMatrixAndMedians(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	ctx := context.Background()
	orgs := map[string]string{}
	for _, c := range []string{"KZ", "CN", "DE"} {
		o := &organisation.Organisation{Name: "Institute " + c, Kind: organisation.ResearchInstitute, Country: c}
		if err := ts.st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
			t.Fatal(err)
		}
		orgs[c] = o.ID
	}
	note := cooperation.Evidence{Kind: cooperation.EvidenceNote, Note: "evidence"}
	histories := []struct {
		a, b  string
		start string
		moves [][2]string // stage, date
	}{
		{"KZ", "CN", "2021-01-01", [][2]string{{"joint_research", "2022-01-01"}, {"joint_lab", "2022-07-01"}}}, // 365 days, 181 days
		{"KZ", "DE", "2022-03-01", [][2]string{{"joint_research", "2022-06-01"}}},                              // 92 days
		{"CN", "DE", "2022-01-15", [][2]string{{"technology_transfer", "2023-01-15"}}},                         // 365 days
		{"CN", "KZ", "2020-01-01", nil},
	}
	for _, h := range histories {
		c := &cooperation.Cooperation{Title: h.a + "-" + h.b, StartDate: h.start,
			Partners: []cooperation.Partner{{OrgID: orgs[h.a], Role: cooperation.RoleCoordinator}, {OrgID: orgs[h.b]}}}
		if err := ts.st.CreateCooperation(ctx, store.Actor{}, c); err != nil {
			t.Fatal(err)
		}
		for _, m := range h.moves {
			if _, err := ts.st.ChangeStage(ctx, store.Actor{}, c.ID, m[0], m[1], note); err != nil {
				t.Fatal(err)
			}
		}
	}
	var rep struct {
		Counts      []int
		Transitions [][]int
		Medians     []struct {
			Days float64 `json:"median_days"`
			N    int
		}
	}
	res := ts.client(t).get("/api/v1/analytics/depth?from=2022-01-01&to=2023-12-31")
	if err := json.Unmarshal([]byte(res.Body), &rep); err != nil {
		t.Fatal(err, res.Body)
	}
	wantMatrix := [][]int{{0, 2, 0, 1, 0}, {0, 0, 1, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}}
	if !reflect.DeepEqual(rep.Transitions, wantMatrix) {
		t.Errorf("matrix %v, want %v", rep.Transitions, wantMatrix)
	}
	if want := []int{1, 1, 1, 1, 0}; !reflect.DeepEqual(rep.Counts, want) {
		t.Errorf("counts %v, want %v", rep.Counts, want)
	}
	// Exchange stays ending deeper in the period: 365, 92, 365 -> median 365.
	// Joint research: 181.
	if rep.Medians[0].Days != 365 || rep.Medians[0].N != 3 || rep.Medians[1].Days != 181 || rep.Medians[2].N != 0 {
		t.Errorf("medians %+v", rep.Medians)
	}
}

func TestShallowList_OnlyOfficersSeeItAndItHoldsTheWaitingCooperations(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newCoopWorld(t, ts)
	officer, _ := ts.user(t, "officer@agency.kz", account.Officer)
	if res := ts.client(t).get("/analytics/depth/shallow"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("visitor: %d, want a redirect to sign in", res.StatusCode)
	}
	if res := w.manager.get("/analytics/depth/shallow"); res.StatusCode != http.StatusForbidden {
		t.Errorf("member: %d, want 403", res.StatusCode)
	}
	if res := w.manager.get("/api/v1/analytics/depth/shallow"); res.StatusCode != http.StatusForbidden {
		t.Errorf("member API: %d, want 403", res.StatusCode)
	}
	res := officer.get("/analytics/depth/shallow?months=6")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Aral Sea dust monitoring") {
		t.Errorf("officer: %d, the cooperation at exchange since 2023 is missing", res.StatusCode)
	}
	if res := officer.get("/analytics/depth/shallow?months=9999"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="months-error"`) {
		t.Errorf("months=9999: %d", res.StatusCode)
	}
	csv := officer.get("/analytics/depth/shallow.csv?months=6")
	if !strings.Contains(csv.Body, "Aral Sea dust monitoring") || !strings.Contains(csv.Body, "at_exchange_since") {
		t.Errorf("CSV: %q", csv.Body)
	}
}
