package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/opportunity"
)

// Saved searches of the marketplace and the notifications members get
// from the marketplace (new matches, interests, reviews).

const savedColumns = `id, user_id, name, filter, notify, feed_token, created_at, updated_at`

func scanSaved(row interface{ Scan(...any) error }) (*opportunity.SavedSearch, error) {
	var ss opportunity.SavedSearch
	var filter, created, updated string
	if err := row.Scan(&ss.ID, &ss.UserID, &ss.Name, &filter, &ss.Notify, &ss.FeedToken, &created, &updated); err != nil {
		return nil, err
	}
	v, err := url.ParseQuery(filter)
	if err != nil {
		return nil, fmt.Errorf("saved search %s: filter: %w", ss.ID, err)
	}
	// Stored filters were valid when saved; one that no longer parses
	// keeps what it can rather than hiding the saved search.
	ss.Filter, _ = opportunity.ParseFilter(v)
	ss.CreatedAt, ss.UpdatedAt = parseTS(created), parseTS(updated)
	return &ss, nil
}

// SavedSearches returns a member's saved searches, by name.
func (s *Store) SavedSearches(ctx context.Context, userID string) ([]*opportunity.SavedSearch, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+savedColumns+` FROM saved_searches WHERE user_id = $1 ORDER BY name, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("saved searches: %w", err)
	}
	return collect(rows, scanSaved)
}

// SavedSearch returns one saved search; whose it is, the caller checks.
func (s *Store) SavedSearch(ctx context.Context, id string) (*opportunity.SavedSearch, error) {
	return s.savedSearch(ctx, s.db, id)
}

func (s *Store) savedSearch(ctx context.Context, q queryer, id string) (*opportunity.SavedSearch, error) {
	if !silkbridge.ValidID(id) {
		return nil, silkbridge.NotFound("saved search")
	}
	ss, err := scanSaved(q.QueryRowContext(ctx, `SELECT `+savedColumns+` FROM saved_searches WHERE id = $1`, id))
	return ss, notFound(err, "saved search")
}

// SavedSearchByFeedToken returns the saved search whose feed address
// carries token.
func (s *Store) SavedSearchByFeedToken(ctx context.Context, token string) (*opportunity.SavedSearch, error) {
	if !opportunity.ValidFeedToken(token) {
		return nil, silkbridge.NotFound("feed")
	}
	ss, err := scanSaved(s.db.QueryRowContext(ctx, `SELECT `+savedColumns+` FROM saved_searches WHERE feed_token = $1`, token))
	return ss, notFound(err, "feed")
}

// CreateSavedSearch validates and stores a member's saved search with a
// new feed token.
func (s *Store) CreateSavedSearch(ctx context.Context, actor Actor, ss *opportunity.SavedSearch) error {
	ref, err := s.Reference(ctx)
	if err != nil {
		return err
	}
	ss.Normalise()
	if err := ss.Validate(ref); err != nil {
		return err
	}
	ss.ID, ss.UserID, ss.FeedToken = silkbridge.NewID(), actor.UserID, opportunity.NewFeedToken()
	ss.CreatedAt, ss.UpdatedAt = now(), now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM saved_searches WHERE user_id = $1`, ss.UserID).Scan(&n); err != nil {
			return fmt.Errorf("create saved search: %w", err)
		}
		if n >= opportunity.MaxSavedSearches {
			e := silkbridge.Conflict("market.error.too_many_searches", "you keep %d saved searches already: delete one first", n)
			e.Data = map[string]any{"Max": opportunity.MaxSavedSearches}
			return e
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO saved_searches (`+savedColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			ss.ID, ss.UserID, ss.Name, ss.Filter.Values().Encode(), ss.Notify, ss.FeedToken, ts(ss.CreatedAt), ts(ss.UpdatedAt)); err != nil {
			return fmt.Errorf("create saved search: %w", err)
		}
		return s.audit(ctx, tx, actor, "create", "saved_search", ss.ID, "", nil, ss)
	})
}

// UpdateSavedSearch saves the changes update makes to the name, filter
// and notification choice of a saved search.
func (s *Store) UpdateSavedSearch(ctx context.Context, actor Actor, id string, update func(*opportunity.SavedSearch)) (*opportunity.SavedSearch, error) {
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, err
	}
	var after *opportunity.SavedSearch
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.savedSearch(ctx, tx, id)
		if err != nil {
			return err
		}
		ss := *before
		update(&ss)
		ss.ID, ss.UserID, ss.FeedToken, ss.CreatedAt = before.ID, before.UserID, before.FeedToken, before.CreatedAt
		ss.Normalise()
		if err := ss.Validate(ref); err != nil {
			return err
		}
		ss.UpdatedAt = now()
		if _, err := tx.ExecContext(ctx, `UPDATE saved_searches SET name = $2, filter = $3, notify = $4, updated_at = $5 WHERE id = $1`,
			ss.ID, ss.Name, ss.Filter.Values().Encode(), ss.Notify, ts(ss.UpdatedAt)); err != nil {
			return fmt.Errorf("update saved search: %w", err)
		}
		after = &ss
		return s.audit(ctx, tx, actor, "update", "saved_search", ss.ID, "", before, ss)
	})
	return after, err
}

// RenewFeedToken gives a saved search a new feed address; the old one
// stops working (for a member whose address leaked).
func (s *Store) RenewFeedToken(ctx context.Context, actor Actor, id string) (*opportunity.SavedSearch, error) {
	var after *opportunity.SavedSearch
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ss, err := s.savedSearch(ctx, tx, id)
		if err != nil {
			return err
		}
		ss.FeedToken, ss.UpdatedAt = opportunity.NewFeedToken(), now()
		if _, err := tx.ExecContext(ctx, `UPDATE saved_searches SET feed_token = $2, updated_at = $3 WHERE id = $1`,
			ss.ID, ss.FeedToken, ts(ss.UpdatedAt)); err != nil {
			return fmt.Errorf("renew feed token: %w", err)
		}
		after = ss
		// The token itself is a secret: the audit says only that it changed.
		return s.audit(ctx, tx, actor, "renew_feed", "saved_search", ss.ID, "", nil, map[string]string{"feed_token": "renewed"})
	})
	return after, err
}

// DeleteSavedSearch removes a saved search and its notifications.
func (s *Store) DeleteSavedSearch(ctx context.Context, actor Actor, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.savedSearch(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM market_notifications WHERE saved_search_id = $1`, id); err != nil {
			return fmt.Errorf("delete saved search: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM saved_searches WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete saved search: %w", err)
		}
		return s.audit(ctx, tx, actor, "delete", "saved_search", id, "", before, nil)
	})
}

// MatchSavedSearches finds the saved searches that the listing id, newly
// published, matches, and gives each of their members one notification
// (never twice for the same search and listing). Managers of the owner
// organisation are not told of their own listing. It returns the
// notifications made, so the caller can also send them by mail.
func (s *Store) MatchSavedSearches(ctx context.Context, id string) ([]opportunity.Notification, error) {
	x, err := s.Opportunity(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+savedColumns+` FROM saved_searches
		WHERE notify AND user_id NOT IN (SELECT user_id FROM org_managers WHERE org_id = $1) ORDER BY id`, x.OwnerOrgID)
	if err != nil {
		return nil, fmt.Errorf("match saved searches: %w", err)
	}
	var searches []*opportunity.SavedSearch
	err = each(rows, func(r rowScanner) error {
		ss, err := scanSaved(r)
		if err != nil {
			return err
		}
		searches = append(searches, ss)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var made []opportunity.Notification
	for _, ss := range searches {
		f := ss.Filter
		f.OnlyID = x.ID
		n, err := s.CountOpportunities(ctx, f)
		if err != nil {
			return made, err
		}
		if n == 0 {
			continue
		}
		note := opportunity.Notification{UserID: ss.UserID, Kind: opportunity.NotifyMatch, OpportunityID: x.ID,
			SavedSearchID: ss.ID, Title: x.Title}
		created, err := s.insertNotification(ctx, s.db, &note)
		if err != nil {
			return made, err
		}
		if created {
			made = append(made, note)
		}
	}
	return made, nil
}

// insertNotification stores one notification; created is false when the
// member had it already (a match is news once).
func (s *Store) insertNotification(ctx context.Context, q queryer, n *opportunity.Notification) (created bool, err error) {
	n.ID, n.CreatedAt = silkbridge.NewID(), now()
	res, err := q.ExecContext(ctx, `INSERT INTO market_notifications (id, user_id, kind, opportunity_id, interest_id, saved_search_id,
		cooperation_id, title, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
		n.ID, n.UserID, n.Kind, n.OpportunityID, n.InterestID, n.SavedSearchID, n.CooperationID, n.Title, ts(n.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("notify: %w", err)
	}
	k, _ := res.RowsAffected()
	return k > 0, nil
}

// notifyManagers tells every manager of an organisation.
func (s *Store) notifyManagers(ctx context.Context, q queryer, orgID string, n opportunity.Notification) error {
	users, err := orgManagers(ctx, q, orgID)
	if err != nil {
		return err
	}
	for _, u := range users {
		note := n
		note.UserID = u
		if _, err := s.insertNotification(ctx, q, &note); err != nil {
			return err
		}
	}
	return nil
}

// Notifications returns a member's newest notifications and how many of
// all of them are unread.
func (s *Store) Notifications(ctx context.Context, userID string, limit int) ([]opportunity.Notification, int, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var unread int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM market_notifications WHERE user_id = $1 AND read_at = ''`, userID).Scan(&unread); err != nil {
		return nil, 0, fmt.Errorf("notifications: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, user_id, kind, opportunity_id, interest_id, saved_search_id, cooperation_id, title,
		read_at, created_at FROM market_notifications WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT `+fmt.Sprint(limit), userID)
	if err != nil {
		return nil, 0, fmt.Errorf("notifications: %w", err)
	}
	out := []opportunity.Notification{}
	err = each(rows, func(r rowScanner) error {
		var n opportunity.Notification
		var read, created string
		if err := r.Scan(&n.ID, &n.UserID, &n.Kind, &n.OpportunityID, &n.InterestID, &n.SavedSearchID, &n.CooperationID, &n.Title,
			&read, &created); err != nil {
			return err
		}
		n.ReadAt, n.CreatedAt = optionalTS(read), parseTS(created)
		out = append(out, n)
		return nil
	})
	return out, unread, err
}

// MarkNotificationsRead marks every unread notification of a member read.
func (s *Store) MarkNotificationsRead(ctx context.Context, actor Actor, userID string) (int, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE market_notifications SET read_at = $2 WHERE user_id = $1 AND read_at = ''`, userID, ts(now()))
		if err != nil {
			return fmt.Errorf("mark notifications read: %w", err)
		}
		if n, _ = res.RowsAffected(); n == 0 {
			return nil
		}
		return s.audit(ctx, tx, actor, "read", "market_notifications", userID, "", nil, map[string]int64{"marked_read": n})
	})
	return int(n), err
}
