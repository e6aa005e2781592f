package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/opportunity"
)

// The marketplace's listings. A listing is written by its owner
// organisation's managers as a draft, submitted for review, and published
// by an agency officer (or returned to draft with a comment). Expiry is not
// stored: a published listing past its deadline reads as expired.

const oppColumns = `x.id, x.kind, x.owner_org_id, x.title, x.description, x.fields, x.keywords, x.trl, x.partnership_types,
	x.countries_sought, x.deadline, x.status, x.anonymous, x.review_comment, x.sample, x.created_by, x.submitted_at,
	x.published_at, x.created_at, x.updated_at, o.name, o.kind, o.size_class, o.country, ct.bri_partner, o.contact_email`

const oppFrom = ` FROM opportunities x JOIN organisations o ON o.id = x.owner_org_id JOIN countries ct ON ct.code = o.country`

// marketToday is the day against which deadlines are read, in UTC.
func marketToday() time.Time { return time.Now().UTC() }

func scanOpportunity(row interface{ Scan(...any) error }) (*opportunity.Opportunity, error) {
	var x opportunity.Opportunity
	var fields, keywords, types, countries, submitted, published, created, updated string
	if err := row.Scan(&x.ID, &x.Kind, &x.OwnerOrgID, &x.Title, &x.Description, &fields, &keywords, &x.TRL, &types,
		&countries, &x.Deadline, &x.Status, &x.Anonymous, &x.ReviewComment, &x.Sample, &x.CreatedBy, &submitted,
		&published, &created, &updated, &x.Owner.Name, &x.Owner.Kind, &x.Owner.SizeClass, &x.Owner.Country,
		&x.Owner.BRIPartner, &x.Owner.ContactEmail); err != nil {
		return nil, err
	}
	x.Owner.OrgID = x.OwnerOrgID
	x.Fields, x.Keywords = parseList(fields), parseList(keywords)
	x.PartnershipTypes, x.CountriesSought = parseList(types), parseList(countries)
	x.SubmittedAt, x.PublishedAt = optionalTS(submitted), optionalTS(published)
	x.CreatedAt, x.UpdatedAt = parseTS(created), parseTS(updated)
	return &x, nil
}

func optionalTS(s string) *time.Time {
	if s == "" {
		return nil
	}
	t := parseTS(s)
	return &t
}

// Opportunity returns one listing with what its owner organisation shows.
// Who may read it, and whether the owner is concealed, is the caller's to
// decide.
func (s *Store) Opportunity(ctx context.Context, id string) (*opportunity.Opportunity, error) {
	return s.opportunity(ctx, s.db, id)
}

func (s *Store) opportunity(ctx context.Context, q queryer, id string) (*opportunity.Opportunity, error) {
	if !silkbridge.ValidID(id) {
		return nil, silkbridge.NotFound("opportunity")
	}
	x, err := scanOpportunity(q.QueryRowContext(ctx, `SELECT `+oppColumns+oppFrom+` WHERE x.id = $1`, id))
	return x, notFound(err, "opportunity")
}

// opportunityConds turns a filter into SQL conditions on opportunities x
// joined with their owner o.
func (s *Store) opportunityConds(f opportunity.Filter, args *[]any) []string {
	arg := func(v any) string {
		*args = append(*args, v)
		return fmt.Sprintf("$%d", len(*args))
	}
	today := marketToday().Format(opportunity.DateLayout)
	conds := []string{"1 = 1"}
	switch f.Status {
	case "", opportunity.Published:
		conds = append(conds, "x.status = 'published' AND (x.deadline = '' OR x.deadline >= "+arg(today)+")")
	case opportunity.AnyStatus:
	case opportunity.Expired:
		conds = append(conds, "x.status = 'published' AND x.deadline <> '' AND x.deadline < "+arg(today))
	default:
		conds = append(conds, "x.status = "+arg(f.Status))
	}
	if v := f.Visible; v != nil && !v.Officer {
		mine := "1 = 0"
		if len(v.Orgs) > 0 {
			mine = "x.owner_org_id IN (" + placeholders(args, v.Orgs) + ")"
		}
		conds = append(conds, "(x.status IN ('published', 'closed') OR "+mine+")")
		if f.OwnerOrgID != "" {
			// Listing an organisation's listings must not tell who is
			// behind its anonymous ones.
			conds = append(conds, "(NOT x.anonymous OR "+mine+")")
		}
	}
	if f.Query != "" {
		c, ok := s.searchCond("x.id", "opportunity", f.Query, args)
		if !ok {
			c = "1 = 0"
		}
		conds = append(conds, c)
	}
	if f.Kind != "" {
		conds = append(conds, "x.kind = "+arg(f.Kind))
	}
	if f.Field != "" {
		conds = append(conds, fieldCond("x.id", "opportunity", f.Field, args))
	}
	if f.Country != "" {
		conds = append(conds, "o.country = "+arg(f.Country))
	}
	if f.Seeks != "" {
		conds = append(conds, "x.id IN (SELECT opportunity_id FROM opportunity_countries WHERE country = "+arg(f.Seeks)+")")
	}
	if f.BRIPartner {
		conds = append(conds, "ct.bri_partner")
	}
	if f.TRLMin > 0 {
		conds = append(conds, "x.trl >= "+arg(f.TRLMin))
	}
	if f.TRLMax > 0 {
		conds = append(conds, "x.trl BETWEEN 1 AND "+arg(f.TRLMax))
	}
	if f.DeadlineFrom != "" {
		conds = append(conds, "(x.deadline = '' OR x.deadline >= "+arg(f.DeadlineFrom)+")")
	}
	if f.DeadlineTo != "" {
		conds = append(conds, "x.deadline <> '' AND x.deadline <= "+arg(f.DeadlineTo))
	}
	if f.OwnerOrgID != "" {
		conds = append(conds, "x.owner_org_id = "+arg(f.OwnerOrgID))
	}
	if !f.PublishedAfter.IsZero() {
		conds = append(conds, "x.published_at > "+arg(ts(f.PublishedAfter)))
	}
	if f.OnlyID != "" {
		conds = append(conds, "x.id = "+arg(f.OnlyID))
	}
	return conds
}

// Opportunities lists the listings that pass the filter, the most recently
// published (else updated) first.
func (s *Store) Opportunities(ctx context.Context, f opportunity.Filter) ([]*opportunity.Opportunity, Page, error) {
	return memoList(ctx, s, "opportunities", f, s.opportunitiesUncached)
}

func (s *Store) opportunitiesUncached(ctx context.Context, f opportunity.Filter) ([]*opportunity.Opportunity, Page, error) {
	var args []any
	where := " WHERE " + strings.Join(s.opportunityConds(f, &args), " AND ")
	page, per := normPage(f.Page, f.PerPage)
	p := Page{Number: page, PerPage: per}
	if err := s.countCached(ctx, &p.Total, `SELECT COUNT(*)`+oppFrom+where, args...); err != nil {
		return nil, p, fmt.Errorf("count opportunities: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+oppColumns+oppFrom+where+
		fmt.Sprintf(" ORDER BY x.published_at DESC, x.updated_at DESC, x.id LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	if err != nil {
		return nil, p, fmt.Errorf("list opportunities: %w", err)
	}
	out, err := collect(rows, scanOpportunity)
	return out, p, err
}

// CountOpportunities counts the listings that pass the filter.
func (s *Store) CountOpportunities(ctx context.Context, f opportunity.Filter) (int, error) {
	var args []any
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*)`+oppFrom+" WHERE "+strings.Join(s.opportunityConds(f, &args), " AND "), args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count opportunities: %w", err)
	}
	return n, nil
}

// CreateOpportunity validates and stores a new listing as a draft of its
// owner organisation. Whether the actor may speak for that organisation is
// the caller's to check.
func (s *Store) CreateOpportunity(ctx context.Context, actor Actor, x *opportunity.Opportunity) error {
	ref, err := s.Reference(ctx)
	if err != nil {
		return err
	}
	x.Normalise()
	if err := x.Validate(ref, marketToday()); err != nil {
		return err
	}
	x.ID = silkbridge.NewID()
	x.Status, x.ReviewComment = opportunity.Draft, ""
	x.CreatedBy = actor.UserID
	x.SubmittedAt, x.PublishedAt = nil, nil
	x.CreatedAt, x.UpdatedAt = now(), now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := orgExists(ctx, tx, "owner_organisation_id", x.OwnerOrgID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO opportunities (id, kind, owner_org_id, title, description, fields, keywords, trl,
			partnership_types, countries_sought, deadline, status, anonymous, review_comment, sample, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
			x.ID, x.Kind, x.OwnerOrgID, x.Title, x.Description, jsonList(x.Fields), jsonList(x.Keywords), x.TRL,
			jsonList(x.PartnershipTypes), jsonList(x.CountriesSought), x.Deadline, x.Status, x.Anonymous, x.ReviewComment,
			x.Sample, x.CreatedBy, ts(x.CreatedAt), ts(x.UpdatedAt))
		if err != nil {
			return fmt.Errorf("create opportunity: %w", err)
		}
		if err := s.saveOpportunityLists(ctx, tx, x); err != nil {
			return err
		}
		stored, err := s.opportunity(ctx, tx, x.ID)
		if err != nil {
			return err
		}
		*x = *stored
		return s.audit(ctx, tx, actor, "create", "opportunity", x.ID, x.OwnerOrgID, nil, x)
	})
}

// saveOpportunityLists keeps the field, country and search rows of a
// listing in step with the listing.
func (s *Store) saveOpportunityLists(ctx context.Context, q queryer, x *opportunity.Opportunity) error {
	if err := setFields(ctx, q, "opportunity", x.ID, x.Fields); err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM opportunity_countries WHERE opportunity_id = $1`, x.ID); err != nil {
		return fmt.Errorf("opportunity countries: %w", err)
	}
	for _, c := range x.CountriesSought {
		if _, err := q.ExecContext(ctx, `INSERT INTO opportunity_countries (opportunity_id, country) VALUES ($1, $2)`, x.ID, c); err != nil {
			return fmt.Errorf("opportunity countries: %w", err)
		}
	}
	// The owner's name is left out of the index on purpose: a search by
	// name must not find the listings it publishes anonymously.
	return s.index(ctx, q, "opportunity", x.ID, x.Title, x.Description, strings.Join(x.Keywords, " "))
}

// UpdateOpportunity validates and saves the changes update makes to a
// listing's content. A listing under review cannot change; a published or
// closed one goes back to draft and needs review again, so that readers
// only ever see what an officer approved.
func (s *Store) UpdateOpportunity(ctx context.Context, actor Actor, id string, update func(*opportunity.Opportunity)) (*opportunity.Opportunity, error) {
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, err
	}
	var after *opportunity.Opportunity
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.opportunity(ctx, tx, id)
		if err != nil {
			return err
		}
		status, err := opportunity.Transition(before.Status, opportunity.ActionEdit)
		if err != nil {
			return err
		}
		x := *before
		x.Fields = append([]string(nil), before.Fields...)
		x.Keywords = append([]string(nil), before.Keywords...)
		x.PartnershipTypes = append([]string(nil), before.PartnershipTypes...)
		x.CountriesSought = append([]string(nil), before.CountriesSought...)
		update(&x)
		x.ID, x.OwnerOrgID, x.CreatedBy, x.CreatedAt, x.Sample = before.ID, before.OwnerOrgID, before.CreatedBy, before.CreatedAt, before.Sample
		x.Status, x.ReviewComment, x.SubmittedAt, x.PublishedAt = status, before.ReviewComment, before.SubmittedAt, before.PublishedAt
		x.Normalise()
		if err := x.Validate(ref, marketToday()); err != nil {
			return err
		}
		x.UpdatedAt = now()
		_, err = tx.ExecContext(ctx, `UPDATE opportunities SET kind = $2, title = $3, description = $4, fields = $5, keywords = $6,
			trl = $7, partnership_types = $8, countries_sought = $9, deadline = $10, status = $11, anonymous = $12, updated_at = $13
			WHERE id = $1`,
			x.ID, x.Kind, x.Title, x.Description, jsonList(x.Fields), jsonList(x.Keywords), x.TRL, jsonList(x.PartnershipTypes),
			jsonList(x.CountriesSought), x.Deadline, x.Status, x.Anonymous, ts(x.UpdatedAt))
		if err != nil {
			return fmt.Errorf("update opportunity: %w", err)
		}
		if err := s.saveOpportunityLists(ctx, tx, &x); err != nil {
			return err
		}
		if before.Status != x.Status {
			if err := s.recordReview(ctx, tx, actor, x.ID, opportunity.ActionEdit, before.Status, x.Status, ""); err != nil {
				return err
			}
		}
		after = &x
		return s.audit(ctx, tx, actor, "update", "opportunity", x.ID, x.OwnerOrgID, before, x)
	})
	return after, err
}

// ReviewOpportunity moves a listing along its life: the owner submits a
// draft or closes a published listing, an officer approves or returns
// (with a comment) a listing under review. Who may take which action is
// the caller's to check. Approval notifies the owner's managers; saved
// searches are matched by MatchSavedSearches once the approval is
// committed.
func (s *Store) ReviewOpportunity(ctx context.Context, actor Actor, id, action, comment string) (*opportunity.Opportunity, error) {
	comment = strings.TrimSpace(comment)
	if action == opportunity.ActionReturn {
		if err := opportunity.ValidateReturn(comment); err != nil {
			return nil, err
		}
	} else if err := silkbridgeMaxLen("comment", comment, opportunity.MaxComment); err != nil {
		return nil, err
	}
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, err
	}
	var after *opportunity.Opportunity
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.opportunity(ctx, tx, id)
		if err != nil {
			return err
		}
		status, err := opportunity.Transition(before.Status, action)
		if err != nil {
			return err
		}
		if action == opportunity.ActionSubmit || action == opportunity.ActionApprove {
			// The listing was valid when saved; its deadline may have
			// passed since.
			if err := before.Validate(ref, marketToday()); err != nil {
				return err
			}
		}
		x := *before
		x.Status, x.UpdatedAt = status, now()
		switch action {
		case opportunity.ActionSubmit:
			x.SubmittedAt, x.ReviewComment = &x.UpdatedAt, ""
		case opportunity.ActionApprove:
			x.PublishedAt, x.ReviewComment = &x.UpdatedAt, ""
		case opportunity.ActionReturn:
			x.ReviewComment = comment
		}
		_, err = tx.ExecContext(ctx, `UPDATE opportunities SET status = $2, review_comment = $3, submitted_at = $4, published_at = $5,
			updated_at = $6 WHERE id = $1`,
			x.ID, x.Status, x.ReviewComment, tsPtr(x.SubmittedAt), tsPtr(x.PublishedAt), ts(x.UpdatedAt))
		if err != nil {
			return fmt.Errorf("review opportunity: %w", err)
		}
		if err := s.recordReview(ctx, tx, actor, x.ID, action, before.Status, x.Status, comment); err != nil {
			return err
		}
		switch action {
		case opportunity.ActionApprove:
			err = s.notifyManagers(ctx, tx, x.OwnerOrgID, opportunity.Notification{Kind: opportunity.NotifyApproved, OpportunityID: x.ID, Title: x.Title})
		case opportunity.ActionReturn:
			err = s.notifyManagers(ctx, tx, x.OwnerOrgID, opportunity.Notification{Kind: opportunity.NotifyReturned, OpportunityID: x.ID, Title: x.Title})
		}
		if err != nil {
			return err
		}
		after = &x
		return s.audit(ctx, tx, actor, action, "opportunity", x.ID, x.OwnerOrgID,
			map[string]string{"status": before.Status}, map[string]string{"status": x.Status, "comment": comment})
	})
	return after, err
}

func silkbridgeMaxLen(field, value string, max int) error {
	var p silkbridge.Problems
	p.MaxLen(field, value, max)
	return p.Err()
}

func tsPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return ts(*t)
}

func (s *Store) recordReview(ctx context.Context, q queryer, actor Actor, id, action, from, to, comment string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO opportunity_reviews (id, opportunity_id, action, from_status, to_status, comment, actor_id, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, silkbridge.NewID(), id, action, from, to, comment, actor.UserID, ts(now()))
	if err != nil {
		return fmt.Errorf("record review: %w", err)
	}
	return nil
}

// ReviewStep is one step of a listing's review history.
type ReviewStep struct {
	Action  string    `json:"action"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Comment string    `json:"comment,omitempty"`
	Actor   string    `json:"actor,omitempty"`
	At      time.Time `json:"at"`
}

// OpportunityReviews returns the review history of a listing, oldest first.
func (s *Store) OpportunityReviews(ctx context.Context, id string) ([]ReviewStep, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.action, r.from_status, r.to_status, r.comment, COALESCE(u.name, ''), r.at
		FROM opportunity_reviews r LEFT JOIN users u ON u.id = r.actor_id WHERE r.opportunity_id = $1 ORDER BY r.at, r.id`, id)
	if err != nil {
		return nil, fmt.Errorf("opportunity reviews: %w", err)
	}
	out := []ReviewStep{}
	err = each(rows, func(r rowScanner) error {
		var st ReviewStep
		var at string
		if err := r.Scan(&st.Action, &st.From, &st.To, &st.Comment, &st.Actor, &at); err != nil {
			return err
		}
		st.At = parseTS(at)
		out = append(out, st)
		return nil
	})
	return out, err
}

// DeleteOpportunity removes a listing that was never answered: a listing
// with expressions of interest is closed instead, so both sides keep them.
func (s *Store) DeleteOpportunity(ctx context.Context, actor Actor, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.opportunity(ctx, tx, id)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM interests WHERE opportunity_id = $1`, id).Scan(&n); err != nil {
			return fmt.Errorf("delete opportunity: %w", err)
		}
		if n > 0 {
			return silkbridge.Conflict("market.error.has_interests", "this listing has expressions of interest: close it instead")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM opportunities WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete opportunity: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM subject_fields WHERE kind = 'opportunity' AND ref = $1`, id); err != nil {
			return fmt.Errorf("delete opportunity: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM market_notifications WHERE opportunity_id = $1`, id); err != nil {
			return fmt.Errorf("delete opportunity: %w", err)
		}
		if err := s.unindex(ctx, tx, "opportunity", id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "delete", "opportunity", id, before.OwnerOrgID, before, nil)
	})
}

// orgManagers returns the users who manage an organisation.
func orgManagers(ctx context.Context, q queryer, orgID string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT user_id FROM org_managers WHERE org_id = $1 ORDER BY user_id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("organisation managers: %w", err)
	}
	ids, err := collect(rows, scanString)
	return ids, err
}

// orgExists refuses an id that names no organisation, as a problem of field.
func orgExists(ctx context.Context, q queryer, field, id string) error {
	var n int
	if silkbridge.ValidID(id) {
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations WHERE id = $1`, id).Scan(&n); err != nil {
			return fmt.Errorf("check organisation: %w", err)
		}
	}
	if n == 0 {
		return silkbridge.Invalid(field, "field.organisation", "not an organisation on the platform", nil)
	}
	return nil
}

// CountSampleOpportunities counts the sample listings, so that demo data
// is loaded once.
func (s *Store) CountSampleOpportunities(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM opportunities WHERE sample`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count sample opportunities: %w", err)
	}
	return n, nil
}
