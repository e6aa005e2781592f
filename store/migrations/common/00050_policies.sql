-- +goose Up
-- Policies and incentives published by agencies and parks. Texts (one per
-- language) and links are JSON lists; the eligibility rule is kept in the
-- canonical JSON form of package eligible, checked on every save.
CREATE TABLE policies (
    id           TEXT PRIMARY KEY,
    issuer_id    TEXT NOT NULL REFERENCES organisations (id),
    jurisdiction TEXT NOT NULL,
    country      TEXT NOT NULL REFERENCES countries (code),
    region       TEXT NOT NULL DEFAULT '',
    park_id      TEXT REFERENCES organisations (id),
    kind         TEXT NOT NULL,
    benefit      TEXT NOT NULL,
    valid_from   TEXT NOT NULL,
    valid_until  TEXT NOT NULL DEFAULT '',
    texts        TEXT NOT NULL DEFAULT '[]',
    links        TEXT NOT NULL DEFAULT '[]',
    rule         TEXT NOT NULL,
    sample       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX policies_issuer ON policies (issuer_id);
CREATE INDEX policies_country ON policies (country);
CREATE INDEX policies_park ON policies (park_id);
CREATE INDEX policies_updated ON policies (updated_at);
