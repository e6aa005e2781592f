-- +goose Up
-- Mail reaches a person at an address they have shown to be theirs, in
-- the language they chose. Accounts made before mail existed start
-- unverified: nobody has proved their address yet.
ALTER TABLE users ADD COLUMN email_verified_at TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '';

-- The notifications a person does not want by mail; every kind is sent
-- unless a row says otherwise, so a new kind reaches everyone at first.
CREATE TABLE mail_optouts (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Keys of the installation, shared by every instance: the key that signs
-- unsubscribe and verification links, made on first use.
CREATE TABLE site_keys (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL
);

-- +goose Down
DROP TABLE site_keys;
DROP TABLE mail_optouts;
ALTER TABLE users DROP COLUMN lang;
ALTER TABLE users DROP COLUMN email_verified_at;
