package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/cooperation/h2020"
	"github.com/silkbridge/silkbridge/textsearch"
)

// The Horizon 2020 record is written in bulk: one transaction per batch,
// multi-row INSERTs through statements prepared once per phase, the search
// terms of a whole batch in one statement, and one audit entry for the
// run instead of one per row. Upserts on the PIC (organisations) and on the
// external id cordis-h2020:RCN (projects) make a second run update in place.

// ImportProgress is told, after every batch, how far a phase has come.
type ImportProgress func(phase string, done, total int)

// ImportCounts are the numbers of a record's rows in the database.
type ImportCounts struct {
	Projects       int `json:"projects"`
	Cooperations   int `json:"cooperations"`
	SingleGrants   int `json:"single_beneficiary_grants"`
	Organisations  int `json:"organisations"`
	Participations int `json:"participations"`
	Countries      int `json:"countries"`
}

// ImportResult is the report of one import run.
type ImportResult struct {
	RunID    string        `json:"run_id"`
	Source   string        `json:"source"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration_ns"`
	// Read from the files.
	Rows               int `json:"rows_read"`
	Participations     int `json:"participations_loaded"`
	Projects           int `json:"projects_loaded"`
	Cooperations       int `json:"cooperations_loaded"`
	SingleGrants       int `json:"single_beneficiary_grants_loaded"`
	Organisations      int `json:"organisations_loaded"`
	NamedOrganisations int `json:"organisations_named"`
	Countries          int `json:"countries"`
	Titles             int `json:"projects_titled"`
	StagesByToA        int `json:"stages_by_type_of_action"`
	StagesByProgramme  int `json:"stages_by_programme_part"`
	StagesByDefault    int `json:"stages_by_default"`
	RolesAdjusted      int `json:"extra_coordinators_made_participants"`
	WithoutCoordinator int `json:"cooperations_without_coordinator"`
	// New in this run (the rest were updated in place).
	OrganisationsCreated int `json:"organisations_created"`
	ProjectsCreated      int `json:"projects_created"`
	// Refused rows, with the number per reason.
	Refused         int             `json:"rows_refused"`
	RefusedByReason map[string]int  `json:"refused_by_reason,omitempty"`
	RefusedSample   []h2020.Refusal `json:"refused_sample,omitempty"`
	// InDatabase counts the record's rows in the database after the run.
	InDatabase ImportCounts `json:"in_database"`
}

// Rows per statement keep every statement under SQLite's and PostgreSQL's
// limits on parameters (32766 and 65535). Rows per transaction are larger:
// each commit writes every page the batch touched, and the random ids
// spread a batch over many pages, so fewer commits write less.
const (
	orgRows      = 500
	projectRows  = 400
	partnerRows  = 1000
	orgBatch     = 6000
	projectBatch = 4000
)

// importNS is the namespace of the ids derived from CORDIS keys, so that a
// record keeps its id from one run to the next.
var importNS = uuid.MustParse("6f1c2a3e-5b7d-4c1e-9a8f-2d4b6e8c0a1f")

func derivedID(key string) string { return uuid.NewSHA1(importNS, []byte(key)).String() }

// ExternalIDPrefix starts the external id of every imported H2020 project.
const ExternalIDPrefix = h2020.Source + ":"

// ImportH2020 writes the Horizon 2020 record: organisations by PIC,
// projects as cooperations (single-beneficiary grants as records of their
// organisation) with partners, a first stage and search terms. A second
// run updates in place; it never moves a cooperation on the ladder, whose
// later history belongs to the platform.
func (s *Store) ImportH2020(ctx context.Context, actor Actor, rec *h2020.Record, progress ImportProgress) (*ImportResult, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	res := &ImportResult{RunID: silkbridge.NewID(), Source: h2020.Source, Started: time.Now()}
	before, err := s.ImportedCounts(ctx, h2020.Source)
	if err != nil {
		return nil, err
	}
	if err := s.importOrganisations(ctx, rec.Organisations, progress); err != nil {
		return nil, err
	}
	if err := s.importProjects(ctx, rec.Projects, progress); err != nil {
		return nil, err
	}
	if err := s.syncSearchRowids(ctx); err != nil {
		return nil, err
	}
	after, err := s.ImportedCounts(ctx, h2020.Source)
	if err != nil {
		return nil, err
	}
	res.fill(rec, before, after)
	res.Duration = time.Since(res.Started)
	report, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO import_runs (id, source, started_at, finished_at, report) VALUES ($1, $2, $3, $4, $5)`,
			res.RunID, res.Source, ts(res.Started), ts(now()), string(report)); err != nil {
			return fmt.Errorf("record import run: %w", err)
		}
		summary := map[string]any{"source": res.Source, "rows_read": res.Rows, "rows_refused": res.Refused, "in_database": res.InDatabase}
		return s.audit(ctx, tx, actor, "import", "import_run", res.RunID, "", nil, summary)
	})
	return res, err
}

func (res *ImportResult) fill(rec *h2020.Record, before, after ImportCounts) {
	res.Rows, res.Participations, res.Projects = rec.Rows, rec.Participations, len(rec.Projects)
	res.Cooperations = rec.Cooperations()
	res.SingleGrants = res.Projects - res.Cooperations
	res.Organisations, res.NamedOrganisations, res.Countries = len(rec.Organisations), rec.NamedOrganisations, rec.Countries
	res.Titles, res.StagesByToA, res.StagesByProgramme, res.StagesByDefault = rec.Titles, rec.StagesByTypeOfAction, rec.StagesByProgramme, rec.StagesByDefault
	res.RolesAdjusted, res.WithoutCoordinator = rec.RolesAdjusted, rec.WithoutCoordinator
	res.OrganisationsCreated = after.Organisations - before.Organisations
	res.ProjectsCreated = after.Projects - before.Projects
	res.Refused = len(rec.Refused)
	if res.Refused > 0 {
		res.RefusedByReason = map[string]int{}
		for _, r := range rec.Refused {
			res.RefusedByReason[r.File+": "+reasonKind(r.Reason)]++
		}
		res.RefusedSample = rec.Refused[:min(len(rec.Refused), 20)]
	}
	res.InDatabase = after
}

// reasonKind groups reasons by their column or leading words, so that a
// thousand bad dates make one line of the report.
func reasonKind(reason string) string {
	if col, _, ok := strings.Cut(reason, ":"); ok && strings.HasPrefix(col, "column ") {
		return col
	}
	words := strings.Fields(reason)
	if len(words) > 4 {
		words = words[:4]
	}
	return strings.Join(words, " ") + " ..."
}

// ImportedCounts counts the rows of an imported record in the database;
// countries are those of its organisations.
func (s *Store) ImportedCounts(ctx context.Context, source string) (ImportCounts, error) {
	var c ImportCounts
	prefix := source + ":%"
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN single_beneficiary THEN 1 ELSE 0 END), 0)
		FROM cooperations WHERE external_id LIKE $1`, prefix).Scan(&c.Projects, &c.SingleGrants)
	if err != nil {
		return c, fmt.Errorf("count imported projects: %w", err)
	}
	c.Cooperations = c.Projects - c.SingleGrants
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT o.country) FROM imported_organisations io
		JOIN organisations o ON o.id = io.org_id WHERE io.source = $1`, source).Scan(&c.Organisations, &c.Countries)
	if err != nil {
		return c, fmt.Errorf("count imported organisations: %w", err)
	}
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM cooperation_partners p JOIN cooperations c ON c.id = p.cooperation_id
		WHERE c.external_id LIKE $1`, prefix).Scan(&c.Participations)
	if err != nil {
		return c, fmt.Errorf("count imported participations: %w", err)
	}
	return c, nil
}

// LastImport returns the report of the newest import of source, nil when
// there was none.
func (s *Store) LastImport(ctx context.Context, source string) (*ImportResult, error) {
	var report string
	err := s.db.QueryRowContext(ctx, `SELECT report FROM import_runs WHERE source = $1 ORDER BY started_at DESC LIMIT 1`, source).Scan(&report)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("last import: %w", err)
	}
	var res ImportResult
	if err := json.Unmarshal([]byte(report), &res); err != nil {
		return nil, fmt.Errorf("last import: %w", err)
	}
	return &res, nil
}

// bulk writes rows of a fixed width with multi-row INSERTs: a statement
// for a full batch is prepared once and reused; a shorter last batch gets
// its own. Every parameter appears once, in order.
type bulk struct {
	head, tail string
	width      int
	// row renders one row with its parameters given by the strings in ps
	// (in order); nil gives (p1, p2, ...).
	row   func(ps []string) string
	size  int
	param func(n int) string
	// full is the statement of a full batch, prepared in the transaction
	// that uses it (tx): write transactions run on their own connection
	// (Store.writer), which a statement prepared elsewhere cannot use.
	full *sql.Stmt
	tx   *sql.Tx
}

func (b *bulk) sql(rows int) string {
	var sb strings.Builder
	sb.WriteString(b.head)
	ps := make([]string, b.width)
	for r := 0; r < rows; r++ {
		if r > 0 {
			sb.WriteString(", ")
		}
		for c := range ps {
			ps[c] = b.param(r*b.width + c + 1)
		}
		if b.row != nil {
			sb.WriteString(b.row(ps))
		} else {
			sb.WriteString("(" + strings.Join(ps, ", ") + ")")
		}
	}
	sb.WriteString(b.tail)
	return sb.String()
}

func (s *Store) newBulk(ctx context.Context, size, width int, head, tail string, row func([]string) string) (*bulk, error) {
	return &bulk{head: head, tail: tail, width: width, row: row, size: size, param: s.bulkParam}, nil
}

// bulkParam writes parameter n of a bulk statement. SQLite gets anonymous
// "?" parameters: binding thousands of numbered ones costs time quadratic
// in their number there (each bind looks its name up in a list), which
// made the full import three times slower.
func (s *Store) bulkParam(n int) string {
	if s.engine == Postgres {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

func (b *bulk) close() {
	if b.full != nil {
		b.full.Close()
	}
}

// exec inserts args (a multiple of the width) inside tx.
func (b *bulk) exec(ctx context.Context, tx *sql.Tx, args []any) error {
	rows := len(args) / b.width
	for start := 0; start < rows; start += b.size {
		end := min(start+b.size, rows)
		chunk := args[start*b.width : end*b.width]
		var err error
		if end-start == b.size {
			if b.tx != tx {
				if b.full, err = tx.PrepareContext(ctx, b.sql(b.size)); err != nil {
					return fmt.Errorf("prepare bulk insert: %w", err)
				}
				b.tx = tx
			}
			_, err = b.full.ExecContext(ctx, chunk...)
		} else {
			_, err = tx.ExecContext(ctx, b.sql(end-start), chunk...)
		}
		if err != nil {
			return fmt.Errorf("bulk insert: %w", err)
		}
	}
	return nil
}

// searchBulk inserts the search documents of a batch.
func (s *Store) searchBulk(ctx context.Context, size int) (*bulk, error) {
	if s.engine == Postgres {
		return s.newBulk(ctx, size, 3, `INSERT INTO search_docs (kind, ref, terms) VALUES `,
			` ON CONFLICT (kind, ref) DO UPDATE SET terms = excluded.terms`,
			func(ps []string) string {
				return "(" + ps[0] + ", " + ps[1] + ", array_to_tsvector(string_to_array(" + ps[2] + ", ' ')))"
			})
	}
	return s.newBulk(ctx, size, 3, `INSERT INTO search_fts (kind, ref, terms) VALUES `, ``, nil)
}

// unindexImported removes the search documents of the records of kind
// selected by refs (a subquery), in one pass over the index.
func (s *Store) unindexImported(ctx context.Context, kind, refs string, args ...any) error {
	table := "search_fts"
	if s.engine == Postgres {
		table = "search_docs"
	}
	_, err := s.db.ExecContext(ctx, `DELETE FROM `+table+` WHERE kind = '`+kind+`' AND ref IN (`+refs+`)`, args...)
	if err != nil {
		return fmt.Errorf("unindex %s: %w", kind, err)
	}
	return nil
}

// importTx runs one batch in a write transaction. On SQLite the
// connection's page cache is first raised to importCacheKiB: the batches
// insert into B-trees keyed by random ids (partners, search terms), and
// with SQLite's default 2 MB cache most of those inserts read and write
// pages on disk.
func (s *Store) importTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if s.engine == SQLite {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", importCacheKiB)); err != nil {
				return fmt.Errorf("import cache: %w", err)
			}
		}
		return fn(tx)
	})
}

// importCacheKiB is the SQLite page cache of a connection that imports.
const importCacheKiB = 64 << 10

func terms(texts ...string) string {
	return strings.Join(textsearch.Terms(strings.Join(texts, "\n")), " ")
}

// termsAhead analyses the search text of n records on the other cores
// while the single database writer works: batch k (of size batch) is
// ready when its channel is closed. text returns the texts of record i.
type termsAhead struct {
	out   []string
	ready []chan struct{}
	batch int
}

func analyseAhead(ctx context.Context, n, batch int, text func(i int) []string) *termsAhead {
	t := &termsAhead{out: make([]string, n), batch: batch}
	jobs := make(chan int, (n+batch-1)/batch)
	for k := 0; k*batch < n; k++ {
		t.ready = append(t.ready, make(chan struct{}))
		jobs <- k
	}
	close(jobs)
	workers := max(1, runtime.GOMAXPROCS(0)-1)
	for w := 0; w < workers; w++ {
		go func() {
			for k := range jobs {
				if ctx.Err() == nil {
					for i := k * batch; i < min((k+1)*batch, n); i++ {
						t.out[i] = terms(text(i)...)
					}
				}
				close(t.ready[k])
			}
		}()
	}
	return t
}

// wait returns the terms of the batch starting at record start.
func (t *termsAhead) wait(start int) []string {
	k := start / t.batch
	<-t.ready[k]
	return t.out[start:min(start+t.batch, len(t.out))]
}

func (s *Store) importOrganisations(ctx context.Context, orgs []h2020.Organisation, progress ImportProgress) error {
	if err := s.unindexImported(ctx, "organisation", `SELECT org_id FROM imported_organisations WHERE source = $1`, h2020.Source); err != nil {
		return err
	}
	// A name, once known, is never replaced by the placeholder of a later
	// run that lacks it; a placeholder gives way to any name.
	insert, err := s.newBulk(ctx, orgRows, 13, `INSERT INTO organisations (id, name, short_name, kind, country, pic, activity_type,
		source, description, fields, created_at, updated_at, unnamed) VALUES `,
		` ON CONFLICT (pic) DO UPDATE SET
		name = CASE WHEN excluded.unnamed AND NOT organisations.unnamed THEN organisations.name ELSE excluded.name END,
		short_name = CASE WHEN excluded.unnamed AND NOT organisations.unnamed THEN organisations.short_name ELSE excluded.short_name END,
		unnamed = organisations.unnamed AND excluded.unnamed, kind = excluded.kind,
		country = excluded.country, activity_type = excluded.activity_type, description = excluded.description,
		updated_at = excluded.updated_at WHERE organisations.source = excluded.source`, nil)
	if err != nil {
		return err
	}
	defer insert.close()
	named, err := s.newBulk(ctx, orgRows, 3, `INSERT INTO imported_organisations (org_id, source, named) VALUES `,
		` ON CONFLICT (org_id) DO UPDATE SET named = imported_organisations.named OR excluded.named`, nil)
	if err != nil {
		return err
	}
	defer named.close()
	docs, err := s.searchBulk(ctx, orgRows)
	if err != nil {
		return err
	}
	defer docs.close()
	stamp := ts(now())
	ahead := analyseAhead(ctx, len(orgs), orgBatch, func(i int) []string {
		return []string{orgs[i].Name, orgs[i].ShortName, "PIC " + orgs[i].PIC}
	})
	for start := 0; start < len(orgs); start += orgBatch {
		batch := orgs[start:min(start+orgBatch, len(orgs))]
		args := make([]any, 0, len(batch)*13)
		pics := make([]string, len(batch))
		for i, o := range batch {
			pics[i] = o.PIC
			desc := fmt.Sprintf("Horizon 2020 participant, activity type %s. %s", o.ActivityType, cooperation.CORDISAttribution)
			args = append(args, derivedID("pic:"+o.PIC), o.Name, o.ShortName, o.Kind, o.Country, o.PIC, o.ActivityType,
				h2020.Source, desc, "[]", stamp, stamp, !o.Named)
		}
		err := s.importTx(ctx, func(tx *sql.Tx) error {
			if err := insert.exec(ctx, tx, args); err != nil {
				return fmt.Errorf("import organisations: %w", err)
			}
			// An organisation entered before with the same PIC keeps its id.
			ids, err := s.idsByPIC(ctx, tx, pics)
			if err != nil {
				return err
			}
			namedArgs := make([]any, 0, len(batch)*3)
			docArgs := make([]any, 0, len(batch)*3)
			batchTerms := ahead.wait(start)
			for i, o := range batch {
				id := ids[o.PIC]
				namedArgs = append(namedArgs, id, h2020.Source, o.Named)
				docArgs = append(docArgs, "organisation", id, batchTerms[i])
			}
			if err := named.exec(ctx, tx, namedArgs); err != nil {
				return fmt.Errorf("import organisations: %w", err)
			}
			return docs.exec(ctx, tx, docArgs)
		})
		if err != nil {
			return err
		}
		progress("organisations", start+len(batch), len(orgs))
	}
	return s.reindexLinkedImported(ctx)
}

// reindexLinkedImported gives the imported organisations that carry a ROR
// record back the names the registry gave them in every script, which
// the import's own search text (name, short name, PIC) lacks.
func (s *Store) reindexLinkedImported(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT r.org_id FROM ror_records r JOIN imported_organisations io ON io.org_id = r.org_id
		WHERE io.source = $1 ORDER BY r.org_id`, h2020.Source)
	if err != nil {
		return fmt.Errorf("reindex linked organisations: %w", err)
	}
	var ids []string
	if err := each(rows, func(r rowScanner) error {
		var id string
		if err := r.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	}); err != nil {
		return fmt.Errorf("reindex linked organisations: %w", err)
	}
	for start := 0; start < len(ids); start += 500 {
		batch := ids[start:min(start+500, len(ids))]
		if err := s.importTx(ctx, func(tx *sql.Tx) error { return s.reindexOrgs(ctx, tx, batch) }); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) idsByPIC(ctx context.Context, q queryer, pics []string) (map[string]string, error) {
	args := make([]any, len(pics))
	ps := make([]string, len(pics))
	for i, p := range pics {
		args[i], ps[i] = p, s.bulkParam(i+1)
	}
	rows, err := q.QueryContext(ctx, `SELECT pic, id FROM organisations WHERE pic IN (`+strings.Join(ps, ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("organisation ids: %w", err)
	}
	out := make(map[string]string, len(pics))
	err = each(rows, func(r rowScanner) error {
		var pic, id string
		if err := r.Scan(&pic, &id); err != nil {
			return err
		}
		out[pic] = id
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) != len(pics) {
		return nil, fmt.Errorf("organisation ids: %d of %d PICs found after the upsert", len(out), len(pics))
	}
	return out, nil
}

func (s *Store) importProjects(ctx context.Context, projects []h2020.Project, progress ImportProgress) error {
	if err := s.unindexImported(ctx, "cooperation", `SELECT id FROM cooperations WHERE external_id LIKE $1`, ExternalIDPrefix+"%"); err != nil {
		return err
	}
	const coopCols = 21
	coops, err := s.newBulk(ctx, projectRows, coopCols, `INSERT INTO cooperations (id, title, acronym, summary, stage, stage_since,
		fields, start_date, end_date, total_cost, funding, funder, programme, type_of_action, source_kind, source_ref, external_id,
		attribution, single_beneficiary, created_at, updated_at) VALUES `,
		` ON CONFLICT (external_id) DO UPDATE SET title = excluded.title, acronym = excluded.acronym, summary = excluded.summary,
		fields = excluded.fields, start_date = excluded.start_date, end_date = excluded.end_date, total_cost = excluded.total_cost,
		funding = excluded.funding, funder = excluded.funder, programme = excluded.programme, type_of_action = excluded.type_of_action,
		attribution = excluded.attribution, single_beneficiary = excluded.single_beneficiary, updated_at = excluded.updated_at`,
		nil)
	if err != nil {
		return err
	}
	defer coops.close()
	partners, err := s.newBulk(ctx, partnerRows, 5, `INSERT INTO cooperation_partners (cooperation_id, org_id, role, contribution, position) VALUES `,
		` ON CONFLICT (cooperation_id, org_id) DO UPDATE SET role = excluded.role, contribution = excluded.contribution,
		position = excluded.position`, nil)
	if err != nil {
		return err
	}
	defer partners.close()
	changes, err := s.newBulk(ctx, projectRows, 7, `INSERT INTO stage_changes (id, cooperation_id, from_stage, to_stage, date,
		evidence_kind, evidence_note, created_at) VALUES `, ` ON CONFLICT (id) DO NOTHING`,
		func(ps []string) string {
			return "(" + ps[0] + ", " + ps[1] + ", '', " + strings.Join(ps[2:], ", ") + ")"
		})
	if err != nil {
		return err
	}
	defer changes.close()
	fields, err := s.newBulk(ctx, projectRows, 3, `INSERT INTO subject_fields (kind, ref, field) VALUES `, ` ON CONFLICT DO NOTHING`, nil)
	if err != nil {
		return err
	}
	defer fields.close()
	docs, err := s.searchBulk(ctx, projectRows)
	if err != nil {
		return err
	}
	defer docs.close()

	orgIDs, err := s.importedOrgIDs(ctx)
	if err != nil {
		return err
	}
	stamp := ts(now())
	ahead := analyseAhead(ctx, len(projects), projectBatch, func(i int) []string {
		p := &projects[i]
		return []string{p.Title, p.Acronym, p.Summary, p.RCN, p.ProjectID}
	})
	for start := 0; start < len(projects); start += projectBatch {
		batch := projects[start:min(start+projectBatch, len(projects))]
		coopArgs := make([]any, 0, len(batch)*coopCols)
		var partnerArgs, changeArgs, fieldArgs []any
		docArgs := make([]any, 0, len(batch)*3)
		batchTerms := ahead.wait(start)
		for i := range batch {
			p := &batch[i]
			id := derivedID("rcn:" + p.RCN)
			stageSince := p.StartDate
			if p.Single {
				stageSince = ""
			}
			coopArgs = append(coopArgs, id, p.Title, p.Acronym, p.Summary, p.Stage, stageSince, jsonList(p.Fields),
				p.StartDate, p.EndDate, p.TotalCost, p.MaxContribution, h2020.Funder, strings.Join(p.Parts, ", "), p.TypeOfAction,
				cooperation.SourceImport, h2020.Source, ExternalIDPrefix+p.RCN, cooperation.CORDISAttribution, p.Single, stamp, stamp)
			for pos, pt := range p.Participants {
				orgID, ok := orgIDs[pt.PIC]
				if !ok {
					return fmt.Errorf("import project %s: organisation PIC %s was not imported", p.RCN, pt.PIC)
				}
				partnerArgs = append(partnerArgs, id, orgID, pt.Role, pt.Contribution, pos)
			}
			if !p.Single {
				note := fmt.Sprintf("Imported from CORDIS at %s: %s. %s", p.Stage, p.StageBasis, cooperation.CORDISAttribution)
				changeArgs = append(changeArgs, derivedID("first-stage:"+p.RCN), id, p.Stage, p.StartDate, cooperation.EvidenceNote, note, stamp)
			}
			for _, f := range p.Fields {
				fieldArgs = append(fieldArgs, "cooperation", id, f)
			}
			docArgs = append(docArgs, "cooperation", id, batchTerms[i])
		}
		err := s.importTx(ctx, func(tx *sql.Tx) error {
			if err := coops.exec(ctx, tx, coopArgs); err != nil {
				return fmt.Errorf("import projects: %w", err)
			}
			if err := partners.exec(ctx, tx, partnerArgs); err != nil {
				return fmt.Errorf("import participations: %w", err)
			}
			if err := changes.exec(ctx, tx, changeArgs); err != nil {
				return fmt.Errorf("import stages: %w", err)
			}
			if err := fields.exec(ctx, tx, fieldArgs); err != nil {
				return fmt.Errorf("import fields: %w", err)
			}
			return docs.exec(ctx, tx, docArgs)
		})
		if err != nil {
			return err
		}
		progress("projects", start+len(batch), len(projects))
	}
	return nil
}

func (s *Store) importedOrgIDs(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT o.pic, o.id FROM organisations o WHERE o.pic IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("organisation ids: %w", err)
	}
	out := map[string]string{}
	err = each(rows, func(r rowScanner) error {
		var pic, id string
		if err := r.Scan(&pic, &id); err != nil {
			return err
		}
		out[pic] = id
		return nil
	})
	return out, err
}

// RefusalReasons returns the reasons of a report in a stable order, the
// most frequent first.
func (res *ImportResult) RefusalReasons() []string {
	out := make([]string, 0, len(res.RefusedByReason))
	for r := range res.RefusedByReason {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := res.RefusedByReason[out[i]], res.RefusedByReason[out[j]]
		if a != b {
			return a > b
		}
		return out[i] < out[j]
	})
	return out
}
