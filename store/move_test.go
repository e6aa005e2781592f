package store

import (
	"bytes"
	"testing"
)

// TestMoveConversion_KeepsValuesOrRefusesThem: what SQLite stores loosely
// becomes the PostgreSQL column's type, and a value that would change on
// the way (a 2 as a boolean, a fraction as an integer) is refused.
func TestMoveConversion_KeepsValuesOrRefusesThem(t *testing.T) {
	cases := []struct {
		in   any
		typ  string
		want any
		bad  bool
	}{
		{int64(1), "boolean", true, false},
		{int64(0), "boolean", false, false},
		{int64(2), "boolean", nil, true},
		{int64(7), "integer", int64(7), false},
		{float64(7), "integer", int64(7), false},
		{3.5, "integer", nil, true},
		{int64(1) << 40, "integer", nil, true},
		{int64(1) << 40, "bigint", int64(1) << 40, false},
		{int64(3), "double precision", 3.0, false},
		{"2024-01-02T03:04:05.000000Z", "text", "2024-01-02T03:04:05.000000Z", false},
		{int64(42), "text", "42", false},
		{"a\x00b", "text", nil, true},
		{[]byte{0, 1, 2}, "bytea", []byte{0, 1, 2}, false},
		{nil, "boolean", nil, false},
		{"x", "tsvector", nil, true},
	}
	for _, c := range cases {
		got, err := toPostgres(c.in, c.typ)
		if c.bad {
			if err == nil {
				t.Errorf("%T %v as %s: %v accepted, want refused", c.in, c.in, c.typ, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%T %v as %s: %v", c.in, c.in, c.typ, err)
			continue
		}
		if b, ok := c.want.([]byte); ok {
			if !bytes.Equal(got.([]byte), b) {
				t.Errorf("%v as %s: %v", c.in, c.typ, got)
			}
		} else if got != c.want {
			t.Errorf("%T %v as %s: %T %v, want %T %v", c.in, c.in, c.typ, got, got, c.want, c.want)
		}
	}
}

// TestMoveOrder_ParentsBeforeChildren: every table comes after the tables
// its foreign keys name, a self-reference does not block, a cycle is
// reported.
func TestMoveOrder_ParentsBeforeChildren(t *testing.T) {
	order, err := dependencyOrder([]string{"a_child", "b_parent", "c_grand", "d_self"},
		map[string][]string{"a_child": {"b_parent"}, "b_parent": {"c_grand"}, "d_self": {"d_self", "c_grand"}})
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, n := range order {
		pos[n] = i
	}
	if pos["a_child"] < pos["b_parent"] || pos["b_parent"] < pos["c_grand"] || pos["d_self"] < pos["c_grand"] || len(order) != 4 {
		t.Errorf("order %v breaks a foreign key", order)
	}
	if _, err := dependencyOrder([]string{"x", "y"}, map[string][]string{"x": {"y"}, "y": {"x"}}); err == nil {
		t.Error("a cycle was ordered")
	}
}

// TestMoveChecksum_IgnoresRowOrderButNotValues: the same rows in another
// order give the same checksum; NULL, "" and 0 differ, and so does a
// duplicated row.
func TestMoveChecksum_IgnoresRowOrderButNotValues(t *testing.T) {
	sum := func(rows ...[]any) string {
		var c checksum
		for _, r := range rows {
			c.addRow(r)
		}
		return c.String()
	}
	a, b := []any{"x", int64(1), true}, []any{"y", nil, false}
	if sum(a, b) != sum(b, a) {
		t.Error("row order changes the checksum")
	}
	if sum(a, b) == sum(a, b, b) {
		t.Error("a duplicated row leaves the checksum unchanged")
	}
	if sum([]any{nil}) == sum([]any{""}) || sum([]any{""}) == sum([]any{int64(0)}) || sum([]any{"ab", "c"}) == sum([]any{"a", "bc"}) {
		t.Error("different rows share a checksum")
	}
	if sum([]any{int32(5)}) != sum([]any{int64(5)}) {
		t.Error("an integer's width changes the checksum")
	}
}
