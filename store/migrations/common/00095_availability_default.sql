-- +goose Up
-- A participant who never said when they can meet is available in every
-- slot: an empty availability used to mean "never", which left accepted
-- meetings unscheduled because nobody had ticked a box. Those who already
-- marked slots keep them.
ALTER TABLE event_registrations ADD COLUMN availability_set BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE event_registrations SET availability_set = TRUE
    WHERE EXISTS (SELECT 1 FROM slot_availability a
                  WHERE a.event_id = event_registrations.event_id AND a.user_id = event_registrations.user_id);

-- +goose Down
ALTER TABLE event_registrations DROP COLUMN availability_set;
