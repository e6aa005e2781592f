package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/lesson"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// russianLesson is the form of a lesson written in Russian.
func russianLesson() url.Values {
	return url.Values{
		"title":      {"Солнечные панели без защиты от пыли"},
		"fields":     {"2.7"},
		"technology": {"Солнечные фотоэлектрические панели"},
		"tried":      {"Мы поставили стандартные солнечные панели на станции в пустыне."},
		"went_wrong": {"Пыльные бури за месяц снизили выработку на треть, очистка водой оказалась слишком дорогой."},
		"instead":    {"Ставьте панели с антипылевым покрытием и роботами сухой очистки, планируйте угол наклона под ветер."},
		"cost_days":  {"120"}, "cost_money": {"45 000"}, "cost_currency": {"USD"},
		"country": {"UZ"}, "language": {"ru"},
	}
}

// lessonsFound returns the titles of the lessons the API finds for query.
func lessonsFound(t *testing.T, c *client, query string) []string {
	t.Helper()
	res := c.get("/api/v1/lessons?" + query)
	if res.StatusCode != 200 {
		t.Fatalf("search %s: %d %s", query, res.StatusCode, res.Body)
	}
	var list List[lesson.Lesson]
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, l := range list.Items {
		titles = append(titles, l.Title)
	}
	return titles
}

// TestLessons_RussianLessonIsFoundInRussianAndShownForACooperationOfItsField
// is the knowledge base's end-to-end path: a lesson written in Russian on
// the form is found with another form of a Russian word, and it shows on
// the cooperation page of the same field ("others took these detours"),
// and not on the page of a cooperation in another field.
func TestLessons_RussianLessonIsFoundInRussianAndShownForACooperationOfItsField(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		author, _ := ts.user(t, "olga@example.org", account.Member)
		author.get("/lang/ru")
		res := author.form("POST", "/lessons", russianLesson())
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("recording the lesson: %d %s", res.StatusCode, res.Body)
		}
		title := russianLesson().Get("title")
		visitor := ts.client(t)
		for _, q := range []string{"солнечных", "пыльная буря", "панелями"} {
			if got := lessonsFound(t, visitor, "q="+url.QueryEscape(q)); !slices.Contains(got, title) {
				t.Errorf("search %q found %v", q, got)
			}
		}
		if got := lessonsFound(t, visitor, "q="+url.QueryEscape("ветряные турбины")); len(got) != 0 {
			t.Errorf("an unrelated Russian search found %v", got)
		}
		page := visitor.get("/lessons?q=" + url.QueryEscape("солнечной"))
		if !strings.Contains(page.Body, title) {
			t.Error("the lessons page does not show the lesson for a Russian search")
		}

		a := &organisation.Organisation{Name: "Tashkent Solar Institute", Kind: organisation.ResearchInstitute, Country: "UZ"}
		b := &organisation.Organisation{Name: "Xinjiang PV Lab", Kind: organisation.ResearchInstitute, Country: "CN"}
		for _, o := range []*organisation.Organisation{a, b} {
			if err := ts.st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
				t.Fatal(err)
			}
		}
		coop := func(title string, fields ...string) *cooperation.Cooperation {
			c := &cooperation.Cooperation{Title: title, Stage: cooperation.JointResearch, Fields: fields, StartDate: "2030-01-01",
				Source:   cooperation.Source{Kind: cooperation.SourceManual},
				Partners: []cooperation.Partner{{OrgID: a.ID, Role: cooperation.RoleCoordinator}, {OrgID: b.ID, Role: cooperation.RoleParticipant}}}
			if err := ts.st.CreateCooperation(ctx, store.Actor{}, c); err != nil {
				t.Fatal(err)
			}
			stored, err := ts.st.Cooperation(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			return stored
		}
		for _, tc := range []struct {
			coop  *cooperation.Cooperation
			shown bool
		}{
			{coop("Desert PV reliability", "2.7"), true},
			{coop("Engineering at large", "2"), true},
			{coop("Clinical trials", "3.2"), false},
		} {
			d := ts.srv.detoursFor(ctx, tc.coop.Fields, 5)
			found := false
			for _, l := range d.Lessons {
				found = found || l.Title == title
			}
			if found != tc.shown {
				t.Errorf("cooperation %q (fields %v): lesson among its detours %v, want %v", tc.coop.Title, tc.coop.Fields, found, tc.shown)
			}
			onPage := strings.Contains(visitor.get("/cooperations/"+tc.coop.ID).Body, title)
			if onPage != tc.shown {
				t.Errorf("cooperation page %q shows the lesson: %v, want %v", tc.coop.Title, onPage, tc.shown)
			}
		}
	})
}

// TestLessons_FoundInEachUNLanguageByAWordOfItsScript searches lessons
// written in the six UN languages with words of each, in other forms.
func TestLessons_FoundInEachUNLanguageByAWordOfItsScript(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		_, u := ts.user(t, "writer@example.org", account.Member)
		lessons := []struct{ lang, title, text, query string }{
			{"en", "Irrigation pumps oversized", "We bought pumps sized for the dry season peak.", "pump"},
			{"zh", "光伏电站选址失误", "我们在沙尘暴频发地区建设了光伏电站，发电量大幅下降。", "光伏"},
			{"ru", "Теплицы без вентиляции", "Теплицы перегревались летом, урожай погиб.", "теплица"},
			{"ar", "أخطاء في نظام الري", "استخدمنا نظام الري بالتنقيط دون ترشيح المياه فانسدت الأنابيب.", "الأنابيب"},
			{"fr", "Séchoirs solaires inadaptés", "Les séchoirs importés ont rouillé pendant la saison des pluies.", "sechoir"},
			{"es", "Baterías sin refrigeración", "Las baterías se degradaron por el calor del desierto.", "batería"},
		}
		for _, l := range lessons {
			x := &lesson.Lesson{Title: l.title, Fields: []string{"2.7"}, Technology: l.title, Tried: l.text, WentWrong: l.text,
				Instead: l.text, CostDays: 30, Country: "KZ", Language: l.lang}
			if err := ts.st.CreateLesson(ctx, store.Actor{UserID: u.ID}, x); err != nil {
				t.Fatal(err)
			}
		}
		c := ts.client(t)
		for _, l := range lessons {
			got := lessonsFound(t, c, "q="+url.QueryEscape(l.query))
			if len(got) != 1 || got[0] != l.title {
				t.Errorf("%s: %q found %v, want only %q", l.lang, l.query, got, l.title)
			}
		}
	})
}

func TestLessons_FilterByFieldAndCountry(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		_, u := ts.user(t, "writer@example.org", account.Member)
		for _, l := range []struct{ title, field, country string }{
			{"A", "2.7", "KZ"}, {"B", "2.7", "PK"}, {"C", "4.1", "KZ"}, {"D", "2", "KZ"},
		} {
			x := &lesson.Lesson{Title: l.title, Fields: []string{l.field}, Technology: "t", Tried: "a", WentWrong: "b", Instead: "c",
				CostMoney: 10, CostCurrency: "EUR", Country: l.country}
			if err := ts.st.CreateLesson(ctx, store.Actor{UserID: u.ID}, x); err != nil {
				t.Fatal(err)
			}
		}
		c := ts.client(t)
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"field=2.7", []string{"A", "B"}},
			{"field=2", []string{"A", "B", "D"}},
			{"country=KZ", []string{"A", "C", "D"}},
			{"field=2.7&country=kz", []string{"A"}},
			{"field=1.1", nil},
		} {
			got := lessonsFound(t, c, tc.query)
			if strings.Join(slices.Sorted(slices.Values(got)), ",") != strings.Join(tc.want, ",") {
				t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
			}
		}
	})
}

func TestLessons_MarkedHelpfulOncePerUserAndNotByTheAuthor(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		author, authorU := ts.user(t, "author@example.org", account.Member)
		reader, _ := ts.user(t, "reader@example.org", account.Member)
		other, _ := ts.user(t, "other@example.org", account.Member)
		l := &lesson.Lesson{Title: "Fans", Fields: []string{"2.7"}, Technology: "t", Tried: "a", WentWrong: "b", Instead: "c", CostDays: 2, Country: "KZ"}
		if err := ts.st.CreateLesson(context.Background(), store.Actor{UserID: authorU.ID}, l); err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/lessons/" + l.ID + "/helpful"
		steps := []struct {
			who    string
			c      *client
			method string
			status int
			count  int
		}{
			{"reader marks", reader, "PUT", 200, 1},
			{"reader marks again", reader, "PUT", 409, 1},
			{"author marks own", author, "PUT", 409, 1},
			{"another reader marks", other, "PUT", 200, 2},
			{"visitor marks", ts.client(t), "PUT", 401, 2},
			{"reader takes back", reader, "DELETE", 204, 1},
			{"reader takes back again", reader, "DELETE", 404, 1},
			{"reader marks once more", reader, "PUT", 200, 2},
		}
		for _, s := range steps {
			if res := s.c.json(s.method, path, nil); res.StatusCode != s.status {
				t.Fatalf("%s: status %d, want %d: %s", s.who, res.StatusCode, s.status, res.Body)
			}
			got, err := ts.st.Lesson(context.Background(), l.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Helpful != s.count {
				t.Fatalf("%s: helpful %d, want %d", s.who, got.Helpful, s.count)
			}
		}
		page := reader.get("/lessons/" + l.ID)
		if !strings.Contains(page.Body, "/lessons/"+l.ID+"/helpful/delete") {
			t.Error("the page does not let the reader take back the mark")
		}
		if page := author.get("/lessons/" + l.ID); strings.Contains(page.Body, `id="helpful-form"`) {
			t.Error("the author is offered to mark their own lesson")
		}
	})
}

func TestLessons_OnlyTheAuthorChangesALesson(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		author, authorU := ts.user(t, "author@example.org", account.Member)
		stranger, _ := ts.user(t, "stranger@example.org", account.Member)
		admin, _ := ts.user(t, "admin@example.org", account.Admin)
		l := &lesson.Lesson{Title: "Fans", Fields: []string{"2.7"}, Technology: "t", Tried: "a", WentWrong: "b", Instead: "c", CostDays: 2, Country: "KZ"}
		if err := ts.st.CreateLesson(context.Background(), store.Actor{UserID: authorU.ID}, l); err != nil {
			t.Fatal(err)
		}
		body := map[string]any{"title": "Fans, revised", "fields": []string{"2.7"}, "technology": "t", "tried": "a", "went_wrong": "b",
			"instead": "c", "cost_days": 3, "country": "KZ"}
		if res := stranger.json("PUT", "/api/v1/lessons/"+l.ID, body); res.StatusCode != 403 {
			t.Fatalf("stranger: %d", res.StatusCode)
		}
		if res := stranger.get("/lessons/" + l.ID + "/edit"); res.StatusCode != 403 {
			t.Fatalf("stranger's edit page: %d", res.StatusCode)
		}
		if res := author.json("PUT", "/api/v1/lessons/"+l.ID, body); res.StatusCode != 200 {
			t.Fatalf("author: %d %s", res.StatusCode, res.Body)
		}
		if res := admin.json("DELETE", "/api/v1/lessons/"+l.ID, nil); res.StatusCode != 204 {
			t.Fatalf("admin: %d", res.StatusCode)
		}
		if _, err := ts.st.Lesson(context.Background(), l.ID); silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND {
			t.Fatalf("after delete: %v", err)
		}
		if got := lessonsFound(t, stranger, "q=fans"); len(got) != 0 {
			t.Errorf("a deleted lesson is still found: %v", got)
		}
	})
}

func TestLessons_AuthorsWhoLeaveKeepTheirLessonsAnonymousOrRemoveThem(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		for _, anonymise := range []bool{true, false} {
			_, u := ts.user(t, map[bool]string{true: "keeps@example.org", false: "removes@example.org"}[anonymise], account.Member)
			l := &lesson.Lesson{Title: "Kept or removed", Fields: []string{"2.7"}, Technology: "t", Tried: "a", WentWrong: "b", Instead: "c",
				CostDays: 1, Country: "KZ"}
			if err := ts.st.CreateLesson(ctx, store.Actor{UserID: u.ID}, l); err != nil {
				t.Fatal(err)
			}
			if err := ts.st.DeleteUser(ctx, store.Actor{UserID: u.ID}, u.ID, anonymise); err != nil {
				t.Fatal(err)
			}
			got, err := ts.st.Lesson(ctx, l.ID)
			switch {
			case anonymise && (err != nil || got.AuthorName != "" || got.AuthorID != ""):
				t.Errorf("anonymised lesson: %+v, %v", got, err)
			case !anonymise && silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND:
				t.Errorf("removed lesson: %v", err)
			}
		}
	})
}

func TestLessons_PersonalDataDownloadHoldsLessonsAndEvents(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	c, u := ts.user(t, "me@example.org", account.Member)
	l := &lesson.Lesson{Title: "Mine", Fields: []string{"2.7"}, Technology: "t", Tried: "a", WentWrong: "b", Instead: "c", CostDays: 1, Country: "KZ"}
	if err := ts.st.CreateLesson(context.Background(), store.Actor{UserID: u.ID}, l); err != nil {
		t.Fatal(err)
	}
	res := c.get("/api/v1/me/export")
	if res.StatusCode != 200 {
		t.Fatalf("export: %d", res.StatusCode)
	}
	var d map[string]json.RawMessage
	if err := json.Unmarshal([]byte(res.Body), &d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(d["lessons"]), `"Mine"`) || d["events"] == nil {
		t.Fatalf("the download lacks lessons or events: %s", res.Body)
	}
}
