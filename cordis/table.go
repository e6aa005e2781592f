// Package cordis reads the CORDIS Horizon 2020 data sets shipped in
// shared/data: participations, programme parts, the rcn to grant number
// crosswalk, the Horizon Dashboard project list (titles and topics) and the
// PIC to legal name list. Readers stream row by row, accept plain or gzip
// files alike, and report bad rows with the file name, the row number and
// the column at fault.
//
// Two traps of these files are handled here once: "NA" is Namibia in a
// country column but means "unknown" in a number or date column, and CORDIS
// writes EL for Greece and UK for the United Kingdom where ISO 3166-1 has GR
// and GB.
package cordis

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// RowError says which file, data row (1 is the first row after the header;
// 0 is the header) and column a reading error comes from.
type RowError struct {
	File   string
	Row    int
	Column string
	Err    error
}

func (e *RowError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Row == 0 {
		b.WriteString(": header")
	} else {
		fmt.Fprintf(&b, ": row %d", e.Row)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, ": column %s", e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *RowError) Unwrap() error { return e.Err }

// gzipMagic starts every gzip stream (RFC 1952).
var gzipMagic = []byte{0x1f, 0x8b}

// decompress returns r itself or, when r starts with the gzip magic bytes,
// a reader of its decompressed content. Sniffing rather than trusting the
// file name lets a caller pass an already opened stream.
func decompress(r io.Reader) (io.Reader, io.Closer, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, nil, err
	}
	if len(head) == 2 && head[0] == gzipMagic[0] && head[1] == gzipMagic[1] {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, err
		}
		return zr, zr, nil
	}
	return br, nil, nil
}

// table reads one CSV file with a header, mapping the columns a reader
// needs by name so that extra or reordered columns do not matter.
type table struct {
	file   string
	csv    *csv.Reader
	closer []io.Closer
	row    int
	rec    []string
	idx    []int // position in rec of each wanted column
	names  []string
}

func newTable(r io.Reader, file string, columns []string) (*table, error) {
	dr, zc, err := decompress(r)
	if err != nil {
		return nil, &RowError{File: file, Err: fmt.Errorf("cannot read: %w", err)}
	}
	t := &table{file: file, names: columns}
	if zc != nil {
		t.closer = append(t.closer, zc)
	}
	t.csv = csv.NewReader(dr)
	t.csv.ReuseRecord = true
	header, err := t.csv.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("empty file, expected a header")
		}
		return nil, &RowError{File: file, Err: err}
	}
	pos := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := pos[h]; !dup {
			pos[h] = i
		}
	}
	t.idx = make([]int, len(columns))
	var missing []string
	for i, c := range columns {
		p, ok := pos[c]
		if !ok {
			missing = append(missing, strconv.Quote(c))
			continue
		}
		t.idx[i] = p
	}
	if len(missing) > 0 {
		return nil, &RowError{File: file, Err: fmt.Errorf("missing column(s) %s", strings.Join(missing, ", "))}
	}
	t.csv.FieldsPerRecord = len(header)
	return t, nil
}

// next reads the following row; it returns io.EOF after the last one.
func (t *table) next() error {
	rec, err := t.csv.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return io.EOF
		}
		t.row++
		return &RowError{File: t.file, Row: t.row, Err: err}
	}
	t.row++
	t.rec = rec
	return nil
}

// field returns the value of the i-th wanted column in the current row.
func (t *table) field(i int) string { return t.rec[t.idx[i]] }

func (t *table) errorf(i int, format string, args ...any) error {
	return &RowError{File: t.file, Row: t.row, Column: t.names[i], Err: fmt.Errorf(format, args...)}
}

func (t *table) close() error {
	var first error
	for i := len(t.closer) - 1; i >= 0; i-- {
		if err := t.closer[i].Close(); err != nil && first == nil {
			first = err
		}
	}
	t.closer = nil
	return first
}

// openTable opens path for reading with newTable; the file is closed by
// table.close.
func openTable(path string, columns []string) (*table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	t, err := newTable(f, filepath.Base(path), columns)
	if err != nil {
		f.Close()
		return nil, err
	}
	t.closer = append([]io.Closer{f}, t.closer...)
	return t, nil
}

// unknown is how the CORDIS extraction writes a missing number or date.
const unknown = "NA"

// Amount is a sum in euros that a file may leave unknown.
type Amount struct {
	EUR   float64
	Known bool
}

func (t *table) amount(i int) (Amount, error) {
	s := strings.TrimSpace(t.field(i))
	if s == "" || s == unknown {
		return Amount{}, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return Amount{}, t.errorf(i, "%q is not an amount", s)
	}
	return Amount{EUR: v, Known: true}, nil
}

// integer parses a whole number; unknown values read as 0.
func (t *table) integer(i int, allowUnknown bool) (int, error) {
	s := strings.TrimSpace(t.field(i))
	if allowUnknown && (s == "" || s == unknown) {
		return 0, nil
	}
	// Some exports write whole numbers as floats ("7.0").
	s = strings.TrimSuffix(s, ".0")
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, t.errorf(i, "%q is not a whole number", t.field(i))
	}
	return v, nil
}

// date parses an ISO date; unknown dates read as the zero time.
func (t *table) date(i int) (time.Time, error) {
	s := strings.TrimSpace(t.field(i))
	if s == "" || s == unknown {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, t.errorf(i, "%q is not a date (YYYY-MM-DD)", s)
	}
	return d, nil
}

// id reads an identifier made of digits (rcn, PIC, grant number). Exports
// that went through a spreadsheet write them as floats ("888474411.0").
func (t *table) id(i int, required bool) (string, error) {
	s := strings.TrimSuffix(strings.TrimSpace(t.field(i)), ".0")
	if s == "" {
		if required {
			return "", t.errorf(i, "is empty")
		}
		return "", nil
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return "", t.errorf(i, "%q is not a numeric identifier", t.field(i))
		}
	}
	return s, nil
}
