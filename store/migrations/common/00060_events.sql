-- +goose Up
-- Exchange events, their registrations and waiting lines, and the 1:1
-- meetings of brokerage events.
CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    time_zone   TEXT NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    country     TEXT REFERENCES countries (code),
    online_url  TEXT NOT NULL DEFAULT '',
    fields      TEXT NOT NULL DEFAULT '[]',
    languages   TEXT NOT NULL DEFAULT '[]',
    capacity    INTEGER NOT NULL DEFAULT 0,
    created_by  TEXT REFERENCES users (id) ON DELETE SET NULL,
    sample      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX events_starts ON events (starts_at);
CREATE INDEX events_ends ON events (ends_at);

-- An organisation that hosts an event cannot be deleted while it does.
CREATE TABLE event_hosts (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    org_id   TEXT NOT NULL REFERENCES organisations (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (event_id, org_id)
);
CREATE INDEX event_hosts_org ON event_hosts (org_id);

-- status is registered, waiting or cancelled; the waiting line is ordered
-- by registered_at.
CREATE TABLE event_registrations (
    event_id      TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status        TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_registrations_user ON event_registrations (user_id);
CREATE INDEX event_registrations_line ON event_registrations (event_id, status, registered_at);

CREATE TABLE brokerage_profiles (
    event_id     TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation TEXT NOT NULL DEFAULT '',
    headline     TEXT NOT NULL,
    offers       TEXT NOT NULL DEFAULT '',
    seeks        TEXT NOT NULL DEFAULT '',
    fields       TEXT NOT NULL DEFAULT '[]',
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (event_id, user_id)
);

-- One request per pair of participants and event, whoever asked first:
-- pair_lo and pair_hi are the two user ids in order.
CREATE TABLE meeting_requests (
    id           TEXT PRIMARY KEY,
    event_id     TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    requester_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    invitee_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pair_lo      TEXT NOT NULL,
    pair_hi      TEXT NOT NULL,
    status       TEXT NOT NULL,
    message      TEXT NOT NULL DEFAULT '',
    requested_at TEXT NOT NULL,
    answered_at  TEXT NOT NULL DEFAULT '',
    UNIQUE (event_id, pair_lo, pair_hi)
);
CREATE INDEX meeting_requests_requester ON meeting_requests (event_id, requester_id);
CREATE INDEX meeting_requests_invitee ON meeting_requests (event_id, invitee_id);

CREATE TABLE event_slots (
    id        TEXT PRIMARY KEY,
    event_id  TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    starts_at TEXT NOT NULL,
    ends_at   TEXT NOT NULL,
    tables    INTEGER NOT NULL
);
CREATE INDEX event_slots_event ON event_slots (event_id, starts_at);

CREATE TABLE slot_availability (
    slot_id  TEXT NOT NULL REFERENCES event_slots (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    PRIMARY KEY (slot_id, user_id)
);
CREATE INDEX slot_availability_user ON slot_availability (event_id, user_id);

-- The last run of the scheduler for an event, its placed meetings and the
-- accepted requests it could not place, with the reason.
CREATE TABLE schedule_runs (
    event_id    TEXT PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    run_at      TEXT NOT NULL,
    run_by      TEXT NOT NULL DEFAULT '',
    requests    INTEGER NOT NULL,
    placed      INTEGER NOT NULL,
    upper_bound INTEGER NOT NULL,
    input_hash  TEXT NOT NULL
);

CREATE TABLE scheduled_meetings (
    request_id TEXT PRIMARY KEY REFERENCES meeting_requests (id) ON DELETE CASCADE,
    event_id   TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    slot_id    TEXT NOT NULL REFERENCES event_slots (id) ON DELETE CASCADE,
    table_no   INTEGER NOT NULL,
    UNIQUE (slot_id, table_no)
);
CREATE INDEX scheduled_meetings_event ON scheduled_meetings (event_id);

CREATE TABLE unplaced_meetings (
    request_id   TEXT PRIMARY KEY REFERENCES meeting_requests (id) ON DELETE CASCADE,
    event_id     TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    common_slots TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX unplaced_meetings_event ON unplaced_meetings (event_id, position);
