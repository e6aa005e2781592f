package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// checksum is a digest of a table's rows that does not depend on their
// order (the two engines sort text differently): the sum, lane by lane,
// of a SHA-256 of each row's canonical rendering.
type checksum [4]uint64

func (c *checksum) addRow(vals []any) {
	h := sha256.New()
	var buf []byte
	for _, v := range vals {
		buf = canonical(buf[:0], v)
		h.Write(binary.AppendUvarint(nil, uint64(len(buf))))
		h.Write(buf)
	}
	c.addDigest(h.Sum(nil))
}

func (c *checksum) addDigest(d []byte) {
	for i := range c {
		c[i] += binary.BigEndian.Uint64(d[8*i:])
	}
}

func (c checksum) String() string {
	b := make([]byte, 0, 32)
	for _, x := range c {
		b = binary.BigEndian.AppendUint64(b, x)
	}
	return hex.EncodeToString(b[:16])
}

// canonical renders a value as both engines' drivers deliver it after
// conversion: a type letter and the value, so that NULL, "" and 0 differ.
func canonical(buf []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(buf, 'N')
	case bool:
		if x {
			return append(buf, 'b', '1')
		}
		return append(buf, 'b', '0')
	case int64:
		return strconv.AppendInt(append(buf, 'i'), x, 10)
	case int32:
		return strconv.AppendInt(append(buf, 'i'), int64(x), 10)
	case int16:
		return strconv.AppendInt(append(buf, 'i'), int64(x), 10)
	case float64:
		return strconv.AppendFloat(append(buf, 'f'), x, 'g', -1, 64)
	case float32:
		return strconv.AppendFloat(append(buf, 'f'), float64(x), 'g', -1, 64)
	case string:
		return append(append(buf, 's'), x...)
	case []byte:
		return append(append(buf, 'x'), x...)
	default:
		return fmt.Appendf(append(buf, '?'), "%v", x)
	}
}

// targetChecksum reads a table back from PostgreSQL.
func targetChecksum(ctx context.Context, tx pgx.Tx, t moveTable, progress func(int64)) (int64, string, error) {
	cols := make([]string, len(t.cols))
	for i, c := range t.cols {
		cols[i] = pgx.Identifier{c}.Sanitize()
	}
	rows, err := tx.Query(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+pgx.Identifier{t.name}.Sanitize())
	if err != nil {
		return 0, "", fmt.Errorf("verify %s: %w", t.name, err)
	}
	defer rows.Close()
	var sum checksum
	var n int64
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return 0, "", fmt.Errorf("verify %s: %w", t.name, err)
		}
		sum.addRow(vals)
		n++
		if n%moveBatch == 0 {
			progress(n)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, "", fmt.Errorf("verify %s: %w", t.name, err)
	}
	return n, sum.String(), nil
}

// moveSearch rebuilds the search index on PostgreSQL from the terms kept in
// FTS5. The terms were analysed in Go (package textsearch) and PostgreSQL
// stores them as they are (array_to_tsvector on the simple configuration,
// as putDocSQL does), so copying them gives the index a fresh indexing on
// PostgreSQL would give, without reading every record again. It returns
// the checksum of the documents sent.
func moveSearch(ctx context.Context, src *sql.Conn, tx pgx.Tx) (string, error) {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE move_search (kind TEXT, ref TEXT, terms TEXT) ON COMMIT DROP`); err != nil {
		return "", fmt.Errorf("search index: %w", err)
	}
	rows, err := src.QueryContext(ctx, `SELECT kind, ref, group_concat(terms, ' ') FROM `+sqliteSearchTable+` GROUP BY kind, ref`)
	if err != nil {
		return "", fmt.Errorf("search index: read: %w", err)
	}
	defer rows.Close()
	var sum checksum
	var scanErr error
	var vals []any
	next := func() bool {
		if !rows.Next() {
			return false
		}
		var kind, ref, terms string
		if scanErr = rows.Scan(&kind, &ref, &terms); scanErr != nil {
			return false
		}
		vals = []any{kind, ref, terms}
		sum.addRow([]any{kind, ref, canonicalTerms(strings.Fields(terms))})
		return true
	}
	src2 := &funcSource{next: next, values: func() ([]any, error) { return vals, nil }, err: func() error {
		if scanErr != nil {
			return scanErr
		}
		return rows.Err()
	}}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"move_search"}, []string{"kind", "ref", "terms"}, src2); err != nil {
		return "", fmt.Errorf("search index: copy: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO `+postgresSearchTable+` (kind, ref, terms)
		SELECT kind, ref, array_to_tsvector(array_remove(string_to_array(terms, ' '), '')) FROM move_search`); err != nil {
		return "", fmt.Errorf("search index: build: %w", err)
	}
	return sum.String(), nil
}

// canonicalTerms renders a document's terms as a set: a tsvector keeps
// each term once, in its own order.
func canonicalTerms(terms []string) string {
	sort.Strings(terms)
	return strings.Join(slices.Compact(terms), " ")
}

func targetSearchChecksum(ctx context.Context, tx pgx.Tx) (int64, string, error) {
	rows, err := tx.Query(ctx, `SELECT kind, ref, array_to_string(tsvector_to_array(terms), ' ') FROM `+postgresSearchTable)
	if err != nil {
		return 0, "", fmt.Errorf("verify search index: %w", err)
	}
	defer rows.Close()
	var sum checksum
	var n int64
	for rows.Next() {
		var kind, ref, terms string
		if err := rows.Scan(&kind, &ref, &terms); err != nil {
			return 0, "", fmt.Errorf("verify search index: %w", err)
		}
		sum.addRow([]any{kind, ref, canonicalTerms(strings.Fields(terms))})
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, "", fmt.Errorf("verify search index: %w", err)
	}
	return n, sum.String(), nil
}

// funcSource adapts three functions to pgx.CopyFromSource.
type funcSource struct {
	next   func() bool
	values func() ([]any, error)
	err    func() error
}

func (f *funcSource) Next() bool             { return f.next() }
func (f *funcSource) Values() ([]any, error) { return f.values() }
func (f *funcSource) Err() error             { return f.err() }

// resetSequences moves every sequence behind a serial or identity column
// of the copied tables past the highest value copied, so that the next
// insert does not collide. Silkbridge's identifiers are text today, so
// there are usually none.
func resetSequences(ctx context.Context, tx pgx.Tx, tables []moveTable) ([]string, error) {
	var reset []string
	for _, t := range tables {
		for _, col := range t.cols {
			var seq *string
			if err := tx.QueryRow(ctx, `SELECT pg_get_serial_sequence($1, $2)`, pgx.Identifier{t.name}.Sanitize(), col).Scan(&seq); err != nil {
				return nil, fmt.Errorf("sequence of %s.%s: %w", t.name, col, err)
			}
			if seq == nil {
				continue
			}
			q := fmt.Sprintf(`SELECT setval($1, COALESCE((SELECT max(%s) FROM %s), 0) + 1, false)`, pgx.Identifier{col}.Sanitize(), pgx.Identifier{t.name}.Sanitize())
			if _, err := tx.Exec(ctx, q, *seq); err != nil {
				return nil, fmt.Errorf("reset %s: %w", *seq, err)
			}
			reset = append(reset, *seq)
		}
	}
	return reset, nil
}

// Checksums returns the row count and checksum of every table of the
// installation, computed as MoveTo computes them but read through the
// ordinary driver of either engine, so that a moved installation can be
// compared with its source independently of the move. The search index
// is counted under its PostgreSQL name, search_docs.
func (s *Store) Checksums(ctx context.Context) (map[string]MovedTable, error) {
	var tables []string
	var err error
	if s.engine == Postgres {
		tables, err = queryStrings(ctx, s.db, `SELECT table_name::text FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	} else {
		tables, err = queryStrings(ctx, s.db, `SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'`)
	}
	if err != nil {
		return nil, fmt.Errorf("checksums: %w", err)
	}
	out := map[string]MovedTable{}
	for _, name := range tables {
		if name == "goose_db_version" || name == postgresSearchTable || name == sqliteSearchRowids || strings.HasPrefix(name, "river_") {
			continue
		}
		t := moveTable{name: name}
		var q string
		if s.engine == Postgres {
			q = `SELECT column_name::text, data_type::text FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = $1 ORDER BY column_name COLLATE "C"`
		} else {
			q = `SELECT name, lower(type) FROM pragma_table_info($1) ORDER BY name`
		}
		rows, err := s.db.QueryContext(ctx, q, name)
		if err != nil {
			return nil, fmt.Errorf("checksums: %w", err)
		}
		for rows.Next() {
			var col, typ string
			if err := rows.Scan(&col, &typ); err != nil {
				rows.Close()
				return nil, err
			}
			if typ == "blob" {
				typ = "bytea"
			}
			t.cols = append(t.cols, col)
			t.types = append(t.types, typ)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		cols := make([]string, len(t.cols))
		for i, c := range t.cols {
			cols[i] = quoteSQLite(c)
		}
		rows, err = s.db.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+quoteSQLite(name))
		if err != nil {
			return nil, fmt.Errorf("checksums %s: %w", name, err)
		}
		raw := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range raw {
			ptrs[i] = &raw[i]
		}
		var sum checksum
		var n int64
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			for i, v := range raw {
				if raw[i], err = toPostgres(v, t.types[i]); err != nil {
					rows.Close()
					return nil, fmt.Errorf("checksums %s.%s: %w", name, t.cols[i], err)
				}
			}
			sum.addRow(raw)
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		out[name] = MovedTable{Name: name, Rows: n, Checksum: sum.String()}
	}
	return out, nil
}
