package textsearch

import (
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// These tests feed terms to the real tokenizers: SQLite FTS5 unicode61 always,
// PostgreSQL to_tsvector('simple') when SILKBRIDGE_TEST_POSTGRES holds a
// connection URL.

func openFTS5(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one in-memory database
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	if _, err := db.Exec(`CREATE VIRTUAL TABLE docs USING fts5(terms, tokenize = 'unicode61');
		CREATE VIRTUAL TABLE vocab USING fts5vocab(docs, 'instance')`); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestTermRunesAreFTS5TokenCharacters(t *testing.T) {
	// Every letter and number is written between two 'a's: FTS5 returns one
	// token "a?a" for a token character and two tokens "a" for a separator.
	db := openFTS5(t)
	var runes []rune
	var b strings.Builder
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			runes = append(runes, r)
			b.WriteString("a")
			b.WriteRune(r)
			b.WriteString("a ")
		}
	}
	if _, err := db.Exec(`INSERT INTO docs(terms) VALUES (?)`, b.String()); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT term FROM vocab ORDER BY offset`)
	if err != nil {
		t.Fatal(err)
	}
	var tokens []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	i := 0
	for _, r := range runes {
		if i >= len(tokens) {
			t.Fatalf("FTS5 returned %d tokens for %d runes", len(tokens), len(runes))
		}
		separator := tokens[i] == "a"
		if separator {
			i += 2
		} else {
			i++
		}
		if separator == isTermRune(r) {
			t.Errorf("rune %U: FTS5 separator %v, isTermRune %v", r, separator, isTermRune(r))
		}
	}
}

// ftsQuery writes groups as an FTS5 query; terms are barewords.
func ftsQuery(groups [][]string) string {
	ands := make([]string, len(groups))
	for i, g := range groups {
		ands[i] = "(" + strings.Join(g, " OR ") + ")"
	}
	return strings.Join(ands, " AND ")
}

func TestFTS5FindsDocumentsByQueryTerms(t *testing.T) {
	db := openFTS5(t)
	for i, tc := range searchCases {
		terms := Terms(tc.doc)
		if _, err := db.Exec(`INSERT INTO docs(rowid, terms) VALUES (?, ?)`, i+1, strings.Join(terms, " ")); err != nil {
			t.Fatal(err)
		}
		if got := ftsTokens(t, db, i+1); !slices.Equal(got, terms) {
			t.Errorf("document %q: FTS5 tokens %q, want the terms %q", tc.doc, got, terms)
		}
	}
	for i, tc := range searchCases {
		t.Run(tc.name, func(t *testing.T) {
			q := ftsQuery(QueryTerms(tc.query))
			var n int
			err := db.QueryRow(`SELECT count(*) FROM docs WHERE docs MATCH ? AND rowid = ?`, q, i+1).Scan(&n)
			if err != nil {
				t.Fatalf("query %q as %q: %v", tc.query, q, err)
			}
			if got := n == 1; got != tc.want {
				t.Errorf("query %q (%s) on %q: found %v, want %v", tc.query, q, tc.doc, got, tc.want)
			}
		})
	}
}

// ftsTokens returns the tokens FTS5 stored for one row, in order.
func ftsTokens(t *testing.T, db *sql.DB, rowid int) []string {
	t.Helper()
	rows, err := db.Query(`SELECT term FROM vocab WHERE doc = ? ORDER BY offset`, rowid)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestPostgresSimpleConfigKeepsEachTermWhole(t *testing.T) {
	url := os.Getenv("SILKBRIDGE_TEST_POSTGRES")
	if url == "" {
		if os.Getenv("SILKBRIDGE_REQUIRE_POSTGRES") == "1" {
			t.Fatal("SILKBRIDGE_REQUIRE_POSTGRES=1 but SILKBRIDGE_TEST_POSTGRES is not set")
		}
		t.Skip("SILKBRIDGE_TEST_POSTGRES not set")
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range searchCases {
		terms := Terms(tc.doc)
		var got []string
		rows, err := db.Query(`SELECT lexeme FROM unnest(to_tsvector('simple', $1))`, strings.Join(terms, " "))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			got = append(got, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		want := slices.Clone(terms)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("document %q: tsvector lexemes %q, want the terms %q", tc.doc, got, want)
		}

		groups := QueryTerms(tc.query)
		ands := make([]string, len(groups))
		for i, g := range groups {
			ands[i] = "(" + strings.Join(g, " | ") + ")"
		}
		var found bool
		err = db.QueryRow(`SELECT to_tsvector('simple', $1) @@ to_tsquery('simple', $2)`,
			strings.Join(terms, " "), strings.Join(ands, " & ")).Scan(&found)
		if err != nil {
			t.Fatal(fmt.Errorf("query %q: %w", tc.query, err))
		}
		if found != tc.want {
			t.Errorf("query %q on %q: found %v, want %v", tc.query, tc.doc, found, tc.want)
		}
	}
}
