-- +goose Up
-- Park membership over time: an organisation joins a park on a date and may
-- leave it; a later return is a new row. Foreign partners are organisations
-- abroad that cooperate with the park as a whole, also dated. The influence
-- indicator is computed from these rows.
CREATE TABLE park_members (
    id        TEXT PRIMARY KEY,
    park_id   TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    org_id    TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    joined_on TEXT NOT NULL,
    left_on   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX park_members_park ON park_members (park_id);
CREATE INDEX park_members_org ON park_members (org_id);

CREATE TABLE park_partners (
    id       TEXT PRIMARY KEY,
    park_id  TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    org_id   TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    since_on TEXT NOT NULL,
    until_on TEXT NOT NULL DEFAULT ''
);
CREATE INDEX park_partners_park ON park_partners (park_id);
