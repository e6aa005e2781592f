-- +goose Up
-- What became of a scheduled meeting: whether it was held (or one side did
-- not come), and each side's one-click answer afterwards. Together with
-- interests that name the event as their origin, they make the event's
-- funnel from requested meetings to cooperations.
CREATE TABLE meeting_attendance (
    request_id TEXT PRIMARY KEY REFERENCES meeting_requests (id) ON DELETE CASCADE,
    event_id   TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    status     TEXT NOT NULL CHECK (status IN ('held', 'no_show')),
    marked_by  TEXT NOT NULL,
    marked_at  TEXT NOT NULL
);
CREATE INDEX meeting_attendance_event ON meeting_attendance (event_id, status);

CREATE TABLE meeting_outcomes (
    request_id  TEXT NOT NULL REFERENCES meeting_requests (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id    TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    outcome     TEXT NOT NULL CHECK (outcome IN ('no_interest', 'follow_up', 'interest', 'agreement_likely')),
    answered_at TEXT NOT NULL,
    PRIMARY KEY (request_id, user_id)
);
CREATE INDEX meeting_outcomes_event ON meeting_outcomes (event_id);

-- The event an expression of interest came from, if any.
ALTER TABLE interests ADD COLUMN event_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE interests DROP COLUMN event_id;
DROP TABLE meeting_outcomes;
DROP TABLE meeting_attendance;
