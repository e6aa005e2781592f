-- +goose Up
-- One directory: organisations from the Research Organization Registry
-- (ROR) live in the organisations table beside those of the cooperation
-- record and of sign-ups; ror_records keeps what only the registry says
-- (status, identifiers elsewhere, relationships) and which organisation
-- carries the record, so an H2020 participant linked to ROR is one entry.
ALTER TABLE organisations ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN lat DOUBLE PRECISION;
ALTER TABLE organisations ADD COLUMN lng DOUBLE PRECISION;
ALTER TABLE organisations ADD COLUMN established INTEGER NOT NULL DEFAULT 0;
-- ror_status is the registry's status (active, inactive, withdrawn) of the
-- record the organisation carries; '' when it carries none.
ALTER TABLE organisations ADD COLUMN ror_status TEXT NOT NULL DEFAULT '';
-- unnamed marks an organisation the cooperation record knows only by its
-- PIC: it stays in the graph, but lists leave it out unless asked.
ALTER TABLE organisations ADD COLUMN unnamed BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX organisations_ror ON organisations (ror_id);

CREATE TABLE ror_records (
    ror_id        TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    status        TEXT NOT NULL,
    types         TEXT NOT NULL DEFAULT '[]',
    external_ids  TEXT NOT NULL DEFAULT '[]',
    schema        TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    -- hash of the record as read, so a re-run rewrites only what changed
    hash          TEXT NOT NULL,
    -- run_id of the last import that saw the record; older ones were
    -- dropped from the dump and are marked withdrawn
    run_id        TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX ror_records_org ON ror_records (org_id);

-- org_names holds every name of an organisation in every script, with its
-- language and kind (ror_display, label, alias, acronym, name); norm is the
-- lowercased name, so exact and prefix matches rank first in search.
CREATE TABLE org_names (
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    lang   TEXT NOT NULL DEFAULT '',
    kind   TEXT NOT NULL,
    norm   TEXT NOT NULL,
    PRIMARY KEY (org_id, kind, lang, name)
);
CREATE INDEX org_names_norm ON org_names (norm);

CREATE TABLE ror_relations (
    ror_id     TEXT NOT NULL,
    related_id TEXT NOT NULL,
    type       TEXT NOT NULL,
    label      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (ror_id, related_id, type)
);
CREATE INDEX ror_relations_related ON ror_relations (related_id);

-- ror_links are the proposed links of an organisation to a ROR record:
-- linked (confident, or confirmed), candidate (waiting for review) or
-- rejected, with the evidence the matcher saw.
CREATE TABLE ror_links (
    org_id     TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    ror_id     TEXT NOT NULL,
    confidence TEXT NOT NULL,
    score      DOUBLE PRECISION NOT NULL DEFAULT 0,
    evidence   TEXT NOT NULL DEFAULT '',
    state      TEXT NOT NULL CHECK (state IN ('linked', 'candidate', 'rejected')),
    decided_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    decided_at TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (org_id, ror_id)
);
CREATE INDEX ror_links_state ON ror_links (state, confidence);

UPDATE organisations SET unnamed = TRUE WHERE id IN (SELECT org_id FROM imported_organisations WHERE NOT named);
CREATE INDEX organisations_unnamed ON organisations (unnamed);
