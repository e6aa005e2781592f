package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/talent"
)

// progWorld is the cast of the programme tests: an officer, two host
// institutions with a manager each (a large university and a small
// institute), three talents with profiles, and a talent-training
// agreement. Everyone is signed in.
type progWorld struct {
	ts                 *testServer
	officer            *client
	officerUser        *account.User
	hostBig, hostSmall *client
	bigOrg, smallOrg   *organisation.Organisation
	talents            []*client
	profiles           []*talent.Profile
	agreement          *cooperation.Agreement
}

func newProgWorld(t *testing.T, ts *testServer) *progWorld {
	t.Helper()
	ctx := context.Background()
	w := &progWorld{ts: ts}
	w.officer, w.officerUser = ts.user(t, "officer@most.example", account.Officer)
	var bigManager, smallManager *account.User
	w.hostBig, bigManager = ts.user(t, "big@tsinghua.example", account.Member)
	w.hostSmall, smallManager = ts.user(t, "small@xjiec.example", account.Member)
	w.bigOrg = &organisation.Organisation{Name: "Large University", Kind: organisation.University, Country: "CN", SizeClass: "large"}
	w.smallOrg = &organisation.Organisation{Name: "Small Institute", Kind: organisation.ResearchInstitute, Country: "CN", SizeClass: "small"}
	if err := ts.st.CreateOrganisation(ctx, store.Actor{UserID: bigManager.ID}, w.bigOrg); err != nil {
		t.Fatal(err)
	}
	if err := ts.st.CreateOrganisation(ctx, store.Actor{UserID: smallManager.ID}, w.smallOrg); err != nil {
		t.Fatal(err)
	}
	w.agreement = &cooperation.Agreement{Title: "China–Central Asia talent training", Kind: cooperation.AgreementTalentTraining, SignedOn: "2024-05-01",
		Parties: []cooperation.Party{{Kind: cooperation.PartyCountry, Country: "CN"}, {Kind: cooperation.PartyCountry, Country: "KZ"}}}
	if err := ts.st.CreateAgreement(ctx, store.Actor{UserID: w.officerUser.ID}, w.agreement); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ email, name, country string }{
		{"aigerim@example.kz", "Aigerim Bekova", "KZ"}, {"bilal@example.pk", "Bilal Khan", "PK"}, {"dana@example.kz", "Dana Seitova", "KZ"}} {
		c, u := ts.user(t, p.email, account.Member)
		pr := &talent.Profile{UserID: u.ID, Name: p.name, Country: p.country, CareerStage: "doctoral", Fields: []string{"2.2"}}
		if err := ts.st.CreateTalent(ctx, store.Actor{UserID: u.ID}, pr); err != nil {
			t.Fatal(err)
		}
		w.talents, w.profiles = append(w.talents, c), append(w.profiles, pr)
	}
	return w
}

// programme opens a programme through the store, with the world's two
// hosts and a cap of one on the large one, open for applications now.
func (w *progWorld) programme(t *testing.T) (*programme.Programme, *programme.Position, *programme.Position) {
	t.Helper()
	ctx := context.Background()
	actor := store.Actor{UserID: w.officerUser.ID}
	p := &programme.Programme{AgreementID: w.agreement.ID, Title: "Silk Road engineering fellowships", MaxChoices: 2,
		OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(24 * time.Hour),
		Eligibility: programme.Eligibility{Nationalities: []string{"KZ"}, BRIPartners: true, CareerStages: []string{"doctoral"}}}
	if err := w.ts.st.CreateProgramme(ctx, actor, p); err != nil {
		t.Fatal(err)
	}
	big := &programme.Position{OrgID: w.bigOrg.ID, Title: "Robotics fellow", Capacity: 2}
	small := &programme.Position{OrgID: w.smallOrg.ID, Title: "Water fellow", Capacity: 1, RankMode: programme.RankByScore}
	for _, pos := range []*programme.Position{big, small} {
		if err := w.ts.st.AddPosition(ctx, actor, p.ID, pos); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.ts.st.SetConstraints(ctx, actor, p.ID, programme.ConstraintSet{
		Regions: []programme.Region{{ID: "large", Name: "Large institutions", Hosts: []string{w.bigOrg.ID}, Cap: 1}}}); err != nil {
		t.Fatal(err)
	}
	p, err := w.ts.st.Programme(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p, p.Position(big.ID), p.Position(small.ID)
}

func progCount(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func progMustStatus(t *testing.T, res response, want int, what string) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s: status %d, want %d:\n%.2000s", what, res.StatusCode, want, res.Body)
	}
}

func progMustContain(t *testing.T, body string, what string, want ...string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(body, s) {
			t.Fatalf("%s does not say %q:\n%.3000s", what, s, body)
		}
	}
}

// TestProgrammes_TheWholeStoryOverForms opens a programme, adds its
// positions and a cap through the officer's forms; three talents apply,
// the hosts rank them, the officer runs da and fda, compares them and
// publishes fda; a talent reads why it was refused and a host its intake.
func TestProgrammes_TheWholeStoryOverForms(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		w := newProgWorld(t, ts)
		ctx := context.Background()
		opens := time.Now().UTC().Add(-time.Hour).Format(progLocalLayout)
		closes := time.Now().UTC().Add(48 * time.Hour).Format(progLocalLayout)
		res := w.officer.form("POST", "/programmes", url.Values{"agreement_id": {w.agreement.ID}, "title": {"Silk Road fellowships"},
			"opens_at": {opens}, "closes_at": {closes}, "max_choices": {"2"}, "nationalities": {"kz"}, "bri_partners": {"1"},
			"career_stages": {"doctoral", "early"}, "policies": {"Visa fast track https://example.org/visa"}})
		progMustStatus(t, res, http.StatusSeeOther, "create programme")
		pid := strings.TrimPrefix(res.Header.Get("Location"), "/programmes/")
		for _, pos := range []url.Values{
			{"organisation_id": {w.bigOrg.ID}, "title": {"Robotics fellow"}, "capacity": {"2"}, "rank_mode": {"order"}, "rank_rule": {"Publications first"}},
			{"organisation_id": {w.smallOrg.ID}, "title": {"Water fellow"}, "capacity": {"1"}, "rank_mode": {"score"}, "language": {"English"}},
		} {
			progMustStatus(t, w.officer.form("POST", "/programmes/"+pid+"/positions", pos), http.StatusSeeOther, "add position")
		}
		p, err := ts.st.Programme(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		big, small := p.Positions[0], p.Positions[1]
		res = w.officer.form("POST", "/programmes/"+pid+"/constraints", url.Values{
			"regions.0.name": {"Large institutions"}, "regions.0.cap": {"1"}, "regions.0.hosts": {w.bigOrg.ID},
			"seats.0.position_id": {big.ID}, "seats.0.floor": {"0"}, "seats.1.position_id": {small.ID}, "seats.1.floor": {"1"},
			"country_quotas.0.country": {"PK"}, "country_quotas.0.cap": {"3"}})
		progMustStatus(t, res, http.StatusSeeOther, "save constraints")

		// The public page shows every constraint before anyone applies.
		page := ts.client(t).get("/programmes/" + pid)
		progMustStatus(t, page, http.StatusOK, "public programme page")
		progMustContain(t, page.Body, "public page", "Robotics fellow", "Water fellow", "Large institutions", "Publications first", "Visa fast track",
			"Kazakhstan", "Pakistan", "Sign in to apply")

		for i, c := range w.talents {
			res := c.form("POST", "/programmes/"+pid+"/apply", url.Values{"choices": {big.ID, small.ID}, "statement": {"I build robots."}})
			progMustStatus(t, res, http.StatusSeeOther, "apply "+w.profiles[i].Name)
		}
		res = w.hostBig.get("/programmes/" + pid + "/positions/" + big.ID + "/ranking")
		progMustStatus(t, res, http.StatusOK, "ranking page")
		progMustContain(t, res.Body, "ranking page", "Aigerim Bekova", "Bilal Khan", "Dana Seitova", "I build robots.")
		apps := map[string]string{}
		for _, pr := range w.profiles {
			a, err := ts.st.ApplicationOf(ctx, pid, pr.ID)
			if err != nil {
				t.Fatal(err)
			}
			apps[pr.Name] = a.ID
		}
		rank := url.Values{"app": {apps["Aigerim Bekova"], apps["Bilal Khan"], apps["Dana Seitova"]},
			"value." + apps["Aigerim Bekova"]: {"1"}, "value." + apps["Bilal Khan"]: {"2"}, "value." + apps["Dana Seitova"]: {"3"}}
		progMustStatus(t, w.hostBig.form("POST", "/programmes/"+pid+"/positions/"+big.ID+"/ranking", rank), http.StatusSeeOther, "rank big")
		score := url.Values{"app": {apps["Aigerim Bekova"], apps["Bilal Khan"], apps["Dana Seitova"]},
			"value." + apps["Aigerim Bekova"]: {"1"}, "value." + apps["Bilal Khan"]: {"5"}, "value." + apps["Dana Seitova"]: {"9.5"}}
		// The other host may not rank the large host's position.
		progMustStatus(t, w.hostSmall.form("POST", "/programmes/"+pid+"/positions/"+big.ID+"/ranking", score), http.StatusForbidden, "rank another host's position")
		progMustStatus(t, w.hostSmall.form("POST", "/programmes/"+pid+"/positions/"+small.ID+"/ranking", score), http.StatusSeeOther, "rank small")

		// Publishing needs a closed window.
		runID := func(alg string) string {
			res := w.officer.form("POST", "/programmes/"+pid+"/runs", url.Values{"algorithm": {alg}, "seed": {"42"}})
			progMustStatus(t, res, http.StatusSeeOther, "run "+alg)
			return strings.TrimPrefix(res.Header.Get("Location"), "/programmes/"+pid+"/runs/")
		}
		early := runID("fda")
		progMustStatus(t, w.officer.form("POST", "/programmes/"+pid+"/runs/"+early+"/publish", nil), http.StatusConflict, "publish while open")
		progMustStatus(t, w.officer.form("POST", "/programmes/"+pid+"/close", nil), http.StatusSeeOther, "close applications")
		progMustStatus(t, w.talents[0].form("POST", "/programmes/"+pid+"/apply", url.Values{"choices": {small.ID}, "statement": {"x"}}),
			http.StatusConflict, "apply after closing")
		da, fda := runID("da"), runID("fda")
		res = w.officer.get("/programmes/" + pid + "/runs/" + fda)
		progMustStatus(t, res, http.StatusOK, "run page")
		progMustContain(t, res.Body, "fda run page", "42", "Dana Seitova", "Large institutions")
		res = w.officer.get("/programmes/" + pid + "/compare?run=" + da + "&run=" + fda)
		progMustStatus(t, res, http.StatusOK, "compare")
		progMustContain(t, res.Body, "comparison", "Gini coefficient", "Top-decile share", "Floor deficit", "chart-lorenz", "Placements per nationality",
			`data-metric="placed"`)
		progMustStatus(t, w.officer.form("POST", "/programmes/"+pid+"/runs/"+fda+"/publish", nil), http.StatusSeeOther, "publish fda")

		// Bilal wanted the large host first; its cap went to Aigerim, and
		// the small host's one seat to Dana, scored higher.
		res = w.talents[1].get("/programmes/" + pid)
		progMustContain(t, res.Body, "Bilal's page", "not placed", "the cap of “Large institutions” (1 in all) was reached",
			"the position was full with applicants its host ranked higher")
		res = w.talents[2].get("/programmes/" + pid)
		progMustContain(t, res.Body, "Dana's page", "You were placed at Water fellow — Small Institute (your choice 2)")
		res = w.hostSmall.get("/programmes/" + pid + "/hosts/" + w.smallOrg.ID)
		progMustStatus(t, res, http.StatusOK, "host page")
		progMustContain(t, res.Body, "small host's intake", "Your intake", "Dana Seitova")
		progMustStatus(t, w.hostSmall.get("/programmes/"+pid+"/hosts/"+w.bigOrg.ID), http.StatusForbidden, "another host's page")
		progMustContain(t, ts.client(t).get("/programmes/"+pid).Body, "public results", "results published", "Gini")
	})
}

// TestProgrammes_FormsRefuseBadInputAndChangeNothing posts bad forms: each
// gets 422 with the message beside the field, and no row changes.
func TestProgrammes_FormsRefuseBadInputAndChangeNothing(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newProgWorld(t, ts)
	p, big, small := w.programme(t)
	other := &organisation.Organisation{Name: "Third Lab", Kind: organisation.ResearchInstitute, Country: "KZ"}
	if err := ts.st.CreateOrganisation(context.Background(), store.Actor{}, other); err != nil {
		t.Fatal(err)
	}
	a, _, err := ts.st.SaveApplication(context.Background(), store.Actor{}, p.ID, w.profiles[0].ID, programme.Application{Choices: []string{big.ID}, Statement: "x"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		as     *client
		path   string
		form   url.Values
		say    string
		tables []string
	}{
		{"programme without title, window backwards", w.officer, "/programmes", url.Values{"agreement_id": {w.agreement.ID}, "opens_at": {"2026-05-02T10:00"},
			"closes_at": {"2026-05-01T10:00"}, "max_choices": {"3"}}, "The window must close after it opens", []string{"programmes"}},
		{"programme with a time that is not one", w.officer, "/programmes", url.Values{"agreement_id": {w.agreement.ID}, "title": {"T"}, "opens_at": {"soon"},
			"closes_at": {"2026-05-01T10:00"}, "max_choices": {"many"}}, "is not a date and time", []string{"programmes"}},
		{"programme list too long", w.officer, "/programmes/" + p.ID, url.Values{"agreement_id": {w.agreement.ID}, "title": {"T"}, "opens_at": {"2026-05-01T10:00"},
			"closes_at": {"2026-05-02T10:00"}, "max_choices": {"99"}}, "from 1 to 50", []string{"programmes"}},
		{"position without seats", w.officer, "/programmes/" + p.ID + "/positions", url.Values{"organisation_id": {other.ID}, "title": {"X"}, "capacity": {"zero"}},
			"Enter a whole number", []string{"programme_positions"}},
		{"position target above seats", w.officer, "/programmes/" + p.ID + "/positions/" + small.ID, url.Values{"organisation_id": {w.smallOrg.ID},
			"title": {"X"}, "capacity": {"1"}, "target": {"3"}}, "from 0 to 1", []string{"programme_positions"}},
		{"host in two regions", w.officer, "/programmes/" + p.ID + "/constraints", url.Values{
			"regions.0.name": {"A"}, "regions.0.cap": {"1"}, "regions.0.hosts": {w.bigOrg.ID},
			"regions.1.name": {"B"}, "regions.1.cap": {"1"}, "regions.1.hosts": {w.bigOrg.ID}}, "can be in one region only", []string{"programmes"}},
		{"targets above the cap", w.officer, "/programmes/" + p.ID + "/constraints", url.Values{
			"regions.0.name": {"A"}, "regions.0.cap": {"1"}, "regions.0.hosts": {w.bigOrg.ID},
			"seats.0.position_id": {big.ID}, "seats.0.target": {"2"}}, "add up to 2, above the cap of 1", []string{"programme_positions"}},
		{"list longer than allowed", w.talents[1], "/programmes/" + p.ID + "/apply", url.Values{"choices": {big.ID, small.ID, big.ID}, "statement": {"x"}},
			"At most 2 positions", []string{"programme_applications", "programme_choices"}},
		{"same position twice", w.talents[1], "/programmes/" + p.ID + "/apply", url.Values{"choices": {big.ID, big.ID}, "statement": {"x"}},
			"already on your list", []string{"programme_applications"}},
		{"no statement", w.talents[1], "/programmes/" + p.ID + "/apply", url.Values{"choices": {big.ID}}, "This field is required", []string{"programme_applications"}},
		{"a rank that is not a number", w.hostBig, "/programmes/" + p.ID + "/positions/" + big.ID + "/ranking", url.Values{"app": {a.ID}, "value." + a.ID: {"first"}},
			"Enter a number", []string{"programme_rankings"}},
		{"a rank of zero", w.hostBig, "/programmes/" + p.ID + "/positions/" + big.ID + "/ranking", url.Values{"app": {a.ID}, "value." + a.ID: {"0"}},
			"from 1 (the best)", []string{"programme_rankings"}},
		{"a run with an unknown algorithm", w.officer, "/programmes/" + p.ID + "/runs", url.Values{"algorithm": {"boston"}}, "Choose da, jrmp or fda",
			[]string{"programme_runs"}},
		{"a negative seed", w.officer, "/programmes/" + p.ID + "/runs", url.Values{"algorithm": {"da"}, "seed": {"-4"}}, "whole number from 0", []string{"programme_runs"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := map[string]int{}
			for _, tb := range append(tc.tables, "audit_log") {
				before[tb] = progCount(t, ts.st, tb)
			}
			res := tc.as.form("POST", tc.path, tc.form)
			progMustStatus(t, res, http.StatusUnprocessableEntity, tc.name)
			progMustContain(t, res.Body, tc.name, tc.say, `class="field-error"`)
			for tb, n := range before {
				if got := progCount(t, ts.st, tb); got != n {
					t.Errorf("%s: %s went from %d to %d rows", tc.name, tb, n, got)
				}
			}
		})
	}
	// The refused forms kept what was typed.
	res := w.officer.form("POST", "/programmes/"+p.ID+"/constraints", url.Values{"regions.0.name": {"Kept name"}, "regions.0.cap": {"x"}})
	progMustContain(t, res.Body, "refused constraints", `value="Kept name"`)
	// Refusals of the changed programme's state are conflicts, not 500s.
	after, err := ts.st.Programme(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Title != p.Title || len(after.Constraints.Regions) != 1 || after.Positions[1].Target != nil {
		t.Fatalf("a refused form changed the programme: %+v", after)
	}
}

// TestProgrammes_IneligibleTalentsReadWhy shows the reasons on the apply
// page, and refuses the application with them.
func TestProgrammes_IneligibleTalentsReadWhy(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newProgWorld(t, ts)
	p, big, _ := w.programme(t)
	c, u := ts.user(t, "claire@example.fr", account.Member)
	if err := ts.st.CreateTalent(context.Background(), store.Actor{UserID: u.ID}, &talent.Profile{UserID: u.ID, Name: "Claire", Country: "FR", CareerStage: "senior"}); err != nil {
		t.Fatal(err)
	}
	res := c.get("/programmes/" + p.ID + "/apply")
	progMustStatus(t, res, http.StatusOK, "apply page")
	progMustContain(t, res.Body, "ineligible apply page", "You are not eligible", "nationals of FR are not among those the programme admits",
		"your career stage is not among those the programme admits")
	res = c.form("POST", "/programmes/"+p.ID+"/apply", url.Values{"choices": {big.ID}, "statement": {"x"}})
	progMustStatus(t, res, http.StatusUnprocessableEntity, "ineligible application")
	if n := progCount(t, ts.st, "programme_applications"); n != 0 {
		t.Fatalf("an ineligible application was stored")
	}
	// Without a profile the page says to write one.
	c2, _ := ts.user(t, "noprofile@example.org", account.Member)
	progMustContain(t, c2.get("/programmes/"+p.ID+"/apply").Body, "apply page without profile", "You need a talent profile")
	progMustStatus(t, c2.form("POST", "/programmes/"+p.ID+"/apply", url.Values{"choices": {big.ID}, "statement": {"x"}}), http.StatusConflict, "apply without profile")
}

// TestProgrammes_OnlyTheirOfficerRunsAProgramme refuses another officer
// and a host manager on the officer's routes.
func TestProgrammes_OnlyTheirOfficerRunsAProgramme(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newProgWorld(t, ts)
	p, big, _ := w.programme(t)
	other, _ := ts.user(t, "other-officer@most.example", account.Officer)
	for _, c := range []*client{other, w.hostBig, w.talents[0]} {
		for _, req := range []struct{ method, path string }{
			{"GET", "/programmes/" + p.ID + "/edit"}, {"GET", "/programmes/" + p.ID + "/runs"}, {"GET", "/programmes/" + p.ID + "/applications"},
			{"POST", "/programmes/" + p.ID + "/close"}, {"POST", "/programmes/" + p.ID + "/runs"}, {"POST", "/programmes/" + p.ID + "/positions/" + big.ID + "/delete"},
		} {
			var res response
			if req.method == "GET" {
				res = c.get(req.path)
			} else {
				res = c.form("POST", req.path, url.Values{"algorithm": {"da"}})
			}
			progMustStatus(t, res, http.StatusForbidden, req.method+" "+req.path)
		}
	}
	progMustStatus(t, other.form("POST", "/programmes", url.Values{}), http.StatusUnprocessableEntity, "another officer may open programmes of their own")
	progMustStatus(t, w.talents[0].form("POST", "/programmes", url.Values{}), http.StatusForbidden, "a member may not open programmes")
}

// TestProgrammeRuns_AStartedRunShowsItsProgress polls a run's status as
// htmx does: a progress bar while it runs, a refresh once it is done.
func TestProgrammeRuns_AStartedRunShowsItsProgress(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newProgWorld(t, ts)
	p, _, _ := w.programme(t)
	ctx := context.Background()
	run, err := ts.st.CreateRun(ctx, store.Actor{UserID: w.officerUser.ID}, p.ID, programme.RunParams{Algorithm: "fda"})
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.st.RunProgress(ctx, run.ID, "explain", 45); err != nil {
		t.Fatal(err)
	}
	poll := func() response {
		req, err := http.NewRequest("GET", ts.URL+"/programmes/"+p.ID+"/runs/"+run.ID+"/status", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("HX-Request", "true")
		return w.officer.do(req)
	}
	res := poll()
	progMustStatus(t, res, http.StatusOK, "status while running")
	progMustContain(t, res.Body, "status while running", `<progress class="progress" max="100" value="45">`, "Explaining every result", `hx-trigger="every 1s"`)
	if strings.Contains(res.Body, "<html") {
		t.Fatal("the status poll got a whole page, not the fragment")
	}
	progMustContain(t, w.officer.get("/programmes/"+p.ID+"/runs/"+run.ID).Body, "run page while running", `id="run-status"`, `http-equiv="refresh"`)
	snap, err := ts.st.ProgrammeSnapshot(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	out, err := programme.Execute(snap, "fda", run.Seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.st.FinishRun(ctx, run.ID, snap.Version, out, nil); err != nil {
		t.Fatal(err)
	}
	res = poll()
	if res.Header.Get("HX-Refresh") != "true" {
		t.Fatalf("a finished run's status does not refresh the page: %v", res.Header)
	}
}

// TestProgrammesAPI_TheStoryOverJSON runs the story through /api/v1.
func TestProgrammesAPI_TheStoryOverJSON(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		w := newProgWorld(t, ts)
		res := w.officer.json("POST", "/api/v1/programmes", map[string]any{"agreement_id": w.agreement.ID, "title": "API fellowships",
			"opens_at": time.Now().Add(-time.Hour).Format(time.RFC3339), "closes_at": time.Now().Add(time.Hour).Format(time.RFC3339), "max_choices": 2})
		progMustStatus(t, res, http.StatusCreated, "create programme")
		var p programme.Programme
		if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
			t.Fatal(err)
		}
		var big, small programme.Position
		res = w.officer.json("POST", "/api/v1/programmes/"+p.ID+"/positions", map[string]any{"organisation_id": w.bigOrg.ID, "title": "A", "capacity": 2})
		progMustStatus(t, res, http.StatusCreated, "add big")
		if err := json.Unmarshal([]byte(res.Body), &big); err != nil {
			t.Fatal(err)
		}
		res = w.officer.json("POST", "/api/v1/programmes/"+p.ID+"/positions", map[string]any{"organisation_id": w.smallOrg.ID, "title": "B", "capacity": 1})
		progMustStatus(t, res, http.StatusCreated, "add small")
		if err := json.Unmarshal([]byte(res.Body), &small); err != nil {
			t.Fatal(err)
		}
		res = w.officer.json("PUT", "/api/v1/programmes/"+p.ID+"/constraints", map[string]any{
			"regions": []any{map[string]any{"id": "large", "name": "Large", "hosts": []string{w.bigOrg.ID}, "cap": 1}},
			"seats":   []any{map[string]any{"position_id": small.ID, "target": nil, "floor": 1}}})
		progMustStatus(t, res, http.StatusOK, "set constraints")
		progMustContain(t, ts.client(t).get("/api/v1/programmes/"+p.ID+"/constraints").Body, "public constraints", `"cap":1`, `"floor":1`)
		for i, c := range w.talents {
			res := c.json("PUT", "/api/v1/programmes/"+p.ID+"/application", map[string]any{"choices": []string{big.ID, small.ID}, "statement": "Hello"})
			progMustStatus(t, res, http.StatusOK, "apply "+w.profiles[i].Name)
		}
		res = w.hostBig.json("GET", "/api/v1/programmes/"+p.ID+"/positions/"+big.ID+"/ranking", nil)
		progMustStatus(t, res, http.StatusOK, "ranking")
		var rv programmeRankingView
		if err := json.Unmarshal([]byte(res.Body), &rv); err != nil {
			t.Fatal(err)
		}
		if len(rv.Applicants) != 3 {
			t.Fatalf("applicants %+v", rv)
		}
		var entries []map[string]any
		for i, a := range rv.Applicants {
			entries = append(entries, map[string]any{"application_id": a.ApplicationID, "value": i + 1})
		}
		progMustStatus(t, w.hostBig.json("PUT", "/api/v1/programmes/"+p.ID+"/positions/"+big.ID+"/ranking", map[string]any{"entries": entries}), http.StatusOK, "rank")
		progMustStatus(t, w.hostSmall.json("PUT", "/api/v1/programmes/"+p.ID+"/positions/"+big.ID+"/ranking", map[string]any{"entries": entries}), http.StatusForbidden,
			"rank another host's position")
		progMustStatus(t, w.officer.json("POST", "/api/v1/programmes/"+p.ID+"/close", nil), http.StatusOK, "close")
		res = w.officer.json("POST", "/api/v1/programmes/"+p.ID+"/runs", map[string]any{"algorithm": "fda", "seed": 3})
		progMustStatus(t, res, http.StatusAccepted, "run")
		var run programme.Run
		if err := json.Unmarshal([]byte(res.Body), &run); err != nil {
			t.Fatal(err)
		}
		run = awaitRun(t, w.officer, "/api/v1/programmes/"+p.ID+"/runs/"+run.ID, run)
		if run.Status != programme.RunDone || run.Balance == nil || run.Balance.Regions[0].Placed != 1 || run.Seed != 3 || len(run.InputSHA256) != 64 {
			t.Fatalf("run %+v", run)
		}
		progMustStatus(t, w.talents[0].json("GET", "/api/v1/programmes/"+p.ID+"/result", nil), http.StatusConflict, "result before publication")
		progMustStatus(t, w.officer.json("POST", "/api/v1/programmes/"+p.ID+"/runs/"+run.ID+"/publish", nil), http.StatusOK, "publish")
		for i, c := range w.talents {
			res := c.json("GET", "/api/v1/programmes/"+p.ID+"/result", nil)
			progMustStatus(t, res, http.StatusOK, "result of "+w.profiles[i].Name)
			var out programmeResultOutput
			if err := json.Unmarshal([]byte(res.Body), &out); err != nil {
				t.Fatal(err)
			}
			if out.PositionID == "" && (len(out.Refusals) != 2 || out.Refusals[0].Reason != "regional-cap" || out.Refusals[0].Message == "") {
				t.Fatalf("an unplaced talent's result says no reason: %s", res.Body)
			}
		}
		res = w.hostSmall.json("GET", "/api/v1/programmes/"+p.ID+"/intake?organisation_id="+w.smallOrg.ID, nil)
		progMustStatus(t, res, http.StatusOK, "intake")
		progMustContain(t, res.Body, "intake", `"total":1`)
		progMustStatus(t, w.hostSmall.json("GET", "/api/v1/programmes/"+p.ID+"/intake?organisation_id="+w.bigOrg.ID, nil), http.StatusForbidden, "another host's intake")
	})
}

// TestProgrammesAPI_BadInputGetsProblemDetailsAndChangesNothing sends
// malformed and invalid bodies to every writing call.
func TestProgrammesAPI_BadInputGetsProblemDetailsAndChangesNothing(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newProgWorld(t, ts)
	p, big, _ := w.programme(t)
	a, _, err := ts.st.SaveApplication(context.Background(), store.Actor{}, p.ID, w.profiles[0].ID, programme.Application{Choices: []string{big.ID}, Statement: "x"})
	if err != nil {
		t.Fatal(err)
	}
	base := "/api/v1/programmes/" + p.ID
	cases := []struct {
		name   string
		as     *client
		method string
		path   string
		body   any
		status int
		field  string
	}{
		{"malformed programme", w.officer, "POST", "/api/v1/programmes", `{"title": `, 400, "body"},
		{"unknown field", w.officer, "POST", "/api/v1/programmes", `{"title": "x", "colour": "red"}`, 400, "colour"},
		{"wrong type", w.officer, "PUT", base, `{"max_choices": "three"}`, 400, "max_choices"},
		{"bad time", w.officer, "POST", "/api/v1/programmes", map[string]any{"agreement_id": w.agreement.ID, "title": "T", "opens_at": "tomorrow",
			"closes_at": "2026-01-01T00:00:00Z", "max_choices": 1}, 422, "opens_at"},
		{"unknown agreement", w.officer, "POST", "/api/v1/programmes", map[string]any{"agreement_id": "nope", "title": "T", "opens_at": "2026-01-01T00:00:00Z",
			"closes_at": "2026-02-01T00:00:00Z", "max_choices": 1}, 422, "agreement_id"},
		{"unknown nationality", w.officer, "PUT", base, map[string]any{"agreement_id": w.agreement.ID, "title": "T", "opens_at": "2026-01-01T00:00:00Z",
			"closes_at": "2026-02-01T00:00:00Z", "max_choices": 1, "nationalities": []string{"XX"}}, 422, "nationalities"},
		{"position without host", w.officer, "POST", base + "/positions", map[string]any{"title": "T", "capacity": 1}, 422, "organisation_id"},
		{"position with unknown host", w.officer, "POST", base + "/positions", map[string]any{"organisation_id": "nope", "title": "T", "capacity": 1}, 422, "organisation_id"},
		{"negative cap", w.officer, "PUT", base + "/constraints", map[string]any{"regions": []any{map[string]any{"name": "R", "hosts": []string{w.bigOrg.ID}, "cap": -1}}}, 422, "regions.0.cap"},
		{"quota of no country", w.officer, "PUT", base + "/constraints", map[string]any{"country_quotas": []any{map[string]any{"country": "ZZ", "cap": 1}}}, 422, "country_quotas.0.country"},
		{"application to no position", w.talents[1], "PUT", base + "/application", map[string]any{"choices": []string{"nowhere"}, "statement": "x"}, 422, "choices.0"},
		{"application too long", w.talents[1], "PUT", base + "/application", map[string]any{"choices": []string{big.ID, "a", "b"}, "statement": "x"}, 422, "choices"},
		{"ranking of a stranger", w.hostBig, "PUT", base + "/positions/" + big.ID + "/ranking", map[string]any{"entries": []any{map[string]any{"application_id": "nope", "value": 1}}}, 422, "entries.0.application_id"},
		{"ranking value not a number", w.hostBig, "PUT", base + "/positions/" + big.ID + "/ranking", `{"entries": [{"application_id": "` + a.ID + `", "value": "high"}]}`, 400, "entries.value"},
		{"run with unknown algorithm", w.officer, "POST", base + "/runs", map[string]any{"algorithm": "serial-dictatorship"}, 422, "algorithm"},
		{"run with negative seed", w.officer, "POST", base + "/runs", map[string]any{"algorithm": "da", "seed": -1}, 422, "seed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := progFingerprint(t, ts.st)
			res := tc.as.json(tc.method, tc.path, tc.body)
			progMustStatus(t, res, tc.status, tc.name)
			var pd Problem
			if err := json.Unmarshal([]byte(res.Body), &pd); err != nil || res.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("not problem details: %s", res.Body)
			}
			found := false
			for _, f := range pd.Errors {
				found = found || (f.Field == tc.field && f.Message != "")
			}
			if !found {
				t.Fatalf("no message for %q: %+v", tc.field, pd.Errors)
			}
			if after := progFingerprint(t, ts.st); after != before {
				t.Fatalf("a refused call changed the data: %s -> %s", before, after)
			}
		})
	}
}

// progFingerprint counts the rows of the programme tables and the audit
// log, and reads the first programme's constraints and time of change.
func progFingerprint(t *testing.T, st *store.Store) string {
	t.Helper()
	var b strings.Builder
	for _, tb := range []string{"programmes", "programme_positions", "programme_applications", "programme_choices", "programme_rankings",
		"programme_runs", "programme_placements", "audit_log"} {
		fmt.Fprintf(&b, "%s=%d ", tb, progCount(t, st, tb))
	}
	var v string
	if err := st.DB().QueryRow(`SELECT constraints || updated_at FROM programmes ORDER BY id LIMIT 1`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return b.String() + v
}

var progMessageID = regexp.MustCompile(`\bprog\.[a-z_]+(\.[a-z_]+)*`)

// TestProgrammes_PagesSpeakEveryLanguage renders the public page in the
// six languages, with no message left untranslated.
func TestProgrammes_PagesSpeakEveryLanguage(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newProgWorld(t, ts)
	p, _, _ := w.programme(t)
	for _, l := range Languages {
		for _, path := range []string{"/programmes", "/programmes/" + p.ID, "/programmes/" + p.ID + "/apply", "/programmes/" + p.ID + "/runs",
			"/programmes/" + p.ID + "/constraints", "/programmes/new"} {
			c := w.officer
			if strings.HasSuffix(path, "/apply") {
				c = w.talents[0]
			}
			res := c.get(path + "?lang=" + l.Tag)
			progMustStatus(t, res, http.StatusOK, l.Tag+" "+path)
			if id := progMessageID.FindString(res.Body); id != "" {
				t.Errorf("%s %s shows the message id %s", l.Tag, path, id)
			}
		}
	}
}

// TestProgrammes_DataDownloadHoldsTheApplications proves that a member's
// data download holds their applications.
func TestProgrammes_DataDownloadHoldsTheApplications(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newProgWorld(t, ts)
	p, big, _ := w.programme(t)
	progMustStatus(t, w.talents[0].form("POST", "/programmes/"+p.ID+"/apply", url.Values{"choices": {big.ID}, "statement": {"My own words."}}),
		http.StatusSeeOther, "apply")
	res := w.talents[0].get("/api/v1/me/export")
	progMustStatus(t, res, http.StatusOK, "export")
	progMustContain(t, res.Body, "data download", `"programme_applications"`, p.Title, "My own words.")
	progMustContain(t, w.talents[1].get("/api/v1/me/export").Body, "another member's download", `"programme_applications":[]`)
}

// runWaitLimit bounds the wait for a background run. It is generous: on a
// loaded two-core machine a run that takes a second alone can take far
// longer, and a wait that gives up early fails a correct run.
const runWaitLimit = 2 * time.Minute

// awaitRun polls the run at path until it has ended (done or failed) and
// returns it; it fails the test only when the run is still going after
// runWaitLimit.
func awaitRun(t *testing.T, c *client, path string, run programme.Run) programme.Run {
	t.Helper()
	deadline := time.Now().Add(runWaitLimit)
	for run.Status != programme.RunDone && run.Status != programme.RunFailed {
		if time.Now().After(deadline) {
			t.Fatalf("run still %s after %s: %+v", run.Status, runWaitLimit, run)
		}
		time.Sleep(50 * time.Millisecond)
		res := c.json("GET", path, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d: %s", path, res.StatusCode, res.Body)
		}
		if err := json.Unmarshal([]byte(res.Body), &run); err != nil {
			t.Fatal(err)
		}
	}
	return run
}
