package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/organisation"
)

const orgColumns = `o.id, o.name, o.short_name, o.kind, o.country, o.ror_id, o.size_class, COALESCE(o.park_id, ''),
	o.fields, o.keywords, o.website, o.description, o.contact_email, COALESCE(o.pic, ''), o.activity_type, o.source,
	o.sample, o.created_at, o.updated_at, o.unnamed, o.city, o.ror_status, ` + verificationColumns

func scanOrg(row interface{ Scan(...any) error }) (*organisation.Organisation, error) {
	var o organisation.Organisation
	var fields, keywords, created, updated string
	var vr verificationRow
	if err := row.Scan(append([]any{&o.ID, &o.Name, &o.ShortName, &o.Kind, &o.Country, &o.RORID, &o.SizeClass, &o.ParkID,
		&fields, &keywords, &o.Website, &o.Description, &o.ContactEmail, &o.PIC, &o.ActivityType, &o.Source,
		&o.Sample, &created, &updated, &o.Unnamed, &o.City, &o.RORStatus}, vr.dest()...)...); err != nil {
		return nil, err
	}
	o.Verification = vr.verification()
	o.Fields, o.Keywords = parseList(fields), parseList(keywords)
	o.CreatedAt, o.UpdatedAt = parseTS(created), parseTS(updated)
	return &o, nil
}

// Organisation returns one organisation.
func (s *Store) Organisation(ctx context.Context, id string) (*organisation.Organisation, error) {
	return s.organisation(ctx, s.db, id)
}

func (s *Store) organisation(ctx context.Context, q queryer, id string) (*organisation.Organisation, error) {
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations o WHERE o.id = $1`, id))
	return o, notFound(err, "organisation")
}

// Organisations lists organisations that pass the filter, by name.
func (s *Store) Organisations(ctx context.Context, f organisation.Filter) ([]*organisation.Organisation, Page, error) {
	return memoList(ctx, s, "organisations", f, s.organisationsUncached)
}

func (s *Store) organisationsUncached(ctx context.Context, f organisation.Filter) ([]*organisation.Organisation, Page, error) {
	var args []any
	var conds []string
	if f.Query != "" {
		c, ok := s.searchCond("o.id", "organisation", f.Query, &args)
		if !ok {
			c = "1 = 0"
		}
		conds = append(conds, c)
	}
	if f.Country != "" {
		args = append(args, f.Country)
		conds = append(conds, fmt.Sprintf("o.country = $%d", len(args)))
	}
	if f.Kind != "" {
		args = append(args, f.Kind)
		conds = append(conds, fmt.Sprintf("o.kind = $%d", len(args)))
	}
	if f.Field != "" {
		conds = append(conds, fieldCond("o.id", "organisation", f.Field, &args))
	}
	if f.BRIPartner {
		conds = append(conds, "o.country IN (SELECT code FROM countries WHERE bri_partner)")
	}
	if f.Verification != "" {
		args = append(args, f.Verification)
		conds = append(conds, fmt.Sprintf("o.verification_state = $%d", len(args)))
	}
	if !f.IncludeUnnamed {
		conds = append(conds, "NOT o.unnamed")
	}
	if f.LinkableOnly {
		conds = append(conds, "o.ror_status NOT IN ('inactive', 'withdrawn')")
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	page, per := normPage(f.Page, f.PerPage)
	p := Page{Number: page, PerPage: per}
	if err := s.countCached(ctx, &p.Total, `SELECT COUNT(*) FROM organisations o`+where, args...); err != nil {
		return nil, p, fmt.Errorf("count organisations: %w", err)
	}
	order, listArgs := " ORDER BY o.name, o.id", args
	if f.Query != "" {
		order, listArgs = nameRankOrder(f.Query, args)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+orgColumns+` FROM organisations o`+where+
		fmt.Sprintf("%s LIMIT %d OFFSET %d", order, per, (page-1)*per), listArgs...)
	if err != nil {
		return nil, p, fmt.Errorf("list organisations: %w", err)
	}
	defer rows.Close()
	var out []*organisation.Organisation
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, p, err
		}
		out = append(out, o)
	}
	return out, p, rows.Err()
}

// CreateOrganisation validates and stores a new organisation; the creator,
// when given, becomes its first manager.
func (s *Store) CreateOrganisation(ctx context.Context, actor Actor, o *organisation.Organisation) error {
	ref, err := s.Reference(ctx)
	if err != nil {
		return err
	}
	o.Normalise()
	if err := o.Validate(ref); err != nil {
		return err
	}
	o.ID = silkbridge.NewID()
	o.CreatedAt, o.UpdatedAt = now(), now()
	o.Verification = organisation.Verification{State: organisation.Unverified}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkPark(ctx, tx, o.ParkID); err != nil {
			return err
		}
		if err := s.insertOrg(ctx, tx, o); err != nil {
			return err
		}
		if actor.UserID != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO org_managers (org_id, user_id) VALUES ($1, $2)`, o.ID, actor.UserID); err != nil {
				return fmt.Errorf("create organisation: %w", err)
			}
		}
		return s.audit(ctx, tx, actor, "create", "organisation", o.ID, o.ID, nil, o)
	})
}

func (s *Store) checkPark(ctx context.Context, q queryer, parkID string) error {
	if parkID == "" {
		return nil
	}
	var kind string
	err := q.QueryRowContext(ctx, `SELECT kind FROM organisations WHERE id = $1`, parkID).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && kind != organisation.Park) {
		return silkbridge.Invalid("park_id", "field.park", "not a park on the platform", nil)
	}
	return err
}

func (s *Store) insertOrg(ctx context.Context, q queryer, o *organisation.Organisation) error {
	_, err := q.ExecContext(ctx, `INSERT INTO organisations (id, name, short_name, kind, country, ror_id, size_class, park_id,
		fields, keywords, website, description, contact_email, pic, activity_type, source, sample, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, ''), $9, $10, $11, $12, $13, NULLIF($14, ''), $15, $16, $17, $18, $19)`,
		o.ID, o.Name, o.ShortName, o.Kind, o.Country, o.RORID, o.SizeClass, o.ParkID,
		jsonList(o.Fields), jsonList(o.Keywords), o.Website, o.Description, o.ContactEmail, o.PIC, o.ActivityType, o.Source,
		o.Sample, ts(o.CreatedAt), ts(o.UpdatedAt))
	if IsUniqueViolation(err) {
		return silkbridge.Invalid("pic", "field.duplicate", "another organisation already has this identifier", nil)
	}
	if err != nil {
		return fmt.Errorf("insert organisation: %w", err)
	}
	if err := setFields(ctx, q, "organisation", o.ID, o.Fields); err != nil {
		return err
	}
	return s.index(ctx, q, "organisation", o.ID, o.Name, o.ShortName, o.Description, strings.Join(o.Keywords, " "))
}

// UpdateOrganisation validates and saves the changes made by update to the
// stored organisation id.
func (s *Store) UpdateOrganisation(ctx context.Context, actor Actor, id string, update func(*organisation.Organisation)) (*organisation.Organisation, error) {
	ref, err := s.Reference(ctx)
	if err != nil {
		return nil, err
	}
	var after *organisation.Organisation
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.organisation(ctx, tx, id)
		if err != nil {
			return err
		}
		o := *before
		update(&o)
		o.ID, o.CreatedAt, o.PIC, o.Source = before.ID, before.CreatedAt, before.PIC, before.Source
		o.Normalise()
		if err := o.Validate(ref); err != nil {
			return err
		}
		if o.ParkID == o.ID {
			return silkbridge.Invalid("park_id", "field.park", "not a park on the platform", nil)
		}
		if err := s.checkPark(ctx, tx, o.ParkID); err != nil {
			return err
		}
		o.Verification = before.Verification
		if err := s.resetVerificationOnIdentityChange(ctx, tx, before, &o); err != nil {
			return err
		}
		o.UpdatedAt = now()
		_, err = tx.ExecContext(ctx, `UPDATE organisations SET name = $2, short_name = $3, kind = $4, country = $5, ror_id = $6,
			size_class = $7, park_id = NULLIF($8, ''), fields = $9, keywords = $10, website = $11, description = $12,
			contact_email = $13, activity_type = $14, updated_at = $15, unnamed = (unnamed AND name = $2) WHERE id = $1`,
			o.ID, o.Name, o.ShortName, o.Kind, o.Country, o.RORID, o.SizeClass, o.ParkID, jsonList(o.Fields), jsonList(o.Keywords),
			o.Website, o.Description, o.ContactEmail, o.ActivityType, ts(o.UpdatedAt))
		if err != nil {
			return fmt.Errorf("update organisation: %w", err)
		}
		if err := setFields(ctx, tx, "organisation", o.ID, o.Fields); err != nil {
			return err
		}
		if err := s.index(ctx, tx, "organisation", o.ID, o.Name, o.ShortName, o.Description, strings.Join(o.Keywords, " ")); err != nil {
			return err
		}
		after = &o
		return s.audit(ctx, tx, actor, "update", "organisation", o.ID, o.ID, before, o)
	})
	return after, err
}

// DeleteOrganisation removes an organisation. Records that need it (a
// cooperation it takes part in) keep it: the delete is then refused.
func (s *Store) DeleteOrganisation(ctx context.Context, actor Actor, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.organisation(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := dropInvitations(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM organisations WHERE id = $1`, id); err != nil {
			if IsForeignKeyViolation(err) {
				return silkbridge.Conflict("error.in_use", "other records refer to this organisation")
			}
			return fmt.Errorf("delete organisation: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM subject_fields WHERE kind = 'organisation' AND ref = $1`, id); err != nil {
			return err
		}
		if err := s.unindex(ctx, tx, "organisation", id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "delete", "organisation", id, id, before, nil)
	})
}

// ManagesOrganisation reports whether the user manages the organisation.
func (s *Store) ManagesOrganisation(ctx context.Context, userID, orgID string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_managers WHERE user_id = $1 AND org_id = $2`, userID, orgID).Scan(&n)
	return n > 0, err
}

// ManagedOrganisations returns the ids of the organisations a user manages.
func (s *Store) ManagedOrganisations(ctx context.Context, userID string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT org_id FROM org_managers WHERE user_id = $1 ORDER BY org_id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// AddManager makes a user a manager of an organisation.
func (s *Store) AddManager(ctx context.Context, actor Actor, orgID, userID string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO org_managers (org_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, orgID, userID); err != nil {
			if IsForeignKeyViolation(err) {
				return silkbridge.NotFound("organisation")
			}
			return fmt.Errorf("add manager: %w", err)
		}
		return s.audit(ctx, tx, actor, "add_manager", "organisation", orgID, orgID, nil, map[string]string{"user_id": userID})
	})
}

// OrganisationsByCountry counts organisations per country code.
func (s *Store) OrganisationsByCountry(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT country, COUNT(*) FROM organisations GROUP BY country`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}

// nameRankOrder orders the matches of a search by how the query meets one
// of their names in any script: the whole name, the start of a name, the
// start of a word in a name, then the rest; active records before
// inactive and withdrawn ones; then by name. It returns the clause and
// args with its parameters appended.
func nameRankOrder(query string, args []any) (string, []any) {
	q := nameNorm(query)
	like := strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q)
	out := append(append([]any{}, args...), q, like+"%", "% "+like+"%")
	n := len(out)
	eq, prefix, word := n-2, n-1, n
	names := func(cond string) string {
		return "EXISTS (SELECT 1 FROM org_names nm WHERE nm.org_id = o.id AND " + cond + ")"
	}
	return fmt.Sprintf(` ORDER BY CASE WHEN LOWER(o.name) = $%[1]d OR LOWER(o.short_name) = $%[1]d OR %[4]s THEN 0
		WHEN LOWER(o.name) LIKE $%[2]d ESCAPE '\' OR %[5]s THEN 1
		WHEN LOWER(o.name) LIKE $%[3]d ESCAPE '\' OR %[6]s THEN 2 ELSE 3 END,
		CASE WHEN o.ror_status IN ('inactive', 'withdrawn') THEN 1 ELSE 0 END, o.name, o.id`,
		eq, prefix, word,
		names(fmt.Sprintf("nm.norm = $%d", eq)),
		names(fmt.Sprintf(`nm.norm LIKE $%d ESCAPE '\'`, prefix)),
		names(fmt.Sprintf(`nm.norm LIKE $%d ESCAPE '\'`, word))), out
}
