package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/ror"
)

// RORSource is the source of the organisations the registry brought.
const RORSource = "ror"

// RORImportResult is the report of one import of a ROR data dump.
type RORImportResult struct {
	RunID    string        `json:"run_id"`
	Source   string        `json:"source"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration_ns"`
	Read     int           `json:"records_read"`
	// Created are new organisations, Attached records carried by an
	// organisation already in the directory (linked or claimed), Updated
	// records that changed since the last run, Unchanged the rest.
	Created   int `json:"created"`
	Attached  int `json:"attached"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	// Withdrawn counts the records of earlier runs absent from this dump,
	// now marked withdrawn.
	Withdrawn     int            `json:"marked_withdrawn"`
	ByStatus      map[string]int `json:"by_status"`
	BySchema      map[string]int `json:"by_schema"`
	Refused       int            `json:"refused"`
	RefusedSample []string       `json:"refused_sample,omitempty"`
	InDatabase    int            `json:"in_database"`
}

// rorBatch records are written per transaction.
const rorBatch = 500

// ImportROR reads records from next until io.EOF and writes them to the
// directory, rorBatch per transaction, so memory stays bounded whatever
// the size of the dump. A record refused by next (a *ror.Error) is counted
// and skipped; any other error stops the run. progress is told the number
// of records read after each batch.
func (s *Store) ImportROR(ctx context.Context, actor Actor, next func() (*ror.Record, error), progress func(read int)) (*RORImportResult, error) {
	if progress == nil {
		progress = func(int) {}
	}
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, err
	}
	res := &RORImportResult{RunID: silkbridge.NewID(), Source: RORSource, Started: time.Now(),
		ByStatus: map[string]int{}, BySchema: map[string]int{}}
	refuse := func(msg string) {
		res.Refused++
		if len(res.RefusedSample) < 20 {
			res.RefusedSample = append(res.RefusedSample, msg)
		}
	}
	batch := make([]*ror.Record, 0, rorBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := s.importTx(ctx, func(tx *sql.Tx) error { return s.writeRORBatch(ctx, tx, res, batch) })
		batch = batch[:0]
		progress(res.Read)
		return err
	}
	for {
		rec, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *ror.Error
		if errors.As(err, &re) {
			res.Read++
			refuse(re.Error())
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("import ror: %w", err)
		}
		res.Read++
		if !ref.CountryExists(rec.Country) {
			refuse(fmt.Sprintf("%s: country: %q is not a country of the reference data", rec.ID, rec.Country))
			continue
		}
		batch = append(batch, rec)
		if len(batch) == rorBatch {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE ror_records SET status = 'withdrawn', updated_at = $2 WHERE run_id <> $1 AND status <> 'withdrawn'`,
			res.RunID, ts(now()))
		if err != nil {
			return fmt.Errorf("mark absent records: %w", err)
		}
		n, _ := r.RowsAffected()
		res.Withdrawn = int(n)
		if _, err := tx.ExecContext(ctx, `UPDATE organisations SET ror_status = 'withdrawn'
			WHERE id IN (SELECT org_id FROM ror_records WHERE run_id <> $1)`, res.RunID); err != nil {
			return fmt.Errorf("mark absent records: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ror_records`).Scan(&res.InDatabase); err != nil {
			return fmt.Errorf("count ror records: %w", err)
		}
		res.Duration = time.Since(res.Started)
		report, err := json.Marshal(res)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO import_runs (id, source, started_at, finished_at, report) VALUES ($1, $2, $3, $4, $5)`,
			res.RunID, res.Source, ts(res.Started), ts(now()), string(report)); err != nil {
			return fmt.Errorf("record import run: %w", err)
		}
		summary := map[string]any{"source": res.Source, "records_read": res.Read, "refused": res.Refused, "in_database": res.InDatabase}
		return s.audit(ctx, tx, actor, "import", "import_run", res.RunID, "", nil, summary)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func rorHash(rec *ror.Record) string {
	b, _ := json.Marshal(rec)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:16])
}

// nameNorm is the form in which names are compared for ranking: lower
// case, single spaces.
func nameNorm(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// rorNameKinds are the kinds of name that a ROR record owns in org_names.
const rorNameKinds = `('ror_display', 'label', 'alias', 'acronym')`

func (s *Store) writeRORBatch(ctx context.Context, tx *sql.Tx, res *RORImportResult, batch []*ror.Record) error {
	stamp := ts(now())
	type write struct {
		rec   *ror.Record
		orgID string
		hash  string
		// own: the organisation was made from this record, so the record
		// decides its name and kind.
		own, isNew bool
	}
	var writes []write
	var reindex []string
	for _, rec := range batch {
		res.ByStatus[rec.Status]++
		res.BySchema[rec.Schema]++
		h := rorHash(rec)
		var orgID, oldHash, source string
		err := tx.QueryRowContext(ctx, `SELECT r.org_id, r.hash, o.source FROM ror_records r JOIN organisations o ON o.id = r.org_id
			WHERE r.ror_id = $1`, rec.ID).Scan(&orgID, &oldHash, &source)
		switch {
		case err == nil && oldHash == h:
			res.Unchanged++
			if _, err := tx.ExecContext(ctx, `UPDATE ror_records SET run_id = $2 WHERE ror_id = $1`, rec.ID, res.RunID); err != nil {
				return fmt.Errorf("import ror %s: %w", rec.ID, err)
			}
			continue
		case err == nil:
			res.Updated++
			writes = append(writes, write{rec: rec, orgID: orgID, hash: h, own: source == RORSource})
			reindex = append(reindex, orgID)
		case errors.Is(err, sql.ErrNoRows):
			// An organisation already in the directory that names this
			// record (a sign-up that gave its ROR id, a confirmed link)
			// carries it; otherwise the record makes a new one.
			err := tx.QueryRowContext(ctx, `SELECT id FROM organisations WHERE ror_id = $1 ORDER BY created_at LIMIT 1`, rec.ID).Scan(&orgID)
			if errors.Is(err, sql.ErrNoRows) {
				res.Created++
				writes = append(writes, write{rec: rec, orgID: derivedID("ror:" + rec.ID), hash: h, own: true, isNew: true})
				continue
			}
			if err != nil {
				return fmt.Errorf("import ror %s: %w", rec.ID, err)
			}
			res.Attached++
			writes = append(writes, write{rec: rec, orgID: orgID, hash: h})
			reindex = append(reindex, orgID)
		default:
			return fmt.Errorf("import ror %s: %w", rec.ID, err)
		}
	}
	if len(reindex) > 0 {
		ps := make([]string, len(reindex))
		args := make([]any, len(reindex))
		for i, id := range reindex {
			ps[i], args[i] = s.bulkParam(i+1), id
		}
		if err := s.unindexImportedTx(ctx, tx, "organisation", strings.Join(ps, ", "), args...); err != nil {
			return err
		}
	}
	for _, w := range writes {
		rec := w.rec
		var lat, lng any
		if rec.HasLocation {
			lat, lng = rec.Lat, rec.Lng
		}
		short := ""
		if a := rec.Acronyms(); len(a) > 0 && len(a[0]) <= 60 {
			short = a[0]
		}
		var err error
		switch {
		case w.isNew:
			_, err = tx.ExecContext(ctx, `INSERT INTO organisations (id, name, short_name, kind, country, ror_id, website, description,
				source, city, lat, lng, established, ror_status, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, $9, $10, $11, $12, $13, $14, $14)`,
				w.orgID, rec.Name, short, ror.Kind(rec.Types), rec.Country, rec.ID, rec.Website, RORSource,
				rec.City, lat, lng, rec.Established, rec.Status, stamp)
		case w.own:
			_, err = tx.ExecContext(ctx, `UPDATE organisations SET name = $2, short_name = $3, kind = $4, country = $5, website = $6,
				city = $7, lat = $8, lng = $9, established = $10, ror_status = $11, updated_at = $12 WHERE id = $1`,
				w.orgID, rec.Name, short, ror.Kind(rec.Types), rec.Country, rec.Website, rec.City, lat, lng, rec.Established, rec.Status, stamp)
		default:
			// The organisation keeps what its own source or its managers
			// say; the registry fills what is missing, and names an
			// organisation that had only a placeholder.
			_, err = tx.ExecContext(ctx, `UPDATE organisations SET ror_id = $2, ror_status = $3,
				city = CASE WHEN city = '' THEN $4 ELSE city END, lat = COALESCE(lat, $5), lng = COALESCE(lng, $6),
				established = CASE WHEN established = 0 THEN $7 ELSE established END,
				website = CASE WHEN website = '' THEN $8 ELSE website END,
				name = CASE WHEN unnamed THEN $9 ELSE name END, unnamed = FALSE, updated_at = $10 WHERE id = $1`,
				w.orgID, rec.ID, rec.Status, rec.City, lat, lng, rec.Established, rec.Website, rec.Name, stamp)
		}
		if err != nil {
			return fmt.Errorf("import ror %s: organisation: %w", rec.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM org_names WHERE org_id = $1 AND kind IN `+rorNameKinds, w.orgID); err != nil {
			return fmt.Errorf("import ror %s: names: %w", rec.ID, err)
		}
		for _, n := range rec.Names {
			if _, err := tx.ExecContext(ctx, `INSERT INTO org_names (org_id, name, lang, kind, norm) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT DO NOTHING`, w.orgID, n.Value, n.Lang, n.Kind, nameNorm(n.Value)); err != nil {
				return fmt.Errorf("import ror %s: names: %w", rec.ID, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM ror_relations WHERE ror_id = $1`, rec.ID); err != nil {
			return fmt.Errorf("import ror %s: relationships: %w", rec.ID, err)
		}
		for _, rel := range rec.Relationships {
			if _, err := tx.ExecContext(ctx, `INSERT INTO ror_relations (ror_id, related_id, type, label) VALUES ($1, $2, $3, $4)
				ON CONFLICT DO NOTHING`, rec.ID, rel.ID, rel.Type, rel.Label); err != nil {
				return fmt.Errorf("import ror %s: relationships: %w", rec.ID, err)
			}
		}
		types, _ := json.Marshal(rec.Types)
		ext, _ := json.Marshal(rec.ExternalIDs)
		if _, err := tx.ExecContext(ctx, `INSERT INTO ror_records (ror_id, org_id, status, types, external_ids, schema, last_modified, hash, run_id, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (ror_id) DO UPDATE SET org_id = excluded.org_id, status = excluded.status, types = excluded.types,
			external_ids = excluded.external_ids, schema = excluded.schema, last_modified = excluded.last_modified,
			hash = excluded.hash, run_id = excluded.run_id, updated_at = excluded.updated_at`,
			rec.ID, w.orgID, rec.Status, string(types), string(ext), rec.Schema, rec.LastModified, w.hash, res.RunID, stamp); err != nil {
			return fmt.Errorf("import ror %s: record: %w", rec.ID, err)
		}
		if err := s.indexOrgNames(ctx, tx, w.orgID); err != nil {
			return err
		}
	}
	return nil
}

// unindexImportedTx removes, inside tx, the search documents of the refs
// given as parameters (placeholders ps).
func (s *Store) unindexImportedTx(ctx context.Context, tx *sql.Tx, kind, ps string, args ...any) error {
	table := "search_fts"
	if s.engine == Postgres {
		table = "search_docs"
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE kind = '`+kind+`' AND ref IN (`+ps+`)`, args...); err != nil {
		return fmt.Errorf("unindex %s: %w", kind, err)
	}
	return nil
}

// indexOrgNames writes the search document of an organisation from its
// record and every name it carries in every script. The caller has
// removed the old document.
func (s *Store) indexOrgNames(ctx context.Context, q queryer, orgID string) error {
	texts, err := s.orgSearchTexts(ctx, q, orgID)
	if err != nil {
		return err
	}
	t := terms(texts...)
	if t == "" {
		return nil
	}
	if _, err := q.ExecContext(ctx, s.putDocSQL(), "organisation", orgID, t); err != nil {
		return fmt.Errorf("index organisation %s: %w", orgID, err)
	}
	return nil
}

func (s *Store) orgSearchTexts(ctx context.Context, q queryer, orgID string) ([]string, error) {
	var name, short, desc, keywords, city, pic string
	err := q.QueryRowContext(ctx, `SELECT name, short_name, description, keywords, city, COALESCE(pic, '') FROM organisations WHERE id = $1`, orgID).
		Scan(&name, &short, &desc, &keywords, &city, &pic)
	if err != nil {
		return nil, fmt.Errorf("index organisation %s: %w", orgID, err)
	}
	texts := []string{name, short, desc, strings.Join(parseList(keywords), " "), city}
	if pic != "" {
		texts = append(texts, "PIC "+pic)
	}
	rows, err := q.QueryContext(ctx, `SELECT name FROM org_names WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("index organisation %s: %w", orgID, err)
	}
	err = each(rows, func(r rowScanner) error {
		var n string
		if err := r.Scan(&n); err != nil {
			return err
		}
		texts = append(texts, n)
		return nil
	})
	return texts, err
}

// OrgName is one name of an organisation in a language and script.
type OrgName struct {
	Name string `json:"name"`
	Lang string `json:"lang,omitempty"`
	Kind string `json:"kind"`
}

// OrgRelation is a registry relationship of an organisation, with the
// directory entry of the related record when it is there.
type OrgRelation struct {
	Type  string `json:"type"`
	RORID string `json:"ror_id"`
	Label string `json:"label"`
	OrgID string `json:"org_id,omitempty"`
}

// RORDetails is what the registry says of an organisation beyond its
// record in the directory.
type RORDetails struct {
	RORID         string           `json:"ror_id"`
	Status        string           `json:"status"`
	Types         []string         `json:"types"`
	ExternalIDs   []ror.ExternalID `json:"external_ids"`
	Names         []OrgName        `json:"names"`
	Relationships []OrgRelation    `json:"relationships"`
	City          string           `json:"city,omitempty"`
	HasLocation   bool             `json:"has_location"`
	Lat           float64          `json:"lat"`
	Lng           float64          `json:"lng"`
	Established   int              `json:"established,omitempty"`
}

// nameKindOrder shows the display name first, then labels in other
// languages, aliases and acronyms.
var nameKindOrder = map[string]int{"ror_display": 0, "label": 1, "alias": 2, "acronym": 3}

// RORDetails returns the registry's data on an organisation: nil when it
// carries no ROR record.
func (s *Store) RORDetails(ctx context.Context, orgID string) (*RORDetails, error) {
	var d RORDetails
	var types, ext string
	var lat, lng sql.NullFloat64
	err := s.db.QueryRowContext(ctx, `SELECT r.ror_id, r.status, r.types, r.external_ids, o.city, o.lat, o.lng, o.established
		FROM ror_records r JOIN organisations o ON o.id = r.org_id WHERE r.org_id = $1 ORDER BY r.ror_id LIMIT 1`, orgID).
		Scan(&d.RORID, &d.Status, &types, &ext, &d.City, &lat, &lng, &d.Established)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ror details: %w", err)
	}
	d.HasLocation, d.Lat, d.Lng = lat.Valid && lng.Valid, lat.Float64, lng.Float64
	if err := json.Unmarshal([]byte(types), &d.Types); err != nil {
		return nil, fmt.Errorf("ror details: %w", err)
	}
	if err := json.Unmarshal([]byte(ext), &d.ExternalIDs); err != nil {
		return nil, fmt.Errorf("ror details: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT name, lang, kind FROM org_names WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("ror details: %w", err)
	}
	if err := each(rows, func(r rowScanner) error {
		var n OrgName
		if err := r.Scan(&n.Name, &n.Lang, &n.Kind); err != nil {
			return err
		}
		d.Names = append(d.Names, n)
		return nil
	}); err != nil {
		return nil, err
	}
	sort.SliceStable(d.Names, func(i, j int) bool {
		a, b := d.Names[i], d.Names[j]
		if nameKindOrder[a.Kind] != nameKindOrder[b.Kind] {
			return nameKindOrder[a.Kind] < nameKindOrder[b.Kind]
		}
		if a.Lang != b.Lang {
			return a.Lang < b.Lang
		}
		return a.Name < b.Name
	})
	rows, err = s.db.QueryContext(ctx, `SELECT rel.type, rel.related_id, rel.label, COALESCE(rr.org_id, '')
		FROM ror_relations rel LEFT JOIN ror_records rr ON rr.ror_id = rel.related_id
		WHERE rel.ror_id = $1 ORDER BY rel.type, rel.label`, d.RORID)
	if err != nil {
		return nil, fmt.Errorf("ror details: %w", err)
	}
	err = each(rows, func(r rowScanner) error {
		var rel OrgRelation
		if err := r.Scan(&rel.Type, &rel.RORID, &rel.Label, &rel.OrgID); err != nil {
			return err
		}
		d.Relationships = append(d.Relationships, rel)
		return nil
	})
	return &d, err
}

// Suggestion is one organisation offered while a name is typed, with the
// name (in its language) that the query met.
type Suggestion struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Matched string `json:"matched"`
	Lang    string `json:"lang,omitempty"`
	Country string `json:"country"`
	Kind    string `json:"kind"`
	RORID   string `json:"ror_id,omitempty"`
}

// SuggestOrganisations offers at most limit organisations whose names
// match what was typed, the whole-name and prefix matches first. Unnamed
// participants and inactive or withdrawn ROR records are not offered.
func (s *Store) SuggestOrganisations(ctx context.Context, query string, limit int) ([]Suggestion, error) {
	orgs, _, err := s.Organisations(ctx, organisation.Filter{Query: query, LinkableOnly: true, PerPage: limit})
	if err != nil || len(orgs) == 0 {
		return nil, err
	}
	out := make([]Suggestion, len(orgs))
	ps := make([]string, len(orgs))
	args := make([]any, len(orgs))
	for i, o := range orgs {
		out[i] = Suggestion{ID: o.ID, Name: o.Name, Matched: o.Name, Country: o.Country, Kind: o.Kind, RORID: o.RORID}
		ps[i], args[i] = s.bulkParam(i+1), o.ID
	}
	rows, err := s.db.QueryContext(ctx, `SELECT org_id, name, lang, norm FROM org_names WHERE org_id IN (`+strings.Join(ps, ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("suggest organisations: %w", err)
	}
	q := nameNorm(query)
	best := map[string]int{}
	byID := map[string]int{}
	for i, o := range orgs {
		byID[o.ID] = i
		best[o.ID] = matchTier(nameNorm(o.Name), q)
	}
	err = each(rows, func(r rowScanner) error {
		var id, name, lang, norm string
		if err := r.Scan(&id, &name, &lang, &norm); err != nil {
			return err
		}
		if t := matchTier(norm, q); t < best[id] {
			best[id] = t
			out[byID[id]].Matched, out[byID[id]].Lang = name, lang
		}
		return nil
	})
	return out, err
}

// matchTier says how a name meets a query: 0 the whole name, 1 its start,
// 2 the start of a word, 3 anywhere, 4 not at all.
func matchTier(name, q string) int {
	switch {
	case name == q:
		return 0
	case strings.HasPrefix(name, q):
		return 1
	case strings.Contains(name, " "+q):
		return 2
	case strings.Contains(name, q):
		return 3
	}
	return 4
}
