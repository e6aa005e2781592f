package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/riverqueue/river"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/match"
	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/store"
)

// ProgrammeRunArgs asks for a programme's matching run (recorded by
// store.CreateRun) to be executed.
type ProgrammeRunArgs struct {
	ProgrammeID string `json:"programme_id"`
	RunID       string `json:"run_id"`
}

// Kind names the job in River's tables.
func (ProgrammeRunArgs) Kind() string { return "programme_run" }

// InsertOpts: a run that fails for want of the database is tried a few
// times, with River's growing back-off; one that fails on its data fails
// at once (see programmeRunWorker).
func (ProgrammeRunArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 5} }

type programmeRunWorker struct {
	river.WorkerDefaults[ProgrammeRunArgs]
	st  *store.Store
	log *slog.Logger
}

// errPermanent marks a failure that another attempt would repeat: the
// matching is deterministic on its input.
var errPermanent = errors.New("permanent")

// Work executes the run. A run that has already finished (an earlier
// attempt wrote its result, on this or another instance) is left alone;
// the result is written in one transaction keyed by the run, so that of
// two overlapping attempts only one writes it.
func (w *programmeRunWorker) Work(ctx context.Context, job *river.Job[ProgrammeRunArgs]) error {
	err := w.run(ctx, job.Args)
	if err == nil || silkbridge.ErrorCode(err) == silkbridge.ECONFLICT {
		// Done here, or finished by an overlapping attempt elsewhere.
		return nil
	}
	if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
		// The programme or the run was deleted since.
		return river.JobCancel(err)
	}
	// The run's record says what happened even when the job's context has
	// ended (the instance is stopping).
	rec := context.WithoutCancel(ctx)
	runID := job.Args.RunID
	if errors.Is(err, errPermanent) || job.Attempt >= job.MaxAttempts {
		w.log.Error("programme run failed", "run", runID, "programme", job.Args.ProgrammeID, "attempt", job.Attempt, "err", err)
		if ferr := w.st.FailRun(rec, runID, err.Error()); ferr != nil {
			return errors.Join(err, ferr)
		}
		return river.JobCancel(err)
	}
	w.log.Warn("programme run attempt failed; it will be retried", "run", runID, "attempt", job.Attempt, "err", err)
	if rerr := w.st.RetryingRun(rec, runID, err.Error()); rerr != nil {
		w.log.Warn("record run attempt", "run", runID, "err", rerr)
	}
	return err
}

// run executes the run unless it has already finished.
func (w *programmeRunWorker) run(ctx context.Context, args ProgrammeRunArgs) error {
	run, err := w.st.Run(ctx, args.ProgrammeID, args.RunID)
	if err != nil {
		return err
	}
	if run.Finished() {
		return nil
	}
	return w.execute(ctx, run)
}

// execute reads the programme, matches it and stores the outcome,
// reporting progress on the way.
func (w *programmeRunWorker) execute(ctx context.Context, run *programme.Run) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%w: panic: %v\n%s", errPermanent, v, debug.Stack())
		}
	}()
	lastStage, lastPct := "", -1
	report := func(stage string, pct int) {
		// Write only what a reader would notice: a new stage or 5 points more.
		if stage == lastStage && pct < lastPct+5 {
			return
		}
		lastStage, lastPct = stage, pct
		if err := w.st.RunProgress(ctx, run.ID, stage, pct); err != nil {
			w.log.Warn("run progress", "run", run.ID, "err", err)
		}
	}
	report("snapshot", 1)
	snap, err := w.st.ProgrammeSnapshot(ctx, run.ProgrammeID)
	if err != nil {
		return err
	}
	out, err := programme.Execute(snap, match.Algorithm(run.Algorithm), run.Seed, report)
	if err != nil {
		return fmt.Errorf("%w: %w", errPermanent, err)
	}
	report("save", 92)
	return w.st.FinishRun(ctx, run.ID, snap.Version, out, nil)
}
