package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/cooperation/depth"
)

const coopColumns = `c.id, c.title, c.acronym, c.summary, c.stage, c.stage_since, c.fields, c.keywords, c.start_date, c.end_date,
	c.total_cost, c.funding, c.funder, c.programme, c.type_of_action, c.source_kind, c.source_ref, COALESCE(c.external_id, ''),
	c.attribution, c.single_beneficiary, c.sample, c.created_at, c.updated_at`

func scanCoop(row interface{ Scan(...any) error }) (*cooperation.Cooperation, error) {
	var c cooperation.Cooperation
	var fields, keywords, created, updated string
	if err := row.Scan(&c.ID, &c.Title, &c.Acronym, &c.Summary, &c.Stage, &c.StageSince, &fields, &keywords, &c.StartDate, &c.EndDate,
		&c.TotalCost, &c.Funding, &c.Funder, &c.Programme, &c.TypeOfAction, &c.Source.Kind, &c.Source.Ref, &c.ExternalID,
		&c.Attribution, &c.SingleBeneficiary, &c.Sample, &created, &updated); err != nil {
		return nil, err
	}
	c.Fields, c.Keywords = parseList(fields), parseList(keywords)
	c.CreatedAt, c.UpdatedAt = parseTS(created), parseTS(updated)
	c.Partners, c.Countries = []cooperation.Partner{}, []string{}
	return &c, nil
}

// today is the date the store checks "not in the future" against.
func today() time.Time { return time.Now().UTC() }

// Cooperation returns one cooperation with its partners, outputs, stage
// history and agreements.
func (s *Store) Cooperation(ctx context.Context, id string) (*cooperation.Cooperation, error) {
	return s.cooperation(ctx, s.db, id)
}

func (s *Store) cooperation(ctx context.Context, q queryer, id string) (*cooperation.Cooperation, error) {
	c, err := scanCoop(q.QueryRowContext(ctx, `SELECT `+coopColumns+` FROM cooperations c WHERE c.id = $1`, id))
	if err != nil {
		return nil, notFound(err, "cooperation")
	}
	if err := s.loadPartners(ctx, q, []*cooperation.Cooperation{c}); err != nil {
		return nil, err
	}
	if c.Outputs, err = s.outputs(ctx, q, id); err != nil {
		return nil, err
	}
	if c.History, err = s.stageHistory(ctx, q, id); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT agreement_id FROM agreement_cooperations WHERE cooperation_id = $1 ORDER BY agreement_id`, id)
	if err != nil {
		return nil, fmt.Errorf("cooperation agreements: %w", err)
	}
	c.AgreementIDs, err = collect(rows, scanString)
	return c, err
}

// loadPartners fills the partners and countries of the cooperations with
// one query.
func (s *Store) loadPartners(ctx context.Context, q queryer, coops []*cooperation.Cooperation) error {
	if len(coops) == 0 {
		return nil
	}
	byID := make(map[string]*cooperation.Cooperation, len(coops))
	ids := make([]string, len(coops))
	for i, c := range coops {
		byID[c.ID] = c
		ids[i] = c.ID
	}
	var args []any
	rows, err := q.QueryContext(ctx, `SELECT p.cooperation_id, p.org_id, p.role, p.contribution, o.name, o.country, ct.bri_partner,
		COALESCE(io.named, TRUE)
		FROM cooperation_partners p
		JOIN organisations o ON o.id = p.org_id
		JOIN countries ct ON ct.code = o.country
		LEFT JOIN imported_organisations io ON io.org_id = p.org_id
		WHERE p.cooperation_id IN (`+placeholders(&args, ids)+`)
		ORDER BY p.cooperation_id, p.position, o.name`, args...)
	if err != nil {
		return fmt.Errorf("cooperation partners: %w", err)
	}
	err = each(rows, func(r rowScanner) error {
		var coopID string
		var p cooperation.Partner
		if err := r.Scan(&coopID, &p.OrgID, &p.Role, &p.Contribution, &p.Name, &p.Country, &p.BRIPartner, &p.Named); err != nil {
			return err
		}
		c := byID[coopID]
		c.Partners = append(c.Partners, p)
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range coops {
		c.Countries = partnerCountries(c.Partners)
	}
	return nil
}

func partnerCountries(partners []cooperation.Partner) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, p := range partners {
		if p.Country != "" && !seen[p.Country] {
			seen[p.Country] = true
			out = append(out, p.Country)
		}
	}
	sort.Strings(out)
	return out
}

func (s *Store) outputs(ctx context.Context, q queryer, coopID string) ([]cooperation.Output, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, cooperation_id, kind, title, date, count, url, created_at
		FROM cooperation_outputs WHERE cooperation_id = $1 ORDER BY date, created_at`, coopID)
	if err != nil {
		return nil, fmt.Errorf("cooperation outputs: %w", err)
	}
	out := []cooperation.Output{}
	err = each(rows, func(r rowScanner) error {
		var o cooperation.Output
		var created string
		if err := r.Scan(&o.ID, &o.CooperationID, &o.Kind, &o.Title, &o.Date, &o.Count, &o.URL, &created); err != nil {
			return err
		}
		o.CreatedAt = parseTS(created)
		out = append(out, o)
		return nil
	})
	return out, err
}

func (s *Store) stageHistory(ctx context.Context, q queryer, coopID string) ([]cooperation.StageChange, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, cooperation_id, from_stage, to_stage, date, evidence_kind, evidence_ref, evidence_note,
		actor_id, created_at FROM stage_changes WHERE cooperation_id = $1 ORDER BY date, created_at`, coopID)
	if err != nil {
		return nil, fmt.Errorf("stage history: %w", err)
	}
	return collect(rows, scanChange)
}

func scanChange(row interface{ Scan(...any) error }) (cooperation.StageChange, error) {
	var ch cooperation.StageChange
	var created string
	err := row.Scan(&ch.ID, &ch.CooperationID, &ch.From, &ch.To, &ch.Date, &ch.Evidence.Kind, &ch.Evidence.Ref, &ch.Evidence.Note,
		&ch.ActorID, &created)
	ch.CreatedAt = parseTS(created)
	return ch, err
}

// coopConds turns a filter into SQL conditions on cooperations c.
func (s *Store) coopConds(f cooperation.Filter, args *[]any) []string {
	conds := []string{"c.single_beneficiary = " + boolSQL(f.Grants)}
	if f.Query != "" {
		c, ok := s.searchCond("c.id", "cooperation", f.Query, args)
		if !ok {
			c = "1 = 0"
		}
		conds = append(conds, c)
	}
	inCountry := func(code string) string {
		*args = append(*args, code)
		return fmt.Sprintf(`c.id IN (SELECT p.cooperation_id FROM cooperation_partners p JOIN organisations o ON o.id = p.org_id
			WHERE o.country = $%d)`, len(*args))
	}
	if f.Country != "" {
		conds = append(conds, inCountry(f.Country))
	}
	if f.Country2 != "" {
		conds = append(conds, inCountry(f.Country2))
	}
	if f.Field != "" {
		conds = append(conds, fieldCond("c.id", "cooperation", f.Field, args))
	}
	if f.Stage != "" {
		*args = append(*args, f.Stage)
		conds = append(conds, fmt.Sprintf("c.stage = $%d", len(*args)))
	}
	if f.SourceKind != "" {
		*args = append(*args, f.SourceKind)
		conds = append(conds, fmt.Sprintf("c.source_kind = $%d", len(*args)))
	}
	if f.SourceRef != "" {
		*args = append(*args, f.SourceRef)
		conds = append(conds, fmt.Sprintf("c.source_ref = $%d", len(*args)))
	}
	if f.Year > 0 {
		*args = append(*args, fmt.Sprintf("%04d-12-31", f.Year), fmt.Sprintf("%04d-01-01", f.Year))
		n := len(*args)
		conds = append(conds, fmt.Sprintf("c.start_date <> '' AND c.start_date <= $%d AND (c.end_date = '' OR c.end_date >= $%d)", n-1, n))
	}
	if f.OrgID != "" {
		*args = append(*args, f.OrgID)
		conds = append(conds, fmt.Sprintf("c.id IN (SELECT cooperation_id FROM cooperation_partners WHERE org_id = $%d)", len(*args)))
	}
	if f.BRIPartner {
		conds = append(conds, `c.id IN (SELECT p.cooperation_id FROM cooperation_partners p JOIN organisations o ON o.id = p.org_id
			JOIN countries ct ON ct.code = o.country WHERE ct.bri_partner)`)
	}
	return conds
}

func boolSQL(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}

// Cooperations lists cooperations that pass the filter, the most recent
// first, with their partners.
func (s *Store) Cooperations(ctx context.Context, f cooperation.Filter) ([]*cooperation.Cooperation, Page, error) {
	return memoList(ctx, s, "cooperations", f, s.cooperationsUncached)
}

func (s *Store) cooperationsUncached(ctx context.Context, f cooperation.Filter) ([]*cooperation.Cooperation, Page, error) {
	var args []any
	where := " WHERE " + strings.Join(s.coopConds(f, &args), " AND ")
	page, per := normPage(f.Page, f.PerPage)
	p := Page{Number: page, PerPage: per}
	if err := s.countCached(ctx, &p.Total, `SELECT COUNT(*) FROM cooperations c`+where, args...); err != nil {
		return nil, p, fmt.Errorf("count cooperations: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+coopColumns+` FROM cooperations c`+where+
		fmt.Sprintf(" ORDER BY c.start_date DESC, c.id LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	if err != nil {
		return nil, p, fmt.Errorf("list cooperations: %w", err)
	}
	out, err := scanCoops(rows)
	if err != nil {
		return nil, p, err
	}
	return out, p, s.loadPartners(ctx, s.db, out)
}

func scanCoops(rows *sql.Rows) ([]*cooperation.Cooperation, error) {
	return collect(rows, scanCoop)
}

// CooperationsOfOrganisation returns the cooperations an organisation is a
// partner in (single-beneficiary grants left out), with their partners,
// the most recent first.
func (s *Store) CooperationsOfOrganisation(ctx context.Context, orgID string) ([]*cooperation.Cooperation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+coopColumns+` FROM cooperations c
		WHERE NOT c.single_beneficiary AND c.id IN (SELECT cooperation_id FROM cooperation_partners WHERE org_id = $1)
		ORDER BY c.start_date DESC, c.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("cooperations of organisation: %w", err)
	}
	out, err := scanCoops(rows)
	if err != nil {
		return nil, err
	}
	return out, s.loadPartners(ctx, s.db, out)
}

// OrganisationDepth counts an organisation's cooperations at each stage of
// the ladder (stages without one are absent).
func (s *Store) OrganisationDepth(ctx context.Context, orgID string) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.stage, COUNT(*) FROM cooperations c
		WHERE NOT c.single_beneficiary AND c.id IN (SELECT cooperation_id FROM cooperation_partners WHERE org_id = $1)
		GROUP BY c.stage`, orgID)
	if err != nil {
		return nil, fmt.Errorf("organisation depth: %w", err)
	}
	out := map[string]int{}
	err = each(rows, func(r rowScanner) error {
		var st string
		var n int
		if err := r.Scan(&st, &n); err != nil {
			return err
		}
		out[st] = n
		return nil
	})
	return out, err
}

// CreateCooperation validates and stores a new cooperation with its
// partners, and records its starting stage as the first entry of its
// history (dated the start date, else today).
func (s *Store) CreateCooperation(ctx context.Context, actor Actor, c *cooperation.Cooperation) error {
	ref, err := s.Reference(ctx)
	if err != nil {
		return err
	}
	c.Normalise()
	if c.Stage == "" {
		c.Stage = cooperation.Exchange
	}
	if err := c.Validate(ref); err != nil {
		return err
	}
	if c.Source.Kind == cooperation.SourceImport {
		// Imports go through the bulk importer, which keeps them unique.
		return silkbridge.Invalid("source_kind", "field.choice", "choose one of the values listed", map[string]any{"Value": c.Source.Kind})
	}
	c.ID = silkbridge.NewID()
	c.CreatedAt, c.UpdatedAt = now(), now()
	c.ExternalID, c.SingleBeneficiary = "", false
	c.StageSince = c.StartDate
	if c.StageSince == "" || c.StageSince > today().Format(cooperation.DateLayout) {
		c.StageSince = today().Format(cooperation.DateLayout)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkOrgs(ctx, tx, "partners", c.PartnerIDs()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO cooperations (id, title, acronym, summary, stage, stage_since, fields, keywords,
			start_date, end_date, total_cost, funding, funder, programme, type_of_action, source_kind, source_ref, attribution,
			sample, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
			c.ID, c.Title, c.Acronym, c.Summary, c.Stage, c.StageSince, jsonList(c.Fields), jsonList(c.Keywords),
			c.StartDate, c.EndDate, c.TotalCost, c.Funding, c.Funder, c.Programme, c.TypeOfAction, c.Source.Kind, c.Source.Ref,
			c.Attribution, c.Sample, actor.UserID, ts(c.CreatedAt), ts(c.UpdatedAt))
		if err != nil {
			return fmt.Errorf("create cooperation: %w", err)
		}
		for i, p := range c.Partners {
			if _, err := tx.ExecContext(ctx, `INSERT INTO cooperation_partners (cooperation_id, org_id, role, contribution, position)
				VALUES ($1, $2, $3, $4, $5)`, c.ID, p.OrgID, p.Role, p.Contribution, i); err != nil {
				return fmt.Errorf("create cooperation partner: %w", err)
			}
		}
		first := cooperation.StageChange{CooperationID: c.ID, To: c.Stage, Date: c.StageSince,
			Evidence: cooperation.Evidence{Kind: cooperation.EvidenceNote, Note: "started at this stage"}}
		if err := s.insertChange(ctx, tx, actor, &first); err != nil {
			return err
		}
		c.History = []cooperation.StageChange{first}
		if err := setFields(ctx, tx, "cooperation", c.ID, c.Fields); err != nil {
			return err
		}
		if err := s.indexCoop(ctx, tx, c); err != nil {
			return err
		}
		if err := s.loadPartners(ctx, tx, []*cooperation.Cooperation{c}); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "create", "cooperation", c.ID, c.Partners[0].OrgID, nil, c)
	})
}

func (s *Store) indexCoop(ctx context.Context, q queryer, c *cooperation.Cooperation) error {
	return s.index(ctx, q, "cooperation", c.ID, c.Title, c.Acronym, c.Summary, strings.Join(c.Keywords, " "))
}

// checkOrgs refuses ids that name no organisation, as a problem of field.
func (s *Store) checkOrgs(ctx context.Context, q queryer, field string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var args []any
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations WHERE id IN (`+placeholders(&args, ids)+`)`, args...).Scan(&n); err != nil {
		return fmt.Errorf("check organisations: %w", err)
	}
	if n != len(ids) {
		return silkbridge.Invalid(field, "field.organisation", "not an organisation on the platform", nil)
	}
	return nil
}

func (s *Store) insertChange(ctx context.Context, q queryer, actor Actor, ch *cooperation.StageChange) error {
	ch.ID = silkbridge.NewID()
	ch.ActorID = actor.UserID
	ch.CreatedAt = now()
	_, err := q.ExecContext(ctx, `INSERT INTO stage_changes (id, cooperation_id, from_stage, to_stage, date, evidence_kind, evidence_ref,
		evidence_note, actor_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		ch.ID, ch.CooperationID, ch.From, ch.To, ch.Date, ch.Evidence.Kind, ch.Evidence.Ref, ch.Evidence.Note, ch.ActorID, ts(ch.CreatedAt))
	if err != nil {
		return fmt.Errorf("record stage change: %w", err)
	}
	return nil
}

// UpdateCooperation validates and saves the changes update makes to the
// details of a cooperation (title, summary, fields, dates, funding). The
// partners, stage, source and import identity stay as stored.
func (s *Store) UpdateCooperation(ctx context.Context, actor Actor, id string, update func(*cooperation.Cooperation)) (*cooperation.Cooperation, error) {
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, err
	}
	var after *cooperation.Cooperation
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.cooperation(ctx, tx, id)
		if err != nil {
			return err
		}
		c := *before
		c.Fields = append([]string(nil), before.Fields...)
		c.Keywords = append([]string(nil), before.Keywords...)
		update(&c)
		c.ID, c.CreatedAt, c.Stage, c.StageSince, c.Source = before.ID, before.CreatedAt, before.Stage, before.StageSince, before.Source
		c.ExternalID, c.Attribution, c.SingleBeneficiary, c.Partners = before.ExternalID, before.Attribution, before.SingleBeneficiary, before.Partners
		c.Normalise()
		if err := c.ValidateDetails(ref); err != nil {
			return err
		}
		c.UpdatedAt = now()
		_, err = tx.ExecContext(ctx, `UPDATE cooperations SET title = $2, acronym = $3, summary = $4, fields = $5, keywords = $6,
			start_date = $7, end_date = $8, total_cost = $9, funding = $10, funder = $11, programme = $12, type_of_action = $13,
			updated_at = $14 WHERE id = $1`,
			c.ID, c.Title, c.Acronym, c.Summary, jsonList(c.Fields), jsonList(c.Keywords), c.StartDate, c.EndDate,
			c.TotalCost, c.Funding, c.Funder, c.Programme, c.TypeOfAction, ts(c.UpdatedAt))
		if err != nil {
			return fmt.Errorf("update cooperation: %w", err)
		}
		if err := setFields(ctx, tx, "cooperation", c.ID, c.Fields); err != nil {
			return err
		}
		if err := s.indexCoop(ctx, tx, &c); err != nil {
			return err
		}
		after = &c
		return s.audit(ctx, tx, actor, "update", "cooperation", c.ID, coordinatorOf(&c), before, c)
	})
	return after, err
}

func coordinatorOf(c *cooperation.Cooperation) string {
	if p, ok := c.Coordinator(); ok {
		return p.OrgID
	}
	return ""
}

// ChangeStage moves a cooperation to another stage of the ladder on date,
// with the evidence for it; the history keeps every step. Evidence that
// names an output must name one of this cooperation's outputs; one that
// names an agreement, an agreement on the platform.
func (s *Store) ChangeStage(ctx context.Context, actor Actor, id, stage, date string, evidence cooperation.Evidence) (*cooperation.StageChange, error) {
	var ch *cooperation.StageChange
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := s.cooperation(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.SingleBeneficiary {
			return silkbridge.Conflict("coop.error.single", "a single-beneficiary grant is not on the depth ladder")
		}
		last := ""
		if n := len(c.History); n > 0 {
			last = c.History[n-1].Date
		}
		change := cooperation.StageChange{CooperationID: id, From: c.Stage, To: stage, Date: date, Evidence: evidence}
		if err := cooperation.ValidateChange(c.Stage, last, &change, today()); err != nil {
			return err
		}
		if err := s.checkEvidence(ctx, tx, id, change.Evidence); err != nil {
			return err
		}
		if err := s.insertChange(ctx, tx, actor, &change); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cooperations SET stage = $2, stage_since = $3, updated_at = $4 WHERE id = $1`,
			id, change.To, change.Date, ts(now())); err != nil {
			return fmt.Errorf("change stage: %w", err)
		}
		ch = &change
		return s.audit(ctx, tx, actor, "change_stage", "cooperation", id, coordinatorOf(c),
			map[string]string{"stage": c.Stage}, change)
	})
	return ch, err
}

func (s *Store) checkEvidence(ctx context.Context, q queryer, coopID string, e cooperation.Evidence) error {
	var n int
	var err error
	switch e.Kind {
	case cooperation.EvidenceOutput:
		err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM cooperation_outputs WHERE id = $1 AND cooperation_id = $2`, e.Ref, coopID).Scan(&n)
	case cooperation.EvidenceAgreement:
		err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM agreements WHERE id = $1`, e.Ref).Scan(&n)
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("check evidence: %w", err)
	}
	if n == 0 {
		return silkbridge.Invalid("evidence_ref", "coop.field.evidence_ref", "choose the output or agreement that shows the change", nil)
	}
	return nil
}

// AddPartner adds an organisation to a cooperation as a participant or an
// unfunded partner (the coordinator stays the one it has).
func (s *Store) AddPartner(ctx context.Context, actor Actor, coopID string, p cooperation.Partner) error {
	if err := cooperation.ValidatePartner(&p); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := s.cooperation(ctx, tx, coopID)
		if err != nil {
			return err
		}
		if c.SingleBeneficiary {
			return silkbridge.Conflict("coop.error.single", "a single-beneficiary grant is not on the depth ladder")
		}
		if c.HasPartner(p.OrgID) {
			return silkbridge.Invalid("organisation_id", "coop.field.partner_twice", "an organisation is listed twice", nil)
		}
		if err := s.checkOrgs(ctx, tx, "organisation_id", []string{p.OrgID}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO cooperation_partners (cooperation_id, org_id, role, contribution, position)
			VALUES ($1, $2, $3, $4, $5)`, coopID, p.OrgID, p.Role, p.Contribution, len(c.Partners)); err != nil {
			return fmt.Errorf("add partner: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cooperations SET updated_at = $2 WHERE id = $1`, coopID, ts(now())); err != nil {
			return fmt.Errorf("add partner: %w", err)
		}
		return s.audit(ctx, tx, actor, "add_partner", "cooperation", coopID, coordinatorOf(c), nil, p)
	})
}

// AddOutput records an output of a cooperation.
func (s *Store) AddOutput(ctx context.Context, actor Actor, coopID string, o *cooperation.Output) error {
	o.Normalise()
	if err := o.Validate(today()); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := s.cooperation(ctx, tx, coopID)
		if err != nil {
			return err
		}
		o.ID, o.CooperationID, o.CreatedAt = silkbridge.NewID(), coopID, now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO cooperation_outputs (id, cooperation_id, kind, title, date, count, url, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, o.ID, coopID, o.Kind, o.Title, o.Date, o.Count, o.URL, ts(o.CreatedAt)); err != nil {
			return fmt.Errorf("add output: %w", err)
		}
		return s.audit(ctx, tx, actor, "add_output", "cooperation", coopID, coordinatorOf(c), nil, o)
	})
}

// DeleteCooperation removes a cooperation with its partners, history and
// outputs.
func (s *Store) DeleteCooperation(ctx context.Context, actor Actor, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.cooperation(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM cooperations WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete cooperation: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM subject_fields WHERE kind = 'cooperation' AND ref = $1`, id); err != nil {
			return err
		}
		if err := s.unindex(ctx, tx, "cooperation", id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "delete", "cooperation", id, coordinatorOf(before), before, nil)
	})
}

// DepthHistories returns what the depth analytics need of every
// cooperation that passes the filter (single-beneficiary grants never do):
// its stage, countries, fields, start year and dated stage history.
func (s *Store) DepthHistories(ctx context.Context, f cooperation.Filter) ([]depth.History, error) {
	f.Grants = false
	var args []any
	where := " WHERE " + strings.Join(s.coopConds(f, &args), " AND ")
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.stage, c.start_date, c.fields FROM cooperations c`+where+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("depth histories: %w", err)
	}
	var hs []depth.History
	index := map[string]int{}
	err = each(rows, func(r rowScanner) error {
		var h depth.History
		var start, fields string
		if err := r.Scan(&h.ID, &h.Stage, &start, &fields); err != nil {
			return err
		}
		if len(start) >= 4 {
			h.StartYear, _ = strconv.Atoi(start[:4])
		}
		h.Fields = parseList(fields)
		index[h.ID] = len(hs)
		hs = append(hs, h)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(hs) == 0 {
		return hs, nil
	}
	// The histories and partners of the selected cooperations: for a few,
	// looked up by id; for many, read whole (sequential scans beat tens of
	// thousands of index lookups) and matched in Go.
	ids := make([]string, len(hs))
	for i, h := range hs {
		ids[i] = h.ID
	}
	var changeCond, partnerCond string
	var idArgs []any
	if len(ids) <= 500 {
		ps := make([]string, len(ids))
		for i, id := range ids {
			idArgs = append(idArgs, id)
			ps[i] = "$" + strconv.Itoa(i+1)
		}
		changeCond = " WHERE s.cooperation_id IN (" + strings.Join(ps, ", ") + ")"
		partnerCond = " WHERE p.cooperation_id IN (" + strings.Join(ps, ", ") + ")"
	}
	rows, err = s.db.QueryContext(ctx, `SELECT s.cooperation_id, s.from_stage, s.to_stage, s.date FROM stage_changes s`+changeCond+
		` ORDER BY s.cooperation_id, s.date, s.created_at`, idArgs...)
	if err != nil {
		return nil, fmt.Errorf("depth histories: %w", err)
	}
	err = each(rows, func(r rowScanner) error {
		var id, date string
		var ch depth.Change
		if err := r.Scan(&id, &ch.From, &ch.To, &date); err != nil {
			return err
		}
		i, ok := index[id]
		if !ok {
			return nil
		}
		if date != "" {
			ch.Date, _ = cooperation.ParseDate(date)
		}
		hs[i].Changes = append(hs[i].Changes, ch)
		return nil
	})
	if err != nil {
		return nil, err
	}
	countries, err := s.orgCountries(ctx)
	if err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT p.cooperation_id, p.org_id FROM cooperation_partners p`+partnerCond, idArgs...)
	if err != nil {
		return nil, fmt.Errorf("depth histories: %w", err)
	}
	err = each(rows, func(r rowScanner) error {
		var id, org string
		if err := r.Scan(&id, &org); err != nil {
			return err
		}
		i, ok := index[id]
		if !ok {
			return nil
		}
		if c := countries[org]; c != "" && !containsStr(hs[i].Countries, c) {
			hs[i].Countries = append(hs[i].Countries, c)
		}
		return nil
	})
	return hs, err
}

// orgCountries maps every organisation to its country.
func (s *Store) orgCountries(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, country FROM organisations`)
	if err != nil {
		return nil, fmt.Errorf("organisation countries: %w", err)
	}
	out := map[string]string{}
	err = each(rows, func(r rowScanner) error {
		var id, c string
		if err := r.Scan(&id, &c); err != nil {
			return err
		}
		out[id] = c
		return nil
	})
	return out, err
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ShallowCooperations lists the cooperations that pass the filter and are
// still at exchange months months or more after they entered it (as of
// today), the longest-waiting first.
func (s *Store) ShallowCooperations(ctx context.Context, months int, f cooperation.Filter) ([]*cooperation.Cooperation, Page, error) {
	f.Grants, f.Stage = false, cooperation.Exchange
	var args []any
	conds := s.coopConds(f, &args)
	args = append(args, depth.ShallowCutoff(today(), months).Format(cooperation.DateLayout))
	conds = append(conds, fmt.Sprintf("c.stage_since <> '' AND c.stage_since <= $%d", len(args)))
	where := " WHERE " + strings.Join(conds, " AND ")
	page, per := normPage(f.Page, f.PerPage)
	p := Page{Number: page, PerPage: per}
	if err := s.countCached(ctx, &p.Total, `SELECT COUNT(*) FROM cooperations c`+where, args...); err != nil {
		return nil, p, fmt.Errorf("count shallow cooperations: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+coopColumns+` FROM cooperations c`+where+
		fmt.Sprintf(" ORDER BY c.stage_since, c.id LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	if err != nil {
		return nil, p, fmt.Errorf("shallow cooperations: %w", err)
	}
	out, err := scanCoops(rows)
	if err != nil {
		return nil, p, err
	}
	return out, p, s.loadPartners(ctx, s.db, out)
}

// DepthVersion changes whenever anything the depth analytics read changes
// (a cooperation created, edited, deleted or given a partner; a stage
// change), so that a computed report can be kept until it does. Changes to
// an organisation's country are not seen: callers bound how long they keep
// a report.
//
// The fingerprint itself is recounted only when the data version moves
// (dataversion.go), so that asking costs no scan of the record.
func (s *Store) DepthVersion(ctx context.Context) (string, error) {
	return s.memos.depthVersion.Get(ctx, s, s.depthVersion)
}

func (s *Store) depthVersion(ctx context.Context) (string, error) {
	var coops, changes int
	var coopStamp, changeStamp string
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(updated_at), '') FROM cooperations`).Scan(&coops, &coopStamp)
	if err != nil {
		return "", fmt.Errorf("depth version: %w", err)
	}
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(created_at), '') FROM stage_changes`).Scan(&changes, &changeStamp)
	if err != nil {
		return "", fmt.Errorf("depth version: %w", err)
	}
	return fmt.Sprintf("%d/%s/%d/%s", coops, coopStamp, changes, changeStamp), nil
}
