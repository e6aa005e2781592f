-- +goose Up
-- Technology achievements offered for transformation, and the transfers
-- (deals) from an achievement to a receiving enterprise with their dated
-- stages.
CREATE TABLE achievements (
    id             TEXT PRIMARY KEY,
    owner_id       TEXT NOT NULL REFERENCES organisations (id),
    title          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    summary        TEXT NOT NULL DEFAULT '',
    fields         TEXT NOT NULL DEFAULT '[]',
    keywords       TEXT NOT NULL DEFAULT '[]',
    trl            INTEGER NOT NULL,
    ip_status      TEXT NOT NULL,
    ip_numbers     TEXT NOT NULL DEFAULT '[]',
    licensing      TEXT NOT NULL DEFAULT '',
    available_in   TEXT NOT NULL DEFAULT '[]',
    sample         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX achievements_owner ON achievements (owner_id);

CREATE TABLE transfers (
    id             TEXT PRIMARY KEY,
    achievement_id TEXT NOT NULL REFERENCES achievements (id) ON DELETE CASCADE,
    receiver_id    TEXT NOT NULL REFERENCES organisations (id),
    stage          TEXT NOT NULL,
    terms          TEXT NOT NULL DEFAULT '',
    started_on     TEXT NOT NULL,
    completed_on   TEXT NOT NULL DEFAULT '',
    sample         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX transfers_achievement ON transfers (achievement_id);
CREATE INDEX transfers_receiver ON transfers (receiver_id);

CREATE TABLE transfer_stages (
    transfer_id TEXT NOT NULL REFERENCES transfers (id) ON DELETE CASCADE,
    stage       TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    PRIMARY KEY (transfer_id, stage)
);
