package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/park"
)

// Park returns the organisation id when it is a park; any other
// organisation is not a park, so it is not found.
func (s *Store) Park(ctx context.Context, id string) (*organisation.Organisation, error) {
	return s.park(ctx, s.db, id)
}

func (s *Store) park(ctx context.Context, q queryer, id string) (*organisation.Organisation, error) {
	o, err := s.organisation(ctx, q, id)
	if err != nil || o.Kind != organisation.Park {
		return nil, silkbridge.NotFound("park")
	}
	return o, nil
}

// ParkMembers returns a park's memberships, past and present, the earliest
// first.
func (s *Store) ParkMembers(ctx context.Context, parkID string) ([]park.Member, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT m.id, m.park_id, m.org_id, m.joined_on, m.left_on, o.name, o.country, o.kind
		FROM park_members m JOIN organisations o ON o.id = m.org_id WHERE m.park_id = $1 ORDER BY m.joined_on, o.name, m.id`, parkID)
	if err != nil {
		return nil, fmt.Errorf("park members: %w", err)
	}
	out := []park.Member{}
	err = each(rows, func(r rowScanner) error {
		var m park.Member
		if err := r.Scan(&m.ID, &m.ParkID, &m.OrgID, &m.JoinedOn, &m.LeftOn, &m.Name, &m.Country, &m.Kind); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

// ParkPartners returns a park's foreign partnerships, past and present,
// the earliest first.
func (s *Store) ParkPartners(ctx context.Context, parkID string) ([]park.Partner, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT p.id, p.park_id, p.org_id, p.since_on, p.until_on, o.name, o.country, o.kind
		FROM park_partners p JOIN organisations o ON o.id = p.org_id WHERE p.park_id = $1 ORDER BY p.since_on, o.name, p.id`, parkID)
	if err != nil {
		return nil, fmt.Errorf("park partners: %w", err)
	}
	out := []park.Partner{}
	err = each(rows, func(r rowScanner) error {
		var p park.Partner
		if err := r.Scan(&p.ID, &p.ParkID, &p.OrgID, &p.SinceOn, &p.UntilOn, &p.Name, &p.Country, &p.Kind); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// ParkResidents returns the organisations registered in the park (their
// park is this one): its cooperation bases among them.
func (s *Store) ParkResidents(ctx context.Context, parkID string) ([]*organisation.Organisation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+orgColumns+` FROM organisations o WHERE o.park_id = $1 ORDER BY o.kind, o.name, o.id`, parkID)
	if err != nil {
		return nil, fmt.Errorf("park residents: %w", err)
	}
	return collect(rows, scanOrg)
}

// AddParkMember records that an organisation joined the park. A membership
// that overlaps another of the same organisation is refused.
func (s *Store) AddParkMember(ctx context.Context, actor Actor, m *park.Member) error {
	m.Normalise()
	if err := m.Validate(today()); err != nil {
		return err
	}
	m.ID = silkbridge.NewID()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.park(ctx, tx, m.ParkID); err != nil {
			return err
		}
		if err := orgExists(ctx, tx, "organisation_id", m.OrgID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM park_members WHERE park_id = $1 AND org_id = $2
			AND (left_on = '' OR left_on > $3) AND ($4 = '' OR joined_on < $4)`, m.ParkID, m.OrgID, m.JoinedOn, m.LeftOn).Scan(&n); err != nil {
			return fmt.Errorf("add park member: %w", err)
		}
		if n > 0 {
			return silkbridge.Invalid("organisation_id", "park.error.already_member", "already a member of the park at that time", nil)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO park_members (id, park_id, org_id, joined_on, left_on) VALUES ($1, $2, $3, $4, $5)`,
			m.ID, m.ParkID, m.OrgID, m.JoinedOn, m.LeftOn); err != nil {
			return fmt.Errorf("add park member: %w", err)
		}
		return s.audit(ctx, tx, actor, "add_member", "park", m.ParkID, m.ParkID, nil, m)
	})
}

// EndParkMembership records the day a member left the park.
func (s *Store) EndParkMembership(ctx context.Context, actor Actor, parkID, id, leftOn string) (*park.Member, error) {
	var after park.Member
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var m park.Member
		err := tx.QueryRowContext(ctx, `SELECT id, park_id, org_id, joined_on, left_on FROM park_members WHERE id = $1 AND park_id = $2`,
			id, parkID).Scan(&m.ID, &m.ParkID, &m.OrgID, &m.JoinedOn, &m.LeftOn)
		if err != nil {
			return notFound(err, "membership")
		}
		if err := park.ValidateEnd("left_on", m.JoinedOn, leftOn, today()); err != nil {
			return err
		}
		after = m
		after.LeftOn = leftOn
		if _, err := tx.ExecContext(ctx, `UPDATE park_members SET left_on = $2 WHERE id = $1`, id, leftOn); err != nil {
			return fmt.Errorf("end park membership: %w", err)
		}
		return s.audit(ctx, tx, actor, "end_member", "park", parkID, parkID, m, after)
	})
	return &after, err
}

// AddParkPartner records a foreign partner of the park: an organisation
// outside the park's country, with no overlapping partnership.
func (s *Store) AddParkPartner(ctx context.Context, actor Actor, p *park.Partner) error {
	p.Normalise()
	if err := p.Validate(today()); err != nil {
		return err
	}
	p.ID = silkbridge.NewID()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		pk, err := s.park(ctx, tx, p.ParkID)
		if err != nil {
			return err
		}
		o, err := s.organisation(ctx, tx, p.OrgID)
		if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
			return silkbridge.Invalid("organisation_id", "field.organisation", "no such organisation on the platform", nil)
		} else if err != nil {
			return err
		}
		if o.Country == pk.Country {
			return silkbridge.Invalid("organisation_id", "park.error.not_foreign", "a foreign partner is an organisation outside the park's country", nil)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM park_partners WHERE park_id = $1 AND org_id = $2
			AND (until_on = '' OR until_on > $3) AND ($4 = '' OR since_on < $4)`, p.ParkID, p.OrgID, p.SinceOn, p.UntilOn).Scan(&n); err != nil {
			return fmt.Errorf("add park partner: %w", err)
		}
		if n > 0 {
			return silkbridge.Invalid("organisation_id", "park.error.already_partner", "already a partner of the park at that time", nil)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO park_partners (id, park_id, org_id, since_on, until_on) VALUES ($1, $2, $3, $4, $5)`,
			p.ID, p.ParkID, p.OrgID, p.SinceOn, p.UntilOn); err != nil {
			return fmt.Errorf("add park partner: %w", err)
		}
		return s.audit(ctx, tx, actor, "add_partner", "park", p.ParkID, p.ParkID, nil, p)
	})
}

// EndParkPartnership records the day a foreign partnership ended.
func (s *Store) EndParkPartnership(ctx context.Context, actor Actor, parkID, id, untilOn string) (*park.Partner, error) {
	var after park.Partner
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var p park.Partner
		err := tx.QueryRowContext(ctx, `SELECT id, park_id, org_id, since_on, until_on FROM park_partners WHERE id = $1 AND park_id = $2`,
			id, parkID).Scan(&p.ID, &p.ParkID, &p.OrgID, &p.SinceOn, &p.UntilOn)
		if err != nil {
			return notFound(err, "partnership")
		}
		if err := park.ValidateEnd("until_on", p.SinceOn, untilOn, today()); err != nil {
			return err
		}
		after = p
		after.UntilOn = untilOn
		if _, err := tx.ExecContext(ctx, `UPDATE park_partners SET until_on = $2 WHERE id = $1`, id, untilOn); err != nil {
			return fmt.Errorf("end park partnership: %w", err)
		}
		return s.audit(ctx, tx, actor, "end_partner", "park", parkID, parkID, p, after)
	})
	return &after, err
}

// parkOrgsCond selects the organisations that ever belonged to the park:
// its members and those registered in it. The park id is argument $1.
const parkOrgsCond = `(SELECT org_id FROM park_members WHERE park_id = $1 UNION SELECT id FROM organisations WHERE park_id = $1)`

// ParkInfluence computes the park's influence series (see park.Influence)
// from the stored memberships, partnerships, cooperations and transfers.
func (s *Store) ParkInfluence(ctx context.Context, parkID string, asOf time.Time) ([]park.Point, error) {
	r, err := s.parkRecords(ctx, parkID)
	if err != nil {
		return nil, err
	}
	return park.Influence(r, asOf), nil
}

func (s *Store) parkRecords(ctx context.Context, parkID string) (park.Records, error) {
	var r park.Records
	pk, err := s.Park(ctx, parkID)
	if err != nil {
		return r, err
	}
	r.Country = pk.Country
	members, err := s.ParkMembers(ctx, parkID)
	if err != nil {
		return r, err
	}
	for _, m := range members {
		r.Members = append(r.Members, park.Span{OrgID: m.OrgID, Country: m.Country, From: m.JoinedOn, Until: m.LeftOn})
	}
	residents, err := s.ParkResidents(ctx, parkID)
	if err != nil {
		return r, err
	}
	for _, o := range residents {
		r.Members = append(r.Members, park.Span{OrgID: o.ID, Country: o.Country, From: o.CreatedAt.Format(park.DateLayout)})
	}
	partners, err := s.ParkPartners(ctx, parkID)
	if err != nil {
		return r, err
	}
	for _, p := range partners {
		r.Partners = append(r.Partners, park.Span{OrgID: p.OrgID, Country: p.Country, From: p.SinceOn, Until: p.UntilOn})
	}
	if r.Cooperations, err = s.parkCooperations(ctx, parkID); err != nil {
		return r, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT a.owner_id, t.receiver_id, t.completed_on FROM transfers t
		JOIN achievements a ON a.id = t.achievement_id
		WHERE t.completed_on <> '' AND (a.owner_id IN `+parkOrgsCond+` OR t.receiver_id IN `+parkOrgsCond+`)`, parkID)
	if err != nil {
		return r, fmt.Errorf("park transfers: %w", err)
	}
	err = each(rows, func(row rowScanner) error {
		var t park.Transfer
		if err := row.Scan(&t.OwnerID, &t.ReceiverID, &t.CompletedOn); err != nil {
			return err
		}
		r.Transfers = append(r.Transfers, t)
		return nil
	})
	return r, err
}

// parkCooperations reads the cooperations that an organisation of the park
// ever took part in, with partners and dated stages.
func (s *Store) parkCooperations(ctx context.Context, parkID string) ([]park.Cooperation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+coopColumns+` FROM cooperations c
		WHERE NOT c.single_beneficiary AND c.id IN (SELECT cooperation_id FROM cooperation_partners WHERE org_id IN `+parkOrgsCond+`)
		ORDER BY c.start_date, c.id`, parkID)
	if err != nil {
		return nil, fmt.Errorf("park cooperations: %w", err)
	}
	coops, err := scanCoops(rows)
	if err != nil {
		return nil, err
	}
	if err := s.loadPartners(ctx, s.db, coops); err != nil {
		return nil, err
	}
	out := make([]park.Cooperation, 0, len(coops))
	index := map[string]int{}
	var ids []string
	for _, c := range coops {
		pc := park.Cooperation{ID: c.ID, Start: c.StartDate, End: c.EndDate, Stage: c.Stage}
		for _, p := range c.Partners {
			pc.Partners = append(pc.Partners, park.Party{OrgID: p.OrgID, Country: p.Country})
		}
		index[c.ID] = len(out)
		ids = append(ids, c.ID)
		out = append(out, pc)
	}
	if len(ids) == 0 {
		return out, nil
	}
	var args []any
	hrows, err := s.db.QueryContext(ctx, `SELECT cooperation_id, to_stage, date FROM stage_changes
		WHERE cooperation_id IN (`+placeholders(&args, ids)+`) ORDER BY cooperation_id, date, created_at`, args...)
	if err != nil {
		return nil, fmt.Errorf("park cooperation stages: %w", err)
	}
	err = each(hrows, func(row rowScanner) error {
		var id string
		var h park.StageAt
		if err := row.Scan(&id, &h.Stage, &h.Date); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			out[i].History = append(out[i].History, h)
		}
		return nil
	})
	return out, err
}

// ParkCooperationList lists up to limit cooperations of the park's
// organisations, the most recent first, for the park page.
func (s *Store) ParkCooperationList(ctx context.Context, parkID string, limit int) ([]*cooperation.Cooperation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+coopColumns+` FROM cooperations c
		WHERE NOT c.single_beneficiary AND c.id IN (SELECT cooperation_id FROM cooperation_partners WHERE org_id IN `+parkOrgsCond+`)
		ORDER BY c.start_date DESC, c.id`+fmt.Sprintf(" LIMIT %d", max(limit, 1)), parkID)
	if err != nil {
		return nil, fmt.Errorf("park cooperations: %w", err)
	}
	out, err := scanCoops(rows)
	if err != nil {
		return nil, err
	}
	return out, s.loadPartners(ctx, s.db, out)
}
