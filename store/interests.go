package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/opportunity"
)

// Expressions of interest in the marketplace's listings, and the one step
// from an accepted interest to a cooperation.

func init() { registerPersonalDataEraser("marketplace", eraseMarketplace) }

const interestColumns = `i.id, i.opportunity_id, x.title, COALESCE(i.from_user_id, ''), COALESCE(i.from_org_id, ''), i.who_we_are,
	i.what_we_propose, i.what_we_need, i.status, i.decided_by, i.decided_at, i.cooperation_id, i.created_at, i.updated_at,
	COALESCE(u.name, ''), COALESCE(u.email, ''), COALESCE(fo.name, ''), COALESCE(fo.kind, ''), COALESCE(fo.country, ''),
	COALESCE(fo.contact_email, ''), COALESCE(fo.website, '')`

const interestFrom = ` FROM interests i JOIN opportunities x ON x.id = i.opportunity_id
	LEFT JOIN users u ON u.id = i.from_user_id LEFT JOIN organisations fo ON fo.id = i.from_org_id`

func scanInterest(row interface{ Scan(...any) error }) (*opportunity.Interest, error) {
	var i opportunity.Interest
	var decided, created, updated string
	if err := row.Scan(&i.ID, &i.OpportunityID, &i.OpportunityTitle, &i.FromUserID, &i.FromOrgID, &i.WhoWeAre,
		&i.WhatWePropose, &i.WhatWeNeed, &i.Status, &i.DecidedBy, &decided, &i.CooperationID, &created, &updated,
		&i.From.PersonName, &i.From.Email, &i.From.OrgName, &i.From.OrgKind, &i.From.OrgCountry, &i.From.OrgEmail,
		&i.From.OrgWebsite); err != nil {
		return nil, err
	}
	if i.From.PersonName == "" && i.FromUserID == "" {
		i.From.PersonName = AnonymousName
	}
	i.From.OrgID = i.FromOrgID
	if strings.HasPrefix(i.CooperationID, claimPrefix) {
		i.CooperationID = ""
	}
	i.DecidedAt = optionalTS(decided)
	i.CreatedAt, i.UpdatedAt = parseTS(created), parseTS(updated)
	return &i, nil
}

// Interest returns one expression of interest with what its sender shows.
// Who may read it, and whether contacts are shown, is the caller's to decide.
func (s *Store) Interest(ctx context.Context, id string) (*opportunity.Interest, error) {
	return s.interest(ctx, s.db, id)
}

func (s *Store) interest(ctx context.Context, q queryer, id string) (*opportunity.Interest, error) {
	if !silkbridge.ValidID(id) {
		return nil, silkbridge.NotFound("interest")
	}
	i, err := scanInterest(q.QueryRowContext(ctx, `SELECT `+interestColumns+interestFrom+` WHERE i.id = $1`, id))
	return i, notFound(err, "interest")
}

func (s *Store) interests(ctx context.Context, where string, args ...any) ([]*opportunity.Interest, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+interestColumns+interestFrom+` WHERE `+where+` ORDER BY i.created_at DESC, i.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list interests: %w", err)
	}
	return collect(rows, scanInterest)
}

// InterestsIn returns the expressions of interest in one listing, newest first.
func (s *Store) InterestsIn(ctx context.Context, opportunityID string) ([]*opportunity.Interest, error) {
	return s.interests(ctx, "i.opportunity_id = $1", opportunityID)
}

// InterestsReceived returns the expressions of interest in the listings of
// the organisations, newest first.
func (s *Store) InterestsReceived(ctx context.Context, orgIDs []string) ([]*opportunity.Interest, error) {
	if len(orgIDs) == 0 {
		return []*opportunity.Interest{}, nil
	}
	var args []any
	return s.interests(ctx, "x.owner_org_id IN ("+placeholders(&args, orgIDs)+")", args...)
}

// InterestsSent returns the expressions of interest a member sent, or sent
// for one of the organisations they manage, newest first.
func (s *Store) InterestsSent(ctx context.Context, userID string, orgIDs []string) ([]*opportunity.Interest, error) {
	args := []any{userID}
	where := "i.from_user_id = $1"
	if len(orgIDs) > 0 {
		where = "(" + where + " OR i.from_org_id IN (" + placeholders(&args, orgIDs) + "))"
	}
	return s.interests(ctx, where, args...)
}

// RevealedOpportunities returns the listings whose owner accepted an
// interest from the member or from an organisation they manage: their
// owner's name and contact are no longer hidden from that member.
func (s *Store) RevealedOpportunities(ctx context.Context, userID string, orgIDs []string) (map[string]bool, error) {
	args := []any{userID}
	where := "from_user_id = $1"
	if len(orgIDs) > 0 {
		where += " OR from_org_id IN (" + placeholders(&args, orgIDs) + ")"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT opportunity_id FROM interests WHERE status = 'accepted' AND (`+where+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("revealed opportunities: %w", err)
	}
	out := map[string]bool{}
	err = each(rows, func(r rowScanner) error {
		var id string
		if err := r.Scan(&id); err != nil {
			return err
		}
		out[id] = true
		return nil
	})
	return out, err
}

// CreateInterest validates and stores an expression of interest from the
// actor (for the organisation FromOrgID when set: whether the actor may
// speak for it is the caller's to check) in an open listing, and tells the
// owner's managers. A sender has one live interest per listing; nobody
// answers their own organisation's listing.
func (s *Store) CreateInterest(ctx context.Context, actor Actor, i *opportunity.Interest) error {
	i.Normalise()
	if err := i.Validate(); err != nil {
		return err
	}
	if actor.UserID == "" {
		return silkbridge.Unauthorized()
	}
	i.ID, i.FromUserID, i.Status = silkbridge.NewID(), actor.UserID, opportunity.Pending
	i.DecidedBy, i.DecidedAt, i.CooperationID = "", nil, ""
	i.CreatedAt, i.UpdatedAt = now(), now()
	sender := "user:" + actor.UserID
	if i.FromOrgID != "" {
		sender = "org:" + i.FromOrgID
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		x, err := s.opportunity(ctx, tx, i.OpportunityID)
		if err != nil {
			return err
		}
		if !x.IsOpen(marketToday()) {
			return silkbridge.Conflict("market.error.not_open", "this listing does not take expressions of interest")
		}
		if i.FromOrgID != "" {
			if err := orgExists(ctx, tx, "from_organisation_id", i.FromOrgID); err != nil {
				return err
			}
		}
		var own int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_managers WHERE org_id = $1 AND user_id = $2`, x.OwnerOrgID, actor.UserID).Scan(&own); err != nil {
			return fmt.Errorf("create interest: %w", err)
		}
		if own > 0 || i.FromOrgID == x.OwnerOrgID {
			return silkbridge.Invalid("from_organisation_id", "market.field.own_listing", "this is your own organisation's listing", nil)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO interests (id, opportunity_id, from_user_id, from_org_id, sender, who_we_are, what_we_propose,
			what_we_need, status, created_at, updated_at) VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7, $8, $9, $10, $11)`,
			i.ID, i.OpportunityID, i.FromUserID, i.FromOrgID, sender, i.WhoWeAre, i.WhatWePropose, i.WhatWeNeed, i.Status,
			ts(i.CreatedAt), ts(i.UpdatedAt))
		if IsUniqueViolation(err) {
			return silkbridge.Conflict("market.error.interest_exists", "you have already expressed interest in this listing")
		}
		if err != nil {
			return fmt.Errorf("create interest: %w", err)
		}
		if err := s.notifyManagers(ctx, tx, x.OwnerOrgID, opportunity.Notification{Kind: opportunity.NotifyInterest,
			OpportunityID: x.ID, InterestID: i.ID, Title: x.Title}); err != nil {
			return err
		}
		stored, err := s.interest(ctx, tx, i.ID)
		if err != nil {
			return err
		}
		*i = *stored
		logged := *i
		logged.From.HideContact()
		return s.audit(ctx, tx, actor, "create", "interest", i.ID, x.OwnerOrgID, nil, logged)
	})
}

// DecideInterest accepts or declines a pending interest on behalf of the
// listing's owner (whether the actor manages it is the caller's to check)
// and tells the sender.
func (s *Store) DecideInterest(ctx context.Context, actor Actor, id, decision string) (*opportunity.Interest, error) {
	var after *opportunity.Interest
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.interest(ctx, tx, id)
		if err != nil {
			return err
		}
		status, err := opportunity.Decide(before.Status, decision)
		if err != nil {
			return err
		}
		x, err := s.opportunity(ctx, tx, before.OpportunityID)
		if err != nil {
			return err
		}
		at := now()
		if _, err := tx.ExecContext(ctx, `UPDATE interests SET status = $2, decided_by = $3, decided_at = $4, updated_at = $4 WHERE id = $1`,
			id, status, actor.UserID, ts(at)); err != nil {
			return fmt.Errorf("decide interest: %w", err)
		}
		kind := opportunity.NotifyInterestDeclined
		if status == opportunity.Accepted {
			kind = opportunity.NotifyInterestAccepted
		}
		note := opportunity.Notification{Kind: kind, OpportunityID: x.ID, InterestID: id, Title: x.Title}
		if err := s.notifySender(ctx, tx, before, note); err != nil {
			return err
		}
		if after, err = s.interest(ctx, tx, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, decision, "interest", id, x.OwnerOrgID,
			map[string]string{"status": before.Status}, map[string]string{"status": status})
	})
	return after, err
}

// notifySender tells the member who sent an interest and the managers of
// the organisation it spoke for.
func (s *Store) notifySender(ctx context.Context, q queryer, i *opportunity.Interest, n opportunity.Notification) error {
	told := map[string]bool{}
	users := []string{}
	if i.FromUserID != "" {
		users = append(users, i.FromUserID)
	}
	if i.FromOrgID != "" {
		managers, err := orgManagers(ctx, q, i.FromOrgID)
		if err != nil {
			return err
		}
		users = append(users, managers...)
	}
	for _, u := range users {
		if told[u] {
			continue
		}
		told[u] = true
		note := n
		note.UserID = u
		if _, err := s.insertNotification(ctx, q, &note); err != nil {
			return err
		}
	}
	return nil
}

// OwnerContact returns what an accepted interest reveals of the listing's
// owner to the sender: the organisation, and the manager who accepted.
func (s *Store) OwnerContact(ctx context.Context, i *opportunity.Interest) (*opportunity.Contact, error) {
	var c opportunity.Contact
	err := s.db.QueryRowContext(ctx, `SELECT o.id, o.name, o.contact_email, o.website, COALESCE(u.name, ''), COALESCE(u.email, '')
		FROM opportunities x JOIN organisations o ON o.id = x.owner_org_id LEFT JOIN users u ON u.id = $2
		WHERE x.id = $1`, i.OpportunityID, i.DecidedBy).Scan(&c.OrgID, &c.OrgName, &c.OrgEmail, &c.OrgWebsite, &c.PersonName, &c.Email)
	if err != nil {
		return nil, notFound(err, "opportunity")
	}
	return &c, nil
}

// claimPrefix marks an interest whose cooperation is being made, so that
// two clicks cannot make two cooperations of one interest.
const claimPrefix = "claim:"

// claimTimeout frees a claim whose maker died before finishing.
const claimTimeout = 2 * time.Minute

// ConvertInterest turns an accepted interest into a cooperation between
// the listing's owner (coordinator) and the organisation the interest
// spoke for, with the listing's title, description and fields; the
// cooperation's source is the interest, and the interest keeps the
// cooperation's id. Whether the actor manages the owner is the caller's to
// check.
func (s *Store) ConvertInterest(ctx context.Context, actor Actor, id string) (*cooperation.Cooperation, error) {
	claim := claimPrefix + ts(now())
	var i *opportunity.Interest
	var x *opportunity.Opportunity
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if i, err = s.interest(ctx, tx, id); err != nil {
			return err
		}
		if x, err = s.opportunity(ctx, tx, i.OpportunityID); err != nil {
			return err
		}
		switch {
		case i.Status != opportunity.Accepted:
			return silkbridge.Conflict("market.error.not_accepted", "accept the interest first")
		case i.FromOrgID == "":
			return silkbridge.Conflict("market.error.no_sender_org", "the interest speaks for no organisation, and a cooperation needs two")
		}
		stale := claimPrefix + ts(now().Add(-claimTimeout))
		res, err := tx.ExecContext(ctx, `UPDATE interests SET cooperation_id = $2 WHERE id = $1
			AND (cooperation_id = '' OR (cooperation_id LIKE 'claim:%' AND cooperation_id < $3))`, id, claim, stale)
		if err != nil {
			return fmt.Errorf("convert interest: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return silkbridge.Conflict("market.error.converted", "this interest is already a cooperation")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c := &cooperation.Cooperation{
		Title:    x.Title,
		Summary:  truncateRunes(x.Description, 5000),
		Fields:   x.Fields,
		Keywords: x.Keywords,
		Source:   cooperation.Source{Kind: cooperation.SourceInterest, Ref: i.ID},
		Sample:   x.Sample,
		Partners: []cooperation.Partner{
			{OrgID: x.OwnerOrgID, Role: cooperation.RoleCoordinator},
			{OrgID: i.FromOrgID, Role: cooperation.RoleParticipant},
		},
	}
	if err := s.CreateCooperation(ctx, actor, c); err != nil {
		// Free the claim so the owner can try again.
		s.db.ExecContext(ctx, `UPDATE interests SET cooperation_id = '' WHERE id = $1 AND cooperation_id = $2`, id, claim)
		return nil, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE interests SET cooperation_id = $2, updated_at = $3 WHERE id = $1`, id, c.ID, ts(now())); err != nil {
			return fmt.Errorf("convert interest: %w", err)
		}
		note := opportunity.Notification{Kind: opportunity.NotifyCooperation, OpportunityID: x.ID, InterestID: id,
			CooperationID: c.ID, Title: x.Title}
		if err := s.notifySender(ctx, tx, i, note); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "convert", "interest", id, x.OwnerOrgID, nil, map[string]string{"cooperation_id": c.ID})
	})
	return c, err
}

func truncateRunes(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}

// eraseMarketplace removes what the marketplace holds of a member who
// deletes their account. Interests sent for an organisation belong to the
// organisation and stay, without the member; interests sent for no
// organisation are removed unless anonymise keeps them (or they became a
// cooperation). Saved searches and notifications go.
func eraseMarketplace(ctx context.Context, s *Store, tx *sql.Tx, userID string, anonymise bool) error {
	var stmts []string
	if !anonymise {
		stmts = append(stmts, `DELETE FROM interests WHERE from_user_id = $1 AND from_org_id IS NULL AND cooperation_id = ''`)
	}
	stmts = append(stmts,
		`UPDATE interests SET from_user_id = NULL WHERE from_user_id = $1`,
		`UPDATE interests SET decided_by = '' WHERE decided_by = $1`,
		`UPDATE opportunities SET created_by = '' WHERE created_by = $1`,
		`UPDATE opportunity_reviews SET actor_id = '' WHERE actor_id = $1`,
		`DELETE FROM market_notifications WHERE user_id = $1`,
		`DELETE FROM saved_searches WHERE user_id = $1`,
	)
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q, userID); err != nil {
			return fmt.Errorf("erase marketplace data: %w", err)
		}
	}
	return nil
}
