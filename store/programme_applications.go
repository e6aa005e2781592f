package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/programme"
)

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
