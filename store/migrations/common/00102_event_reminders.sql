-- +goose Up
-- The reminders sent the day before an event, so that each registered
-- participant gets one, whichever instance runs the reminder job.
CREATE TABLE event_reminders (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sent_at  TEXT NOT NULL,
    PRIMARY KEY (event_id, user_id)
);

-- +goose Down
DROP TABLE event_reminders;
