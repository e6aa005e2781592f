package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/jobs"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// TestSessionCleanup_APeriodicJobDeletesExpiredSessionsOnly: the periodic
// job (enqueued on start by the leading instance) deletes the sessions
// past their end or idle too long, and keeps the live one.
func TestSessionCleanup_APeriodicJobDeletesExpiredSessionsOnly(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := jobs.Migrate(ctx, st, nil); err != nil {
			t.Fatal(err)
		}
		u, err := st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: "m@example.org", Name: "M", Password: "amber-lantern-42"}, account.Member)
		if err != nil {
			t.Fatal(err)
		}
		var secrets []string
		for range 3 {
			s, err := st.CreateSession(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			secrets = append(secrets, s)
		}
		// One session past its end, one idle too long; the third is live.
		stamp := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }
		if _, err := st.DB().ExecContext(ctx, `UPDATE sessions SET expires_at = $1 WHERE id_hash = $2`,
			stamp(time.Now().Add(-time.Minute)), account.HashToken(secrets[0])); err != nil {
			t.Fatal(err)
		}
		if _, err := st.DB().ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2`,
			stamp(time.Now().Add(-account.IdleTimeout-time.Minute)), account.HashToken(secrets[1])); err != nil {
			t.Fatal(err)
		}
		in := startInstance(t, st, testConfig())
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := in.jobs.Close(ctx); err != nil {
				t.Error(err)
			}
		})
		deadline := time.Now().Add(30 * time.Second)
		for count(t, st, `SELECT COUNT(*) FROM sessions`) != 1 {
			if time.Now().After(deadline) {
				t.Fatalf("%d sessions left, want the live one", count(t, st, `SELECT COUNT(*) FROM sessions`))
			}
			time.Sleep(25 * time.Millisecond)
		}
		if _, err := st.SessionUser(ctx, secrets[2]); err != nil {
			t.Fatalf("the live session was deleted: %v", err)
		}
	})
}

// TestMigrate_SeveralInstancesAtOnce: instances starting together on a
// new database each migrate River's tables; none fails for the others.
func TestMigrate_SeveralInstancesAtOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		errs := make(chan error, 3)
		for range 3 {
			go func() {
				other, err := store.Open(context.Background(), st.DSN())
				if err != nil {
					errs <- err
					return
				}
				defer other.Close()
				errs <- jobs.Migrate(context.Background(), other, nil)
			}()
		}
		for range 3 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		jc, err := jobs.New(context.Background(), st, nil, testConfig())
		if err != nil {
			t.Fatal(err)
		}
		if err := jc.Enqueue(context.Background(), jobs.SessionCleanupArgs{}); err != nil {
			t.Fatalf("the queue is not usable after the migrations: %v", err)
		}
		if err := jc.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}
