package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// Lists of short strings (fields, keywords, languages) are stored as JSON
// text in the record's row; field codes are also kept in subject_fields so
// that every list can filter by field with an index.

func jsonList(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func parseList(s string) []string {
	var v []string
	if s == "" {
		return []string{}
	}
	if err := json.Unmarshal([]byte(s), &v); err != nil || v == nil {
		return []string{}
	}
	return v
}

// setFields replaces the field codes that a record of kind carries.
func setFields(ctx context.Context, q queryer, kind, ref string, fields []string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM subject_fields WHERE kind = $1 AND ref = $2`, kind, ref); err != nil {
		return fmt.Errorf("set fields: %w", err)
	}
	for _, f := range fields {
		if _, err := q.ExecContext(ctx, `INSERT INTO subject_fields (kind, ref, field) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, kind, ref, f); err != nil {
			return fmt.Errorf("set fields: %w", err)
		}
	}
	return nil
}

// fieldCond returns a condition keeping records of kind (id column col)
// that carry field or one of its sub-fields.
func fieldCond(col, kind, field string, args *[]any) string {
	*args = append(*args, field, field+".%")
	n := len(*args)
	return fmt.Sprintf("%s IN (SELECT ref FROM subject_fields WHERE kind = '%s' AND (field = $%d OR field LIKE $%d))", col, kind, n-1, n)
}

// Page is one page of a list.
type Page struct {
	Number  int `json:"page"`
	PerPage int `json:"per_page"`
	Total   int `json:"total"`
}

// Pages returns the number of pages.
func (p Page) Pages() int {
	if p.PerPage <= 0 {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// normPage clamps page numbers and sizes to sane bounds.
func normPage(page, perPage int) (int, int) {
	if page < 1 {
		page = 1
	}
	if perPage <= 0 {
		perPage = 20
	}
	if perPage > 100 {
		perPage = 100
	}
	return page, perPage
}
