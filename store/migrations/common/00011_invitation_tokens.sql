-- +goose Up
-- An invitation is accepted with the secret of its link, not with its id
-- alone: e-mail addresses are not verified at sign-up, so holding an
-- account with the invited address does not prove that one received the
-- invitation. Only the hash of the secret is kept.
ALTER TABLE org_invitations ADD COLUMN token_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX org_invitations_token ON org_invitations (token_hash);
