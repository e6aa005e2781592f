-- +goose Up
-- The lessons ("detours") knowledge base. A lesson's source is an event,
-- cooperation or organisation named by kind and id; it is kept when the
-- source goes.
CREATE TABLE lessons (
    id            TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    fields        TEXT NOT NULL DEFAULT '[]',
    technology    TEXT NOT NULL,
    tried         TEXT NOT NULL,
    went_wrong    TEXT NOT NULL,
    instead       TEXT NOT NULL,
    cost_days     INTEGER NOT NULL DEFAULT 0,
    cost_money    DOUBLE PRECISION NOT NULL DEFAULT 0,
    cost_currency TEXT NOT NULL DEFAULT '',
    country       TEXT NOT NULL REFERENCES countries (code),
    language      TEXT NOT NULL DEFAULT '',
    source_kind   TEXT NOT NULL DEFAULT '',
    source_ref    TEXT NOT NULL DEFAULT '',
    author_id     TEXT REFERENCES users (id) ON DELETE SET NULL,
    sample        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX lessons_country ON lessons (country);
CREATE INDEX lessons_source ON lessons (source_kind, source_ref);
CREATE INDEX lessons_author ON lessons (author_id);
CREATE INDEX lessons_created ON lessons (created_at);

-- Each user marks a lesson helpful at most once.
CREATE TABLE lesson_helpful (
    lesson_id TEXT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    marked_at TEXT NOT NULL,
    PRIMARY KEY (lesson_id, user_id)
);
CREATE INDEX lesson_helpful_user ON lesson_helpful (user_id);
