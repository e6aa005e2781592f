package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/jobs"
	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// TestReadyz_ReadyOnlyWhileTheJobWorkersRun: a migrated instance without
// running job workers is not ready; once they run it is; once they stop
// it is not again. /healthz says alive throughout.
func TestReadyz_ReadyOnlyWhileTheJobWorkersRun(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t, store.SQLite)
	if err := jobs.Migrate(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	jc, err := jobs.New(ctx, st, nil, jobs.Config{TestOnly: true, FetchPollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Jobs: jc})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	probe := func(path string) int {
		t.Helper()
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := probe("/readyz"); got != http.StatusServiceUnavailable {
		t.Fatalf("/readyz before the workers start: %d, want 503", got)
	}
	if err := jc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if got := probe("/readyz"); got != http.StatusOK {
		t.Fatalf("/readyz while the workers run: %d, want 200", got)
	}
	stop, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := jc.Close(stop); err != nil {
		t.Fatal(err)
	}
	if got := probe("/readyz"); got != http.StatusServiceUnavailable {
		t.Fatalf("/readyz after the workers stopped: %d, want 503", got)
	}
	if got := probe("/healthz"); got != http.StatusOK {
		t.Fatalf("/healthz: %d, want 200", got)
	}

	// A store that has not been migrated is not ready either.
	raw, err := store.Open(ctx, st.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	srv2, err := New(raw, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Jobs: jc})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv2.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "migrations") {
		t.Fatalf("/readyz before migrations: %d %s", rec.Code, rec.Body)
	}
}

// waitRun polls the store until the run has finished, or fails the test
// after a generous bound (no fixed sleeps: it returns as soon as it ends).
func waitRun(t *testing.T, st *store.Store, programmeID, runID string) *programme.Run {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		run, err := st.Run(context.Background(), programmeID, runID)
		if err != nil {
			t.Fatal(err)
		}
		if run.Finished() {
			return run
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s did not finish: %+v", runID, run)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestProgrammeRuns_AFailedRunCanBeRunAgainFromItsPage: the page of a
// failed run shows its error and a retry button; pressing it queues the
// run again and the job brings it to done. A finished run cannot be
// retried.
func TestProgrammeRuns_AFailedRunCanBeRunAgainFromItsPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		w := newProgWorld(t, ts)
		p, _, _ := w.programme(t)
		ctx := context.Background()
		run, err := ts.st.CreateRun(ctx, store.Actor{UserID: w.officerUser.ID}, p.ID, programme.RunParams{Algorithm: "fda"})
		if err != nil {
			t.Fatal(err)
		}
		if err := ts.st.FailRun(ctx, run.ID, "connection reset by peer"); err != nil {
			t.Fatal(err)
		}
		page := w.officer.get("/programmes/" + p.ID + "/runs/" + run.ID)
		progMustStatus(t, page, http.StatusOK, "failed run page")
		progMustContain(t, page.Body, "failed run page", "connection reset by peer", `action="/programmes/`+p.ID+`/runs/`+run.ID+`/retry"`, "Run it again")

		res := w.officer.form("POST", "/programmes/"+p.ID+"/runs/"+run.ID+"/retry", nil)
		progMustStatus(t, res, http.StatusSeeOther, "retry")
		done := waitRun(t, ts.st, p.ID, run.ID)
		if done.Status != programme.RunDone || done.Error != "" || done.Balance == nil {
			t.Fatalf("the retried run did not end done: %+v", done)
		}
		progMustStatus(t, w.officer.form("POST", "/programmes/"+p.ID+"/runs/"+run.ID+"/retry", nil), http.StatusConflict, "retry a done run")
		if again, err := ts.st.Run(ctx, p.ID, run.ID); err != nil || again.Status != programme.RunDone {
			t.Fatalf("refusing a retry changed the run: %+v %v", again, err)
		}
	})
}

// TestAdminJobs_ListsTheQueuesJobsToAdminsOnly: after a run, the admin
// page shows its job with kind, state and attempts; members are refused.
func TestAdminJobs_ListsTheQueuesJobsToAdminsOnly(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	w := newProgWorld(t, ts)
	p, _, _ := w.programme(t)
	run, err := ts.srv.startProgrammeRunFor(context.Background(), store.Actor{UserID: w.officerUser.ID}, p, programme.RunParams{Algorithm: "da"})
	if err != nil {
		t.Fatal(err)
	}
	waitRun(t, ts.st, p.ID, run.ID)
	admin, _ := ts.user(t, "ops@example.org", account.Admin)
	var res response
	// River marks the job completed just after the run's own write.
	for deadline := time.Now().Add(10 * time.Second); ; {
		res = admin.get("/admin/jobs")
		progMustStatus(t, res, http.StatusOK, "admin jobs")
		if strings.Contains(res.Body, `data-kind="programme_run" data-state="completed"`) || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	progMustContain(t, res.Body, "admin jobs", "Background jobs", `data-kind="programme_run" data-state="completed"`, "1 / 5", "this instance works jobs")
	progMustStatus(t, w.talents[0].get("/admin/jobs"), http.StatusForbidden, "a member on the jobs page")
	res = ts.client(t).get("/admin/jobs")
	if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a visitor on the jobs page: status %d", res.StatusCode)
	}
}

// TestServerClose_WaitsForTheRecommenderBuild: the partner graph is built
// in the instance's memory, outside the request that asked for it; Close
// ends that build and waits for it, so nothing of the server still reads
// the store once Close has returned.
func TestServerClose_WaitsForTheRecommenderBuild(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the request gives up at once; the build goes on without it
	if _, _, err := ts.srv.recommender(ctx); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	c := ts.srv.recommenderCache()
	c.mu.Lock()
	building := c.building
	c.mu.Unlock()
	if !building {
		select {
		case <-c.ready:
		default:
			t.Fatal("no build was started")
		}
	}
	stop, cancelStop := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelStop()
	if err := ts.srv.Close(stop); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.building {
		t.Fatal("Close returned while the recommender was still being built")
	}
}
