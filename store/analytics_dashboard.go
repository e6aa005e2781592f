package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The dashboard's figures are counted here, in SQL that reads the same on
// both engines; what they mean is computed in package analytics.

// HostPlacements is one host organisation of a published programme and
// the talents placed with it by the published matching runs.
type HostPlacements struct {
	OrgID     string
	SizeClass string
	Region    string
	Placed    int
}

// PublishedPlacements lists every organisation offering positions in a
// programme whose matching result is published, with its placements (0
// for hosts that received nobody: the balance counts them).
func (s *Store) PublishedPlacements(ctx context.Context) ([]HostPlacements, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT o.id, o.size_class, COALESCE(ct.region, ''),
		(SELECT COUNT(*) FROM programme_placements pl JOIN programme_positions pp ON pp.id = pl.position_id
			JOIN programmes pr2 ON pr2.published_run_id = pl.run_id WHERE pp.org_id = o.id)
		FROM organisations o LEFT JOIN countries ct ON ct.code = o.country
		WHERE o.id IN (SELECT pos.org_id FROM programme_positions pos JOIN programmes pr ON pr.id = pos.programme_id WHERE pr.published_run_id <> '')
		ORDER BY o.id`)
	if err != nil {
		return nil, fmt.Errorf("published placements: %w", Classify(err))
	}
	defer rows.Close()
	var out []HostPlacements
	for rows.Next() {
		var h HostPlacements
		if err := rows.Scan(&h.OrgID, &h.SizeClass, &h.Region, &h.Placed); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// EventCounts are the steps of the event funnel.
type EventCounts struct {
	Events            int `json:"events"`
	Registrations     int `json:"registrations"`
	MeetingsRequested int `json:"meetings_requested"`
	MeetingsHeld      int `json:"meetings_held"`
	Interests         int `json:"interests_after_event"`
	Cooperations      int `json:"cooperations_from_events"`
}

// EventsFunnel counts, over every event, registrations, meeting requests, meetings held
// (scheduled at an event that has ended), expressions of interest sent by
// registered participants after their event began, and cooperations
// recorded as coming from an event.
func (s *Store) EventsFunnel(ctx context.Context, asOf time.Time) (*EventCounts, error) {
	c := &EventCounts{}
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM events),
		(SELECT COUNT(*) FROM event_registrations WHERE status = 'registered'),
		(SELECT COUNT(*) FROM meeting_requests),
		(SELECT COUNT(*) FROM scheduled_meetings sm JOIN events e ON e.id = sm.event_id WHERE e.ends_at < $1),
		(SELECT COUNT(DISTINCT i.id) FROM interests i JOIN event_registrations r ON r.user_id = i.from_user_id AND r.status = 'registered'
			JOIN events e ON e.id = r.event_id WHERE i.created_at >= e.starts_at),
		(SELECT COUNT(*) FROM cooperations WHERE source_kind = 'event')`, ts(asOf)).
		Scan(&c.Events, &c.Registrations, &c.MeetingsRequested, &c.MeetingsHeld, &c.Interests, &c.Cooperations)
	if err != nil {
		return nil, fmt.Errorf("event funnel: %w", Classify(err))
	}
	return c, nil
}

// MarketCounts are the marketplace's activity.
type MarketCounts struct {
	Listings  int `json:"listings_published"`
	Interests int `json:"interests"`
	Accepted  int `json:"accepted"`
	Declined  int `json:"declined"`
	Pending   int `json:"pending"`
	// FirstInterestDays are, per listing that received one, the days from
	// publication to its first expression of interest.
	FirstInterestDays []float64 `json:"-"`
}

// MarketActivity counts listings ever published and the interests in
// them, and measures the time to each listing's first interest.
func (s *Store) MarketActivity(ctx context.Context) (*MarketCounts, error) {
	c := &MarketCounts{}
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM opportunities WHERE published_at <> ''),
		(SELECT COUNT(*) FROM interests),
		(SELECT COUNT(*) FROM interests WHERE status = 'accepted'),
		(SELECT COUNT(*) FROM interests WHERE status = 'declined'),
		(SELECT COUNT(*) FROM interests WHERE status = 'pending')`).Scan(&c.Listings, &c.Interests, &c.Accepted, &c.Declined, &c.Pending)
	if err != nil {
		return nil, fmt.Errorf("market activity: %w", Classify(err))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT o.published_at, MIN(i.created_at) FROM opportunities o JOIN interests i ON i.opportunity_id = o.id
		WHERE o.published_at <> '' GROUP BY o.id, o.published_at`)
	if err != nil {
		return nil, fmt.Errorf("market activity: %w", Classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var pub, first string
		if err := rows.Scan(&pub, &first); err != nil {
			return nil, err
		}
		p, err1 := time.Parse(timeFormat, pub)
		f, err2 := time.Parse(timeFormat, first)
		if err1 != nil || err2 != nil {
			continue
		}
		c.FirstInterestDays = append(c.FirstInterestDays, max(0, f.Sub(p).Hours()/24))
	}
	return c, rows.Err()
}

// PolicyReach counts the policies and the eligibility checks recorded.
type PolicyReach struct {
	Policies        int `json:"policies"`
	PoliciesChecked int `json:"policies_checked"`
	Checks          int `json:"checks"`
	Eligible        int `json:"eligible_answers"`
}

// PolicyReach reads the check counters.
func (s *Store) PolicyReach(ctx context.Context) (*PolicyReach, error) {
	p := &PolicyReach{}
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM policies),
		(SELECT COUNT(DISTINCT policy_id) FROM incentive_checks),
		(SELECT COALESCE(SUM(checks), 0) FROM incentive_checks),
		(SELECT COALESCE(SUM(eligible), 0) FROM incentive_checks)`).Scan(&p.Policies, &p.PoliciesChecked, &p.Checks, &p.Eligible)
	if err != nil {
		return nil, fmt.Errorf("policy reach: %w", Classify(err))
	}
	return p, nil
}

// RecordIncentiveChecks adds one check per policy answered on day, and
// one eligible answer for each policy in eligible.
func (s *Store) RecordIncentiveChecks(ctx context.Context, day string, policies []string, eligible map[string]bool) error {
	if len(policies) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range policies {
			e := 0
			if eligible[id] {
				e = 1
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO incentive_checks (day, policy_id, checks, eligible) VALUES ($1, $2, 1, $3)
				ON CONFLICT (day, policy_id) DO UPDATE SET checks = incentive_checks.checks + 1, eligible = incentive_checks.eligible + excluded.eligible`,
				day, id, e); err != nil {
				return fmt.Errorf("record incentive check: %w", Classify(err))
			}
		}
		return nil
	})
}

// ParkSummary is one park's size on the platform.
type ParkSummary struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Country         string `json:"country"`
	Members         int    `json:"members"`
	ForeignPartners int    `json:"foreign_partners"`
}

// ParkSummaries lists the parks with their current members and foreign
// partners.
func (s *Store) ParkSummaries(ctx context.Context) ([]ParkSummary, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT o.id, o.name, o.country,
		(SELECT COUNT(*) FROM park_members m WHERE m.park_id = o.id AND m.left_on = ''),
		(SELECT COUNT(*) FROM park_partners p JOIN organisations po ON po.id = p.org_id WHERE p.park_id = o.id AND p.until_on = '' AND po.country <> o.country)
		FROM organisations o WHERE o.kind = 'park' ORDER BY o.name`)
	if err != nil {
		return nil, fmt.Errorf("park summaries: %w", Classify(err))
	}
	defer rows.Close()
	var out []ParkSummary
	for rows.Next() {
		var p ParkSummary
		if err := rows.Scan(&p.ID, &p.Name, &p.Country, &p.Members, &p.ForeignPartners); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
