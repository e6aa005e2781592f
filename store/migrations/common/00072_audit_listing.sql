-- +goose Up
-- An audit entry records the marketplace listing it concerns (a listing's
-- own entries and those of the interests in it), so that whoever reads
-- the log, in a page, the API or a member's download, can be denied what
-- the marketplace hides: the owner of an anonymous listing.
ALTER TABLE audit_log ADD COLUMN listing_id TEXT NOT NULL DEFAULT '';
UPDATE audit_log SET listing_id = ref WHERE kind = 'opportunity';
UPDATE audit_log SET listing_id = COALESCE((SELECT i.opportunity_id FROM interests i WHERE i.id = audit_log.ref), '')
    WHERE kind = 'interest';

-- +goose Down
ALTER TABLE audit_log DROP COLUMN listing_id;
