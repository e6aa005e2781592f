-- +goose Up
-- Cooperations between organisations, tracked on the depth ladder.
-- single_beneficiary marks an imported grant to one organisation: kept as
-- a record of it, but not a cooperation (on no ladder, in no analytics).
CREATE TABLE cooperations (
    id                 TEXT PRIMARY KEY,
    title              TEXT NOT NULL,
    acronym            TEXT NOT NULL DEFAULT '',
    summary            TEXT NOT NULL DEFAULT '',
    stage              TEXT NOT NULL DEFAULT '',
    stage_since        TEXT NOT NULL DEFAULT '',
    fields             TEXT NOT NULL DEFAULT '[]',
    keywords           TEXT NOT NULL DEFAULT '[]',
    start_date         TEXT NOT NULL DEFAULT '',
    end_date           TEXT NOT NULL DEFAULT '',
    total_cost         DOUBLE PRECISION NOT NULL DEFAULT 0,
    funding            DOUBLE PRECISION NOT NULL DEFAULT 0,
    funder             TEXT NOT NULL DEFAULT '',
    programme          TEXT NOT NULL DEFAULT '',
    type_of_action     TEXT NOT NULL DEFAULT '',
    source_kind        TEXT NOT NULL DEFAULT 'manual',
    source_ref         TEXT NOT NULL DEFAULT '',
    external_id        TEXT UNIQUE,
    attribution        TEXT NOT NULL DEFAULT '',
    single_beneficiary BOOLEAN NOT NULL DEFAULT FALSE,
    sample             BOOLEAN NOT NULL DEFAULT FALSE,
    created_by         TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX cooperations_stage ON cooperations (single_beneficiary, stage);
CREATE INDEX cooperations_start ON cooperations (start_date);
CREATE INDEX cooperations_source ON cooperations (source_kind, source_ref);

-- position keeps the partners in the order they were given.
CREATE TABLE cooperation_partners (
    cooperation_id TEXT NOT NULL REFERENCES cooperations (id) ON DELETE CASCADE,
    org_id         TEXT NOT NULL REFERENCES organisations (id),
    role           TEXT NOT NULL,
    contribution   DOUBLE PRECISION NOT NULL DEFAULT 0,
    position       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (cooperation_id, org_id)
);
CREATE INDEX cooperation_partners_org ON cooperation_partners (org_id);

-- stage_changes is the dated history of every cooperation on the ladder;
-- the first row of a cooperation (from_stage '') says where it started.
CREATE TABLE stage_changes (
    id             TEXT PRIMARY KEY,
    cooperation_id TEXT NOT NULL REFERENCES cooperations (id) ON DELETE CASCADE,
    from_stage     TEXT NOT NULL DEFAULT '',
    to_stage       TEXT NOT NULL,
    date           TEXT NOT NULL DEFAULT '',
    evidence_kind  TEXT NOT NULL DEFAULT 'note',
    evidence_ref   TEXT NOT NULL DEFAULT '',
    evidence_note  TEXT NOT NULL DEFAULT '',
    actor_id       TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);
CREATE INDEX stage_changes_cooperation ON stage_changes (cooperation_id, date);
CREATE INDEX stage_changes_date ON stage_changes (date);

CREATE TABLE cooperation_outputs (
    id             TEXT PRIMARY KEY,
    cooperation_id TEXT NOT NULL REFERENCES cooperations (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    title          TEXT NOT NULL,
    date           TEXT NOT NULL,
    count          INTEGER NOT NULL DEFAULT 0,
    url            TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);
CREATE INDEX cooperation_outputs_cooperation ON cooperation_outputs (cooperation_id, date);

CREATE TABLE agreements (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    signed_on  TEXT NOT NULL,
    expires_on TEXT NOT NULL DEFAULT '',
    summary    TEXT NOT NULL DEFAULT '',
    text       TEXT NOT NULL DEFAULT '',
    sample     BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX agreements_kind ON agreements (kind, signed_on);

-- A party is a country (government level) or an organisation; country is
-- kept for both (an organisation's own country) so lists filter by it.
CREATE TABLE agreement_parties (
    agreement_id TEXT NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    country      TEXT NOT NULL REFERENCES countries (code),
    org_id       TEXT REFERENCES organisations (id),
    PRIMARY KEY (agreement_id, position)
);
CREATE INDEX agreement_parties_country ON agreement_parties (country);
CREATE INDEX agreement_parties_org ON agreement_parties (org_id);

CREATE TABLE agreement_cooperations (
    agreement_id   TEXT NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    cooperation_id TEXT NOT NULL REFERENCES cooperations (id) ON DELETE CASCADE,
    PRIMARY KEY (agreement_id, cooperation_id)
);
CREATE INDEX agreement_cooperations_cooperation ON agreement_cooperations (cooperation_id);

-- imported_organisations says which organisations an import created and
-- whether their legal name is known (else the name is generated from the PIC).
CREATE TABLE imported_organisations (
    org_id TEXT PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    named  BOOLEAN NOT NULL DEFAULT FALSE
);

-- import_runs keeps the report of every import.
CREATE TABLE import_runs (
    id          TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    report      TEXT NOT NULL DEFAULT '{}'
);
