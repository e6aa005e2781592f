package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/jobs"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
	"github.com/silkbridge/silkbridge/talent"
	"github.com/silkbridge/silkbridge/web"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// testConfig is River set to pick jobs up at once and to take a job as
// abandoned after a few seconds, so that a rescue is seen within a test.
func testConfig(mw ...rivertype.Middleware) jobs.Config {
	return jobs.Config{TestOnly: true, FetchPollInterval: 20 * time.Millisecond,
		JobTimeout: 3 * time.Second, RescueStuckJobsAfter: 4 * time.Second, Middleware: mw}
}

// holdingConfig is the config of an instance whose held job must not time
// out while the test stops it.
func holdingConfig(mw ...rivertype.Middleware) jobs.Config {
	cfg := testConfig(mw...)
	cfg.JobTimeout, cfg.RescueStuckJobsAfter = time.Minute, time.Minute+time.Second
	return cfg
}

// instance is one app instance: its own store pool, job client and web server.
type instance struct {
	st   *store.Store
	jobs *jobs.Client
	http *httptest.Server
}

func startInstance(t *testing.T, st *store.Store, cfg jobs.Config) *instance {
	t.Helper()
	ctx := context.Background()
	jc, err := jobs.New(ctx, st, quiet, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(st, quiet, web.Config{Jobs: jc})
	if err != nil {
		t.Fatal(err)
	}
	if err := jc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	in := &instance{st: st, jobs: jc, http: httptest.NewServer(srv)}
	t.Cleanup(in.http.Close)
	return in
}

// stop stops the instance as serve does on SIGTERM.
func (in *instance) stop(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := in.jobs.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := in.st.Close(); err != nil {
		t.Fatal(err)
	}
}

// world is a programme with applicants, ready to run, and its officer.
type world struct {
	officer    *account.User
	prog       *programme.Programme
	applicants int
}

func newWorld(t testing.TB, st *store.Store) *world {
	t.Helper()
	ctx := context.Background()
	officer, err := st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: "officer@most.example", Name: "Officer", Password: "amber-lantern-42"}, account.Officer)
	if err != nil {
		t.Fatal(err)
	}
	actor := store.Actor{UserID: officer.ID}
	a := &cooperation.Agreement{Title: "Fellowships", Kind: cooperation.AgreementTalentTraining, SignedOn: "2024-01-01",
		Parties: []cooperation.Party{{Kind: cooperation.PartyCountry, Country: "CN"}, {Kind: cooperation.PartyCountry, Country: "KZ"}}}
	if err := st.CreateAgreement(ctx, actor, a); err != nil {
		t.Fatal(err)
	}
	p := &programme.Programme{AgreementID: a.ID, Title: "Silk Road fellowships", MaxChoices: 3,
		OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(time.Hour)}
	if err := st.CreateProgramme(ctx, actor, p); err != nil {
		t.Fatal(err)
	}
	var positions []string
	for i := range 4 {
		o := &organisation.Organisation{Name: fmt.Sprintf("Host %d", i), Kind: organisation.University, Country: "CN"}
		if err := st.CreateOrganisation(ctx, actor, o); err != nil {
			t.Fatal(err)
		}
		pos := &programme.Position{OrgID: o.ID, Title: "Fellow", Capacity: 1 + i}
		if err := st.AddPosition(ctx, actor, p.ID, pos); err != nil {
			t.Fatal(err)
		}
		positions = append(positions, pos.ID)
	}
	const talents = 30
	for i := range talents {
		tal := &talent.Profile{Name: fmt.Sprintf("Talent %d", i), Country: []string{"KZ", "UZ", "PK"}[i%3]}
		if err := st.CreateTalent(ctx, store.Actor{}, tal); err != nil {
			t.Fatal(err)
		}
		choices := []string{positions[i%4], positions[(i+1)%4], positions[(i+2)%4]}
		if _, _, err := st.SaveApplication(ctx, store.Actor{}, p.ID, tal.ID, programme.Application{Choices: choices, Statement: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	return &world{officer: officer, prog: p, applicants: talents}
}

// startRun signs the officer in on the instance and starts a run with the
// officer's form, as a browser does; it returns the run's id.
func (w *world) startRun(t *testing.T, in *instance) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) *http.Response {
		req, _ := http.NewRequest("POST", in.http.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST %s: status %d", path, res.StatusCode)
		}
		return res
	}
	post("/signin", url.Values{"email": {"officer@most.example"}, "password": {"amber-lantern-42"}})
	res := post("/programmes/"+w.prog.ID+"/runs", url.Values{"algorithm": {"da"}, "seed": {"7"}})
	return strings.TrimPrefix(res.Header.Get("Location"), "/programmes/"+w.prog.ID+"/runs/")
}

// waitFinished polls the run until it has finished (no fixed sleep).
func waitFinished(t *testing.T, st *store.Store, programmeID, runID string, within time.Duration) *programme.Run {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		run, err := st.Run(context.Background(), programmeID, runID)
		if err != nil {
			t.Fatal(err)
		}
		if run.Finished() {
			return run
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s did not finish within %s: %+v", runID, within, run)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// count counts rows of the store's tables.
func count(t *testing.T, st *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// mustBeWrittenOnce checks that the run is done with its whole result,
// written by exactly one attempt.
func mustBeWrittenOnce(t *testing.T, st *store.Store, w *world, run *programme.Run) {
	t.Helper()
	if run.Status != programme.RunDone || run.Balance == nil || run.Balance.Applicants != w.applicants || run.Error != "" {
		t.Fatalf("the run did not end done with its result: %+v", run)
	}
	if n := count(t, st, `SELECT COUNT(*) FROM programme_placements WHERE run_id = $1`, run.ID); n != w.applicants {
		t.Fatalf("%d placements written, want %d", n, w.applicants)
	}
	if n := count(t, st, `SELECT COUNT(*) FROM audit_log WHERE kind = 'programme_run' AND action = 'complete' AND ref = $1`, run.ID); n != 1 {
		t.Fatalf("the run's result was written %d times, want once", n)
	}
}

// holdRuns is a worker middleware that holds every matching run at its
// start until the job's context ends: the run stays "running" on this
// instance for as long as the test needs.
func holdRuns(picked chan<- int64, done *atomic.Bool) rivertype.Middleware {
	return river.WorkerMiddlewareFunc(func(ctx context.Context, job *rivertype.JobRow, inner func(context.Context) error) error {
		if job.Kind == (jobs.ProgrammeRunArgs{}).Kind() {
			select {
			case picked <- job.ID:
			default:
			}
			<-ctx.Done()
			err := inner(ctx) // a late attempt must not write what another wrote
			done.Store(err == nil)
			return errors.Join(ctx.Err(), err)
		}
		return inner(ctx)
	})
}

// TestProgrammeRun_FinishesOnAnotherInstanceWhenItsInstanceStops runs two
// app instances on one PostgreSQL database. A run started on A is taken
// by A's worker; A then stops, either gracefully (River cancels the job
// and records it for a retry) or as if killed (its pools closed under
// River, the job left "running" until B's rescuer takes it). Either way
// B finishes the run, and its result is written exactly once.
func TestProgrammeRun_FinishesOnAnotherInstanceWhenItsInstanceStops(t *testing.T) {
	for _, how := range []string{"graceful", "killed"} {
		t.Run(how, func(t *testing.T) {
			ctx := context.Background()
			stA := storetest.New(t, store.Postgres)
			if err := jobs.Migrate(ctx, stA, nil); err != nil {
				t.Fatal(err)
			}
			w := newWorld(t, stA)
			picked := make(chan int64, 1)
			var lateWrite atomic.Bool
			a := startInstance(t, stA, holdingConfig(holdRuns(picked, &lateWrite)))

			runID := w.startRun(t, a)
			var jobID int64
			select {
			case jobID = <-picked:
			case <-time.After(30 * time.Second):
				t.Fatal("instance A did not take the run's job")
			}
			stB, err := store.Open(ctx, stA.DSN())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { stB.Close() })
			b := startInstance(t, stB, testConfig())
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if err := b.jobs.Close(ctx); err != nil {
					t.Error(err)
				}
			})

			if how == "graceful" {
				a.stop(t)
			} else {
				cleanup := a.jobs.Crash()
				if err := stA.DB().Close(); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(cleanup)
			}
			run := waitFinished(t, stB, w.prog.ID, runID, 90*time.Second)
			mustBeWrittenOnce(t, stB, w, run)
			if lateWrite.Load() {
				t.Fatal("instance A's attempt wrote a result too")
			}
			// River records the job done just after the run's write; by
			// then both instances have attempted it.
			job := waitJob(t, b.jobs, jobID)
			if len(job.AttemptedBy) < 2 || job.AttemptedBy[0] == job.AttemptedBy[len(job.AttemptedBy)-1] {
				t.Fatalf("the job was not taken over by another instance: attempted by %v", job.AttemptedBy)
			}
		})
	}
}

// waitJob waits until the job has completed and returns it.
func waitJob(t *testing.T, jc *jobs.Client, id int64) *rivertype.JobRow {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		list, err := jc.Recent(context.Background(), 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range list {
			if j.ID == id && j.State == rivertype.JobStateCompleted {
				return j
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d did not complete", id)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// TestProgrammeRun_RunsThroughAJobOnSQLite: on the embedded database the
// run started by the officer's form is executed by River's worker on the
// same file; running its job again after it finished changes nothing.
func TestProgrammeRun_RunsThroughAJobOnSQLite(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t, store.SQLite)
	if err := jobs.Migrate(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, st)
	in := startInstance(t, st, testConfig())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := in.jobs.Close(ctx); err != nil {
			t.Error(err)
		}
	})
	runID := w.startRun(t, in)
	run := waitFinished(t, st, w.prog.ID, runID, 30*time.Second)
	mustBeWrittenOnce(t, st, w, run)

	// A second job for the finished run (a retry after the first attempt
	// wrote its result) does nothing.
	if err := in.jobs.Enqueue(ctx, jobs.ProgrammeRunArgs{ProgrammeID: w.prog.ID, RunID: runID}); err != nil {
		t.Fatal(err)
	}
	waitJobs(t, in.jobs, 2)
	again, err := st.Run(ctx, w.prog.ID, runID)
	if err != nil {
		t.Fatal(err)
	}
	if !again.UpdatedAt.Equal(run.UpdatedAt) {
		t.Fatalf("the second job touched the finished run: updated %s, then %s", run.UpdatedAt, again.UpdatedAt)
	}
	mustBeWrittenOnce(t, st, w, again)
}

// waitJobs waits until n programme-run jobs have completed.
func waitJobs(t *testing.T, jc *jobs.Client, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		list, err := jc.Recent(context.Background(), 50)
		if err != nil {
			t.Fatal(err)
		}
		done := 0
		for _, j := range list {
			if j.Kind == "programme_run" && j.State == rivertype.JobStateCompleted {
				done++
			}
		}
		if done >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d programme-run jobs completed, want %d", done, n)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// TestProgrammeRun_AFailedAttemptIsRetried: an attempt that fails for a
// passing reason leaves the run queued with the attempt's error, and
// River's next attempt brings it to done.
func TestProgrammeRun_AFailedAttemptIsRetried(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t, store.SQLite)
	if err := jobs.Migrate(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, st)
	failures := make(chan *programme.Run, 1)
	failFirst := river.WorkerMiddlewareFunc(func(ctx context.Context, job *rivertype.JobRow, inner func(context.Context) error) error {
		if job.Kind != "programme_run" || job.Attempt > 1 {
			return inner(ctx)
		}
		// The first attempt meets a cancelled context, as when its
		// instance stops: it reads and writes nothing.
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		err := inner(cctx)
		var args jobs.ProgrammeRunArgs
		if jerr := json.Unmarshal(job.EncodedArgs, &args); jerr != nil {
			return errors.Join(err, jerr)
		}
		run, rerr := st.Run(ctx, args.ProgrammeID, args.RunID)
		if rerr != nil {
			return errors.Join(err, rerr)
		}
		failures <- run
		return err
	})
	in := startInstance(t, st, testConfig(failFirst))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := in.jobs.Close(ctx); err != nil {
			t.Error(err)
		}
	})
	runID := w.startRun(t, in)
	select {
	case run := <-failures:
		if run.Status != programme.RunQueued || run.Error == "" {
			t.Fatalf("after a failed attempt the run is %q with error %q, want queued with the error", run.Status, run.Error)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the first attempt did not run")
	}
	run := waitFinished(t, st, w.prog.ID, runID, 60*time.Second)
	mustBeWrittenOnce(t, st, w, run)
}
