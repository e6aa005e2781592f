-- +goose Up
-- Where each record's document sits in the FTS5 index. FTS5 cannot look
-- up its UNINDEXED columns, so replacing a record's document by kind and
-- ref scanned the whole index inside every write transaction; by rowid it
-- is one B-tree step. PostgreSQL keys search_docs by (kind, ref) already.
CREATE TABLE search_rowids (
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    doc INTEGER NOT NULL,
    PRIMARY KEY (kind, ref, doc)
) WITHOUT ROWID;
INSERT INTO search_rowids (kind, ref, doc) SELECT kind, ref, rowid FROM search_fts;

-- +goose Down
DROP TABLE search_rowids;
