package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/programme"
)

const runColumns = `r.id, r.programme_id, r.algorithm, r.seed, r.label, r.input_sha256, r.data_version, r.status, r.stage, r.progress,
	r.error, r.applicants, r.seats, r.matched, r.proposals, r.balance, r.published, r.published_at, r.created_by,
	r.created_at, r.updated_at, r.finished_at`

func scanRun(row interface{ Scan(...any) error }) (*programme.Run, error) {
	var r programme.Run
	var balance, published, created, updated, finished string
	if err := row.Scan(&r.ID, &r.ProgrammeID, &r.Algorithm, &r.Seed, &r.Label, &r.InputSHA256, &r.DataVersion, &r.Status,
		&r.Stage, &r.Progress, &r.Error, &r.Applicants, &r.Seats, &r.Matched, &r.Proposals, &balance, &r.Published,
		&published, &r.CreatedBy, &created, &updated, &finished); err != nil {
		return nil, err
	}
	if balance != "" {
		r.Balance = &programme.Balance{}
		if err := json.Unmarshal([]byte(balance), r.Balance); err != nil {
			return nil, fmt.Errorf("run %s: balance: %w", r.ID, err)
		}
	}
	r.PublishedAt, r.CreatedAt, r.UpdatedAt, r.FinishedAt = parseTS(published), parseTS(created), parseTS(updated), parseTS(finished)
	return &r, nil
}

// randomLotterySeed draws a lottery seed from the system's randomness.
func randomLotterySeed() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:]) >> 1)
}

// CreateRun records a new matching run, queued; the caller executes it.
func (s *Store) CreateRun(ctx context.Context, actor Actor, programmeID string, rp programme.RunParams) (*programme.Run, error) {
	if err := rp.Validate(); err != nil {
		return nil, err
	}
	r := &programme.Run{ID: silkbridge.NewID(), ProgrammeID: programmeID, Algorithm: rp.Algorithm, Label: rp.Label,
		Status: programme.RunQueued, CreatedBy: actor.UserID, CreatedAt: now()}
	r.UpdatedAt = r.CreatedAt
	if rp.Seed != nil {
		r.Seed = *rp.Seed
	} else {
		r.Seed = randomLotterySeed()
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.programme(ctx, tx, programmeID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO programme_runs (id, programme_id, algorithm, seed, label, status, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, r.ID, r.ProgrammeID, r.Algorithm, r.Seed, r.Label, r.Status, r.CreatedBy,
			ts(r.CreatedAt), ts(r.UpdatedAt)); err != nil {
			return fmt.Errorf("create run: %w", err)
		}
		return s.audit(ctx, tx, actor, "create", "programme_run", r.ID, "", nil, r)
	})
	return r, err
}

// RunProgress records how far a run has come.
func (s *Store) RunProgress(ctx context.Context, runID, stage string, percent int) error {
	_, err := s.db.ExecContext(ctx, `UPDATE programme_runs SET status = $2, stage = $3, progress = $4, updated_at = $5
		WHERE id = $1 AND status IN ('queued', 'running')`, runID, programme.RunRunning, stage, percent, ts(now()))
	if err != nil {
		return fmt.Errorf("run progress: %w", err)
	}
	return nil
}

// FailRun records that a run stopped with an error. A run that has
// already finished keeps its outcome: a late failure of a second attempt
// does not undo the first attempt's result.
func (s *Store) FailRun(ctx context.Context, runID, message string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var by string
		if err := tx.QueryRowContext(ctx, `SELECT created_by FROM programme_runs WHERE id = $1`, runID).Scan(&by); err != nil {
			return notFound(err, "run")
		}
		t := ts(now())
		res, err := tx.ExecContext(ctx, `UPDATE programme_runs SET status = $2, error = $3, updated_at = $4, finished_at = $4
			WHERE id = $1 AND status IN ('queued', 'running')`, runID, programme.RunFailed, message, t)
		if err != nil {
			return fmt.Errorf("fail run: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return s.audit(ctx, tx, Actor{UserID: by}, "fail", "programme_run", runID, "", nil, map[string]string{"error": message})
	})
}

// RetryingRun records that an attempt of a run failed and that the run
// waits for another: it shows as queued, with the error of the attempt.
func (s *Store) RetryingRun(ctx context.Context, runID, message string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE programme_runs SET status = $2, stage = '', error = $3, updated_at = $4
		WHERE id = $1 AND status IN ('queued', 'running')`, runID, programme.RunQueued, message, ts(now()))
	if err != nil {
		return fmt.Errorf("retrying run: %w", err)
	}
	return nil
}

// RequeueRun puts a failed or interrupted run back in the queue, for its
// officer's retry: its error and progress are cleared. A run that is done,
// or still making progress, cannot be requeued.
func (s *Store) RequeueRun(ctx context.Context, actor Actor, programmeID, runID string) (*programme.Run, error) {
	var r *programme.Run
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = scanRun(tx.QueryRowContext(ctx, `SELECT `+runColumns+` FROM programme_runs r WHERE r.id = $1 AND r.programme_id = $2`, runID, programmeID))
		if err != nil {
			return notFound(err, "run")
		}
		if r.Status != programme.RunFailed && !r.Stalled(time.Now()) {
			return silkbridge.Conflict("prog.run.not_retryable", "only a failed or interrupted run can be run again")
		}
		t := now()
		if _, err := tx.ExecContext(ctx, `UPDATE programme_runs SET status = $2, stage = '', progress = 0, error = '', updated_at = $3, finished_at = ''
			WHERE id = $1`, runID, programme.RunQueued, ts(t)); err != nil {
			return fmt.Errorf("requeue run: %w", err)
		}
		before := r.Status
		r.Status, r.Stage, r.Progress, r.Error, r.UpdatedAt, r.FinishedAt = programme.RunQueued, "", 0, "", t, time.Time{}
		return s.audit(ctx, tx, actor, "retry", "programme_run", runID, "", map[string]string{"status": before}, map[string]string{"status": r.Status})
	})
	return r, err
}

// FinishRun stores a run's outcome in one transaction keyed by the run:
// the input it read, the kept instance, the balance report and every
// talent's placement. The run is marked done first, under the run row's
// lock, so that of two attempts of the same run (a job retried on another
// instance while the first still ran) exactly one writes its result; the
// other gets a conflict and writes nothing. progress hears how many
// placements were written, once they are.
func (s *Store) FinishRun(ctx context.Context, runID string, version int64, out *programme.Outcome, progress func(done, total int)) error {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(out.Instance); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var by string
		if err := tx.QueryRowContext(ctx, `SELECT created_by FROM programme_runs WHERE id = $1`, runID).Scan(&by); err != nil {
			return notFound(err, "run")
		}
		t := ts(now())
		res, err := tx.ExecContext(ctx, `UPDATE programme_runs SET status = $2, stage = '', progress = 100, error = '', input_sha256 = $3, data_version = $4,
			applicants = $5, seats = $6, matched = $7, proposals = $8, balance = $9, instance = $10, updated_at = $11, finished_at = $11
			WHERE id = $1 AND status IN ('queued', 'running')`, runID, programme.RunDone, out.InputSHA256, version, out.Balance.Applicants,
			out.Balance.Seats, out.Matched, out.Proposals, progJSON(out.Balance), gz.Bytes(), t)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return silkbridge.Conflict("prog.run.already_finished", "the run has already finished")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM programme_placements WHERE run_id = $1`, runID); err != nil {
			return err
		}
		if err := insertPlacements(ctx, tx, runID, out.Placements); err != nil {
			return fmt.Errorf("placements: %w", err)
		}
		return s.audit(ctx, tx, Actor{UserID: by}, "complete", "programme_run", runID, "", nil, map[string]any{
			"input_sha256": out.InputSHA256, "matched": out.Matched, "applicants": out.Balance.Applicants, "gini": out.Balance.Gini})
	})
	if err != nil {
		if silkbridge.ErrorCode(err) == silkbridge.ECONFLICT {
			return err
		}
		return fmt.Errorf("finish run: %w", err)
	}
	if progress != nil {
		progress(len(out.Placements), len(out.Placements))
	}
	return nil
}

// placementBatch is how many placements one INSERT writes.
const placementBatch = 200

func insertPlacements(ctx context.Context, tx *sql.Tx, runID string, list []programme.Placement) error {
	for start := 0; start < len(list); start += placementBatch {
		var args []any
		var values []string
		for _, pl := range list[start:min(start+placementBatch, len(list))] {
			args = append(args, runID, pl.ApplicationID, pl.PositionID, pl.Choice, progJSON(pl.Refusals))
			n := len(args)
			values = append(values, fmt.Sprintf("($%d, $%d, $%d, $%d, $%d)", n-4, n-3, n-2, n-1, n))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO programme_placements (run_id, application_id, position_id, choice, refusals) VALUES `+
			strings.Join(values, ", "), args...); err != nil {
			return err
		}
	}
	return nil
}

// RunAssignment returns every talent's position in a finished run, by
// application id ("" when not placed), in application id order.
func (s *Store) RunAssignment(ctx context.Context, runID string) ([][2]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT application_id, position_id FROM programme_placements WHERE run_id = $1 ORDER BY application_id`, runID)
	if err != nil {
		return nil, fmt.Errorf("run assignment: %w", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Run returns one run of a programme.
func (s *Store) Run(ctx context.Context, programmeID, runID string) (*programme.Run, error) {
	r, err := scanRun(s.db.QueryRowContext(ctx, `SELECT `+runColumns+` FROM programme_runs r WHERE r.id = $1 AND r.programme_id = $2`, runID, programmeID))
	return r, notFound(err, "run")
}

// Runs lists a programme's runs, newest first.
func (s *Store) Runs(ctx context.Context, programmeID string) ([]*programme.Run, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+runColumns+` FROM programme_runs r WHERE r.programme_id = $1 ORDER BY r.created_at DESC, r.id DESC`, programmeID)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	out := []*programme.Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RunInstance returns the hr-instance/1 file a finished run solved.
func (s *Store) RunInstance(ctx context.Context, programmeID, runID string) ([]byte, error) {
	var gz []byte
	err := s.db.QueryRowContext(ctx, `SELECT instance FROM programme_runs WHERE id = $1 AND programme_id = $2`, runID, programmeID).Scan(&gz)
	if err != nil {
		return nil, notFound(err, "run")
	}
	if len(gz) == 0 {
		return nil, silkbridge.Conflict("prog.run.not_done", "the run has not finished")
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("run instance: %w", err)
	}
	return io.ReadAll(zr)
}

// PlacementFilter selects placements of a run.
type PlacementFilter struct {
	// OrgID keeps the talents placed at this host.
	OrgID string
	// Placed keeps only the talents placed somewhere.
	Placed  bool
	Page    int
	PerPage int
}

const placementColumns = `pl.application_id, pl.position_id, pl.choice, pl.refusals, a.talent_id, t.name, a.country`

func scanPlacement(row interface{ Scan(...any) error }) (*programme.Placement, error) {
	var pl programme.Placement
	var refusals string
	if err := row.Scan(&pl.ApplicationID, &pl.PositionID, &pl.Choice, &refusals, &pl.TalentID, &pl.TalentName, &pl.Country); err != nil {
		return nil, err
	}
	pl.Refusals = []programme.Refusal{}
	if err := json.Unmarshal([]byte(refusals), &pl.Refusals); err != nil {
		return nil, fmt.Errorf("placement %s: %w", pl.ApplicationID, err)
	}
	return &pl, nil
}

// Placements lists the results of a run by talent name.
func (s *Store) Placements(ctx context.Context, runID string, f PlacementFilter) ([]*programme.Placement, Page, error) {
	args := []any{runID}
	where := ` WHERE pl.run_id = $1`
	if f.OrgID != "" {
		args = append(args, f.OrgID)
		where += fmt.Sprintf(` AND pl.position_id IN (SELECT id FROM programme_positions WHERE org_id = $%d)`, len(args))
	}
	if f.Placed {
		where += ` AND pl.position_id <> ''`
	}
	from := ` FROM programme_placements pl JOIN programme_applications a ON a.id = pl.application_id JOIN talents t ON t.id = a.talent_id`
	page, per := normPage(f.Page, f.PerPage)
	pg := Page{Number: page, PerPage: per}
	if err := s.countCached(ctx, &pg.Total, `SELECT COUNT(*)`+from+where, args...); err != nil {
		return nil, pg, fmt.Errorf("count placements: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+placementColumns+from+where+
		fmt.Sprintf(" ORDER BY t.name, pl.application_id LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	if err != nil {
		return nil, pg, fmt.Errorf("list placements: %w", err)
	}
	defer rows.Close()
	out := []*programme.Placement{}
	for rows.Next() {
		pl, err := scanPlacement(rows)
		if err != nil {
			return nil, pg, err
		}
		out = append(out, pl)
	}
	return out, pg, rows.Err()
}

// PlacementOf returns one talent's result in a run.
func (s *Store) PlacementOf(ctx context.Context, runID, applicationID string) (*programme.Placement, error) {
	pl, err := scanPlacement(s.db.QueryRowContext(ctx, `SELECT `+placementColumns+` FROM programme_placements pl
		JOIN programme_applications a ON a.id = pl.application_id JOIN talents t ON t.id = a.talent_id
		WHERE pl.run_id = $1 AND pl.application_id = $2`, runID, applicationID))
	return pl, notFound(err, "placement")
}

// PublishRun makes a finished run the programme's final result. The window
// must be closed, no other run published, and the programme's data what
// the run read (the input hash is checked again).
func (s *Store) PublishRun(ctx context.Context, actor Actor, programmeID, runID string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		snap, err := s.snapshot(ctx, tx, programmeID)
		if err != nil {
			return err
		}
		p := snap.Programme
		if err := refuseIfPublished(p); err != nil {
			return err
		}
		r, err := scanRun(tx.QueryRowContext(ctx, `SELECT `+runColumns+` FROM programme_runs r WHERE r.id = $1 AND r.programme_id = $2`, runID, programmeID))
		if err != nil {
			return notFound(err, "run")
		}
		if r.Status != programme.RunDone {
			return silkbridge.Conflict("prog.run.not_done", "the run has not finished")
		}
		if p.State(now()) != programme.Closed {
			return silkbridge.Conflict("prog.publish.window_open", "close applications before publishing a result")
		}
		if snap.Hash() != r.InputSHA256 {
			return silkbridge.Conflict("prog.publish.stale", "the programme's data changed after this run: run it again")
		}
		t := ts(now())
		if _, err := tx.ExecContext(ctx, `UPDATE programme_runs SET published = TRUE, published_at = $2, updated_at = $2 WHERE id = $1`, runID, t); err != nil {
			return fmt.Errorf("publish run: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE programmes SET published_run_id = $2, updated_at = $3 WHERE id = $1`, programmeID, runID, t); err != nil {
			return fmt.Errorf("publish run: %w", err)
		}
		return s.audit(ctx, tx, actor, "publish", "programme", programmeID, "", nil, map[string]any{
			"run_id": runID, "algorithm": r.Algorithm, "seed": r.Seed, "input_sha256": r.InputSHA256})
	})
}
