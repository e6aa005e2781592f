package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/programme"
)

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
