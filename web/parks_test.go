package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/achievement"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/park"
	"github.com/silkbridge/silkbridge/store"
)

// parkWorld is a park managed by a signed-in manager, with an institute
// abroad that owns an achievement and an enterprise that may receive it.
type parkWorld struct {
	park, institute, enterprise *organisation.Organisation
	manager                     *client
	ach                         *achievement.Achievement
}

func newParkWorld(t *testing.T, ts *testServer) *parkWorld {
	t.Helper()
	ctx := context.Background()
	w := &parkWorld{}
	var mu *account.User
	w.manager, mu = ts.user(t, "operator@khorgos.example.kz", account.Member)
	w.park = &organisation.Organisation{Name: "Khorgos Innovation Park", Kind: organisation.Park, Country: "KZ"}
	if err := ts.st.CreateOrganisation(ctx, store.Actor{UserID: mu.ID}, w.park); err != nil {
		t.Fatal(err)
	}
	w.institute = &organisation.Organisation{Name: "Xi'an Materials Institute", Kind: organisation.ResearchInstitute, Country: "CN", Fields: []string{"2.5"}}
	w.enterprise = &organisation.Organisation{Name: "Almaty Glass LLP", Kind: organisation.Enterprise, Country: "KZ"}
	for _, o := range []*organisation.Organisation{w.institute, w.enterprise} {
		if err := ts.st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
			t.Fatal(err)
		}
	}
	w.ach = &achievement.Achievement{OwnerID: w.institute.ID, Title: "Low-iron solar glass", Kind: "patent", TRL: 7, IPStatus: "granted",
		Fields: []string{"2.5"}, Keywords: []string{"solar glass", "coating"}}
	if err := ts.st.CreateAchievement(ctx, store.Actor{}, w.ach); err != nil {
		t.Fatal(err)
	}
	return w
}

var chartJSON = regexp.MustCompile(`(?s)<script type="application/json" id="chart-influence">(.*?)</script>`)

// chartColumns reads the series of the page's chart by their ids (the CSV
// columns they stand for).
func chartColumns(t *testing.T, page string) map[string][]int {
	t.Helper()
	m := chartJSON.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no influence chart on the page")
	}
	var opt struct {
		XAxis  struct{ Data []string } `json:"xAxis"`
		Series []struct {
			ID   string `json:"id"`
			Data []int  `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal([]byte(m[1]), &opt); err != nil {
		t.Fatalf("chart option: %v", err)
	}
	out := map[string][]int{}
	for _, s := range opt.Series {
		out[s.ID] = s.Data
	}
	dates := make([]int, len(opt.XAxis.Data))
	for i, d := range opt.XAxis.Data {
		n, err := strconv.Atoi(strings.ReplaceAll(d, "-", ""))
		if err != nil {
			t.Fatal(err)
		}
		dates[i] = n
	}
	out["date"] = dates
	return out
}

// csvColumns reads the CSV download into columns by header.
func csvColumns(t *testing.T, body string) map[string][]int {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("csv: %v, %d rows", err, len(rows))
	}
	out := map[string][]int{}
	for _, row := range rows[1:] {
		for i, h := range rows[0] {
			n, err := strconv.Atoi(strings.ReplaceAll(row[i], "-", ""))
			if err != nil {
				t.Fatalf("csv cell %s=%q: %v", h, row[i], err)
			}
			out[h] = append(out[h], n)
		}
	}
	return out
}

func lastOf(cols map[string][]int, name string) int { c := cols[name]; return c[len(c)-1] }

func TestParkInfluence_AMemberAndATransferMoveTheFiguresAndTheCSVMatchesTheChart(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		w := newParkWorld(t, ts)
		visitor := ts.client(t)
		before := csvColumns(t, visitor.get("/parks/"+w.park.ID+"/influence.csv").Body)

		day := time.Now().UTC().AddDate(0, 0, -2).Format(park.DateLayout)
		res := w.manager.form("POST", "/parks/"+w.park.ID+"/members", url.Values{"organisation_id": {w.institute.ID}, "joined_on": {day}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add member: %d %s", res.StatusCode, res.Body)
		}
		tr := &achievement.Transfer{AchievementID: w.ach.ID, ReceiverID: w.enterprise.ID, StartedOn: day, Stage: achievement.StageLicenceSigned}
		if err := ts.st.CreateTransfer(context.Background(), store.Actor{}, tr); err != nil {
			t.Fatal(err)
		}

		page := visitor.get("/parks/" + w.park.ID)
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Xi&#39;an Materials Institute") {
			t.Fatalf("park page: %d, member not listed", page.StatusCode)
		}
		after := csvColumns(t, visitor.get("/parks/"+w.park.ID+"/influence.csv").Body)
		if lastOf(after, "countries_engaged") != lastOf(before, "countries_engaged")+1 {
			t.Errorf("countries engaged %d -> %d, want one more (CN)", lastOf(before, "countries_engaged"), lastOf(after, "countries_engaged"))
		}
		if lastOf(after, "transfers_completed") != lastOf(before, "transfers_completed")+1 {
			t.Errorf("transfers %d -> %d, want one more", lastOf(before, "transfers_completed"), lastOf(after, "transfers_completed"))
		}
		if lastOf(after, "influence") != lastOf(before, "influence")+1+park.TransferWeight {
			t.Errorf("influence %d -> %d", lastOf(before, "influence"), lastOf(after, "influence"))
		}
		chart := chartColumns(t, page.Body)
		for _, h := range park.CSVHeader() {
			got, want := chart[h], after[h]
			if len(got) != len(want) {
				t.Fatalf("chart %s has %d points, CSV %d", h, len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("%s[%d]: chart %d, CSV %d", h, i, got[i], want[i])
				}
			}
		}

		var api parkInfluence
		if res := visitor.get("/api/v1/parks/" + w.park.ID + "/influence"); res.StatusCode != http.StatusOK || json.Unmarshal([]byte(res.Body), &api) != nil {
			t.Fatalf("api influence: %d", res.StatusCode)
		}
		if n := api.Series[len(api.Series)-1].Influence; n != lastOf(after, "influence") {
			t.Errorf("api influence %d, CSV %d", n, lastOf(after, "influence"))
		}
	})
}

func TestParkMembers_BadInputIsRefusedByFieldWithNoChange(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		w := newParkWorld(t, ts)
		cases := []struct {
			name  string
			path  string
			form  url.Values
			field string
		}{
			{"no organisation", "/members", url.Values{"joined_on": {"2024-01-01"}}, "organisation_id"},
			{"unknown organisation", "/members", url.Values{"organisation_id": {"nope"}, "joined_on": {"2024-01-01"}}, "organisation_id"},
			{"bad date", "/members", url.Values{"organisation_id": {w.institute.ID}, "joined_on": {"01/02/2024"}}, "joined_on"},
			{"future date", "/members", url.Values{"organisation_id": {w.institute.ID}, "joined_on": {"2999-01-01"}}, "joined_on"},
			{"partner at home", "/partners", url.Values{"organisation_id": {w.enterprise.ID}, "since_on": {"2024-01-01"}}, "organisation_id"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res := w.manager.form("POST", "/parks/"+w.park.ID+c.path, c.form)
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="`+c.field+`-error"`) {
					t.Fatalf("status %d, want 422 with an error on %s", res.StatusCode, c.field)
				}
			})
		}
		res := w.manager.json("POST", "/api/v1/parks/"+w.park.ID+"/members", map[string]any{"organisation_id": w.institute.ID, "joined_on": "yesterday"})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"joined_on"`) {
			t.Fatalf("api: %d %s", res.StatusCode, res.Body)
		}
		ms, err := ts.st.ParkMembers(context.Background(), w.park.ID)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := ts.st.ParkPartners(context.Background(), w.park.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 0 || len(ps) != 0 {
			t.Fatalf("refused input changed the park: %d members, %d partners", len(ms), len(ps))
		}
		if res := ts.client(t).get("/parks/" + w.institute.ID); res.StatusCode != http.StatusNotFound {
			t.Fatalf("an institute shown as a park: %d", res.StatusCode)
		}
	})
}
