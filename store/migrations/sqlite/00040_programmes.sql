-- +goose Up
-- Talent-training programmes under agreements. Eligibility lists, policies
-- and the constraint set (regions and country quotas) are JSON text: they
-- are read and written whole, with the programme.
CREATE TABLE programmes (
    id               TEXT PRIMARY KEY,
    agreement_id     TEXT NOT NULL REFERENCES agreements (id),
    title            TEXT NOT NULL,
    summary          TEXT NOT NULL DEFAULT '',
    opens_at         TEXT NOT NULL,
    closes_at        TEXT NOT NULL,
    max_choices      INTEGER NOT NULL,
    nationalities    TEXT NOT NULL DEFAULT '[]',
    bri_partners     BOOLEAN NOT NULL DEFAULT FALSE,
    career_stages    TEXT NOT NULL DEFAULT '[]',
    fields           TEXT NOT NULL DEFAULT '[]',
    policies         TEXT NOT NULL DEFAULT '[]',
    constraints      TEXT NOT NULL DEFAULT '{"regions":[],"country_quotas":[]}',
    officer_id       TEXT REFERENCES users (id) ON DELETE SET NULL,
    published_run_id TEXT NOT NULL DEFAULT '',
    -- data_version grows with every change a matching reads (positions,
    -- constraints, applications, rankings), so a run can tell it is stale.
    data_version     BIGINT NOT NULL DEFAULT 0,
    sample           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX programmes_agreement ON programmes (agreement_id);
CREATE INDEX programmes_window ON programmes (closes_at, opens_at);

-- Positions are the host institutions' places; seq keeps the officer's order.
CREATE TABLE programme_positions (
    id           TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    seq          INTEGER NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    capacity     INTEGER NOT NULL,
    fields       TEXT NOT NULL DEFAULT '[]',
    language     TEXT NOT NULL DEFAULT '',
    stipend      TEXT NOT NULL DEFAULT '',
    rank_mode    TEXT NOT NULL DEFAULT 'order',
    rank_rule    TEXT NOT NULL DEFAULT '',
    target       INTEGER,
    floor        INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX programme_positions_programme ON programme_positions (programme_id, seq);
CREATE INDEX programme_positions_org ON programme_positions (org_id);

-- One application per talent and programme; country is the nationality
-- when it was last saved, which country quotas count.
CREATE TABLE programme_applications (
    id           TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    talent_id    TEXT NOT NULL REFERENCES talents (id) ON DELETE CASCADE,
    country      TEXT NOT NULL REFERENCES countries (code),
    statement    TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (programme_id, talent_id)
);
CREATE INDEX programme_applications_talent ON programme_applications (talent_id);

-- The ranked list: rank 1 is the talent's first choice.
CREATE TABLE programme_choices (
    application_id TEXT NOT NULL REFERENCES programme_applications (id) ON DELETE CASCADE,
    position_id    TEXT NOT NULL REFERENCES programme_positions (id) ON DELETE CASCADE,
    rank           INTEGER NOT NULL,
    PRIMARY KEY (application_id, position_id)
);
CREATE INDEX programme_choices_position ON programme_choices (position_id);

-- A host's judgement of an applicant: value is a rank or a score as the
-- position's rank_mode says (NULL: not ranked yet).
CREATE TABLE programme_rankings (
    position_id    TEXT NOT NULL REFERENCES programme_positions (id) ON DELETE CASCADE,
    application_id TEXT NOT NULL REFERENCES programme_applications (id) ON DELETE CASCADE,
    value          DOUBLE PRECISION,
    excluded       BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (position_id, application_id)
);
CREATE INDEX programme_rankings_application ON programme_rankings (application_id);

-- Matching runs. instance keeps the hr-instance/1 file (gzip) the run
-- solved, so that anyone can check the result with another tool.
CREATE TABLE programme_runs (
    id           TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    algorithm    TEXT NOT NULL,
    seed         BIGINT NOT NULL,
    label        TEXT NOT NULL DEFAULT '',
    input_sha256 TEXT NOT NULL DEFAULT '',
    data_version BIGINT NOT NULL DEFAULT 0,
    status       TEXT NOT NULL,
    stage        TEXT NOT NULL DEFAULT '',
    progress     INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    applicants   INTEGER NOT NULL DEFAULT 0,
    seats        INTEGER NOT NULL DEFAULT 0,
    matched      INTEGER NOT NULL DEFAULT 0,
    proposals    BIGINT NOT NULL DEFAULT 0,
    balance      TEXT NOT NULL DEFAULT '',
    instance     BLOB,
    published    BOOLEAN NOT NULL DEFAULT FALSE,
    published_at TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX programme_runs_programme ON programme_runs (programme_id, created_at);

-- Each talent's result in a run; refusals say why better choices went to others.
CREATE TABLE programme_placements (
    run_id         TEXT NOT NULL REFERENCES programme_runs (id) ON DELETE CASCADE,
    application_id TEXT NOT NULL REFERENCES programme_applications (id) ON DELETE CASCADE,
    position_id    TEXT NOT NULL DEFAULT '',
    choice         INTEGER NOT NULL DEFAULT 0,
    refusals       TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (run_id, application_id)
);
CREATE INDEX programme_placements_position ON programme_placements (run_id, position_id);
CREATE INDEX programme_placements_application ON programme_placements (application_id);
