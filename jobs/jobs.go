// Package jobs runs Silkbridge's background work as River jobs kept in the
// database: a job is taken by whichever app instance is free, and when
// that instance dies River's rescuer hands it to another. No work lives
// only in a goroutine of the instance that asked for it.
//
// On SQLite River has its own one-connection pool on the store's file
// (WAL lets the site's readers go on while it writes); on PostgreSQL a
// pgx pool on the same database. River's tables are made by River's own
// migrator (Migrate), beside the store's migrations.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/silkbridge/silkbridge/store"
)

// Config tunes the job client; the zero value is the production setting.
type Config struct {
	// Workers is how many jobs this instance runs at once (default 2).
	Workers int
	// FetchPollInterval is how often an idle instance looks for jobs
	// (River's default, 1s, when zero).
	FetchPollInterval time.Duration
	// JobTimeout bounds one attempt of a job (default 20 minutes: a
	// matching run of a country-scale programme takes minutes).
	JobTimeout time.Duration
	// RescueStuckJobsAfter is how long a job may stay running before it
	// is taken as abandoned by a dead instance and retried elsewhere
	// (default JobTimeout + 5 minutes).
	RescueStuckJobsAfter time.Duration
	// SessionCleanupEvery is how often expired sessions are deleted
	// (default 1 hour).
	SessionCleanupEvery time.Duration
	// Middleware runs around every job (tests hold jobs with it).
	Middleware []rivertype.Middleware
	// Register adds the workers of further job kinds, e.g.
	// func(w *river.Workers) { river.AddWorker(w, &MailWorker{}) }.
	Register []func(*river.Workers)
	// PeriodicJobs are further jobs enqueued on a schedule.
	PeriodicJobs []*river.PeriodicJob
	// TestOnly skips River's production jitter so that tests start and
	// stop fast.
	TestOnly bool
}

// riverClient is what the package uses of River's generic client, the
// same for both drivers.
type riverClient interface {
	Start(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	Stopped() <-chan struct{}
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
}

// Client owns River for one app instance: it enqueues jobs for any
// instance and works them on this one.
type Client struct {
	st      *store.Store
	log     *slog.Logger
	river   riverClient
	close   func() error
	running atomic.Bool
	closed  atomic.Bool
}

// pool is River's own pool on the store's database, with the migrator and
// client constructors bound to its driver.
type pool struct {
	migrate func(ctx context.Context, log *slog.Logger) error
	client  func(cfg *river.Config) (riverClient, error)
	close   func() error
}

func openPool(ctx context.Context, st *store.Store) (*pool, error) {
	switch st.Engine() {
	case store.SQLite:
		db, err := sql.Open("sqlite", store.SQLiteConnString(st.DSN()))
		if err != nil {
			return nil, fmt.Errorf("jobs: open sqlite: %w", err)
		}
		// SQLite has one writer; River's own services run in parallel and
		// would only meet "database is locked" on a larger pool.
		db.SetMaxOpenConns(1)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("jobs: open sqlite: %w", err)
		}
		driver := riversqlite.New(db)
		return &pool{
			migrate: func(ctx context.Context, log *slog.Logger) error {
				// One immediate transaction holds SQLite's write lock for the
				// whole migration, so that a second instance waits for it
				// instead of applying the same versions.
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					return fmt.Errorf("jobs: migrate: %w", err)
				}
				defer tx.Rollback()
				m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: orDiscard(log)})
				if err != nil {
					return fmt.Errorf("jobs: migrate: %w", err)
				}
				if _, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil); err != nil {
					return fmt.Errorf("jobs: migrate: %w", err)
				}
				return tx.Commit()
			},
			client: func(cfg *river.Config) (riverClient, error) {
				return river.NewClient(driver, cfg)
			},
			close: db.Close,
		}, nil
	case store.Postgres:
		pgx, err := pgxpool.New(ctx, st.DSN())
		if err != nil {
			return nil, fmt.Errorf("jobs: open postgres: %w", err)
		}
		if err := pgx.Ping(ctx); err != nil {
			pgx.Close()
			return nil, fmt.Errorf("jobs: open postgres: %w", err)
		}
		driver := riverpgxv5.New(pgx)
		return &pool{
			migrate: func(ctx context.Context, log *slog.Logger) error { return migrateWith(ctx, driver, log) },
			client: func(cfg *river.Config) (riverClient, error) {
				return river.NewClient(driver, cfg)
			},
			close: func() error { pgx.Close(); return nil },
		}, nil
	}
	return nil, fmt.Errorf("jobs: unknown engine %q", st.Engine())
}

// Migrate creates or updates River's tables in the store's database with
// River's own migrator. Safe to run again, and from several instances at
// once.
func Migrate(ctx context.Context, st *store.Store, log *slog.Logger) error {
	p, err := openPool(ctx, st)
	if err != nil {
		return err
	}
	defer p.close()
	return st.WithMigrationLock(ctx, func() error { return p.migrate(ctx, log) })
}

func orDiscard(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return log
}

func migrateWith[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], log *slog.Logger) error {
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: orDiscard(log)})
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	// River's migrator logs each migration it applies.
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// New opens River's pool and builds the client with the platform's workers
// (and cfg.Register's); it does not start working: call Start. River's
// tables must exist (Migrate).
func New(ctx context.Context, st *store.Store, log *slog.Logger, cfg Config) (*Client, error) {
	log = orDiscard(log)
	cfg.Workers = cmpOr(cfg.Workers, 2)
	cfg.JobTimeout = cmpOr(cfg.JobTimeout, 20*time.Minute)
	cfg.RescueStuckJobsAfter = cmpOr(cfg.RescueStuckJobsAfter, cfg.JobTimeout+5*time.Minute)
	cfg.SessionCleanupEvery = cmpOr(cfg.SessionCleanupEvery, time.Hour)

	c := &Client{st: st, log: log}
	workers := river.NewWorkers()
	river.AddWorker(workers, &programmeRunWorker{st: st, log: log})
	river.AddWorker(workers, &sessionCleanupWorker{st: st, log: log})
	for _, reg := range cfg.Register {
		reg(workers)
	}
	periodic := append([]*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(cfg.SessionCleanupEvery),
			func() (river.JobArgs, *river.InsertOpts) { return SessionCleanupArgs{}, nil },
			&river.PeriodicJobOpts{ID: "session_cleanup", RunOnStart: true}),
	}, cfg.PeriodicJobs...)

	p, err := openPool(ctx, st)
	if err != nil {
		return nil, err
	}
	rc, err := p.client(&river.Config{
		Logger:               log.With("component", "jobs"),
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers:              workers,
		PeriodicJobs:         periodic,
		FetchPollInterval:    cfg.FetchPollInterval,
		FetchCooldown:        min(cfg.FetchPollInterval, river.FetchCooldownDefault),
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueStuckJobsAfter,
		Middleware:           cfg.Middleware,
		TestOnly:             cfg.TestOnly,
	})
	if err != nil {
		p.close()
		return nil, fmt.Errorf("jobs: %w", err)
	}
	c.river, c.close = rc, p.close
	return c, nil
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Start starts working jobs on this instance. It returns once River runs;
// the work goes on until Close.
func (c *Client) Start(ctx context.Context) error {
	// Jobs outlive the request or command that started the client: only
	// Close stops them.
	if err := c.river.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	c.running.Store(true)
	go func() {
		<-c.river.Stopped()
		c.running.Store(false)
	}()
	return nil
}

// Running reports whether this instance is working jobs: started, and not
// stopped.
func (c *Client) Running() bool { return c.running.Load() && !c.closed.Load() }

// Enqueue adds a job for any instance to work.
func (c *Client) Enqueue(ctx context.Context, args river.JobArgs) error {
	opts := (*river.InsertOpts)(nil)
	if o, ok := args.(interface{ InsertOpts() river.InsertOpts }); ok {
		x := o.InsertOpts()
		opts = &x
	}
	if _, err := c.river.Insert(ctx, args, opts); err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// Recent returns the most recent jobs of every instance, newest first.
func (c *Client) Recent(ctx context.Context, limit int) ([]*rivertype.JobRow, error) {
	res, err := c.river.JobList(ctx, river.NewJobListParams().OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit))
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	return res.Jobs, nil
}

// Close stops working: the jobs running here are cancelled (River records
// them for a retry, on this or another instance) and waited for until ctx
// ends; then River's pool closes. Call it before the store closes.
func (c *Client) Close(ctx context.Context) error {
	if !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	var err error
	if c.running.Load() {
		if err = c.river.StopAndCancel(ctx); err != nil && !errors.Is(err, context.Canceled) {
			err = fmt.Errorf("jobs: stop: %w", err)
		}
	}
	return errors.Join(err, c.close())
}
