-- +goose Up
CREATE TABLE countries (
    code        TEXT PRIMARY KEY,
    alpha3      TEXT NOT NULL,
    num         TEXT NOT NULL DEFAULT '',
    region      TEXT NOT NULL DEFAULT '',
    subregion   TEXT NOT NULL DEFAULT '',
    name_en     TEXT NOT NULL,
    name_zh     TEXT NOT NULL,
    name_ru     TEXT NOT NULL,
    name_ar     TEXT NOT NULL,
    name_fr     TEXT NOT NULL,
    name_es     TEXT NOT NULL,
    bri_status  TEXT NOT NULL DEFAULT '',
    bri_partner BOOLEAN NOT NULL DEFAULT FALSE,
    eu_member   BOOLEAN NOT NULL DEFAULT FALSE,
    lat         DOUBLE PRECISION NOT NULL DEFAULT 0,
    lng         DOUBLE PRECISION NOT NULL DEFAULT 0
);

CREATE TABLE fields (
    code    TEXT PRIMARY KEY,
    parent  TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_ar TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_es TEXT NOT NULL
);

-- subject_fields says which FORD fields a record of any kind carries, so
-- every list can filter by field the same way.
CREATE TABLE subject_fields (
    kind  TEXT NOT NULL,
    ref   TEXT NOT NULL,
    field TEXT NOT NULL REFERENCES fields (code),
    PRIMARY KEY (kind, ref, field)
);
CREATE INDEX subject_fields_field ON subject_fields (kind, field);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'member',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- api_tokens are personal tokens for machines; only their hash is kept.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    scope        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL DEFAULT '',
    revoked_at   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE organisations (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    short_name    TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL,
    country       TEXT NOT NULL REFERENCES countries (code),
    ror_id        TEXT NOT NULL DEFAULT '',
    size_class    TEXT NOT NULL DEFAULT '',
    park_id       TEXT REFERENCES organisations (id) ON DELETE SET NULL,
    fields        TEXT NOT NULL DEFAULT '[]',
    keywords      TEXT NOT NULL DEFAULT '[]',
    website       TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    pic           TEXT UNIQUE,
    activity_type TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL DEFAULT '',
    sample        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX organisations_country ON organisations (country);
CREATE INDEX organisations_kind ON organisations (kind);
CREATE INDEX organisations_name ON organisations (name);

CREATE TABLE org_managers (
    org_id  TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX org_managers_user ON org_managers (user_id);

CREATE TABLE talents (
    id           TEXT PRIMARY KEY,
    user_id      TEXT UNIQUE REFERENCES users (id) ON DELETE SET NULL,
    name         TEXT NOT NULL,
    country      TEXT NOT NULL REFERENCES countries (code),
    orcid        TEXT NOT NULL DEFAULT '',
    affiliation  TEXT NOT NULL DEFAULT '',
    org_id       TEXT REFERENCES organisations (id) ON DELETE SET NULL,
    fields       TEXT NOT NULL DEFAULT '[]',
    keywords     TEXT NOT NULL DEFAULT '[]',
    languages    TEXT NOT NULL DEFAULT '[]',
    career_stage TEXT NOT NULL DEFAULT '',
    mobility     TEXT NOT NULL DEFAULT '[]',
    bio          TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    public       BOOLEAN NOT NULL DEFAULT FALSE,
    shown        TEXT NOT NULL DEFAULT '[]',
    sample       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX talents_country ON talents (country);

-- audit_log records every change: who, what, when, before and after.
CREATE TABLE audit_log (
    id       TEXT PRIMARY KEY,
    at       TEXT NOT NULL,
    actor_id TEXT NOT NULL DEFAULT '',
    action   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    ref      TEXT NOT NULL,
    org_id   TEXT NOT NULL DEFAULT '',
    before   TEXT NOT NULL DEFAULT '',
    after    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_ref ON audit_log (kind, ref);
CREATE INDEX audit_log_org ON audit_log (org_id, at);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE VIRTUAL TABLE search_fts USING fts5(kind UNINDEXED, ref UNINDEXED, terms, tokenize = 'unicode61 remove_diacritics 0');
