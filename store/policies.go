package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/eligible"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/policy"
)

const policyColumns = `p.id, p.issuer_id, p.jurisdiction, p.country, p.region, COALESCE(p.park_id, ''), p.kind, p.benefit,
	p.valid_from, p.valid_until, p.texts, p.links, p.rule, p.sample, p.created_at, p.updated_at`

func scanPolicy(row interface{ Scan(...any) error }) (*policy.Policy, error) {
	var p policy.Policy
	var texts, links, created, updated string
	if err := row.Scan(&p.ID, &p.IssuerID, &p.Jurisdiction, &p.Country, &p.Region, &p.ParkID, &p.Kind, &p.Benefit,
		&p.ValidFrom, &p.ValidUntil, &texts, &links, &p.Rule, &p.Sample, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(texts), &p.Texts); err != nil {
		return nil, fmt.Errorf("policy %s: texts: %w", p.ID, err)
	}
	p.Links = parseList(links)
	p.CreatedAt, p.UpdatedAt = parseTS(created), parseTS(updated)
	return &p, nil
}

// Policy returns one policy.
func (s *Store) Policy(ctx context.Context, id string) (*policy.Policy, error) {
	return s.policy(ctx, s.db, id)
}

func (s *Store) policy(ctx context.Context, q queryer, id string) (*policy.Policy, error) {
	p, err := scanPolicy(q.QueryRowContext(ctx, `SELECT `+policyColumns+` FROM policies p WHERE p.id = $1`, id))
	return p, notFound(err, "policy")
}

// Policies lists the policies that pass the filter, the most recently
// changed first.
func (s *Store) Policies(ctx context.Context, f policy.Filter) ([]*policy.Policy, Page, error) {
	var args []any
	var conds []string
	if f.Query != "" {
		c, ok := s.searchCond("p.id", "policy", f.Query, &args)
		if !ok {
			c = "1 = 0"
		}
		conds = append(conds, c)
	}
	for _, c := range []struct{ col, v string }{{"p.kind", f.Kind}, {"p.issuer_id", f.IssuerID}, {"p.country", f.Country}} {
		if c.v != "" {
			args = append(args, c.v)
			conds = append(conds, fmt.Sprintf("%s = $%d", c.col, len(args)))
		}
	}
	if f.OpenOn != "" {
		args = append(args, f.OpenOn)
		n := len(args)
		conds = append(conds, fmt.Sprintf("p.valid_from <= $%d AND (p.valid_until = '' OR p.valid_until >= $%d)", n, n))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	page, per := normPage(f.Page, f.PerPage)
	pg := Page{Number: page, PerPage: per}
	if err := s.countCached(ctx, &pg.Total, `SELECT COUNT(*) FROM policies p`+where, args...); err != nil {
		return nil, pg, fmt.Errorf("count policies: %w", err)
	}
	out, err := s.queryPolicies(ctx, `SELECT `+policyColumns+` FROM policies p`+where+
		fmt.Sprintf(" ORDER BY p.updated_at DESC, p.id LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	return out, pg, err
}

// OpenPolicies returns every policy valid on the date, for the checker.
func (s *Store) OpenPolicies(ctx context.Context, date string) ([]*policy.Policy, error) {
	return s.queryPolicies(ctx, `SELECT `+policyColumns+` FROM policies p
		WHERE p.valid_from <= $1 AND (p.valid_until = '' OR p.valid_until >= $1) ORDER BY p.updated_at DESC, p.id`, date)
}

// PolicyFeed returns the n most recently created or changed policies, for
// the Atom feed.
func (s *Store) PolicyFeed(ctx context.Context, n int) ([]*policy.Policy, error) {
	return s.queryPolicies(ctx, `SELECT `+policyColumns+` FROM policies p ORDER BY p.updated_at DESC, p.id LIMIT $1`, n)
}

func (s *Store) queryPolicies(ctx context.Context, query string, args ...any) ([]*policy.Policy, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list policies: %w", err)
	}
	defer rows.Close()
	var out []*policy.Policy
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// parkSet returns the ids of the organisations of kind park.
func (s *Store) parkSet(ctx context.Context, q queryer) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM organisations WHERE kind = $1`, organisation.Park)
	if err != nil {
		return nil, fmt.Errorf("parks: %w", err)
	}
	defer rows.Close()
	set := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		set[id] = true
	}
	return set, rows.Err()
}

// checkPolicy validates a policy against the reference data, the parks and
// its issuer (a government agency or a park), and sets the country of a
// park jurisdiction to the park's.
func (s *Store) checkPolicy(ctx context.Context, q queryer, p *policy.Policy) error {
	ref, err := s.Reference(ctx)
	if err != nil {
		return err
	}
	parks, err := s.parkSet(ctx, q)
	if err != nil {
		return err
	}
	p.Normalise()
	if p.Jurisdiction == policy.JurisdictionPark && parks[p.ParkID] {
		park, err := s.organisation(ctx, q, p.ParkID)
		if err != nil {
			return err
		}
		p.Country = park.Country
	}
	verr := p.Validate(ref, func(id string) bool { return parks[id] })
	issuer, err := s.organisation(ctx, q, p.IssuerID)
	if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND || (err == nil && issuer.Kind != organisation.GovernmentAgency && issuer.Kind != organisation.Park) {
		var pr silkbridge.Problems
		pr.Add("issuer_id", "policy.error.issuer", "the issuer must be a government agency or a park on the platform", nil)
		return pr.Merge(verr)
	}
	if err != nil {
		return err
	}
	if verr != nil && (pfield(verr, "jurisdiction") || pfield(verr, "park_id")) {
		return verr // the issuer rule needs a readable jurisdiction and park
	}
	var pr silkbridge.Problems
	if err := pr.Merge(p.CheckIssuer(issuer)); err != nil && silkbridge.ErrorCode(err) != silkbridge.EINVALID {
		return err
	}
	return pr.Merge(verr)
}

// pfield reports whether a validation error names the field.
func pfield(err error, field string) bool {
	e, ok := errors.AsType[*silkbridge.Error](err)
	if !ok {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// IssuerCheck decides whether the actor may publish for an issuer (role
// and ownership); the store calls it in the transaction that writes.
type IssuerCheck func(issuer *organisation.Organisation) error

// allowIssuer loads the issuer and asks allowed; an issuer that does not
// exist is left to validation.
func (s *Store) allowIssuer(ctx context.Context, q queryer, issuerID string, allowed IssuerCheck) error {
	o, err := s.organisation(ctx, q, issuerID)
	if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	return allowed(o)
}

// CreatePolicy validates and stores a new policy for an issuer allowed
// accepts.
func (s *Store) CreatePolicy(ctx context.Context, actor Actor, p *policy.Policy, allowed IssuerCheck) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.allowIssuer(ctx, tx, p.IssuerID, allowed); err != nil {
			return err
		}
		if err := s.checkPolicy(ctx, tx, p); err != nil {
			return err
		}
		p.ID = silkbridge.NewID()
		p.CreatedAt, p.UpdatedAt = now(), now()
		texts, _ := json.Marshal(p.Texts)
		_, err := tx.ExecContext(ctx, `INSERT INTO policies (id, issuer_id, jurisdiction, country, region, park_id, kind, benefit,
			valid_from, valid_until, texts, links, rule, sample, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			p.ID, p.IssuerID, p.Jurisdiction, p.Country, p.Region, p.ParkID, p.Kind, p.Benefit, p.ValidFrom, p.ValidUntil,
			string(texts), jsonList(p.Links), p.Rule, p.Sample, ts(p.CreatedAt), ts(p.UpdatedAt))
		if err != nil {
			return fmt.Errorf("insert policy: %w", err)
		}
		if err := s.indexPolicy(ctx, tx, p); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "create", "policy", p.ID, p.IssuerID, nil, p)
	})
}

func (s *Store) indexPolicy(ctx context.Context, q queryer, p *policy.Policy) error {
	texts := []string{p.Benefit, p.Region}
	for _, t := range p.Texts {
		texts = append(texts, t.Title, t.Summary, t.Body)
	}
	return s.index(ctx, q, "policy", p.ID, texts...)
}

// UpdatePolicy validates and saves the changes update makes to the stored
// policy id. allowed sees the stored policy's issuer first and may refuse
// the change (role and ownership), so the check and the write share one
// transaction; it sees the new issuer too, when the change moves it.
func (s *Store) UpdatePolicy(ctx context.Context, actor Actor, id string, allowed IssuerCheck, update func(*policy.Policy)) (*policy.Policy, error) {
	var after *policy.Policy
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.policy(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.allowIssuer(ctx, tx, before.IssuerID, allowed); err != nil {
			return err
		}
		p := *before
		update(&p)
		p.ID, p.CreatedAt, p.Sample = before.ID, before.CreatedAt, before.Sample
		if err := s.checkPolicy(ctx, tx, &p); err != nil {
			return err
		}
		if err := s.allowIssuer(ctx, tx, p.IssuerID, allowed); err != nil { // no moving a policy to an issuer one may not speak for
			return err
		}
		p.UpdatedAt = now()
		texts, _ := json.Marshal(p.Texts)
		_, err = tx.ExecContext(ctx, `UPDATE policies SET issuer_id = $2, jurisdiction = $3, country = $4, region = $5,
			park_id = NULLIF($6, ''), kind = $7, benefit = $8, valid_from = $9, valid_until = $10, texts = $11, links = $12,
			rule = $13, updated_at = $14 WHERE id = $1`,
			p.ID, p.IssuerID, p.Jurisdiction, p.Country, p.Region, p.ParkID, p.Kind, p.Benefit, p.ValidFrom, p.ValidUntil,
			string(texts), jsonList(p.Links), p.Rule, ts(p.UpdatedAt))
		if err != nil {
			return fmt.Errorf("update policy: %w", err)
		}
		if err := s.indexPolicy(ctx, tx, &p); err != nil {
			return err
		}
		after = &p
		return s.audit(ctx, tx, actor, "update", "policy", p.ID, p.IssuerID, before, p)
	})
	return after, err
}

// DeletePolicy removes a policy once allowed accepts it.
func (s *Store) DeletePolicy(ctx context.Context, actor Actor, id string, allowed IssuerCheck) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.policy(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.allowIssuer(ctx, tx, before.IssuerID, allowed); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM policies WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete policy: %w", err)
		}
		if err := s.unindex(ctx, tx, "policy", id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "delete", "policy", id, before.IssuerID, before, nil)
	})
}

// CountSamplePolicies counts the sample policies, so demo loading runs once.
func (s *Store) CountSamplePolicies(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM policies WHERE sample`).Scan(&n)
	return n, err
}

// EligibilityFacts gathers what the platform knows of an applicant for the
// eligibility checker: the user's talent profile as the person (nil userID:
// no person) and the organisation orgID (empty: none). A person without a
// profile is a person whose facts are all unknown, so the answer tells them
// what to fill in. Facts the platform keeps as records (park memberships,
// cooperations, achievements) are known, possibly empty; facts people type
// (size class, fields, career stage) are unknown while left blank.
func (s *Store) EligibilityFacts(ctx context.Context, userID, orgID string, today time.Time) (eligible.Facts, error) {
	var f eligible.Facts
	ref, err := s.Reference(ctx)
	if err != nil {
		return f, err
	}
	bri := func(code string) *bool {
		c, ok := ref.Country(code)
		if !ok {
			return nil
		}
		b := c.BRIPartner
		return &b
	}
	if userID != "" {
		f.Person = &eligible.Person{}
		p, err := s.TalentOfUser(ctx, userID)
		switch {
		case err == nil:
			// A profile's country is the talent's nationality and, lacking a
			// separate residence, their country too.
			f.Person.Country, f.Person.BRIPartner = p.Country, bri(p.Country)
			f.Person.CareerStage = p.CareerStage
			f.Person.Fields, f.Person.FieldsKnown = p.Fields, len(p.Fields) > 0
			if p.Country != "" {
				f.Person.Nationalities, f.Person.NationalitiesKnown = []string{p.Country}, true
			}
		case silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND:
			return f, err
		}
	}
	if orgID == "" {
		return f, nil
	}
	o, err := s.Organisation(ctx, orgID)
	if err != nil {
		return f, err
	}
	org := &eligible.Organisation{Kind: o.Kind, Country: o.Country, BRIPartner: bri(o.Country), SizeClass: o.SizeClass,
		Fields: o.Fields, FieldsKnown: len(o.Fields) > 0}
	org.Parks, err = s.parksOf(ctx, o, today)
	if err != nil {
		return f, err
	}
	org.ParksKnown = true
	coops, err := s.CooperationsOfOrganisation(ctx, orgID)
	if err != nil {
		return f, err
	}
	day := today.Format(policy.DateLayout)
	for _, c := range coops {
		org.Cooperations = append(org.Cooperations, eligible.Cooperation{Stage: c.Stage, Active: c.EndDate == "" || c.EndDate >= day})
	}
	org.CooperationsKnown = true
	org.AchievementTRLs, err = s.achievementTRLs(ctx, orgID)
	if err != nil {
		return f, err
	}
	org.AchievementsKnown = true
	f.Organisation = org
	return f, nil
}

// parksOf returns the parks an organisation belongs to on the day: its
// parent park, and the parks whose member list holds it then.
func (s *Store) parksOf(ctx context.Context, o *organisation.Organisation, today time.Time) ([]string, error) {
	parks := []string{}
	if o.ParkID != "" {
		parks = append(parks, o.ParkID)
	}
	day := today.Format(policy.DateLayout)
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT park_id FROM park_members
		WHERE org_id = $1 AND joined_on <= $2 AND (left_on = '' OR left_on > $2) ORDER BY park_id`, o.ID, day)
	if err != nil {
		return nil, fmt.Errorf("parks of organisation: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if id != o.ParkID {
			parks = append(parks, id)
		}
	}
	return parks, rows.Err()
}

// achievementTRLs returns the TRL of each achievement an organisation owns.
func (s *Store) achievementTRLs(ctx context.Context, orgID string) ([]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT trl FROM achievements WHERE owner_id = $1 ORDER BY trl DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("achievement TRLs: %w", err)
	}
	defer rows.Close()
	trls := []int{}
	for rows.Next() {
		var t int
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		trls = append(trls, t)
	}
	return trls, rows.Err()
}
