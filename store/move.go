package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Moving an installation from SQLite to PostgreSQL. The schema on both
// sides comes from this program's migrations, so the move reads it rather
// than listing tables by hand: which tables exist, their columns and
// PostgreSQL types, and the foreign keys that decide the order of the
// copy. The whole copy is one PostgreSQL transaction, verified (row counts
// and a checksum per table) before it commits: a move that fails leaves the
// target as it was.

// referenceTables are filled by the migrations themselves (migration 2,
// refdata.go), so a freshly migrated target holds them already; they do
// not make a target "not empty" and are replaced by the source's rows.
// So is the data version counter (migration 80, dataversion.go).
var referenceTables = map[string]bool{"countries": true, "fields": true, "data_version": true}

// MoveOptions tune a move.
type MoveOptions struct {
	// Force empties the target's tables first instead of refusing a target
	// that holds records.
	Force bool
	// Progress, when set, is told how many rows of the whole move are done
	// in each phase ("copy", then "verify").
	Progress func(phase, table string, done, total int64)
}

// MovedTable is the outcome of moving one table.
type MovedTable struct {
	Name     string
	Rows     int64
	Checksum string
}

// MoveReport says what a move did.
type MoveReport struct {
	Tables     []MovedTable // in the order they were copied
	SearchDocs int64        // search documents rebuilt on PostgreSQL
	Sequences  []string     // sequences set past the copied rows
	Skipped    []string     // tables left out (River's job tables)
	// Copy and Verify time the two phases; Duration is the whole move,
	// with the migration of the target and the final ANALYZE.
	Copy, Verify, Duration time.Duration
}

// Rows returns the number of rows moved over all tables.
func (r *MoveReport) Rows() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n + r.SearchDocs
}

// ErrTargetNotEmpty is returned when the target already holds records and
// the move was not forced.
var ErrTargetNotEmpty = errors.New("the PostgreSQL database already holds records")

// moveTable is one table to copy: its columns in the target's order and
// the PostgreSQL type of each.
type moveTable struct {
	name  string
	cols  []string
	types []string
	rows  int64
}

// moveSearch names the search index on each side (dialect.go): the
// analysed terms are kept as text in FTS5 and as a tsvector in PostgreSQL.
const (
	sqliteSearchTable = "search_fts"
	// sqliteSearchRowids says where each record's FTS5 document sits; it
	// has no counterpart in PostgreSQL and is not moved.
	sqliteSearchRowids  = "search_rowids"
	postgresSearchTable = "search_docs"
)

// MoveTo copies every record of s, a SQLite installation, into dst, a
// migrated PostgreSQL installation, and verifies the copy. s should be
// opened with OpenReadOnly on a stopped site; the copy reads one consistent
// snapshot of it in any case.
func (s *Store) MoveTo(ctx context.Context, dst *Store, opts MoveOptions) (*MoveReport, error) {
	start := time.Now()
	if s.engine != SQLite || dst.engine != Postgres {
		return nil, fmt.Errorf("move: from SQLite to PostgreSQL only (from %s to %s)", s.engine, dst.engine)
	}
	progress := opts.Progress
	if progress == nil {
		progress = func(string, string, int64, int64) {}
	}

	// One connection holding one read transaction sees one snapshot of the
	// source, even if something writes to it meanwhile.
	src, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("move: %w", err)
	}
	defer src.Close()
	if _, err := src.ExecContext(ctx, "BEGIN"); err != nil {
		return nil, fmt.Errorf("move: read the SQLite database: %w", err)
	}
	defer src.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")

	conn, err := dst.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("move: %w", err)
	}
	defer conn.Close()
	report := &MoveReport{}
	err = conn.Raw(func(dc any) error {
		pg := dc.(*stdlib.Conn).Conn()
		tx, err := pg.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		if err := moveInTx(ctx, src, tx, opts.Force, progress, report); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("move: %w", err)
	}
	// Fresh statistics, so the first queries on the new installation plan well.
	if _, err := dst.db.ExecContext(ctx, "ANALYZE"); err != nil {
		return nil, fmt.Errorf("move: analyze: %w", err)
	}
	report.Duration = time.Since(start)
	return report, nil
}

func moveInTx(ctx context.Context, src *sql.Conn, tx pgx.Tx, force bool, progress func(string, string, int64, int64), report *MoveReport) error {
	tables, skipped, err := movePlan(ctx, src, tx)
	if err != nil {
		return err
	}
	report.Skipped = skipped
	all := make([]string, 0, len(tables)+1)
	for _, t := range tables {
		all = append(all, t.name)
	}
	all = append(all, postgresSearchTable)

	if !force {
		var full []string
		for _, name := range all {
			if referenceTables[name] {
				continue
			}
			var held bool
			if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+pgx.Identifier{name}.Sanitize()+")").Scan(&held); err != nil {
				return err
			}
			if held {
				full = append(full, name)
			}
		}
		if len(full) > 0 {
			return fmt.Errorf("%w (%s): give --force to empty it first", ErrTargetNotEmpty, strings.Join(full, ", "))
		}
	}
	// Without CASCADE: a table outside the move that refers to these would
	// stop the move rather than be emptied with them.
	idents := make([]string, len(all))
	for i, name := range all {
		idents[i] = pgx.Identifier{name}.Sanitize()
	}
	if _, err := tx.Exec(ctx, "TRUNCATE "+strings.Join(idents, ", ")); err != nil {
		return fmt.Errorf("empty the target: %w", err)
	}

	var total int64
	for i := range tables {
		if err := src.QueryRowContext(ctx, "SELECT count(*) FROM "+quoteSQLite(tables[i].name)).Scan(&tables[i].rows); err != nil {
			return fmt.Errorf("count %s: %w", tables[i].name, err)
		}
		total += tables[i].rows
	}
	var searchRows int64
	if err := src.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT DISTINCT kind, ref FROM "+sqliteSearchTable+")").Scan(&searchRows); err != nil {
		return fmt.Errorf("count search documents: %w", err)
	}
	total += searchRows

	copyStart := time.Now()
	var done int64
	sums := make([]string, len(tables))
	for i, t := range tables {
		rs, err := newRowSource(ctx, src, t, func(n int64) { progress("copy", t.name, done+n, total) })
		if err != nil {
			return err
		}
		n, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, rs)
		rs.close()
		if err != nil {
			return fmt.Errorf("copy %s: %w", t.name, err)
		}
		if n != rs.n {
			return fmt.Errorf("copy %s: %d rows read, %d written", t.name, rs.n, n)
		}
		done += n
		sums[i] = rs.sum.String()
		progress("copy", t.name, done, total)
	}
	searchSum, err := moveSearch(ctx, src, tx)
	if err != nil {
		return err
	}
	done += searchRows
	progress("copy", postgresSearchTable, done, total)

	seqs, err := resetSequences(ctx, tx, tables)
	if err != nil {
		return err
	}
	report.Sequences = seqs
	report.Copy = time.Since(copyStart)

	// Verify: read back every table from the target in the same
	// transaction and compare with what the source held.
	verifyStart := time.Now()
	done = 0
	for i, t := range tables {
		n, sum, err := targetChecksum(ctx, tx, t, func(n int64) { progress("verify", t.name, done+n, total) })
		if err != nil {
			return err
		}
		if n != t.rows || sum != sums[i] {
			return fmt.Errorf("verify %s: the source holds %d rows (checksum %s), the target %d (checksum %s)", t.name, t.rows, sums[i], n, sum)
		}
		done += n
		report.Tables = append(report.Tables, MovedTable{Name: t.name, Rows: n, Checksum: sum})
	}
	n, sum, err := targetSearchChecksum(ctx, tx)
	if err != nil {
		return err
	}
	if n != searchRows || sum != searchSum {
		return fmt.Errorf("verify search index: the source holds %d documents (checksum %s), the target %d (checksum %s)", searchRows, searchSum, n, sum)
	}
	report.SearchDocs = n
	report.Verify = time.Since(verifyStart)
	progress("verify", postgresSearchTable, done+n, total)
	return nil
}

// movePlan reads both schemas and returns the tables to copy, parents
// before children, with the target's columns; the source must have the
// same tables and columns (the same schema version).
func movePlan(ctx context.Context, src *sql.Conn, tx pgx.Tx) (tables []moveTable, skipped []string, err error) {
	// PRAGMA table_list tells ordinary tables from virtual tables (the FTS5
	// index) and their shadow tables.
	rows, err := src.QueryContext(ctx, `SELECT name, type FROM pragma_table_list WHERE schema = 'main' ORDER BY name`)
	if err != nil {
		return nil, nil, fmt.Errorf("read the SQLite schema: %w", err)
	}
	var srcTables []string
	var sawSearch, sawGoose bool
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			rows.Close()
			return nil, nil, err
		}
		switch {
		case strings.HasPrefix(name, "sqlite_") || typ == "shadow" || typ == "view":
		case name == "goose_db_version":
			sawGoose = true
		case name == sqliteSearchRowids:
		case strings.HasPrefix(name, "river_"):
			skipped = append(skipped, name)
		case typ == "virtual" && name == sqliteSearchTable:
			sawSearch = true
		case typ == "virtual":
			rows.Close()
			return nil, nil, fmt.Errorf("the SQLite database has a virtual table %s that this program cannot move", name)
		default:
			srcTables = append(srcTables, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if !sawGoose || !sawSearch {
		return nil, nil, errors.New("the SQLite file is not a Silkbridge database (no migrations or search index found)")
	}

	pgRows, err := tx.Query(ctx, `SELECT table_name::text FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		return nil, nil, fmt.Errorf("read the PostgreSQL schema: %w", err)
	}
	dstTables, err := pgx.CollectRows(pgRows, pgx.RowTo[string])
	if err != nil {
		return nil, nil, fmt.Errorf("read the PostgreSQL schema: %w", err)
	}
	dstSet := map[string]bool{}
	for _, name := range dstTables {
		if name != "goose_db_version" && name != postgresSearchTable && !strings.HasPrefix(name, "river_") {
			dstSet[name] = true
		}
	}
	var onlySrc []string
	for _, name := range srcTables {
		if !dstSet[name] {
			onlySrc = append(onlySrc, name)
		}
		delete(dstSet, name)
	}
	if len(onlySrc) > 0 || len(dstSet) > 0 {
		var onlyDst []string
		for name := range dstSet {
			onlyDst = append(onlyDst, name)
		}
		sort.Strings(onlyDst)
		return nil, nil, fmt.Errorf("the two databases are at different schema versions (only in SQLite: %v; only in PostgreSQL: %v): run silkbridge migrate on the SQLite file first, with the same silkbridge as the move",
			onlySrc, onlyDst)
	}

	byName := map[string]*moveTable{}
	parents := map[string][]string{}
	for _, name := range srcTables {
		t := &moveTable{name: name}
		colRows, err := tx.Query(ctx, `SELECT column_name::text, data_type::text FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 ORDER BY column_name COLLATE "C"`, name)
		if err != nil {
			return nil, nil, err
		}
		// Columns in name order: COPY takes any order, and the checksum is
		// then the same whatever order ALTER TABLE left them in.
		for colRows.Next() {
			var col, typ string
			if err := colRows.Scan(&col, &typ); err != nil {
				colRows.Close()
				return nil, nil, err
			}
			t.cols = append(t.cols, col)
			t.types = append(t.types, typ)
		}
		colRows.Close()
		if err := colRows.Err(); err != nil {
			return nil, nil, err
		}
		srcCols, err := queryStrings(ctx, src, `SELECT name FROM pragma_table_info($1) ORDER BY name`, name)
		if err != nil {
			return nil, nil, err
		}
		sort.Strings(srcCols)
		if !slices.Equal(srcCols, t.cols) {
			return nil, nil, fmt.Errorf("table %s has columns %v in SQLite and %v in PostgreSQL: run silkbridge migrate on the SQLite file first", name, srcCols, t.cols)
		}
		refs, err := queryStrings(ctx, src, `SELECT DISTINCT "table" FROM pragma_foreign_key_list($1) ORDER BY 1`, name)
		if err != nil {
			return nil, nil, err
		}
		parents[name] = refs
		byName[name] = t
	}
	order, err := dependencyOrder(srcTables, parents)
	if err != nil {
		return nil, nil, err
	}
	for _, name := range order {
		tables = append(tables, *byName[name])
	}
	return tables, skipped, nil
}

// dependencyOrder sorts tables so that every table comes after the tables
// it refers to; a table referring to itself is copied in one statement,
// whose foreign keys PostgreSQL checks at its end.
func dependencyOrder(tables []string, parents map[string][]string) ([]string, error) {
	placed := map[string]bool{}
	var order []string
	for len(order) < len(tables) {
		progressed := false
		for _, t := range tables {
			if placed[t] {
				continue
			}
			ready := true
			for _, p := range parents[t] {
				if p != t && !placed[p] {
					ready = false
					break
				}
			}
			if ready {
				placed[t] = true
				order = append(order, t)
				progressed = true
			}
		}
		if !progressed {
			var left []string
			for _, t := range tables {
				if !placed[t] {
					left = append(left, t)
				}
			}
			return nil, fmt.Errorf("the foreign keys of %v form a cycle: no order of copy satisfies them", left)
		}
	}
	return order, nil
}

func quoteSQLite(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// rowSource streams one table from SQLite into COPY, converting each value
// to the PostgreSQL column's type and adding each row to the checksum.
type rowSource struct {
	t        moveTable
	rows     *sql.Rows
	raw      []any
	ptrs     []any
	vals     []any
	n        int64
	sum      checksum
	err      error
	progress func(int64)
}

func newRowSource(ctx context.Context, src *sql.Conn, t moveTable, progress func(int64)) (*rowSource, error) {
	cols := make([]string, len(t.cols))
	for i, c := range t.cols {
		cols[i] = quoteSQLite(c)
	}
	rows, err := src.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+quoteSQLite(t.name))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", t.name, err)
	}
	rs := &rowSource{t: t, rows: rows, raw: make([]any, len(cols)), ptrs: make([]any, len(cols)), vals: make([]any, len(cols)), progress: progress}
	for i := range rs.raw {
		rs.ptrs[i] = &rs.raw[i]
	}
	return rs, nil
}

// moveBatch is how many rows pass between two progress reports.
const moveBatch = 2000

func (r *rowSource) Next() bool {
	if r.err != nil || !r.rows.Next() {
		return false
	}
	if r.err = r.rows.Scan(r.ptrs...); r.err != nil {
		return false
	}
	for i, v := range r.raw {
		c, err := toPostgres(v, r.t.types[i])
		if err != nil {
			r.err = fmt.Errorf("%s row %d column %s: %w", r.t.name, r.n+1, r.t.cols[i], err)
			return false
		}
		r.vals[i] = c
	}
	r.sum.addRow(r.vals)
	r.n++
	if r.n%moveBatch == 0 {
		r.progress(r.n)
	}
	return true
}

func (r *rowSource) Values() ([]any, error) { return r.vals, nil }

func (r *rowSource) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.rows.Err()
}

func (r *rowSource) close() { r.rows.Close() }

// toPostgres converts a value read from SQLite to the Go type pgx writes
// into a column of PostgreSQL type typ. SQLite keeps booleans as integers
// and is lax about types; a value that would change on the way is refused
// rather than rounded.
func toPostgres(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if t, ok := v.(time.Time); ok {
		v = ts(t)
	}
	switch typ {
	case "boolean":
		switch x := v.(type) {
		case int64:
			if x == 0 || x == 1 {
				return x == 1, nil
			}
		case bool:
			return x, nil
		case string:
			if b, err := strconv.ParseBool(x); err == nil {
				return b, nil
			}
		}
	case "integer", "bigint", "smallint":
		switch x := v.(type) {
		case int64:
			if typ == "integer" && (x < math.MinInt32 || x > math.MaxInt32) || typ == "smallint" && (x < math.MinInt16 || x > math.MaxInt16) {
				return nil, fmt.Errorf("%d does not fit a PostgreSQL %s", x, typ)
			}
			return x, nil
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return toPostgres(int64(x), typ)
			}
		case string:
			if n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
				return toPostgres(n, typ)
			}
		}
	case "double precision", "real", "numeric":
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		case string:
			if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
				return f, nil
			}
		}
	case "bytea":
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
	case "text", "character varying", "character":
		switch x := v.(type) {
		case string:
			if strings.IndexByte(x, 0) >= 0 {
				return nil, errors.New("text holds a NUL character, which PostgreSQL refuses")
			}
			return x, nil
		case []byte:
			return toPostgres(string(x), typ)
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		}
	default:
		return nil, fmt.Errorf("no conversion to PostgreSQL type %s", typ)
	}
	return nil, fmt.Errorf("%T %v cannot be stored as PostgreSQL %s", v, v, typ)
}
