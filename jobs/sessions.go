package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/silkbridge/silkbridge/store"
)

// SessionCleanupArgs asks for the expired sessions to be deleted; the
// leading instance enqueues it periodically (Config.SessionCleanupEvery).
type SessionCleanupArgs struct{}

// Kind names the job in River's tables.
func (SessionCleanupArgs) Kind() string { return "session_cleanup" }

type sessionCleanupWorker struct {
	river.WorkerDefaults[SessionCleanupArgs]
	st  *store.Store
	log *slog.Logger
}

func (w *sessionCleanupWorker) Work(ctx context.Context, job *river.Job[SessionCleanupArgs]) error {
	n, err := w.st.DeleteExpiredSessions(ctx, time.Now())
	if err != nil {
		return err
	}
	if n > 0 {
		w.log.Info("expired sessions deleted", "count", n)
	}
	return nil
}
