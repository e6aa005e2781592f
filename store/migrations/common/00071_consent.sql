-- +goose Up
-- An organisation named on another's record (an event's co-host, an
-- agreement's party) is first only invited; its managers accept or
-- decline, and until they accept it gives them no rights over the record
-- and is not shown as host or party. A decline removes the row, so naming
-- the organisation again invites it again. The rows that exist already
-- were named before consent was asked, and stay as they were: accepted.
ALTER TABLE event_hosts ADD COLUMN consent TEXT NOT NULL DEFAULT 'accepted';
ALTER TABLE event_hosts ADD COLUMN invited_at TEXT NOT NULL DEFAULT '';
ALTER TABLE agreement_parties ADD COLUMN consent TEXT NOT NULL DEFAULT 'accepted';
ALTER TABLE agreement_parties ADD COLUMN invited_at TEXT NOT NULL DEFAULT '';
CREATE INDEX event_hosts_invited ON event_hosts (org_id, consent);
CREATE INDEX agreement_parties_invited ON agreement_parties (org_id, consent);
