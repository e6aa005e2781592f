-- +goose Up
-- The cooperation marketplace: listings, their review, expressions of
-- interest, saved searches and the notifications they give.

-- status is draft, in_review, published or closed; a published listing
-- past its deadline is shown as expired without being rewritten.
CREATE TABLE opportunities (
    id                TEXT PRIMARY KEY,
    kind              TEXT NOT NULL,
    owner_org_id      TEXT NOT NULL REFERENCES organisations (id),
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    fields            TEXT NOT NULL DEFAULT '[]',
    keywords          TEXT NOT NULL DEFAULT '[]',
    trl               INTEGER NOT NULL DEFAULT 0,
    partnership_types TEXT NOT NULL DEFAULT '[]',
    countries_sought  TEXT NOT NULL DEFAULT '[]',
    deadline          TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'draft',
    anonymous         BOOLEAN NOT NULL DEFAULT FALSE,
    review_comment    TEXT NOT NULL DEFAULT '',
    sample            BOOLEAN NOT NULL DEFAULT FALSE,
    created_by        TEXT NOT NULL DEFAULT '',
    submitted_at      TEXT NOT NULL DEFAULT '',
    published_at      TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX opportunities_status ON opportunities (status, deadline);
CREATE INDEX opportunities_owner ON opportunities (owner_org_id, status);
CREATE INDEX opportunities_published ON opportunities (published_at);

-- The countries a listing seeks partners from, so lists filter by them.
CREATE TABLE opportunity_countries (
    opportunity_id TEXT NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    country        TEXT NOT NULL REFERENCES countries (code),
    PRIMARY KEY (opportunity_id, country)
);
CREATE INDEX opportunity_countries_country ON opportunity_countries (country);

-- The review history of a listing: submitted, approved, returned (with
-- the officer's comment), closed, taken back to draft.
CREATE TABLE opportunity_reviews (
    id             TEXT PRIMARY KEY,
    opportunity_id TEXT NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    action         TEXT NOT NULL,
    from_status    TEXT NOT NULL,
    to_status      TEXT NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    actor_id       TEXT NOT NULL DEFAULT '',
    at             TEXT NOT NULL
);
CREATE INDEX opportunity_reviews_opportunity ON opportunity_reviews (opportunity_id, at);

-- sender is the organisation the interest speaks for, else the member:
-- one live (pending or accepted) interest per sender and listing.
CREATE TABLE interests (
    id              TEXT PRIMARY KEY,
    opportunity_id  TEXT NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    from_user_id    TEXT REFERENCES users (id) ON DELETE SET NULL,
    from_org_id     TEXT REFERENCES organisations (id),
    sender          TEXT NOT NULL,
    who_we_are      TEXT NOT NULL,
    what_we_propose TEXT NOT NULL,
    what_we_need    TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending',
    decided_by      TEXT NOT NULL DEFAULT '',
    decided_at      TEXT NOT NULL DEFAULT '',
    cooperation_id  TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX interests_opportunity ON interests (opportunity_id, status);
CREATE INDEX interests_user ON interests (from_user_id);
CREATE INDEX interests_org ON interests (from_org_id);
CREATE UNIQUE INDEX interests_live ON interests (opportunity_id, sender) WHERE status <> 'declined';

-- filter holds the search as URL query parameters; feed_token is the
-- secret part of the Atom feed's address.
CREATE TABLE saved_searches (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    filter       TEXT NOT NULL DEFAULT '',
    notify       BOOLEAN NOT NULL DEFAULT TRUE,
    feed_token   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX saved_searches_user ON saved_searches (user_id);

CREATE TABLE market_notifications (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    opportunity_id  TEXT NOT NULL DEFAULT '',
    interest_id     TEXT NOT NULL DEFAULT '',
    saved_search_id TEXT NOT NULL DEFAULT '',
    cooperation_id  TEXT NOT NULL DEFAULT '',
    title           TEXT NOT NULL DEFAULT '',
    read_at         TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
CREATE INDEX market_notifications_user ON market_notifications (user_id, created_at);
-- A listing is news to a saved search once.
CREATE UNIQUE INDEX market_notifications_match ON market_notifications (saved_search_id, opportunity_id) WHERE kind = 'match';
