-- +goose Up
-- How often a saved search's new matches are mailed: at once, in a daily
-- or weekly digest, or never; and up to when the last digest told them.
ALTER TABLE saved_searches ADD COLUMN mail_every TEXT NOT NULL DEFAULT 'daily';
ALTER TABLE saved_searches ADD COLUMN mailed_until TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE saved_searches DROP COLUMN mailed_until;
ALTER TABLE saved_searches DROP COLUMN mail_every;
