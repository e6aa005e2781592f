package ror

import (
	"archive/zip"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sample = "testdata/ror-sample.json"

// readAll reads every record of a dump, keeping the refused ones apart.
func readAll(t *testing.T, rd *Reader) (map[string]*Record, []error) {
	t.Helper()
	out := map[string]*Record{}
	var refused []error
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out, refused
		}
		var re *Error
		if errors.As(err, &re) {
			refused = append(refused, err)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out[rec.ID] = rec
	}
}

func writeCompressed(t *testing.T, dir string) (gz, zp string) {
	t.Helper()
	raw, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	gz = filepath.Join(dir, "ror-data.json.gz")
	f, err := os.Create(gz)
	if err != nil {
		t.Fatal(err)
	}
	w := gzip.NewWriter(f)
	if _, err := w.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	// The archive as ROR distributes it: a v1 file beside the v2 one; the
	// reader takes the v2 file.
	zp = filepath.Join(dir, "v1.99-2026-06-23-ror-data.zip")
	f, err = os.Create(zp)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range map[string][]byte{"v1.99-2026-06-23-ror-data.json": []byte("[]"), "v1.99-2026-06-23-ror-data_schema_v2.json": raw} {
		e, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return gz, zp
}

func TestOpen_ReadsTheDumpAsJSONGzipAndZipAlike(t *testing.T) {
	gz, zp := writeCompressed(t, t.TempDir())
	for _, path := range []string{sample, gz, zp} {
		rd, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		recs, refused := readAll(t, rd)
		if err := rd.Close(); err != nil {
			t.Fatal(err)
		}
		if len(recs) != 20 || len(refused) != 0 {
			t.Errorf("%s: %d records, %d refused; want 20, 0", path, len(recs), len(refused))
		}
		if rd.Offset() == 0 {
			t.Errorf("%s: the reader reports no progress", path)
		}
	}
}

func TestNext_ReadsSchemaV2NamesLocationsIdentifiersAndRelationships(t *testing.T) {
	rd, err := Open(sample)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	recs, _ := readAll(t, rd)
	pku := recs["02v51f717"]
	if pku == nil {
		t.Fatal("Peking University was not read")
	}
	if pku.Name != "Peking University" || pku.Schema != "2" || pku.Country != "CN" || pku.City != "Beijing" ||
		!pku.HasLocation || pku.Established != 1898 || pku.Website != "https://www.pku.edu.cn" || pku.Status != Active {
		t.Errorf("Peking University = %+v", pku)
	}
	var zh bool
	for _, n := range pku.Names {
		if n.Value == "北京大学" && n.Lang == "zh" && n.Kind == Label {
			zh = true
		}
	}
	if !zh || strings.Join(pku.Acronyms(), ",") != "PKU" {
		t.Errorf("names %+v", pku.Names)
	}
	if pku.External("grid") != "grid.11135.37" || pku.External("wikidata") != "Q16952" || pku.External("isni") != "0000 0001 2256 9319" {
		t.Errorf("external ids %+v", pku.ExternalIDs)
	}
	var child bool
	for _, r := range pku.Relationships {
		child = child || (r.Type == "child" && r.ID != "" && !strings.Contains(r.ID, "ror.org"))
	}
	if !child {
		t.Errorf("relationships %+v", pku.Relationships)
	}
	if Kind(pku.Types) != "university" {
		t.Errorf("kind of %v = %s", pku.Types, Kind(pku.Types))
	}
}

func TestNext_ReadsSchemaV1LabelsAliasesAcronymsAndAddresses(t *testing.T) {
	rd, err := Open(sample)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	recs, _ := readAll(t, rd)
	h := recs["035adwg89"]
	if h == nil || h.Schema != "1" {
		t.Fatalf("Peking University People's Hospital = %+v", h)
	}
	if h.Name != "Peking University People's Hospital" || h.Country != "CN" || h.City != "Beijing" || h.Established != 1918 ||
		h.Website != "http://www.pkuph.cn/" || h.External("grid") != "grid.411634.5" || h.External("fundref") != "501100015083" {
		t.Errorf("record %+v", h)
	}
	var label, acronym bool
	for _, n := range h.Names {
		label = label || (n.Value == "北京大学人民医院" && n.Lang == "zh" && n.Kind == Label)
		acronym = acronym || (n.Value == "PKUPH" && n.Kind == Acronym)
	}
	if !label || !acronym {
		t.Errorf("names %+v", h.Names)
	}
	if len(h.Relationships) != 1 || h.Relationships[0].ID != "02v51f717" || h.Relationships[0].Type != "related" {
		t.Errorf("relationships %+v", h.Relationships)
	}
	if recs["0006jh821"].Status != Withdrawn || recs["00067tc54"].Status != Inactive {
		t.Error("withdrawn and inactive records must be read with their status")
	}
}

func TestNext_RefusesABadRecordAndGoesOn(t *testing.T) {
	in := `[{"id": "https://ror.org/052bx8q98", "status": "active", "names": [{"value": "Nazarbayev University", "types": ["ror_display"], "lang": "en"}],
	  "locations": [{"geonames_details": {"country_code": "KZ", "name": "Astana", "lat": 51.18, "lng": 71.44}}]},
	 {"id": "not-an-id", "name": "X", "status": "active", "country": {"country_code": "KZ"}},
	 {"id": "https://ror.org/03q0vrn42", "name": "No status", "status": "gone", "country": {"country_code": "KZ"}},
	 {"id": "https://ror.org/03q0vrn43", "name": 7},
	 {"id": "https://ror.org/02v51f717", "name": "Peking University", "status": "active", "country": {"country_code": "CN"}}]`
	rd, err := NewReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	recs, refused := readAll(t, rd)
	if len(recs) != 2 || len(refused) != 3 {
		t.Fatalf("%d records, %d refused (%v); want 2 and 3", len(recs), len(refused), refused)
	}
	for i, want := range []string{"id:", "status:", "record 4"} {
		if !strings.Contains(refused[i].Error(), want) {
			t.Errorf("refusal %d = %q, want it to name %q", i, refused[i], want)
		}
	}
}

func TestNewReader_RefusesWhatIsNotADump(t *testing.T) {
	for _, in := range []string{``, `{"id": "x"}`, `"text"`} {
		if _, err := NewReader(strings.NewReader(in)); err == nil {
			t.Errorf("%q was accepted as a dump", in)
		}
	}
	rd, err := NewReader(strings.NewReader(`[{"id": "https://ror.org/02v51f717", "name": "P", "status": "active", "country": {"country_code": "CN"}}, {"id": `))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Next(); err != nil {
		t.Fatal(err)
	}
	_, err = rd.Next()
	var re *Error
	if err == nil || errors.Is(err, io.EOF) || errors.As(err, &re) {
		t.Errorf("a truncated dump gave %v, want an error that stops the reading", err)
	}
}
