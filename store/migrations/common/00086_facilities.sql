-- +goose Up
-- Cooperation bases: shared research facilities (laboratories, large
-- instruments, pilot lines, test fields, data centres, field stations) of
-- an organisation, the instruments or capabilities they offer (each with a
-- capacity: how many bookings at once), their closures, and the bookings
-- partners request. Texts in several languages are JSON objects keyed by
-- language; lists are JSON arrays; instants are UTC text of fixed width.
CREATE TABLE facilities (
    id                 TEXT PRIMARY KEY,
    owner_id           TEXT NOT NULL REFERENCES organisations (id),
    kind               TEXT NOT NULL,
    names              TEXT NOT NULL DEFAULT '{}',
    descriptions       TEXT NOT NULL DEFAULT '{}',
    fields             TEXT NOT NULL DEFAULT '[]',
    country            TEXT NOT NULL,
    address            TEXT NOT NULL DEFAULT '',
    latitude           DOUBLE PRECISION,
    longitude          DOUBLE PRECISION,
    access_modes       TEXT NOT NULL DEFAULT '[]',
    eligibility        TEXT NOT NULL,
    languages          TEXT NOT NULL DEFAULT '[]',
    prerequisites      TEXT NOT NULL DEFAULT '',
    price_unit         TEXT NOT NULL,
    price              DOUBLE PRECISION NOT NULL DEFAULT 0,
    currency           TEXT NOT NULL DEFAULT '',
    price_bri          DOUBLE PRECISION,
    policy_id          TEXT NOT NULL DEFAULT '',
    price_policy       DOUBLE PRECISION,
    time_zone          TEXT NOT NULL,
    opening_hours      TEXT NOT NULL DEFAULT '[]',
    cancel_hours       INTEGER NOT NULL DEFAULT 48,
    sample             BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX facilities_owner ON facilities (owner_id);
CREATE INDEX facilities_country ON facilities (country, kind);

CREATE TABLE facility_instruments (
    id             TEXT PRIMARY KEY,
    facility_id    TEXT NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    name           TEXT NOT NULL,
    specification  TEXT NOT NULL DEFAULT '',
    capacity       INTEGER NOT NULL CHECK (capacity >= 1)
);
CREATE INDEX facility_instruments_facility ON facility_instruments (facility_id, position);

CREATE TABLE facility_closures (
    facility_id TEXT NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    from_on     TEXT NOT NULL,
    until_on    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX facility_closures_facility ON facility_closures (facility_id, from_on);

CREATE TABLE facility_bookings (
    id              TEXT PRIMARY KEY,
    facility_id     TEXT NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    instrument_id   TEXT NOT NULL REFERENCES facility_instruments (id) ON DELETE CASCADE,
    booker_id       TEXT REFERENCES users (id) ON DELETE SET NULL,
    booker_org_id   TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    starts_at       TEXT NOT NULL,
    ends_at         TEXT NOT NULL,
    units           DOUBLE PRECISION NOT NULL DEFAULT 0,
    purpose         TEXT NOT NULL DEFAULT '',
    cooperation_id  TEXT NOT NULL DEFAULT '',
    people          TEXT NOT NULL DEFAULT '[]',
    reason          TEXT NOT NULL DEFAULT '',
    proposed_start  TEXT NOT NULL DEFAULT '',
    proposed_end    TEXT NOT NULL DEFAULT '',
    outcome_samples INTEGER NOT NULL DEFAULT 0,
    outcome_data    TEXT NOT NULL DEFAULT '',
    outcome_lesson  TEXT NOT NULL DEFAULT '',
    output_id       TEXT NOT NULL DEFAULT '',
    lesson_id       TEXT NOT NULL DEFAULT '',
    sample          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX facility_bookings_instrument ON facility_bookings (instrument_id, status, starts_at);
CREATE INDEX facility_bookings_facility ON facility_bookings (facility_id, starts_at);
CREATE INDEX facility_bookings_cooperation ON facility_bookings (cooperation_id);

-- +goose Down
DROP TABLE facility_bookings;
DROP TABLE facility_closures;
DROP TABLE facility_instruments;
DROP TABLE facilities;
