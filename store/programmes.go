package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

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

// checkProgrammeHost refuses a position's organisation when it does not exist.
func checkProgrammeHost(ctx context.Context, q queryer, orgID string) error {
	if orgID == "" {
		return nil // Validate names the empty field
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations WHERE id = $1`, orgID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return silkbridge.Invalid("organisation_id", "field.organisation", "no such organisation on the platform", nil)
	}
	return nil
}

// AddPosition validates and adds a position to a programme, last in order.
func (s *Store) AddPosition(ctx context.Context, actor Actor, programmeID string, pos *programme.Position) error {
	ref, err := s.Reference(ctx)
	if err != nil {
		return err
	}
	pos.Normalise()
	if err := pos.Validate(ref); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.programme(ctx, tx, programmeID)
		if err != nil {
			return err
		}
		if err := refuseIfPublished(p); err != nil {
			return err
		}
		if err := checkProgrammeHost(ctx, tx, pos.OrgID); err != nil {
			return err
		}
		pos.ID, pos.ProgrammeID = silkbridge.NewID(), p.ID
		pos.CreatedAt, pos.UpdatedAt = now(), now()
		var seq int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM programme_positions WHERE programme_id = $1`, p.ID).Scan(&seq); err != nil {
			return fmt.Errorf("add position: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO programme_positions (id, programme_id, org_id, seq, title, description, capacity,
			fields, language, stipend, rank_mode, rank_rule, target, floor, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			pos.ID, pos.ProgrammeID, pos.OrgID, seq, pos.Title, pos.Description, pos.Capacity, jsonList(pos.Fields), pos.Language,
			pos.Stipend, pos.RankMode, pos.RankRule, progNullInt(pos.Target), pos.Floor, ts(pos.CreatedAt), ts(pos.UpdatedAt)); err != nil {
			return fmt.Errorf("add position: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT name, country FROM organisations WHERE id = $1`, pos.OrgID).Scan(&pos.OrgName, &pos.OrgCountry); err != nil {
			return fmt.Errorf("add position: %w", err)
		}
		if err := bumpVersion(ctx, tx, p.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "create", "programme_position", pos.ID, pos.OrgID, nil, pos)
	})
}

func progNullInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// Position returns one position of a programme.
func (s *Store) Position(ctx context.Context, programmeID, positionID string) (*programme.Position, error) {
	pos, err := scanPosition(s.db.QueryRowContext(ctx, `SELECT `+positionColumns+` FROM programme_positions x
		JOIN organisations o ON o.id = x.org_id WHERE x.id = $1 AND x.programme_id = $2`, positionID, programmeID))
	return pos, notFound(err, "position")
}

// UpdatePosition validates and saves the changes update makes to a
// position. The host of a position that talents have listed cannot
// change, and the programme's constraints must still hold.
func (s *Store) UpdatePosition(ctx context.Context, actor Actor, programmeID, positionID string, update func(*programme.Position)) (*programme.Position, error) {
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, err
	}
	var after *programme.Position
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.programme(ctx, tx, programmeID)
		if err != nil {
			return err
		}
		if err := refuseIfPublished(p); err != nil {
			return err
		}
		before := p.Position(positionID)
		if before == nil {
			return silkbridge.NotFound("position")
		}
		pos := *before
		update(&pos)
		pos.ID, pos.ProgrammeID, pos.CreatedAt, pos.Applicants = before.ID, before.ProgrammeID, before.CreatedAt, before.Applicants
		pos.Normalise()
		if err := pos.Validate(ref); err != nil {
			return err
		}
		if pos.OrgID != before.OrgID && before.Applicants > 0 {
			return silkbridge.Invalid("organisation_id", "prog.field.host_fixed", "talents have listed this position: its host cannot change", nil)
		}
		if err := checkProgrammeHost(ctx, tx, pos.OrgID); err != nil {
			return err
		}
		*p.Position(positionID) = pos
		if err := p.Constraints.Validate(p.Positions, ref); err != nil {
			return silkbridge.Invalid("capacity", "prog.field.breaks_constraints", "this change breaks the programme's constraints: change them first", nil)
		}
		pos.UpdatedAt = now()
		if _, err := tx.ExecContext(ctx, `UPDATE programme_positions SET org_id = $2, title = $3, description = $4, capacity = $5,
			fields = $6, language = $7, stipend = $8, rank_mode = $9, rank_rule = $10, target = $11, floor = $12, updated_at = $13
			WHERE id = $1`, pos.ID, pos.OrgID, pos.Title, pos.Description, pos.Capacity, jsonList(pos.Fields), pos.Language,
			pos.Stipend, pos.RankMode, pos.RankRule, progNullInt(pos.Target), pos.Floor, ts(pos.UpdatedAt)); err != nil {
			return fmt.Errorf("update position: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT name, country FROM organisations WHERE id = $1`, pos.OrgID).Scan(&pos.OrgName, &pos.OrgCountry); err != nil {
			return fmt.Errorf("update position: %w", err)
		}
		if err := bumpVersion(ctx, tx, p.ID); err != nil {
			return err
		}
		after = &pos
		return s.audit(ctx, tx, actor, "update", "programme_position", pos.ID, pos.OrgID, before, pos)
	})
	return after, err
}

// DeletePosition removes a position that no talent has listed and no
// region needs.
func (s *Store) DeletePosition(ctx context.Context, actor Actor, programmeID, positionID string) error {
	ref, err := s.Reference(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.programme(ctx, tx, programmeID)
		if err != nil {
			return err
		}
		if err := refuseIfPublished(p); err != nil {
			return err
		}
		before := p.Position(positionID)
		if before == nil {
			return silkbridge.NotFound("position")
		}
		if before.Applicants > 0 {
			return silkbridge.Conflict("prog.position_has_applicants", "talents have listed this position: it cannot be deleted")
		}
		rest := make([]programme.Position, 0, len(p.Positions))
		for _, pos := range p.Positions {
			if pos.ID != positionID {
				rest = append(rest, pos)
			}
		}
		if err := p.Constraints.Validate(rest, ref); err != nil {
			return silkbridge.Conflict("prog.position_in_region", "a region needs this host: take it out of the region first")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM programme_positions WHERE id = $1`, positionID); err != nil {
			return fmt.Errorf("delete position: %w", err)
		}
		if err := bumpVersion(ctx, tx, p.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "delete", "programme_position", positionID, before.OrgID, before, nil)
	})
}

// SetConstraints replaces a programme's regions and country quotas and sets
// the targets and floors of the positions the set names.
func (s *Store) SetConstraints(ctx context.Context, actor Actor, programmeID string, cs programme.ConstraintSet) (*programme.Programme, error) {
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, err
	}
	var after *programme.Programme
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.programme(ctx, tx, programmeID)
		if err != nil {
			return err
		}
		if err := refuseIfPublished(p); err != nil {
			return err
		}
		before := struct {
			Constraints programme.Constraints `json:"constraints"`
			Seats       []programme.SeatRule  `json:"seats"`
		}{p.Constraints, seatRules(p.Positions)}
		if err := cs.Apply(p, ref); err != nil {
			return err
		}
		t := now()
		if _, err := tx.ExecContext(ctx, `UPDATE programmes SET constraints = $2, updated_at = $3 WHERE id = $1`, p.ID, progJSON(p.Constraints), ts(t)); err != nil {
			return fmt.Errorf("set constraints: %w", err)
		}
		for _, pos := range p.Positions {
			if _, err := tx.ExecContext(ctx, `UPDATE programme_positions SET target = $2, floor = $3 WHERE id = $1`,
				pos.ID, progNullInt(pos.Target), pos.Floor); err != nil {
				return fmt.Errorf("set constraints: %w", err)
			}
		}
		if err := bumpVersion(ctx, tx, p.ID); err != nil {
			return err
		}
		p.UpdatedAt = t
		after = p
		return s.audit(ctx, tx, actor, "set_constraints", "programme", p.ID, "", before, struct {
			Constraints programme.Constraints `json:"constraints"`
			Seats       []programme.SeatRule  `json:"seats"`
		}{p.Constraints, seatRules(p.Positions)})
	})
	return after, err
}

func seatRules(positions []programme.Position) []programme.SeatRule {
	out := make([]programme.SeatRule, len(positions))
	for i, pos := range positions {
		out[i] = programme.SeatRule{PositionID: pos.ID, Target: pos.Target, Floor: pos.Floor}
	}
	return out
}

// refuseOutsideWindow refuses a change to an application when the window
// is not open.
func refuseOutsideWindow(p *programme.Programme) error {
	switch p.State(now()) {
	case programme.Upcoming:
		return silkbridge.Conflict("prog.window.upcoming", "applications are not open yet")
	case programme.Open:
		return nil
	default:
		return silkbridge.Conflict("prog.window.closed", "applications are closed")
	}
}

const applicationColumns = `a.id, a.programme_id, a.talent_id, t.name, a.country, a.statement, a.created_at, a.updated_at`

func scanApplication(row interface{ Scan(...any) error }) (*programme.Application, error) {
	var a programme.Application
	var created, updated string
	if err := row.Scan(&a.ID, &a.ProgrammeID, &a.TalentID, &a.TalentName, &a.Country, &a.Statement, &created, &updated); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = parseTS(created), parseTS(updated)
	a.Choices = []string{}
	return &a, nil
}

func (s *Store) application(ctx context.Context, q queryer, cond string, args ...any) (*programme.Application, error) {
	a, err := scanApplication(q.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM programme_applications a
		JOIN talents t ON t.id = a.talent_id WHERE `+cond, args...))
	if err != nil {
		return nil, notFound(err, "application")
	}
	rows, err := q.QueryContext(ctx, `SELECT position_id FROM programme_choices WHERE application_id = $1 ORDER BY rank`, a.ID)
	if err != nil {
		return nil, fmt.Errorf("application choices: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		a.Choices = append(a.Choices, c)
	}
	return a, rows.Err()
}

// ApplicationOf returns a talent's application to a programme.
func (s *Store) ApplicationOf(ctx context.Context, programmeID, talentID string) (*programme.Application, error) {
	return s.application(ctx, s.db, `a.programme_id = $1 AND a.talent_id = $2`, programmeID, talentID)
}

// Application returns one application of a programme.
func (s *Store) Application(ctx context.Context, programmeID, id string) (*programme.Application, error) {
	return s.application(ctx, s.db, `a.programme_id = $1 AND a.id = $2`, programmeID, id)
}

// SaveApplication creates or replaces a talent's application while the
// window is open: the talent must be eligible and the list must follow
// the programme's rules. It reports whether the application is new.
func (s *Store) SaveApplication(ctx context.Context, actor Actor, programmeID, talentID string, in programme.Application) (*programme.Application, bool, error) {
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, false, err
	}
	bri := func(code string) bool { c, ok := ref.Country(code); return ok && c.BRIPartner }
	var out *programme.Application
	var created bool
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.programme(ctx, tx, programmeID)
		if err != nil {
			return err
		}
		if err := refuseOutsideWindow(p); err != nil {
			return err
		}
		t, err := s.talent(ctx, tx, `t.id = $1`, talentID)
		if err != nil {
			return err
		}
		if err := p.CheckEligibility(t, bri); err != nil {
			return err
		}
		a := programme.Application{ProgrammeID: p.ID, TalentID: t.ID, TalentName: t.Name, Country: t.Country,
			Choices: in.Choices, Statement: in.Statement}
		a.Normalise()
		if err := a.Validate(p); err != nil {
			return err
		}
		before, err := s.application(ctx, tx, `a.programme_id = $1 AND a.talent_id = $2`, p.ID, t.ID)
		switch {
		case err == nil:
			a.ID, a.CreatedAt, a.UpdatedAt = before.ID, before.CreatedAt, now()
			if _, err := tx.ExecContext(ctx, `UPDATE programme_applications SET country = $2, statement = $3, updated_at = $4 WHERE id = $1`,
				a.ID, a.Country, a.Statement, ts(a.UpdatedAt)); err != nil {
				return fmt.Errorf("save application: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM programme_choices WHERE application_id = $1`, a.ID); err != nil {
				return fmt.Errorf("save application: %w", err)
			}
		case silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND:
			before, created = nil, true
			a.ID = silkbridge.NewID()
			a.CreatedAt, a.UpdatedAt = now(), now()
			if _, err := tx.ExecContext(ctx, `INSERT INTO programme_applications (id, programme_id, talent_id, country, statement, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.ID, a.ProgrammeID, a.TalentID, a.Country, a.Statement, ts(a.CreatedAt), ts(a.UpdatedAt)); err != nil {
				return fmt.Errorf("save application: %w", err)
			}
		default:
			return err
		}
		for i, c := range a.Choices {
			if _, err := tx.ExecContext(ctx, `INSERT INTO programme_choices (application_id, position_id, rank) VALUES ($1, $2, $3)`, a.ID, c, i+1); err != nil {
				return fmt.Errorf("save application: %w", err)
			}
		}
		// A host's judgement of a position the talent no longer lists goes.
		if _, err := tx.ExecContext(ctx, `DELETE FROM programme_rankings WHERE application_id = $1
			AND position_id NOT IN (SELECT position_id FROM programme_choices WHERE application_id = $1)`, a.ID); err != nil {
			return fmt.Errorf("save application: %w", err)
		}
		if err := bumpVersion(ctx, tx, p.ID); err != nil {
			return err
		}
		out = &a
		action := "update"
		if created {
			action = "create"
		}
		var b any
		if before != nil {
			b = before
		}
		return s.audit(ctx, tx, actor, action, "application", a.ID, "", b, a)
	})
	return out, created, err
}

// WithdrawApplication removes a talent's application while the window is open.
func (s *Store) WithdrawApplication(ctx context.Context, actor Actor, programmeID, talentID string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.programme(ctx, tx, programmeID)
		if err != nil {
			return err
		}
		before, err := s.application(ctx, tx, `a.programme_id = $1 AND a.talent_id = $2`, programmeID, talentID)
		if err != nil {
			return err
		}
		if err := refuseOutsideWindow(p); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM programme_applications WHERE id = $1`, before.ID); err != nil {
			return fmt.Errorf("withdraw application: %w", err)
		}
		if err := bumpVersion(ctx, tx, p.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "delete", "application", before.ID, "", before, nil)
	})
}

// ApplicationFilter selects applications of a programme.
type ApplicationFilter struct {
	// OrgID keeps the applications that list a position of this host.
	OrgID   string
	Page    int
	PerPage int
}

// Applications lists a programme's applications, newest first.
func (s *Store) Applications(ctx context.Context, programmeID string, f ApplicationFilter) ([]*programme.Application, Page, error) {
	args := []any{programmeID}
	where := ` WHERE a.programme_id = $1`
	if f.OrgID != "" {
		args = append(args, f.OrgID)
		where += fmt.Sprintf(` AND a.id IN (SELECT c.application_id FROM programme_choices c JOIN programme_positions x ON x.id = c.position_id
			WHERE x.org_id = $%d)`, len(args))
	}
	page, per := normPage(f.Page, f.PerPage)
	pg := Page{Number: page, PerPage: per}
	if err := s.countCached(ctx, &pg.Total, `SELECT COUNT(*) FROM programme_applications a`+where, args...); err != nil {
		return nil, pg, fmt.Errorf("count applications: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+applicationColumns+` FROM programme_applications a JOIN talents t ON t.id = a.talent_id`+where+
		fmt.Sprintf(" ORDER BY a.created_at DESC, a.id LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	if err != nil {
		return nil, pg, fmt.Errorf("list applications: %w", err)
	}
	var out []*programme.Application
	byID := map[string]*programme.Application{}
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			rows.Close()
			return nil, pg, err
		}
		out = append(out, a)
		byID[a.ID] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, pg, err
	}
	var cargs []any
	ids := make([]string, len(out))
	for i, a := range out {
		ids[i] = a.ID
	}
	crows, err := s.db.QueryContext(ctx, `SELECT application_id, position_id FROM programme_choices WHERE application_id IN (`+
		placeholders(&cargs, ids)+`) ORDER BY application_id, rank`, cargs...)
	if err != nil {
		return nil, pg, fmt.Errorf("list applications: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var id, pos string
		if err := crows.Scan(&id, &pos); err != nil {
			return nil, pg, err
		}
		byID[id].Choices = append(byID[id].Choices, pos)
	}
	return out, pg, crows.Err()
}

// ApplicationsOfTalent lists a talent's applications to every programme.
func (s *Store) ApplicationsOfTalent(ctx context.Context, talentID string) ([]*programme.Application, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.programme_id FROM programme_applications a WHERE a.talent_id = $1
		ORDER BY a.created_at DESC`, talentID)
	if err != nil {
		return nil, fmt.Errorf("applications of talent: %w", err)
	}
	type key struct{ id, programme string }
	var keys []key
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.id, &k.programme); err != nil {
			rows.Close()
			return nil, err
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*programme.Application, 0, len(keys))
	for _, k := range keys {
		a, err := s.Application(ctx, k.programme, k.id)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// PositionApplicants lists the talents who listed a position, with where
// they put it and the host's judgement so far, in the host's order: ranked
// ones by rank or score, then the others by name.
func (s *Store) PositionApplicants(ctx context.Context, programmeID, positionID string) ([]programme.Applicant, error) {
	pos, err := s.Position(ctx, programmeID, positionID)
	if err != nil {
		return nil, err
	}
	order := "r.value ASC"
	if pos.RankMode == programme.RankByScore {
		order = "r.value DESC"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.talent_id, t.name, a.country, t.career_stage, t.fields, t.orcid, a.statement, c.rank,
		r.value, COALESCE(r.excluded, FALSE)
		FROM programme_choices c
		JOIN programme_applications a ON a.id = c.application_id
		JOIN talents t ON t.id = a.talent_id
		LEFT JOIN programme_rankings r ON r.position_id = c.position_id AND r.application_id = a.id
		WHERE c.position_id = $1
		ORDER BY CASE WHEN r.excluded THEN 2 WHEN r.value IS NULL THEN 1 ELSE 0 END, `+order+`, t.name, a.id`, positionID)
	if err != nil {
		return nil, fmt.Errorf("position applicants: %w", err)
	}
	defer rows.Close()
	out := []programme.Applicant{}
	for rows.Next() {
		var ap programme.Applicant
		var fields string
		var value sql.NullFloat64
		if err := rows.Scan(&ap.ApplicationID, &ap.TalentID, &ap.TalentName, &ap.Country, &ap.CareerStage, &fields, &ap.ORCID,
			&ap.Statement, &ap.Choice, &value, &ap.Excluded); err != nil {
			return nil, err
		}
		ap.Fields = parseList(fields)
		if value.Valid {
			v := value.Float64
			ap.Value = &v
		}
		out = append(out, ap)
	}
	return out, rows.Err()
}

// SetRanking replaces a host's judgement of the applicants to a position.
func (s *Store) SetRanking(ctx context.Context, actor Actor, programmeID, positionID string, entries []programme.RankEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.programme(ctx, tx, programmeID)
		if err != nil {
			return err
		}
		if err := refuseIfPublished(p); err != nil {
			return err
		}
		pos := p.Position(positionID)
		if pos == nil {
			return silkbridge.NotFound("position")
		}
		applicants := map[string]bool{}
		rows, err := tx.QueryContext(ctx, `SELECT application_id FROM programme_choices WHERE position_id = $1`, positionID)
		if err != nil {
			return fmt.Errorf("set ranking: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			applicants[id] = true
		}
		rows.Close()
		if err := programme.ValidateRanking(pos.RankMode, entries, applicants); err != nil {
			return err
		}
		before, err := rankingOf(ctx, tx, positionID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM programme_rankings WHERE position_id = $1`, positionID); err != nil {
			return fmt.Errorf("set ranking: %w", err)
		}
		kept := []programme.RankEntry{}
		for _, e := range entries {
			if e.Value == nil && !e.Excluded {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO programme_rankings (position_id, application_id, value, excluded) VALUES ($1, $2, $3, $4)`,
				positionID, e.ApplicationID, e.Value, e.Excluded); err != nil {
				return fmt.Errorf("set ranking: %w", err)
			}
			kept = append(kept, e)
		}
		if err := bumpVersion(ctx, tx, p.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "rank", "programme_position", positionID, pos.OrgID, before, kept)
	})
}

func rankingOf(ctx context.Context, q queryer, positionID string) ([]programme.RankEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT application_id, value, excluded FROM programme_rankings WHERE position_id = $1 ORDER BY application_id`, positionID)
	if err != nil {
		return nil, fmt.Errorf("ranking: %w", err)
	}
	defer rows.Close()
	out := []programme.RankEntry{}
	for rows.Next() {
		var e programme.RankEntry
		var v sql.NullFloat64
		if err := rows.Scan(&e.ApplicationID, &v, &e.Excluded); err != nil {
			return nil, err
		}
		if v.Valid {
			x := v.Float64
			e.Value = &x
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ProgrammeSnapshot reads everything a matching of the programme needs. It
// reads without locking writers out, and reads again when the data
// changed meanwhile, so the snapshot is of one version.
func (s *Store) ProgrammeSnapshot(ctx context.Context, programmeID string) (*programme.Snapshot, error) {
	for try := 0; ; try++ {
		snap, err := s.snapshot(ctx, s.db, programmeID)
		if err != nil {
			return nil, err
		}
		var v int64
		if err := s.db.QueryRowContext(ctx, `SELECT data_version FROM programmes WHERE id = $1`, programmeID).Scan(&v); err != nil {
			return nil, notFound(err, "programme")
		}
		if v == snap.Version || try == 4 {
			return snap, nil
		}
	}
}

func (s *Store) snapshot(ctx context.Context, q queryer, programmeID string) (*programme.Snapshot, error) {
	p, err := s.programme(ctx, q, programmeID)
	if err != nil {
		return nil, err
	}
	snap := &programme.Snapshot{Programme: p, Version: p.DataVersion, Rankings: map[string][]programme.RankEntry{}}
	rows, err := q.QueryContext(ctx, `SELECT a.id, a.country, c.position_id FROM programme_applications a
		LEFT JOIN programme_choices c ON c.application_id = a.id WHERE a.programme_id = $1 ORDER BY a.id, c.rank`, programmeID)
	if err != nil {
		return nil, fmt.Errorf("programme snapshot: %w", err)
	}
	for rows.Next() {
		var id, country string
		var pos sql.NullString
		if err := rows.Scan(&id, &country, &pos); err != nil {
			rows.Close()
			return nil, err
		}
		n := len(snap.Applications)
		if n == 0 || snap.Applications[n-1].ID != id {
			snap.Applications = append(snap.Applications, programme.Application{ID: id, ProgrammeID: programmeID, Country: country, Choices: []string{}})
			n++
		}
		if pos.Valid {
			snap.Applications[n-1].Choices = append(snap.Applications[n-1].Choices, pos.String)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT r.position_id, r.application_id, r.value, r.excluded FROM programme_rankings r
		JOIN programme_positions x ON x.id = r.position_id WHERE x.programme_id = $1 ORDER BY r.position_id, r.application_id`, programmeID)
	if err != nil {
		return nil, fmt.Errorf("programme snapshot: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pos string
		var e programme.RankEntry
		var v sql.NullFloat64
		if err := rows.Scan(&pos, &e.ApplicationID, &v, &e.Excluded); err != nil {
			return nil, err
		}
		if v.Valid {
			x := v.Float64
			e.Value = &x
		}
		snap.Rankings[pos] = append(snap.Rankings[pos], e)
	}
	return snap, rows.Err()
}

const runColumns = `r.id, r.programme_id, r.algorithm, r.seed, r.label, r.input_sha256, r.data_version, r.status, r.stage, r.progress,
	r.error, r.applicants, r.seats, r.matched, r.proposals, r.balance, r.published, r.published_at, r.created_by,
	r.created_at, r.updated_at, r.finished_at`

func scanRun(row interface{ Scan(...any) error }) (*programme.Run, error) {
	var r programme.Run
	var balance, published, created, updated, finished string
	if err := row.Scan(&r.ID, &r.ProgrammeID, &r.Algorithm, &r.Seed, &r.Label, &r.InputSHA256, &r.DataVersion, &r.Status,
		&r.Stage, &r.Progress, &r.Error, &r.Applicants, &r.Seats, &r.Matched, &r.Proposals, &balance, &r.Published,
		&published, &r.CreatedBy, &created, &updated, &finished); err != nil {
		return nil, err
	}
	if balance != "" {
		r.Balance = &programme.Balance{}
		if err := json.Unmarshal([]byte(balance), r.Balance); err != nil {
			return nil, fmt.Errorf("run %s: balance: %w", r.ID, err)
		}
	}
	r.PublishedAt, r.CreatedAt, r.UpdatedAt, r.FinishedAt = parseTS(published), parseTS(created), parseTS(updated), parseTS(finished)
	return &r, nil
}

// randomLotterySeed draws a lottery seed from the system's randomness.
func randomLotterySeed() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:]) >> 1)
}

// CreateRun records a new matching run, queued; the caller executes it.
func (s *Store) CreateRun(ctx context.Context, actor Actor, programmeID string, rp programme.RunParams) (*programme.Run, error) {
	if err := rp.Validate(); err != nil {
		return nil, err
	}
	r := &programme.Run{ID: silkbridge.NewID(), ProgrammeID: programmeID, Algorithm: rp.Algorithm, Label: rp.Label,
		Status: programme.RunQueued, CreatedBy: actor.UserID, CreatedAt: now()}
	r.UpdatedAt = r.CreatedAt
	if rp.Seed != nil {
		r.Seed = *rp.Seed
	} else {
		r.Seed = randomLotterySeed()
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.programme(ctx, tx, programmeID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO programme_runs (id, programme_id, algorithm, seed, label, status, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, r.ID, r.ProgrammeID, r.Algorithm, r.Seed, r.Label, r.Status, r.CreatedBy,
			ts(r.CreatedAt), ts(r.UpdatedAt)); err != nil {
			return fmt.Errorf("create run: %w", err)
		}
		return s.audit(ctx, tx, actor, "create", "programme_run", r.ID, "", nil, r)
	})
	return r, err
}

// RunProgress records how far a run has come.
func (s *Store) RunProgress(ctx context.Context, runID, stage string, percent int) error {
	_, err := s.db.ExecContext(ctx, `UPDATE programme_runs SET status = $2, stage = $3, progress = $4, updated_at = $5
		WHERE id = $1 AND status IN ('queued', 'running')`, runID, programme.RunRunning, stage, percent, ts(now()))
	if err != nil {
		return fmt.Errorf("run progress: %w", err)
	}
	return nil
}

// FailRun records that a run stopped with an error. A run that has
// already finished keeps its outcome: a late failure of a second attempt
// does not undo the first attempt's result.
func (s *Store) FailRun(ctx context.Context, runID, message string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var by string
		if err := tx.QueryRowContext(ctx, `SELECT created_by FROM programme_runs WHERE id = $1`, runID).Scan(&by); err != nil {
			return notFound(err, "run")
		}
		t := ts(now())
		res, err := tx.ExecContext(ctx, `UPDATE programme_runs SET status = $2, error = $3, updated_at = $4, finished_at = $4
			WHERE id = $1 AND status IN ('queued', 'running')`, runID, programme.RunFailed, message, t)
		if err != nil {
			return fmt.Errorf("fail run: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return s.audit(ctx, tx, Actor{UserID: by}, "fail", "programme_run", runID, "", nil, map[string]string{"error": message})
	})
}

// RetryingRun records that an attempt of a run failed and that the run
// waits for another: it shows as queued, with the error of the attempt.
func (s *Store) RetryingRun(ctx context.Context, runID, message string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE programme_runs SET status = $2, stage = '', error = $3, updated_at = $4
		WHERE id = $1 AND status IN ('queued', 'running')`, runID, programme.RunQueued, message, ts(now()))
	if err != nil {
		return fmt.Errorf("retrying run: %w", err)
	}
	return nil
}

// RequeueRun puts a failed or interrupted run back in the queue, for its
// officer's retry: its error and progress are cleared. A run that is done,
// or still making progress, cannot be requeued.
func (s *Store) RequeueRun(ctx context.Context, actor Actor, programmeID, runID string) (*programme.Run, error) {
	var r *programme.Run
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = scanRun(tx.QueryRowContext(ctx, `SELECT `+runColumns+` FROM programme_runs r WHERE r.id = $1 AND r.programme_id = $2`, runID, programmeID))
		if err != nil {
			return notFound(err, "run")
		}
		if r.Status != programme.RunFailed && !r.Stalled(time.Now()) {
			return silkbridge.Conflict("prog.run.not_retryable", "only a failed or interrupted run can be run again")
		}
		t := now()
		if _, err := tx.ExecContext(ctx, `UPDATE programme_runs SET status = $2, stage = '', progress = 0, error = '', updated_at = $3, finished_at = ''
			WHERE id = $1`, runID, programme.RunQueued, ts(t)); err != nil {
			return fmt.Errorf("requeue run: %w", err)
		}
		before := r.Status
		r.Status, r.Stage, r.Progress, r.Error, r.UpdatedAt, r.FinishedAt = programme.RunQueued, "", 0, "", t, time.Time{}
		return s.audit(ctx, tx, actor, "retry", "programme_run", runID, "", map[string]string{"status": before}, map[string]string{"status": r.Status})
	})
	return r, err
}

// FinishRun stores a run's outcome in one transaction keyed by the run:
// the input it read, the kept instance, the balance report and every
// talent's placement. The run is marked done first, under the run row's
// lock, so that of two attempts of the same run (a job retried on another
// instance while the first still ran) exactly one writes its result; the
// other gets a conflict and writes nothing. progress hears how many
// placements were written, once they are.
func (s *Store) FinishRun(ctx context.Context, runID string, version int64, out *programme.Outcome, progress func(done, total int)) error {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(out.Instance); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var by string
		if err := tx.QueryRowContext(ctx, `SELECT created_by FROM programme_runs WHERE id = $1`, runID).Scan(&by); err != nil {
			return notFound(err, "run")
		}
		t := ts(now())
		res, err := tx.ExecContext(ctx, `UPDATE programme_runs SET status = $2, stage = '', progress = 100, error = '', input_sha256 = $3, data_version = $4,
			applicants = $5, seats = $6, matched = $7, proposals = $8, balance = $9, instance = $10, updated_at = $11, finished_at = $11
			WHERE id = $1 AND status IN ('queued', 'running')`, runID, programme.RunDone, out.InputSHA256, version, out.Balance.Applicants,
			out.Balance.Seats, out.Matched, out.Proposals, progJSON(out.Balance), gz.Bytes(), t)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return silkbridge.Conflict("prog.run.already_finished", "the run has already finished")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM programme_placements WHERE run_id = $1`, runID); err != nil {
			return err
		}
		if err := insertPlacements(ctx, tx, runID, out.Placements); err != nil {
			return fmt.Errorf("placements: %w", err)
		}
		return s.audit(ctx, tx, Actor{UserID: by}, "complete", "programme_run", runID, "", nil, map[string]any{
			"input_sha256": out.InputSHA256, "matched": out.Matched, "applicants": out.Balance.Applicants, "gini": out.Balance.Gini})
	})
	if err != nil {
		if silkbridge.ErrorCode(err) == silkbridge.ECONFLICT {
			return err
		}
		return fmt.Errorf("finish run: %w", err)
	}
	if progress != nil {
		progress(len(out.Placements), len(out.Placements))
	}
	return nil
}

// placementBatch is how many placements one INSERT writes.
const placementBatch = 200

func insertPlacements(ctx context.Context, tx *sql.Tx, runID string, list []programme.Placement) error {
	for start := 0; start < len(list); start += placementBatch {
		var args []any
		var values []string
		for _, pl := range list[start:min(start+placementBatch, len(list))] {
			args = append(args, runID, pl.ApplicationID, pl.PositionID, pl.Choice, progJSON(pl.Refusals))
			n := len(args)
			values = append(values, fmt.Sprintf("($%d, $%d, $%d, $%d, $%d)", n-4, n-3, n-2, n-1, n))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO programme_placements (run_id, application_id, position_id, choice, refusals) VALUES `+
			strings.Join(values, ", "), args...); err != nil {
			return err
		}
	}
	return nil
}

// RunAssignment returns every talent's position in a finished run, by
// application id ("" when not placed), in application id order.
func (s *Store) RunAssignment(ctx context.Context, runID string) ([][2]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT application_id, position_id FROM programme_placements WHERE run_id = $1 ORDER BY application_id`, runID)
	if err != nil {
		return nil, fmt.Errorf("run assignment: %w", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Run returns one run of a programme.
func (s *Store) Run(ctx context.Context, programmeID, runID string) (*programme.Run, error) {
	r, err := scanRun(s.db.QueryRowContext(ctx, `SELECT `+runColumns+` FROM programme_runs r WHERE r.id = $1 AND r.programme_id = $2`, runID, programmeID))
	return r, notFound(err, "run")
}

// Runs lists a programme's runs, newest first.
func (s *Store) Runs(ctx context.Context, programmeID string) ([]*programme.Run, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+runColumns+` FROM programme_runs r WHERE r.programme_id = $1 ORDER BY r.created_at DESC, r.id DESC`, programmeID)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	out := []*programme.Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RunInstance returns the hr-instance/1 file a finished run solved.
func (s *Store) RunInstance(ctx context.Context, programmeID, runID string) ([]byte, error) {
	var gz []byte
	err := s.db.QueryRowContext(ctx, `SELECT instance FROM programme_runs WHERE id = $1 AND programme_id = $2`, runID, programmeID).Scan(&gz)
	if err != nil {
		return nil, notFound(err, "run")
	}
	if len(gz) == 0 {
		return nil, silkbridge.Conflict("prog.run.not_done", "the run has not finished")
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("run instance: %w", err)
	}
	return io.ReadAll(zr)
}

// PlacementFilter selects placements of a run.
type PlacementFilter struct {
	// OrgID keeps the talents placed at this host.
	OrgID string
	// Placed keeps only the talents placed somewhere.
	Placed  bool
	Page    int
	PerPage int
}

const placementColumns = `pl.application_id, pl.position_id, pl.choice, pl.refusals, a.talent_id, t.name, a.country`

func scanPlacement(row interface{ Scan(...any) error }) (*programme.Placement, error) {
	var pl programme.Placement
	var refusals string
	if err := row.Scan(&pl.ApplicationID, &pl.PositionID, &pl.Choice, &refusals, &pl.TalentID, &pl.TalentName, &pl.Country); err != nil {
		return nil, err
	}
	pl.Refusals = []programme.Refusal{}
	if err := json.Unmarshal([]byte(refusals), &pl.Refusals); err != nil {
		return nil, fmt.Errorf("placement %s: %w", pl.ApplicationID, err)
	}
	return &pl, nil
}

// Placements lists the results of a run by talent name.
func (s *Store) Placements(ctx context.Context, runID string, f PlacementFilter) ([]*programme.Placement, Page, error) {
	args := []any{runID}
	where := ` WHERE pl.run_id = $1`
	if f.OrgID != "" {
		args = append(args, f.OrgID)
		where += fmt.Sprintf(` AND pl.position_id IN (SELECT id FROM programme_positions WHERE org_id = $%d)`, len(args))
	}
	if f.Placed {
		where += ` AND pl.position_id <> ''`
	}
	from := ` FROM programme_placements pl JOIN programme_applications a ON a.id = pl.application_id JOIN talents t ON t.id = a.talent_id`
	page, per := normPage(f.Page, f.PerPage)
	pg := Page{Number: page, PerPage: per}
	if err := s.countCached(ctx, &pg.Total, `SELECT COUNT(*)`+from+where, args...); err != nil {
		return nil, pg, fmt.Errorf("count placements: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+placementColumns+from+where+
		fmt.Sprintf(" ORDER BY t.name, pl.application_id LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	if err != nil {
		return nil, pg, fmt.Errorf("list placements: %w", err)
	}
	defer rows.Close()
	out := []*programme.Placement{}
	for rows.Next() {
		pl, err := scanPlacement(rows)
		if err != nil {
			return nil, pg, err
		}
		out = append(out, pl)
	}
	return out, pg, rows.Err()
}

// PlacementOf returns one talent's result in a run.
func (s *Store) PlacementOf(ctx context.Context, runID, applicationID string) (*programme.Placement, error) {
	pl, err := scanPlacement(s.db.QueryRowContext(ctx, `SELECT `+placementColumns+` FROM programme_placements pl
		JOIN programme_applications a ON a.id = pl.application_id JOIN talents t ON t.id = a.talent_id
		WHERE pl.run_id = $1 AND pl.application_id = $2`, runID, applicationID))
	return pl, notFound(err, "placement")
}

// PublishRun makes a finished run the programme's final result. The window
// must be closed, no other run published, and the programme's data what
// the run read (the input hash is checked again).
func (s *Store) PublishRun(ctx context.Context, actor Actor, programmeID, runID string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		snap, err := s.snapshot(ctx, tx, programmeID)
		if err != nil {
			return err
		}
		p := snap.Programme
		if err := refuseIfPublished(p); err != nil {
			return err
		}
		r, err := scanRun(tx.QueryRowContext(ctx, `SELECT `+runColumns+` FROM programme_runs r WHERE r.id = $1 AND r.programme_id = $2`, runID, programmeID))
		if err != nil {
			return notFound(err, "run")
		}
		if r.Status != programme.RunDone {
			return silkbridge.Conflict("prog.run.not_done", "the run has not finished")
		}
		if p.State(now()) != programme.Closed {
			return silkbridge.Conflict("prog.publish.window_open", "close applications before publishing a result")
		}
		if snap.Hash() != r.InputSHA256 {
			return silkbridge.Conflict("prog.publish.stale", "the programme's data changed after this run: run it again")
		}
		t := ts(now())
		if _, err := tx.ExecContext(ctx, `UPDATE programme_runs SET published = TRUE, published_at = $2, updated_at = $2 WHERE id = $1`, runID, t); err != nil {
			return fmt.Errorf("publish run: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE programmes SET published_run_id = $2, updated_at = $3 WHERE id = $1`, programmeID, runID, t); err != nil {
			return fmt.Errorf("publish run: %w", err)
		}
		return s.audit(ctx, tx, actor, "publish", "programme", programmeID, "", nil, map[string]any{
			"run_id": runID, "algorithm": r.Algorithm, "seed": r.Seed, "input_sha256": r.InputSHA256})
	})
}

// eraseApplications removes a deleted member's applications (with their
// rankings and placements), or with anonymise keeps them without the
// statement, which results and statistics may still need; recorded
// values of the applications are erased from the audit log either way.
func eraseApplications(ctx context.Context, s *Store, tx *sql.Tx, userID string, anonymise bool) error {
	rows, err := tx.QueryContext(ctx, `SELECT a.id, a.programme_id FROM programme_applications a JOIN talents t ON t.id = a.talent_id
		WHERE t.user_id = $1`, userID)
	if err != nil {
		return err
	}
	var ids, programmes []string
	for rows.Next() {
		var id, p string
		if err := rows.Scan(&id, &p); err != nil {
			rows.Close()
			return err
		}
		ids, programmes = append(ids, id), append(programmes, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return err
	}
	var args []any
	in := placeholders(&args, ids)
	if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET before = CASE WHEN before = '' THEN '' ELSE '{"erased":true}' END,
		after = CASE WHEN after = '' THEN '' ELSE '{"erased":true}' END WHERE kind = 'application' AND ref IN (`+in+`)`, args...); err != nil {
		return err
	}
	if anonymise {
		_, err := tx.ExecContext(ctx, `UPDATE programme_applications SET statement = '' WHERE id IN (`+in+`)`, args...)
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM programme_applications WHERE id IN (`+in+`)`, args...); err != nil {
		return err
	}
	for _, p := range programmes {
		if err := bumpVersion(ctx, tx, p); err != nil {
			return err
		}
	}
	return nil
}
