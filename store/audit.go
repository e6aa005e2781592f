package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
)

// Actor is who makes a change, as recorded in the audit log.
type Actor struct {
	UserID string
}

// audit records one change in the same transaction as the change itself,
// so a change without its audit entry cannot be committed.
func (s *Store) audit(ctx context.Context, q queryer, actor Actor, action, kind, ref, orgID string, before, after any) error {
	enc := func(v any) (string, error) {
		if v == nil {
			return "", nil
		}
		b, err := json.Marshal(v)
		return string(b), err
	}
	b, err := enc(before)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	a, err := enc(after)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	listing, err := auditListing(ctx, q, kind, ref)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor_id, action, kind, ref, org_id, before, after, listing_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		silkbridge.NewID(), ts(now()), actor.UserID, action, kind, ref, orgID, b, a, listing)
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", action, kind, err)
	}
	return nil
}

// auditListing returns the marketplace listing an entry about the record
// kind/ref concerns, or "": the listing itself, or the listing an interest
// answers.
func auditListing(ctx context.Context, q queryer, kind, ref string) (string, error) {
	switch kind {
	case "opportunity":
		return ref, nil
	case "interest":
		var id string
		err := q.QueryRowContext(ctx, `SELECT opportunity_id FROM interests WHERE id = $1`, ref).Scan(&id)
		if err != nil && err != sql.ErrNoRows {
			return "", fmt.Errorf("audit: listing of interest: %w", err)
		}
		return id, nil
	}
	return "", nil
}

// AuditEntry is one line of the audit log, as its reader may see it (see
// redactAudit): ActorHidden and OrgHidden say that the person who acted,
// or the organisation the entry belongs to, was withheld from them.
type AuditEntry struct {
	ID          string `json:"id"`
	At          string `json:"at"`
	ActorID     string `json:"actor_id"`
	Actor       string `json:"actor"`
	ActorHidden bool   `json:"actor_hidden,omitempty"`
	Action      string `json:"action"`
	Kind        string `json:"kind"`
	Ref         string `json:"ref"`
	OrgID       string `json:"org_id,omitempty"`
	OrgName     string `json:"org_name,omitempty"`
	OrgHidden   bool   `json:"org_hidden,omitempty"`
	Before      string `json:"before,omitempty"`
	After       string `json:"after,omitempty"`

	facts auditFacts
}

// AuditFilter selects entries of the audit log.
type AuditFilter struct {
	// OrgIDs, when not nil, keeps only the entries of those organisations
	// (what an organisation's managers may see); an empty, non-nil list
	// keeps nothing.
	OrgIDs []string
	// Viewer is who reads the entries: each is redacted for them (see
	// redactAudit). Nil is a visitor, from whom everything protected is
	// withheld.
	Viewer  *account.User
	ActorID string
	Kind    string
	Ref     string
	Action  string
	Page    int
	PerPage int
}

// AuditLog lists the newest entries, whole; orgIDs, when not nil, keeps
// only the entries of those organisations. It is the operator's view (the
// command line, tests): what a person reads goes through AuditEntries.
func (s *Store) AuditLog(ctx context.Context, orgIDs []string, kind, ref string, limit int) ([]AuditEntry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	entries, _, err := s.auditEntries(ctx, AuditFilter{OrgIDs: orgIDs, Kind: kind, Ref: ref}, 1, limit, false)
	return entries, err
}

// AuditEntries lists one page of the entries that pass the filter, newest
// first, each redacted for f.Viewer.
func (s *Store) AuditEntries(ctx context.Context, f AuditFilter) ([]AuditEntry, Page, error) {
	page, per := normPage(f.Page, f.PerPage)
	entries, p, err := s.auditEntries(ctx, f, page, per, true)
	if err != nil {
		return nil, p, err
	}
	if entries, err = s.redactAuditFor(ctx, f.Viewer, entries); err != nil {
		return nil, p, err
	}
	if f.ActorID == "" {
		return entries, p, nil
	}
	// An entry whose actor is withheld must not be found by its actor
	// either: the filter would tell who acted.
	out := entries[:0]
	for _, e := range entries {
		if e.ActorHidden {
			p.Total--
			continue
		}
		out = append(out, e)
	}
	return out, p, nil
}

func (s *Store) auditEntries(ctx context.Context, f AuditFilter, page, per int, count bool) ([]AuditEntry, Page, error) {
	p := Page{Number: page, PerPage: per}
	if f.OrgIDs != nil && len(f.OrgIDs) == 0 {
		return nil, p, nil
	}
	where := ` WHERE 1=1`
	var args []any
	if f.OrgIDs != nil {
		where += " AND a.org_id IN (" + placeholders(&args, f.OrgIDs) + ")"
	}
	for _, c := range []struct{ col, v string }{{"a.actor_id", f.ActorID}, {"a.kind", f.Kind}, {"a.ref", f.Ref}, {"a.action", f.Action}} {
		if c.v != "" {
			args = append(args, c.v)
			where += fmt.Sprintf(" AND %s = $%d", c.col, len(args))
		}
	}
	if count {
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log a`+where, args...).Scan(&p.Total); err != nil {
			return nil, p, fmt.Errorf("count audit log: %w", err)
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.at, a.actor_id, COALESCE(u.email, ''), a.action, a.kind, a.ref, a.org_id,
		COALESCE(o.name, ''), a.before, a.after, `+auditFactColumns+`
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id LEFT JOIN organisations o ON o.id = a.org_id`+auditFactJoins+where+
		fmt.Sprintf(" ORDER BY a.at DESC, a.id DESC LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	if err != nil {
		return nil, p, fmt.Errorf("list audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(append([]any{&e.ID, &e.At, &e.ActorID, &e.Actor, &e.Action, &e.Kind, &e.Ref, &e.OrgID, &e.OrgName,
			&e.Before, &e.After}, e.facts.dest()...)...); err != nil {
			return nil, p, err
		}
		out = append(out, e)
	}
	return out, p, rows.Err()
}

// placeholders appends values to args and returns "$n, $n+1, ...".
func placeholders[T any](args *[]any, values []T) string {
	var b []byte
	for i, v := range values {
		*args = append(*args, v)
		if i > 0 {
			b = append(b, ", "...)
		}
		b = fmt.Appendf(b, "$%d", len(*args))
	}
	return string(b)
}
