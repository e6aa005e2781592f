package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/programme"
)

// Talent-training programmes: programmes under agreements, their positions
// and constraints, the talents' applications, the hosts' rankings, and
// matching runs with their placements. Every change that a matching reads
// bumps the programme's data_version, so a run can tell that it is stale;
// publishing compares the input hash itself.

func init() { registerPersonalDataEraser("programme applications", eraseApplications) }

const programmeColumns = `p.id, p.agreement_id, a.title, p.title, p.summary, p.opens_at, p.closes_at, p.max_choices,
	p.nationalities, p.bri_partners, p.career_stages, p.fields, p.policies, p.constraints, COALESCE(p.officer_id, ''),
	p.published_run_id, p.data_version, p.sample, p.created_at, p.updated_at`

const programmeFrom = ` FROM programmes p JOIN agreements a ON a.id = p.agreement_id`

func scanProgramme(row interface{ Scan(...any) error }) (*programme.Programme, error) {
	var p programme.Programme
	var opens, closes, nationalities, stages, fields, policies, constraints, created, updated string
	if err := row.Scan(&p.ID, &p.AgreementID, &p.AgreementTitle, &p.Title, &p.Summary, &opens, &closes, &p.MaxChoices,
		&nationalities, &p.Eligibility.BRIPartners, &stages, &fields, &policies, &constraints, &p.OfficerID,
		&p.PublishedRunID, &p.DataVersion, &p.Sample, &created, &updated); err != nil {
		return nil, err
	}
	p.OpensAt, p.ClosesAt = parseTS(opens), parseTS(closes)
	p.Eligibility.Nationalities, p.Eligibility.CareerStages, p.Eligibility.Fields = parseList(nationalities), parseList(stages), parseList(fields)
	p.Policies = []programme.Policy{}
	if err := json.Unmarshal([]byte(policies), &p.Policies); err != nil {
		return nil, fmt.Errorf("programme %s: policies: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(constraints), &p.Constraints); err != nil {
		return nil, fmt.Errorf("programme %s: constraints: %w", p.ID, err)
	}
	if p.Constraints.Regions == nil {
		p.Constraints.Regions = []programme.Region{}
	}
	if p.Constraints.CountryQuotas == nil {
		p.Constraints.CountryQuotas = []programme.CountryQuota{}
	}
	p.Positions = []programme.Position{}
	p.CreatedAt, p.UpdatedAt = parseTS(created), parseTS(updated)
	return &p, nil
}

func progJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Programme returns one programme with its positions.
func (s *Store) Programme(ctx context.Context, id string) (*programme.Programme, error) {
	return s.programme(ctx, s.db, id)
}

func (s *Store) programme(ctx context.Context, q queryer, id string) (*programme.Programme, error) {
	p, err := scanProgramme(q.QueryRowContext(ctx, `SELECT `+programmeColumns+programmeFrom+` WHERE p.id = $1`, id))
	if err != nil {
		return nil, notFound(err, "programme")
	}
	if err := s.loadPositions(ctx, q, []*programme.Programme{p}); err != nil {
		return nil, err
	}
	return p, nil
}

const positionColumns = `x.id, x.programme_id, x.org_id, o.name, o.country, x.title, x.description, x.capacity, x.fields,
	x.language, x.stipend, x.rank_mode, x.rank_rule, x.target, x.floor, x.created_at, x.updated_at,
	(SELECT COUNT(*) FROM programme_choices c WHERE c.position_id = x.id)`

func scanPosition(row interface{ Scan(...any) error }) (*programme.Position, error) {
	var pos programme.Position
	var fields, created, updated string
	var target sql.NullInt64
	if err := row.Scan(&pos.ID, &pos.ProgrammeID, &pos.OrgID, &pos.OrgName, &pos.OrgCountry, &pos.Title, &pos.Description,
		&pos.Capacity, &fields, &pos.Language, &pos.Stipend, &pos.RankMode, &pos.RankRule, &target, &pos.Floor,
		&created, &updated, &pos.Applicants); err != nil {
		return nil, err
	}
	pos.Fields = parseList(fields)
	if target.Valid {
		t := int(target.Int64)
		pos.Target = &t
	}
	pos.CreatedAt, pos.UpdatedAt = parseTS(created), parseTS(updated)
	return &pos, nil
}

// loadPositions fills the positions of the programmes, in the officer's order.
func (s *Store) loadPositions(ctx context.Context, q queryer, list []*programme.Programme) error {
	if len(list) == 0 {
		return nil
	}
	byID := map[string]*programme.Programme{}
	ids := make([]string, len(list))
	for i, p := range list {
		byID[p.ID], ids[i] = p, p.ID
	}
	var args []any
	rows, err := q.QueryContext(ctx, `SELECT `+positionColumns+` FROM programme_positions x JOIN organisations o ON o.id = x.org_id
		WHERE x.programme_id IN (`+placeholders(&args, ids)+`) ORDER BY x.programme_id, x.seq`, args...)
	if err != nil {
		return fmt.Errorf("programme positions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		pos, err := scanPosition(rows)
		if err != nil {
			return err
		}
		p := byID[pos.ProgrammeID]
		p.Positions = append(p.Positions, *pos)
	}
	return rows.Err()
}

// Programmes lists programmes that pass the filter, those closing last first.
func (s *Store) Programmes(ctx context.Context, f programme.Filter) ([]*programme.Programme, Page, error) {
	return memoList(ctx, s, "programmes", f, s.programmesUncached)
}

func (s *Store) programmesUncached(ctx context.Context, f programme.Filter) ([]*programme.Programme, Page, error) {
	var args []any
	conds := []string{"1 = 1"}
	if f.Query != "" {
		c, ok := s.searchCond("p.id", "programme", f.Query, &args)
		if !ok {
			c = "1 = 0"
		}
		conds = append(conds, c)
	}
	if f.Country != "" {
		args = append(args, f.Country)
		conds = append(conds, fmt.Sprintf("p.agreement_id IN (SELECT agreement_id FROM agreement_parties WHERE country = $%d AND consent = 'accepted')", len(args)))
	}
	if f.Open {
		t := ts(now())
		args = append(args, t)
		conds = append(conds, fmt.Sprintf("p.opens_at <= $%d AND p.closes_at > $%d AND p.published_run_id = ''", len(args), len(args)))
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	page, per := normPage(f.Page, f.PerPage)
	pg := Page{Number: page, PerPage: per}
	if err := s.countCached(ctx, &pg.Total, `SELECT COUNT(*) FROM programmes p`+where, args...); err != nil {
		return nil, pg, fmt.Errorf("count programmes: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+programmeColumns+programmeFrom+where+
		fmt.Sprintf(" ORDER BY p.closes_at DESC, p.id LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	if err != nil {
		return nil, pg, fmt.Errorf("list programmes: %w", err)
	}
	defer rows.Close()
	var out []*programme.Programme
	for rows.Next() {
		p, err := scanProgramme(rows)
		if err != nil {
			return nil, pg, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, pg, err
	}
	return out, pg, s.loadPositions(ctx, s.db, out)
}

// checkAgreement refuses an agreement that does not exist or is not a
// talent-training agreement.
func (s *Store) checkAgreement(ctx context.Context, q queryer, id string) error {
	if id == "" {
		return nil // Validate names the empty field
	}
	var kind string
	err := q.QueryRowContext(ctx, `SELECT kind FROM agreements WHERE id = $1`, id).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) {
		return silkbridge.Invalid("agreement_id", "prog.field.agreement", "not an agreement on the platform", nil)
	}
	if err != nil {
		return fmt.Errorf("programme agreement: %w", err)
	}
	if kind != cooperation.AgreementTalentTraining {
		return silkbridge.Invalid("agreement_id", "prog.field.agreement_kind", "choose a talent-training agreement", nil)
	}
	return nil
}

func (s *Store) indexProgramme(ctx context.Context, q queryer, p *programme.Programme) error {
	return s.index(ctx, q, "programme", p.ID, p.Title, p.Summary)
}

// CreateProgramme validates and stores a new programme; the actor becomes
// its responsible officer unless one is set.
func (s *Store) CreateProgramme(ctx context.Context, actor Actor, p *programme.Programme) error {
	ref, err := s.Reference(ctx)
	if err != nil {
		return err
	}
	p.Normalise()
	if err := p.Validate(ref); err != nil {
		return err
	}
	p.ID = silkbridge.NewID()
	p.CreatedAt, p.UpdatedAt = now(), now()
	if p.OfficerID == "" {
		p.OfficerID = actor.UserID
	}
	p.Constraints = programme.Constraints{Regions: []programme.Region{}, CountryQuotas: []programme.CountryQuota{}}
	p.Positions, p.PublishedRunID = []programme.Position{}, ""
	if p.Policies == nil {
		p.Policies = []programme.Policy{}
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkAgreement(ctx, tx, p.AgreementID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT title FROM agreements WHERE id = $1`, p.AgreementID).Scan(&p.AgreementTitle); err != nil {
			return fmt.Errorf("create programme: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO programmes (id, agreement_id, title, summary, opens_at, closes_at, max_choices,
			nationalities, bri_partners, career_stages, fields, policies, constraints, officer_id, sample, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULLIF($14, ''), $15, $16, $17)`,
			p.ID, p.AgreementID, p.Title, p.Summary, ts(p.OpensAt), ts(p.ClosesAt), p.MaxChoices,
			jsonList(p.Eligibility.Nationalities), p.Eligibility.BRIPartners, jsonList(p.Eligibility.CareerStages), jsonList(p.Eligibility.Fields),
			progJSON(p.Policies), progJSON(p.Constraints), p.OfficerID, p.Sample, ts(p.CreatedAt), ts(p.UpdatedAt))
		if IsForeignKeyViolation(err) {
			return silkbridge.Invalid("officer_id", "field.choice", "not one of the choices", nil)
		}
		if err != nil {
			return fmt.Errorf("create programme: %w", err)
		}
		if err := s.indexProgramme(ctx, tx, p); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "create", "programme", p.ID, "", nil, p)
	})
}

// refuseIfPublished refuses any change to a programme whose result is out.
func refuseIfPublished(p *programme.Programme) error {
	if p.PublishedRunID != "" {
		return silkbridge.Conflict("prog.published", "the results are published: the programme can no longer change")
	}
	return nil
}

// bumpVersion records that data a matching reads has changed.
func bumpVersion(ctx context.Context, q queryer, programmeID string) error {
	if _, err := q.ExecContext(ctx, `UPDATE programmes SET data_version = data_version + 1 WHERE id = $1`, programmeID); err != nil {
		return fmt.Errorf("programme data version: %w", err)
	}
	return nil
}

// UpdateProgramme validates and saves the changes update makes to the
// programme's own fields (not its positions, constraints or results).
func (s *Store) UpdateProgramme(ctx context.Context, actor Actor, id string, update func(*programme.Programme)) (*programme.Programme, error) {
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, err
	}
	var after *programme.Programme
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.programme(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := refuseIfPublished(before); err != nil {
			return err
		}
		p := *before
		update(&p)
		p.ID, p.CreatedAt, p.OfficerID, p.PublishedRunID, p.Sample = before.ID, before.CreatedAt, before.OfficerID, before.PublishedRunID, before.Sample
		p.Constraints, p.Positions, p.DataVersion = before.Constraints, before.Positions, before.DataVersion
		p.Normalise()
		if err := p.Validate(ref); err != nil {
			return err
		}
		if err := s.checkAgreement(ctx, tx, p.AgreementID); err != nil {
			return err
		}
		p.UpdatedAt = now()
		if _, err := tx.ExecContext(ctx, `UPDATE programmes SET agreement_id = $2, title = $3, summary = $4, opens_at = $5, closes_at = $6,
			max_choices = $7, nationalities = $8, bri_partners = $9, career_stages = $10, fields = $11, policies = $12, updated_at = $13
			WHERE id = $1`, p.ID, p.AgreementID, p.Title, p.Summary, ts(p.OpensAt), ts(p.ClosesAt), p.MaxChoices,
			jsonList(p.Eligibility.Nationalities), p.Eligibility.BRIPartners, jsonList(p.Eligibility.CareerStages),
			jsonList(p.Eligibility.Fields), progJSON(p.Policies), ts(p.UpdatedAt)); err != nil {
			return fmt.Errorf("update programme: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT title FROM agreements WHERE id = $1`, p.AgreementID).Scan(&p.AgreementTitle); err != nil {
			return fmt.Errorf("update programme: %w", err)
		}
		if err := s.indexProgramme(ctx, tx, &p); err != nil {
			return err
		}
		after = &p
		return s.audit(ctx, tx, actor, "update", "programme", p.ID, "", before, p)
	})
	return after, err
}

// CloseApplications ends an open application window now.
func (s *Store) CloseApplications(ctx context.Context, actor Actor, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.programme(ctx, tx, id)
		if err != nil {
			return err
		}
		t := now()
		if st := p.State(t); st != programme.Open {
			return silkbridge.Conflict("prog.window.not_open", "applications are not open")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE programmes SET closes_at = $2, updated_at = $2 WHERE id = $1`, id, ts(t)); err != nil {
			return fmt.Errorf("close applications: %w", err)
		}
		return s.audit(ctx, tx, actor, "close", "programme", id, "", map[string]string{"closes_at": ts(p.ClosesAt)}, map[string]string{"closes_at": ts(t)})
	})
}

// DeleteProgramme removes a programme that nobody has applied to.
func (s *Store) DeleteProgramme(ctx context.Context, actor Actor, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.programme(ctx, tx, id)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM programme_applications WHERE programme_id = $1`, id).Scan(&n); err != nil {
			return fmt.Errorf("delete programme: %w", err)
		}
		if n > 0 {
			return silkbridge.Conflict("prog.has_applications", "talents have applied: the programme cannot be deleted")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM programmes WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete programme: %w", err)
		}
		if err := s.unindex(ctx, tx, "programme", id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "delete", "programme", id, "", before, nil)
	})
}
