// Package ror reads the Research Organization Registry's data dump (the
// JSON array ROR publishes on Zenodo, schema v1 and v2) one record at a
// time, so that the registry's 120,000 records never sit in memory at once.
package ror

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Statuses of a record. Only active records may be offered for new links.
const (
	Active    = "active"
	Inactive  = "inactive"
	Withdrawn = "withdrawn"
)

// Kinds of name a record carries.
const (
	Display = "ror_display"
	Label   = "label"
	Alias   = "alias"
	Acronym = "acronym"
)

// Name is one name of an organisation, with its language (ISO 639-1) when
// the registry knows it.
type Name struct {
	Value string `json:"value"`
	Lang  string `json:"lang,omitempty"`
	Kind  string `json:"kind"`
}

// ExternalID is one identifier in another registry (GRID, ISNI, Wikidata,
// FundRef).
type ExternalID struct {
	Type      string   `json:"type"`
	All       []string `json:"all"`
	Preferred string   `json:"preferred,omitempty"`
}

// Relationship links a record to another one (parent, child, related,
// predecessor, successor).
type Relationship struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	Label string `json:"label"`
}

// Record is one organisation of the registry in the shape both schemas
// share.
type Record struct {
	// ID is the bare identifier ("02v51f717"); URL gives the link.
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Names         []Name         `json:"names"`
	Types         []string       `json:"types"`
	Status        string         `json:"status"`
	City          string         `json:"city,omitempty"`
	Country       string         `json:"country"`
	Lat           float64        `json:"lat"`
	Lng           float64        `json:"lng"`
	HasLocation   bool           `json:"has_location"`
	Established   int            `json:"established,omitempty"`
	Website       string         `json:"website,omitempty"`
	ExternalIDs   []ExternalID   `json:"external_ids,omitempty"`
	Relationships []Relationship `json:"relationships,omitempty"`
	LastModified  string         `json:"last_modified,omitempty"`
	Schema        string         `json:"schema"`
}

// URL is the record's address at ror.org.
func URL(id string) string { return "https://ror.org/" + id }

// Bare turns a ROR URL into its bare identifier.
func Bare(id string) string {
	id = strings.TrimSpace(strings.ToLower(id))
	for _, p := range []string{"https://ror.org/", "http://ror.org/", "ror.org/"} {
		id = strings.TrimPrefix(id, p)
	}
	return id
}

// Acronyms returns the record's acronyms.
func (r *Record) Acronyms() []string {
	var out []string
	for _, n := range r.Names {
		if n.Kind == Acronym {
			out = append(out, n.Value)
		}
	}
	return out
}

// External returns the preferred (or first) identifier of a type (grid,
// isni, wikidata, fundref), "" when the record has none.
func (r *Record) External(typ string) string {
	for _, e := range r.ExternalIDs {
		if e.Type == typ {
			if e.Preferred != "" {
				return e.Preferred
			}
			if len(e.All) > 0 {
				return e.All[0]
			}
		}
	}
	return ""
}

// Error is a record the reader refused, with its position in the array.
type Error struct {
	Index int
	ID    string
	Err   error
}

func (e *Error) Error() string {
	if e.ID != "" {
		return fmt.Sprintf("record %d (%s): %v", e.Index+1, e.ID, e.Err)
	}
	return fmt.Sprintf("record %d: %v", e.Index+1, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Reader yields the records of a dump one at a time.
type Reader struct {
	dec    *json.Decoder
	closer []io.Closer
	n      int
	done   bool
	// Size is the size in bytes of the compressed or plain input, and
	// Offset how far the reader has come in it, for a progress bar.
	Size    int64
	counter *countingReader
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Offset is how many bytes of the input have been read.
func (r *Reader) Offset() int64 {
	if r.counter == nil {
		return 0
	}
	return r.counter.n
}

// Open opens a dump: a .json file, a .json.gz file, or the .zip ROR
// distributes (its v2 JSON file is read when it holds several).
func Open(path string) (*Reader, error) {
	if strings.HasSuffix(strings.ToLower(path), ".zip") {
		return openZip(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	cr := &countingReader{r: f}
	br := bufio.NewReaderSize(cr, 1<<16)
	var in io.Reader = br
	closers := []io.Closer{f}
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		in = gz
		closers = append(closers, gz)
	}
	rd, err := NewReader(in)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rd.closer, rd.Size, rd.counter = closers, st.Size(), cr
	return rd, nil
}

func openZip(path string) (*Reader, error) {
	z, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	var files []*zip.File
	for _, f := range z.File {
		if strings.HasSuffix(strings.ToLower(f.Name), ".json") && !f.FileInfo().IsDir() {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		z.Close()
		return nil, fmt.Errorf("%s: no .json file in the archive", path)
	}
	// ROR's archives hold ror-data.json (v1 until 2024) and
	// ror-data_schema_v2.json; v2 carries the names' languages.
	sort.SliceStable(files, func(i, j int) bool {
		return strings.Contains(files[i].Name, "v2") && !strings.Contains(files[j].Name, "v2")
	})
	f := files[0]
	rc, err := f.Open()
	if err != nil {
		z.Close()
		return nil, fmt.Errorf("%s: %s: %w", path, filepath.Base(f.Name), err)
	}
	cr := &countingReader{r: rc}
	rd, err := NewReader(bufio.NewReaderSize(cr, 1<<16))
	if err != nil {
		rc.Close()
		z.Close()
		return nil, fmt.Errorf("%s: %s: %w", path, f.Name, err)
	}
	rd.closer, rd.Size, rd.counter = []io.Closer{rc, z}, int64(f.UncompressedSize64), cr
	return rd, nil
}

// NewReader reads a dump from r, which must hold a JSON array.
func NewReader(r io.Reader) (*Reader, error) {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("not a ROR data dump: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, errors.New("not a ROR data dump: a JSON array of records is expected")
	}
	return &Reader{dec: dec}, nil
}

// Close releases the input.
func (r *Reader) Close() error {
	var first error
	for i := len(r.closer) - 1; i >= 0; i-- {
		if err := r.closer[i].Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Next returns the next record, io.EOF after the last. A record that
// cannot be used gives an *Error and the reader goes on with the next one;
// input that is not JSON ends the reading with an error.
func (r *Reader) Next() (*Record, error) {
	if r.done {
		return nil, io.EOF
	}
	if !r.dec.More() {
		tok, err := r.dec.Token()
		if err != nil {
			return nil, fmt.Errorf("after record %d: %w", r.n, err)
		}
		if d, ok := tok.(json.Delim); !ok || d != ']' {
			return nil, fmt.Errorf("after record %d: unexpected %v", r.n, tok)
		}
		r.done = true
		return nil, io.EOF
	}
	var raw rawRecord
	idx := r.n
	r.n++
	if err := r.dec.Decode(&raw); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			// The decoder has consumed the whole value: the record is
			// refused, the array goes on.
			return nil, &Error{Index: idx, Err: err}
		}
		return nil, fmt.Errorf("record %d: %w", idx+1, err)
	}
	rec, err := raw.record()
	if err != nil {
		return nil, &Error{Index: idx, ID: raw.ID, Err: err}
	}
	return rec, nil
}

// rawRecord holds the fields of either schema.
type rawRecord struct {
	ID          string          `json:"id"`
	Status      string          `json:"status"`
	Types       []string        `json:"types"`
	Established *int            `json:"established"`
	ExternalIDs json.RawMessage `json:"external_ids"`
	Links       json.RawMessage `json:"links"`
	Relations   []Relationship  `json:"relationships"`
	// v2
	Names []struct {
		Value string   `json:"value"`
		Lang  *string  `json:"lang"`
		Types []string `json:"types"`
	} `json:"names"`
	Locations []struct {
		Geo struct {
			Name        string   `json:"name"`
			CountryCode string   `json:"country_code"`
			Lat         *float64 `json:"lat"`
			Lng         *float64 `json:"lng"`
		} `json:"geonames_details"`
	} `json:"locations"`
	Admin struct {
		LastModified struct {
			Date string `json:"date"`
		} `json:"last_modified"`
	} `json:"admin"`
	// v1
	Name     string   `json:"name"`
	Aliases  []string `json:"aliases"`
	Acronyms []string `json:"acronyms"`
	Labels   []struct {
		Label  string `json:"label"`
		ISO639 string `json:"iso639"`
	} `json:"labels"`
	Addresses []struct {
		City string   `json:"city"`
		Lat  *float64 `json:"lat"`
		Lng  *float64 `json:"lng"`
	} `json:"addresses"`
	CountryV1 struct {
		Code string `json:"country_code"`
	} `json:"country"`
}

func (raw *rawRecord) record() (*Record, error) {
	id := Bare(raw.ID)
	if id == "" {
		return nil, errors.New("id: missing")
	}
	if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(raw.ID)), "https://ror.org/") || !validID(id) {
		return nil, fmt.Errorf("id: %q is not a ROR identifier", raw.ID)
	}
	rec := &Record{ID: id, Status: strings.ToLower(raw.Status)}
	for _, t := range raw.Types {
		rec.Types = append(rec.Types, strings.ToLower(t))
	}
	if raw.Established != nil {
		rec.Established = *raw.Established
	}
	var err error
	if len(raw.Names) > 0 {
		rec.Schema = "2"
		err = raw.fillV2(rec)
	} else {
		rec.Schema = "1"
		err = raw.fillV1(rec)
	}
	if err != nil {
		return nil, err
	}
	if rec.Name == "" {
		return nil, errors.New("name: the record has no display name")
	}
	switch rec.Status {
	case Active, Inactive, Withdrawn:
	default:
		return nil, fmt.Errorf("status: %q is not active, inactive or withdrawn", raw.Status)
	}
	rec.Country = strings.ToUpper(strings.TrimSpace(rec.Country))
	if len(rec.Country) != 2 {
		return nil, fmt.Errorf("country: %q is not an ISO 3166-1 code", rec.Country)
	}
	if rec.ExternalIDs, err = externalIDs(raw.ExternalIDs); err != nil {
		return nil, fmt.Errorf("external_ids: %w", err)
	}
	for i := range raw.Relations {
		rel := raw.Relations[i]
		rel.Type, rel.ID = strings.ToLower(rel.Type), Bare(rel.ID)
		if rel.ID != "" {
			rec.Relationships = append(rec.Relationships, rel)
		}
	}
	return rec, nil
}

func (raw *rawRecord) fillV2(rec *Record) error {
	for _, n := range raw.Names {
		v := strings.TrimSpace(n.Value)
		if v == "" {
			continue
		}
		lang := ""
		if n.Lang != nil {
			lang = *n.Lang
		}
		kind := ""
		for _, t := range n.Types {
			if t == Display {
				rec.Name = v
			}
		}
		for _, t := range []string{Label, Alias, Acronym} {
			if contains(n.Types, t) {
				kind = t
				break
			}
		}
		if contains(n.Types, Display) {
			kind = Display
		}
		if kind == "" {
			continue
		}
		rec.Names = append(rec.Names, Name{Value: v, Lang: lang, Kind: kind})
	}
	if len(raw.Locations) > 0 {
		g := raw.Locations[0].Geo
		rec.City, rec.Country = g.Name, g.CountryCode
		if g.Lat != nil && g.Lng != nil {
			rec.Lat, rec.Lng, rec.HasLocation = *g.Lat, *g.Lng, true
		}
	}
	rec.LastModified = raw.Admin.LastModified.Date
	var links []struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	}
	if len(raw.Links) > 0 && string(raw.Links) != "null" {
		if err := json.Unmarshal(raw.Links, &links); err != nil {
			return fmt.Errorf("links: %w", err)
		}
	}
	for _, l := range links {
		if l.Type == "website" && rec.Website == "" {
			rec.Website = strings.TrimSpace(l.Value)
		}
	}
	return nil
}

func (raw *rawRecord) fillV1(rec *Record) error {
	rec.Name = strings.TrimSpace(raw.Name)
	if rec.Name != "" {
		rec.Names = append(rec.Names, Name{Value: rec.Name, Kind: Display})
	}
	for _, l := range raw.Labels {
		if v := strings.TrimSpace(l.Label); v != "" {
			rec.Names = append(rec.Names, Name{Value: v, Lang: l.ISO639, Kind: Label})
		}
	}
	for _, a := range raw.Aliases {
		if v := strings.TrimSpace(a); v != "" {
			rec.Names = append(rec.Names, Name{Value: v, Kind: Alias})
		}
	}
	for _, a := range raw.Acronyms {
		if v := strings.TrimSpace(a); v != "" {
			rec.Names = append(rec.Names, Name{Value: v, Kind: Acronym})
		}
	}
	rec.Country = raw.CountryV1.Code
	if len(raw.Addresses) > 0 {
		a := raw.Addresses[0]
		rec.City = a.City
		if a.Lat != nil && a.Lng != nil {
			rec.Lat, rec.Lng, rec.HasLocation = *a.Lat, *a.Lng, true
		}
	}
	var links []string
	if len(raw.Links) > 0 && string(raw.Links) != "null" {
		if err := json.Unmarshal(raw.Links, &links); err != nil {
			return fmt.Errorf("links: %w", err)
		}
	}
	if len(links) > 0 {
		rec.Website = strings.TrimSpace(links[0])
	}
	return nil
}

// externalIDs reads v2's array or v1's object keyed by type, whose "all"
// is a list or, for GRID, a single string.
func externalIDs(raw json.RawMessage) ([]ExternalID, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	type entry struct {
		Type      string          `json:"type"`
		All       json.RawMessage `json:"all"`
		Preferred *string         `json:"preferred"`
	}
	var entries []entry
	if raw[0] == '[' {
		if err := json.Unmarshal(raw, &entries); err != nil {
			return nil, err
		}
	} else {
		var byType map[string]entry
		if err := json.Unmarshal(raw, &byType); err != nil {
			return nil, err
		}
		for typ, e := range byType {
			e.Type = typ
			entries = append(entries, e)
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Type < entries[j].Type })
	}
	var out []ExternalID
	for _, e := range entries {
		x := ExternalID{Type: strings.ToLower(e.Type)}
		if e.Preferred != nil {
			x.Preferred = *e.Preferred
		}
		all := bytes.TrimSpace(e.All)
		switch {
		case len(all) == 0 || string(all) == "null":
		case all[0] == '"':
			var one string
			if err := json.Unmarshal(all, &one); err != nil {
				return nil, err
			}
			x.All = []string{one}
		default:
			if err := json.Unmarshal(all, &x.All); err != nil {
				return nil, err
			}
		}
		if len(x.All) > 0 || x.Preferred != "" {
			out = append(out, x)
		}
	}
	return out, nil
}

func validID(id string) bool {
	if len(id) != 9 || id[0] != '0' {
		return false
	}
	for _, c := range id {
		if !strings.ContainsRune("0123456789abcdefghjkmnpqrstvwxyz", c) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Kind maps the registry's types to the platform's organisation kinds.
// A record of several types takes the first in this order: a university
// that is also a funder stays a university.
func Kind(types []string) string {
	for _, m := range []struct{ typ, kind string }{
		{"education", "university"}, {"facility", "research_institute"}, {"company", "enterprise"},
		{"government", "government_agency"}, {"healthcare", "other"}, {"nonprofit", "other"},
		{"funder", "other"}, {"archive", "other"},
	} {
		if contains(types, m.typ) {
			return m.kind
		}
	}
	return "other"
}
