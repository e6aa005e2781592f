package store_test

import (
	"sync"
	"testing"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/match"
	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// TestFinishRun_TwoOverlappingAttemptsWriteTheResultOnce: two attempts of
// one run (a job retried on another instance while the first still ran)
// finish at the same time; one writes the result, the other gets a
// conflict and writes nothing. A finished run then refuses a failure, and
// a retry.
func TestFinishRun_TwoOverlappingAttemptsWriteTheResultOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f := newProgFixture(t, st)
		for i := range f.talents {
			f.apply(t, st, i, f.big.ID, f.small.ID)
		}
		r, err := st.CreateRun(ctx, f.officer, f.prog.ID, programme.RunParams{Algorithm: "da"})
		if err != nil {
			t.Fatal(err)
		}
		snap, err := st.ProgrammeSnapshot(ctx, f.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		out, err := programme.Execute(snap, match.DA, r.Seed, nil)
		if err != nil {
			t.Fatal(err)
		}
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() { errs[i] = st.FinishRun(ctx, r.ID, snap.Version, out, nil) })
		}
		wg.Wait()
		ok, conflicts := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case silkbridge.ErrorCode(err) == silkbridge.ECONFLICT:
				conflicts++
			default:
				t.Fatal(err)
			}
		}
		if ok != 1 || conflicts != 1 {
			t.Fatalf("%d attempts wrote the result and %d were refused, want one of each", ok, conflicts)
		}
		var placements, completions int
		if err := st.DB().QueryRow(`SELECT COUNT(*) FROM programme_placements WHERE run_id = $1`, r.ID).Scan(&placements); err != nil {
			t.Fatal(err)
		}
		if err := st.DB().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE kind = 'programme_run' AND action = 'complete' AND ref = $1`, r.ID).Scan(&completions); err != nil {
			t.Fatal(err)
		}
		if placements != len(f.talents) || completions != 1 {
			t.Fatalf("%d placements and %d completions written, want %d and 1", placements, completions, len(f.talents))
		}
		if err := st.FailRun(ctx, r.ID, "late failure"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.RequeueRun(ctx, f.officer, f.prog.ID, r.ID); silkbridge.ErrorCode(err) != silkbridge.ECONFLICT {
			t.Fatalf("requeueing a done run: %v, want a conflict", err)
		}
		done, err := st.Run(ctx, f.prog.ID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if done.Status != programme.RunDone || done.Error != "" {
			t.Fatalf("a late failure or retry changed the finished run: %+v", done)
		}
	})
}

// A failed run goes back to the queue, cleared, when its officer retries it.
func TestRequeueRun_PutsAFailedRunBackInTheQueue(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f := newProgFixture(t, st)
		r, err := st.CreateRun(ctx, f.officer, f.prog.ID, programme.RunParams{Algorithm: "da"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.RequeueRun(ctx, f.officer, f.prog.ID, r.ID); silkbridge.ErrorCode(err) != silkbridge.ECONFLICT {
			t.Fatalf("requeueing a queued run: %v, want a conflict", err)
		}
		if err := st.FailRun(ctx, r.ID, "the disk is full"); err != nil {
			t.Fatal(err)
		}
		back, err := st.RequeueRun(ctx, f.officer, f.prog.ID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := st.Run(ctx, f.prog.ID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range []*programme.Run{back, stored} {
			if got.Status != programme.RunQueued || got.Error != "" || got.Progress != 0 || !got.FinishedAt.IsZero() {
				t.Fatalf("the requeued run: %+v", got)
			}
		}
	})
}
