package ror

import (
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/silkbridge/silkbridge/datatest"
)

// The shared partial dump, read whole: its README's counts.
func TestRealDump_MatchesTheREADMECounts(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "data", "ror-records-2026-partial", "ror_records_latest.json.gz")
	datatest.Require(t, path)
	rd, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	n, refused := 0, 0
	schema, status := map[string]int{}, map[string]int{}
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *Error
		if errors.As(err, &re) {
			refused++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		schema[rec.Schema]++
		status[rec.Status]++
	}
	if n != 51370 || refused != 0 || schema["2"] != 35990 || schema["1"] != 15380 ||
		status[Active] != 48746 || status[Inactive] != 1250 || status[Withdrawn] != 1374 {
		t.Errorf("%d records (%d refused), schemas %v, statuses %v", n, refused, schema, status)
	}
}
