-- +goose Up
-- One counter that every committed write moves, so that each app instance
-- can keep counts and aggregates in memory and learn within a second or two
-- that another instance changed the data (store/dataversion.go).
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);

-- +goose Down
DROP TABLE data_version;
