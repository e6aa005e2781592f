-- +goose Up
-- password_resets are single-use links to set a new password; only the
-- hash of the secret in the link is kept.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- org_invitations ask the holder of an e-mail address to become a manager
-- of an organisation; the invitee accepts while signed in with that address.
CREATE TABLE org_invitations (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    invited_by  TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    accepted_at TEXT NOT NULL DEFAULT '',
    accepted_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    revoked_at  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX org_invitations_org ON org_invitations (org_id);
CREATE INDEX org_invitations_email ON org_invitations (email);

-- attempts count rate-limited actions (failed sign-ins, reset requests)
-- in the database, so that every app instance applies the same limit.
-- key is a hash of what is limited ("account:" + e-mail, "ip:" + address).
CREATE TABLE attempts (
    id         TEXT NOT NULL,
    key        TEXT NOT NULL,
    at         TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (id, key)
);
CREATE INDEX attempts_key ON attempts (key, at);
CREATE INDEX attempts_expires ON attempts (expires_at);

CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
