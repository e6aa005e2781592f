-- +goose Up
-- Nothing to do: search_docs is keyed by (kind, ref) already. On SQLite
-- this migration adds search_rowids, the way from a record to its FTS5
-- document.
SELECT 1;

-- +goose Down
SELECT 1;
