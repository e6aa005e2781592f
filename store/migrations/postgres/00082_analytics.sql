-- +goose Up
-- The OpenAlex country co-authorship record (internationally co-authored
-- works by country pair and year, country_a < country_b, and each
-- country's international output), replaced whole by each import. Codes
-- are kept as the record gives them: it holds a few (XK) that the
-- reference table may not.
CREATE TABLE openalex_pairs (
    year      INTEGER NOT NULL,
    country_a TEXT NOT NULL,
    country_b TEXT NOT NULL,
    works     INTEGER NOT NULL,
    PRIMARY KEY (country_a, country_b, year)
);
CREATE INDEX openalex_pairs_b ON openalex_pairs (country_b, year);
CREATE INDEX openalex_pairs_year ON openalex_pairs (year, works);
CREATE TABLE openalex_totals (
    year     INTEGER NOT NULL,
    country  TEXT NOT NULL,
    works    INTEGER NOT NULL,
    partners INTEGER NOT NULL,
    PRIMARY KEY (year, country)
);
-- Incentive checks are counted per day and policy (not per person: the
-- counter says how far policies reach, not who looked).
CREATE TABLE incentive_checks (
    day       TEXT NOT NULL,
    policy_id TEXT NOT NULL,
    checks    BIGINT NOT NULL DEFAULT 0,
    eligible  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, policy_id)
);

-- +goose Down
DROP TABLE incentive_checks;
DROP TABLE openalex_totals;
DROP TABLE openalex_pairs;
