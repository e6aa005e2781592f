package web

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/silkbridge/silkbridge"
)

// Background work is a River job in the database (package jobs), taken by
// whichever instance is free; the web layer only enqueues it and shows
// its state. What stays in an instance is only what serves that instance
// (its recommender graph), owned by the Server and waited for on Close.

// Jobs is the job queue as the web layer uses it (jobs.Client).
type Jobs interface {
	// Enqueue adds a job for any instance to work.
	Enqueue(ctx context.Context, args river.JobArgs) error
	// Recent returns the latest jobs of every instance, newest first.
	Recent(ctx context.Context, limit int) ([]*rivertype.JobRow, error)
	// Running reports whether this instance works jobs.
	Running() bool
}

func (s *Server) jobRoutes() {
	s.page("GET /admin/jobs", s.adminJobs)
}

// enqueue hands a job to the queue; without one, the work cannot be done.
func (s *Server) enqueue(ctx context.Context, args river.JobArgs) error {
	if s.cfg.Jobs == nil {
		return silkbridge.Errorf(silkbridge.EINTERNAL, "jobs.unavailable", "background work is not available on this server")
	}
	return s.cfg.Jobs.Enqueue(ctx, args)
}

// background is a server's work outside requests: it ends with the server.
type background struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newBackground() *background {
	ctx, cancel := context.WithCancel(context.Background())
	return &background{ctx: ctx, cancel: cancel}
}

// Go runs fn with a context that Close cancels.
func (b *background) Go(fn func(ctx context.Context)) {
	b.wg.Go(func() { fn(b.ctx) })
}

// Close cancels the server's own background work (a recommender build)
// and waits for it to end, or for ctx. Call it after the HTTP server has
// shut down and before the store closes. The job queue is closed by its
// owner (jobs.Client.Close).
func (s *Server) Close(ctx context.Context) error {
	s.bg.cancel()
	done := make(chan struct{})
	go func() { s.bg.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// readyz says whether this instance should get traffic: the database is
// migrated and answers, and the job workers run. /healthz only says that
// the process is alive.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	reason := ""
	switch {
	case !s.store.Migrated():
		reason = "migrations"
	case s.cfg.Jobs == nil || !s.cfg.Jobs.Running():
		reason = "jobs"
	case s.store.Ping(ctx) != nil:
		reason = "database"
	}
	if reason != "" {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"not ready","waiting_for":"` + reason + `"}` + "\n"))
		return nil
	}
	w.Write([]byte(`{"status":"ready"}` + "\n"))
	return nil
}

// jobLine is one job on the admin page.
type jobLine struct {
	*rivertype.JobRow
	LastError string
}

// adminJobs lists the latest jobs of every instance: kind, state,
// attempts and the last error.
func (s *Server) adminJobs(w http.ResponseWriter, r *http.Request) error {
	if _, err := adminOnly(r); err != nil {
		return err
	}
	if s.cfg.Jobs == nil {
		return silkbridge.Errorf(silkbridge.EINTERNAL, "jobs.unavailable", "background work is not available on this server")
	}
	rows, err := s.cfg.Jobs.Recent(r.Context(), 100)
	if err != nil {
		return err
	}
	lines := make([]jobLine, len(rows))
	for i, j := range rows {
		lines[i] = jobLine{JobRow: j}
		if n := len(j.Errors); n > 0 {
			lines[i].LastError = j.Errors[n-1].Error
		}
	}
	s.render(w, r, "admin/jobs", http.StatusOK, &Page{Title: s.T(r, "jobs.title"), Data: map[string]any{
		"Jobs": lines, "Running": s.cfg.Jobs.Running()}})
	return nil
}
