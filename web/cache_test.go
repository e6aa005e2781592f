package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/lesson"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// twoInstances starts two servers, each with its own store, on one
// database: two app instances behind a load balancer.
func twoInstances(t *testing.T, e store.Engine) (a, b *testServer) {
	t.Helper()
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "silkbridge.db")
	if e == store.Postgres {
		dsn = storetest.NewPostgresDSN(t)
	}
	var out [2]*testServer
	for i := range out {
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if err := st.Migrate(ctx, nil); err != nil {
			t.Fatal(err)
		}
		srv, err := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{MaxBodyBytes: 64 << 10})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv)
		t.Cleanup(hs.Close)
		out[i] = &testServer{Server: hs, st: st, srv: srv}
	}
	return out[0], out[1]
}

// seen is what one instance shows of the record.
type seen struct {
	Home          int // organisations counted on the home page
	Organisations int // total of the organisation list
	Cooperations  int
	Lessons       int
	DepthTotal    int    // cooperations on the depth ladder
	SearchHit     bool   // the new organisation found by a word of its name
	PageListed    bool   // the new cooperation on the cooperation list page a visitor sees
	Recommended   string // ids recommended for the first organisation
}

func look(t *testing.T, ts *testServer, word, seedID string) seen {
	t.Helper()
	var s seen
	ov, err := ts.st.Overview(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.Home = ov.Organisations
	total := func(path string) int {
		var l struct {
			Total int `json:"total"`
		}
		getJSONInto(t, ts.URL+path, &l)
		return l.Total
	}
	s.Organisations = total("/api/v1/organisations?per_page=1")
	s.Cooperations = total("/api/v1/cooperations?per_page=1")
	s.Lessons = total("/api/v1/lessons?per_page=1")
	s.SearchHit = total("/api/v1/organisations?q="+word) == 1
	res, err := http.Get(ts.URL + "/cooperations")
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	s.PageListed = strings.Contains(string(page), "Steppe solar")
	var rep struct{ Counts []int }
	getJSONInto(t, ts.URL+"/api/v1/analytics/depth", &rep)
	for _, n := range rep.Counts {
		s.DepthTotal += n
	}
	if seedID != "" {
		var recs struct {
			Items []struct {
				Organisation struct {
					ID string `json:"id"`
				} `json:"organisation"`
			} `json:"items"`
		}
		getJSONInto(t, ts.URL+"/api/v1/recommendations/organisations/"+seedID, &recs)
		var ids []string
		for _, it := range recs.Items {
			ids = append(ids, it.Organisation.ID)
		}
		s.Recommended = strings.Join(ids, ",")
	}
	return s
}

func getJSONInto(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// TestCaches_NewRecordsShowOnEveryInstanceWithinTheCheckDelay: counts,
// lists, search, depth analytics and recommendations are kept in memory;
// a new organisation, cooperation or lesson written through one instance
// shows there at once and on another instance sharing the database within
// store.VersionCheckEvery (recommendations: within graphCheckEvery and the
// graph's rebuild).
func TestCaches_NewRecordsShowOnEveryInstanceWithinTheCheckDelay(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			a, b := twoInstances(t, e)
			org := func(name, country string) *organisation.Organisation {
				o := &organisation.Organisation{Name: name, Kind: organisation.University, Country: country}
				if err := a.st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
					t.Fatal(err)
				}
				return o
			}
			coop := func(title string, p, q *organisation.Organisation) {
				c := &cooperation.Cooperation{Title: title, StartDate: "2023-01-15", Fields: []string{"1.5"},
					Partners: []cooperation.Partner{{OrgID: p.ID, Role: cooperation.RoleCoordinator}, {OrgID: q.ID, Role: cooperation.RoleParticipant}}}
				if err := a.st.CreateCooperation(ctx, store.Actor{}, c); err != nil {
					t.Fatal(err)
				}
			}
			kz, cn, de := org("Almaty Steppe University", "KZ"), org("Lanzhou Desert Institute", "CN"), org("Potsdam Climate University", "DE")
			coop("Dust monitoring", kz, cn)
			coop("Desert greening", cn, de)

			// Both instances keep what they have seen.
			before := look(t, a, "zhetisu", kz.ID)
			if got := look(t, b, "zhetisu", kz.ID); got != before {
				t.Fatalf("the instances disagree before any change: %+v and %+v", before, got)
			}
			if before.SearchHit {
				t.Fatal("found an organisation not yet created")
			}

			fresh := org("Zhetisu Polytechnic", "KZ")
			coop("Steppe solar", fresh, kz)
			u, err := a.st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: "writer@example.kz", Name: "Writer", Password: "amber-lantern-42"}, account.Member)
			if err != nil {
				t.Fatal(err)
			}
			les := &lesson.Lesson{Title: "Dust on panels", Fields: []string{"2.7"}, Technology: "PV", Tried: "a", WentWrong: "b", Instead: "c", CostDays: 3, Country: "KZ"}
			if err := a.st.CreateLesson(ctx, store.Actor{UserID: u.ID}, les); err != nil {
				t.Fatal(err)
			}
			want := seen{Home: before.Home + 1, Organisations: before.Organisations + 1, Cooperations: before.Cooperations + 1,
				Lessons: before.Lessons + 1, DepthTotal: before.DepthTotal + 1, SearchHit: true, PageListed: true}

			// The writing instance sees its own writes at once.
			if got := look(t, a, "zhetisu", ""); got != want {
				t.Errorf("the writing instance shows %+v right after the writes, want %+v", got, want)
			}
			// The other within the check delay.
			var got seen
			for deadline := time.Now().Add(2*store.VersionCheckEvery + time.Second); ; {
				if got = look(t, b, "zhetisu", ""); got == want || time.Now().After(deadline) {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if got != want {
				t.Errorf("the other instance shows %+v %s after the writes, want %+v", got, 2*store.VersionCheckEvery+time.Second, want)
			}

			// kz now cooperates with fresh; the graph is rebuilt in the
			// background once the fingerprint has moved.
			for _, ts := range []*testServer{a, b} {
				var recs string
				for deadline := time.Now().Add(graphCheckEvery + 20*time.Second); ; {
					recs = look(t, ts, "zhetisu", cn.ID).Recommended
					if strings.Contains(recs, fresh.ID) || time.Now().After(deadline) {
						break
					}
					time.Sleep(200 * time.Millisecond)
				}
				if !strings.Contains(recs, fresh.ID) {
					t.Errorf("recommendations for %s are %q, without the new partner of its partner %s", cn.Name, recs, fresh.ID)
				}
			}
		})
	}
}

// TestRender_EveryRequestInItsOwnLanguage: pages share one template per
// language; requests in different languages at the same time each get
// their own.
func TestRender_EveryRequestInItsOwnLanguage(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	langs := []string{"en", "zh", "ru", "ar", "fr", "es"}
	var wg sync.WaitGroup
	errs := make(chan error, len(langs)*20)
	for _, l := range langs {
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("GET", ts.URL+"/organisations", nil)
				req.Header.Set("Accept-Language", l)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err
					return
				}
				defer res.Body.Close()
				b, err := io.ReadAll(res.Body)
				if err != nil {
					errs <- err
					return
				}
				if got := res.Header.Get("Content-Language"); got != l || !strings.Contains(string(b), fmt.Sprintf(`lang="%s"`, l)) {
					errs <- fmt.Errorf("asked for %s, got Content-Language %q", l, got)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
