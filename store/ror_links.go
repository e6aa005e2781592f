package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/cooperation/h2020"
	"github.com/silkbridge/silkbridge/ror/link"
)

// Link states.
const (
	LinkLinked    = "linked"
	LinkCandidate = "candidate"
	LinkRejected  = "rejected"
)

// ClaimConfidence marks a link a manager asked for: an admin or agency
// officer decides it.
const ClaimConfidence = "claim"

// LinkRunResult counts what one matching run proposed.
type LinkRunResult struct {
	Considered int            `json:"considered"`
	ByLevel    map[string]int `json:"by_confidence"`
	Linked     int            `json:"linked"`
	Candidates int            `json:"candidates"`
	// Merged counts the directory entries made from a ROR record that
	// became one with the linked organisation.
	Merged int `json:"merged"`
}

// ProposeRORLinks matches the named organisations of the cooperation
// record that carry no ROR id (and were never proposed) against the
// active ROR records: high-confidence links are made at once, the others
// wait for review.
func (s *Store) ProposeRORLinks(ctx context.Context, actor Actor) (*LinkRunResult, error) {
	recs, err := s.linkableRecords(ctx)
	if err != nil {
		return nil, err
	}
	m := link.NewMatcher(recs)
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, short_name, country, city FROM organisations
		WHERE source = $1 AND NOT unnamed AND ror_id = '' AND id NOT IN (SELECT org_id FROM ror_links) ORDER BY id`, h2020.Source)
	if err != nil {
		return nil, fmt.Errorf("propose ror links: %w", err)
	}
	var orgs []link.Org
	err = each(rows, func(r rowScanner) error {
		var o link.Org
		if err := r.Scan(&o.ID, &o.Name, &o.ShortName, &o.Country, &o.City); err != nil {
			return err
		}
		orgs = append(orgs, o)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("propose ror links: %w", err)
	}
	res := &LinkRunResult{Considered: len(orgs), ByLevel: map[string]int{}}
	used := map[string]bool{}
	var props []link.Proposal
	for _, o := range orgs {
		p, ok := m.Match(o)
		if !ok {
			continue
		}
		// Two PICs of one university both name it: the first is linked,
		// the second waits for a reviewer.
		if p.Confidence == link.High && used[p.RORID] {
			p.Confidence, p.Evidence = link.Medium, p.Evidence+"; another organisation of the record was linked to it first"
		}
		if p.Confidence == link.High {
			used[p.RORID] = true
		}
		res.ByLevel[p.Confidence]++
		props = append(props, p)
	}
	stamp := ts(now())
	for start := 0; start < len(props); start += 500 {
		batch := props[start:min(start+500, len(props))]
		err := s.importTx(ctx, func(tx *sql.Tx) error {
			var touched []string
			for _, p := range batch {
				state := LinkCandidate
				if p.Confidence == link.High {
					state = LinkLinked
				}
				if state == LinkLinked {
					merged, err := s.attachROR(ctx, tx, p.OrgID, p.RORID)
					if errors.Is(err, errNotAttachable) {
						state = LinkCandidate
					} else if err != nil {
						return err
					}
					if merged != "" {
						res.Merged++
						touched = append(touched, merged)
					}
					touched = append(touched, p.OrgID)
				}
				if state == LinkLinked {
					res.Linked++
				} else {
					res.Candidates++
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO ror_links (org_id, ror_id, confidence, score, evidence, state, created_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id, ror_id) DO NOTHING`,
					p.OrgID, p.RORID, p.Confidence, p.Score, p.Evidence, state, stamp); err != nil {
					return fmt.Errorf("propose ror links: %w", err)
				}
			}
			return s.reindexOrgs(ctx, tx, touched)
		})
		if err != nil {
			return nil, err
		}
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		return s.audit(ctx, tx, actor, "propose_links", "ror_links", "", "", nil, res)
	})
	return res, err
}

// linkableRecords are the active ROR records still standing alone in the
// directory, with all their names.
func (s *Store) linkableRecords(ctx context.Context) ([]link.Record, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.ror_id, o.country, o.city, n.name, n.kind FROM ror_records r
		JOIN organisations o ON o.id = r.org_id JOIN org_names n ON n.org_id = r.org_id
		WHERE r.status = 'active' AND o.source = $1 AND n.kind IN `+rorNameKinds+` ORDER BY r.ror_id`, RORSource)
	if err != nil {
		return nil, fmt.Errorf("linkable ror records: %w", err)
	}
	var out []link.Record
	err = each(rows, func(r rowScanner) error {
		var id, country, city, name, kind string
		if err := r.Scan(&id, &country, &city, &name, &kind); err != nil {
			return err
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, link.Record{ID: id, Country: country, City: city})
		}
		rec := &out[len(out)-1]
		if kind == "acronym" {
			rec.Acronyms = append(rec.Acronyms, name)
		} else {
			rec.Names = append(rec.Names, name)
		}
		return nil
	})
	return out, err
}

var errNotAttachable = errors.New("the ROR record cannot be attached")

// attachROR makes orgID carry the ROR record: it takes the record's
// location, names and relationships, and the directory entry the import
// made from the record is removed so the directory lists the
// organisation once. An entry that someone manages or that other records
// name stays. It returns the id of the removed entry, if any.
func (s *Store) attachROR(ctx context.Context, tx *sql.Tx, orgID, rorID string) (string, error) {
	var rorOrg, status, source string
	err := tx.QueryRowContext(ctx, `SELECT r.org_id, r.status, o.source FROM ror_records r JOIN organisations o ON o.id = r.org_id
		WHERE r.ror_id = $1`, rorID).Scan(&rorOrg, &status, &source)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errNotAttachable
	}
	if err != nil {
		return "", fmt.Errorf("attach ror %s: %w", rorID, err)
	}
	if status != "active" || rorOrg == orgID {
		return "", errNotAttachable
	}
	if source != RORSource {
		// Another organisation already carries it.
		return "", errNotAttachable
	}
	if _, err := tx.ExecContext(ctx, `UPDATE organisations SET ror_id = $2, ror_status = src.ror_status,
		city = CASE WHEN organisations.city = '' THEN src.city ELSE organisations.city END,
		lat = COALESCE(organisations.lat, src.lat), lng = COALESCE(organisations.lng, src.lng),
		established = CASE WHEN organisations.established = 0 THEN src.established ELSE organisations.established END,
		website = CASE WHEN organisations.website = '' THEN src.website ELSE organisations.website END, updated_at = $4
		FROM (SELECT ror_status, city, lat, lng, established, website FROM organisations WHERE id = $3) AS src
		WHERE organisations.id = $1`, orgID, rorID, rorOrg, ts(now())); err != nil {
		return "", fmt.Errorf("attach ror %s: %w", rorID, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE org_names SET org_id = $1 WHERE org_id = $2 AND kind IN `+rorNameKinds, orgID, rorOrg); err != nil {
		return "", fmt.Errorf("attach ror %s: names: %w", rorID, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE ror_records SET org_id = $1 WHERE ror_id = $2`, orgID, rorID); err != nil {
		return "", fmt.Errorf("attach ror %s: %w", rorID, err)
	}
	var managers int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_managers WHERE org_id = $1`, rorOrg).Scan(&managers); err != nil {
		return "", err
	}
	if managers > 0 {
		return "", nil
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT merge_ror`); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM organisations WHERE id = $1 AND source = $2`, rorOrg, RORSource); err != nil {
		if !IsForeignKeyViolation(err) {
			return "", fmt.Errorf("attach ror %s: %w", rorID, err)
		}
		_, err = tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT merge_ror`)
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT merge_ror`); err != nil {
		return "", err
	}
	return rorOrg, nil
}

// reindexOrgs rewrites the search documents of ids (those that still
// exist) in one pass over the index.
func (s *Store) reindexOrgs(ctx context.Context, tx *sql.Tx, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	ps := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ps[i], args[i] = s.bulkParam(i+1), id
	}
	if err := s.unindexImportedTx(ctx, tx, "organisation", strings.Join(ps, ", "), args...); err != nil {
		return err
	}
	for _, id := range ids {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations WHERE id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			continue
		}
		if err := s.indexOrgNames(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// RORLink is a proposed, made or refused link, as a reviewer sees it.
type RORLink struct {
	OrgID       string  `json:"org_id"`
	OrgName     string  `json:"org_name"`
	OrgCountry  string  `json:"org_country"`
	RORID       string  `json:"ror_id"`
	RORName     string  `json:"ror_name"`
	RORCity     string  `json:"ror_city"`
	RORCountry  string  `json:"ror_country"`
	Confidence  string  `json:"confidence"`
	Score       float64 `json:"score"`
	Evidence    string  `json:"evidence"`
	State       string  `json:"state"`
	DecidedAt   string  `json:"decided_at,omitempty"`
	DecidedByID string  `json:"-"`
}

// RORLinks lists links in a state; orgIDs, when not nil, keeps those of
// these organisations (a manager's own).
func (s *Store) RORLinks(ctx context.Context, state string, orgIDs []string, page, per int) ([]RORLink, Page, error) {
	page, per = normPage(page, per)
	p := Page{Number: page, PerPage: per}
	args := []any{state}
	where := ` WHERE l.state = $1`
	if orgIDs != nil {
		if len(orgIDs) == 0 {
			return nil, p, nil
		}
		ps := make([]string, len(orgIDs))
		for i, id := range orgIDs {
			args = append(args, id)
			ps[i] = fmt.Sprintf("$%d", len(args))
		}
		where += ` AND l.org_id IN (` + strings.Join(ps, ", ") + `)`
	}
	from := ` FROM ror_links l JOIN organisations o ON o.id = l.org_id
		LEFT JOIN ror_records r ON r.ror_id = l.ror_id LEFT JOIN organisations ro ON ro.id = r.org_id` + where
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*)`+from, args...).Scan(&p.Total); err != nil {
		return nil, p, fmt.Errorf("ror links: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT l.org_id, o.name, o.country, l.ror_id,
		COALESCE((SELECT n.name FROM org_names n WHERE n.org_id = r.org_id AND n.kind = 'ror_display' LIMIT 1), ''),
		COALESCE(ro.city, ''), COALESCE(ro.country, ''), l.confidence, l.score, l.evidence, l.state, l.decided_at`+from+
		fmt.Sprintf(` ORDER BY CASE l.confidence WHEN 'claim' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, l.score DESC, o.name, l.org_id LIMIT %d OFFSET %d`, per, (page-1)*per), args...)
	if err != nil {
		return nil, p, fmt.Errorf("ror links: %w", err)
	}
	var out []RORLink
	err = each(rows, func(r rowScanner) error {
		var l RORLink
		if err := r.Scan(&l.OrgID, &l.OrgName, &l.OrgCountry, &l.RORID, &l.RORName, &l.RORCity, &l.RORCountry,
			&l.Confidence, &l.Score, &l.Evidence, &l.State, &l.DecidedAt); err != nil {
			return err
		}
		out = append(out, l)
		return nil
	})
	return out, p, err
}

// RORLinkOf returns one link.
func (s *Store) RORLinkOf(ctx context.Context, orgID, rorID string) (*RORLink, error) {
	var l RORLink
	err := s.db.QueryRowContext(ctx, `SELECT org_id, ror_id, confidence, state FROM ror_links WHERE org_id = $1 AND ror_id = $2`, orgID, rorID).
		Scan(&l.OrgID, &l.RORID, &l.Confidence, &l.State)
	return &l, notFound(err, "ror_link")
}

// DecideRORLink confirms or rejects a waiting link. A confirmed link
// attaches the record, which must still be active and carried by no other
// organisation.
func (s *Store) DecideRORLink(ctx context.Context, actor Actor, orgID, rorID string, confirm bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var state string
		err := tx.QueryRowContext(ctx, `SELECT state FROM ror_links WHERE org_id = $1 AND ror_id = $2`, orgID, rorID).Scan(&state)
		if err != nil {
			return notFound(err, "ror_link")
		}
		if state != LinkCandidate {
			return silkbridge.Conflict("ror.error.decided", "this link was already decided")
		}
		next := LinkRejected
		var touched []string
		if confirm {
			next = LinkLinked
			var carried string
			if err := tx.QueryRowContext(ctx, `SELECT ror_id FROM organisations WHERE id = $1`, orgID).Scan(&carried); err != nil {
				return err
			}
			if carried != "" {
				return silkbridge.Conflict("ror.error.has_ror", "the organisation already carries a ROR record")
			}
			merged, err := s.attachROR(ctx, tx, orgID, rorID)
			if errors.Is(err, errNotAttachable) {
				return silkbridge.Conflict("ror.error.not_linkable", "the ROR record is withdrawn, inactive or carried by another organisation")
			}
			if err != nil {
				return err
			}
			touched = append(touched, orgID)
			if merged != "" {
				touched = append(touched, merged)
			}
		}
		var by any
		if actor.UserID != "" {
			by = actor.UserID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ror_links SET state = $3, decided_by = $4, decided_at = $5 WHERE org_id = $1 AND ror_id = $2`,
			orgID, rorID, next, by, ts(now())); err != nil {
			return fmt.Errorf("decide ror link: %w", err)
		}
		if err := s.reindexOrgs(ctx, tx, touched); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, next, "ror_link", orgID+" "+rorID, orgID, map[string]string{"state": state}, map[string]string{"state": next})
	})
}

// ClaimROR records a manager's claim that their organisation is the ROR
// record rorID; an admin or agency officer decides it.
func (s *Store) ClaimROR(ctx context.Context, actor Actor, orgID, rorID string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var status, carrier, carrierSource, carried string
		err := tx.QueryRowContext(ctx, `SELECT r.status, r.org_id, o.source FROM ror_records r JOIN organisations o ON o.id = r.org_id
			WHERE r.ror_id = $1`, rorID).Scan(&status, &carrier, &carrierSource)
		if errors.Is(err, sql.ErrNoRows) {
			return silkbridge.Invalid("ror_id", "ror.error.unknown", "no ROR record with this id in the directory", nil)
		}
		if err != nil {
			return err
		}
		if status != "active" {
			return silkbridge.Invalid("ror_id", "ror.error.not_active", "this ROR record is inactive or withdrawn: it cannot be linked", nil)
		}
		if carrierSource != RORSource || carrier == orgID {
			return silkbridge.Invalid("ror_id", "ror.error.carried", "another organisation already carries this ROR record", nil)
		}
		if err := tx.QueryRowContext(ctx, `SELECT ror_id FROM organisations WHERE id = $1`, orgID).Scan(&carried); err != nil {
			return notFound(err, "organisation")
		}
		if carried != "" {
			return silkbridge.Conflict("ror.error.has_ror", "the organisation already carries a ROR record")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ror_links (org_id, ror_id, confidence, score, evidence, state, created_at)
			VALUES ($1, $2, $3, 0, 'claimed by a manager of the organisation', 'candidate', $4)
			ON CONFLICT (org_id, ror_id) DO UPDATE SET confidence = excluded.confidence, evidence = excluded.evidence,
			state = 'candidate', decided_by = NULL, decided_at = ''`, orgID, rorID, ClaimConfidence, ts(now())); err != nil {
			return fmt.Errorf("claim ror: %w", err)
		}
		return s.audit(ctx, tx, actor, "claim", "ror_link", orgID+" "+rorID, orgID, nil, map[string]string{"ror_id": rorID})
	})
}

// ProposeRORLink records one proposal for review, as the matcher does for
// links below high confidence.
func (s *Store) ProposeRORLink(ctx context.Context, actor Actor, p link.Proposal) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ror_links (org_id, ror_id, confidence, score, evidence, state, created_at)
			VALUES ($1, $2, $3, $4, $5, 'candidate', $6) ON CONFLICT (org_id, ror_id) DO NOTHING`,
			p.OrgID, p.RORID, p.Confidence, p.Score, p.Evidence, ts(now())); err != nil {
			if IsForeignKeyViolation(err) {
				return silkbridge.NotFound("organisation")
			}
			return fmt.Errorf("propose ror link: %w", err)
		}
		return s.audit(ctx, tx, actor, "propose", "ror_link", p.OrgID+" "+p.RORID, p.OrgID, nil, p)
	})
}
