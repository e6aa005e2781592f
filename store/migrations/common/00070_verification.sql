-- +goose Up
-- An organisation's verification: whether admins or agency officers vouched
-- that it is who it says it is, on what evidence, who decided and when.
-- Every organisation starts unverified; only verified agencies and parks
-- publish policies for a state or a park. The requester and decider are
-- kept as people while their accounts exist; the audit log keeps each
-- decision.
ALTER TABLE organisations ADD COLUMN verification_state TEXT NOT NULL DEFAULT 'unverified'
    CHECK (verification_state IN ('unverified', 'pending', 'verified', 'refused'));
ALTER TABLE organisations ADD COLUMN verification_evidence_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN verification_evidence_value TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN verification_note TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN verification_requested_by TEXT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE organisations ADD COLUMN verification_requested_at TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN verification_decided_by TEXT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE organisations ADD COLUMN verification_decided_at TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN verification_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX organisations_verification ON organisations (verification_state);
