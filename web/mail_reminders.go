package web

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/mail"
)

// ReminderArgs is the periodic job that reminds registered participants
// of the events that start within a day.
type ReminderArgs struct{}

// Kind names the job in River's tables.
func (ReminderArgs) Kind() string { return "event_reminders" }

// InsertOpts: the next hour's run tries again anyway.
func (ReminderArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3} }

type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	m *Mailer
}

// Work sends the due reminders one at a time, recording each once sent:
// a failure leaves the rest to the retry, and nobody is reminded twice.
func (w *reminderWorker) Work(ctx context.Context, job *river.Job[ReminderArgs]) error {
	due, err := w.m.st.DueReminders(ctx, time.Now().UTC())
	if err != nil {
		return err
	}
	for _, r := range due {
		start := r.Start
		if loc, err := time.LoadLocation(r.TimeZone); err == nil {
			start = start.In(loc)
		}
		msg, skip, err := w.m.compose(ctx, mail.Args{UserID: r.UserID, Template: "event_reminder",
			Data: map[string]string{"Event": r.Title, "When": start.Format("2006-01-02 15:04 MST"), "Link": "/events/" + r.EventID}})
		if err != nil && silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND {
			return err
		}
		if err == nil && skip == "" {
			if err := w.m.sender.Send(ctx, msg); err != nil {
				w.m.log.Warn("reminder not sent; it will be retried", "event", r.EventID, "err", err)
				return err
			}
		}
		if err := w.m.st.ReminderSent(ctx, r.EventID, r.UserID); err != nil {
			return err
		}
	}
	return nil
}
