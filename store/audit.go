package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/silkbridge/silkbridge"
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
	_, err = q.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor_id, action, kind, ref, org_id, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		silkbridge.NewID(), ts(now()), actor.UserID, action, kind, ref, orgID, b, a)
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", action, kind, err)
	}
	return nil
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID      string `json:"id"`
	At      string `json:"at"`
	ActorID string `json:"actor_id"`
	Actor   string `json:"actor"`
	Action  string `json:"action"`
	Kind    string `json:"kind"`
	Ref     string `json:"ref"`
	OrgID   string `json:"org_id,omitempty"`
	OrgName string `json:"org_name,omitempty"`
	Before  string `json:"before,omitempty"`
	After   string `json:"after,omitempty"`
}

// AuditFilter selects entries of the audit log.
type AuditFilter struct {
	// OrgIDs, when not nil, keeps only the entries of those organisations
	// (what an organisation's managers may see); an empty, non-nil list
	// keeps nothing.
	OrgIDs  []string
	ActorID string
	Kind    string
	Ref     string
	Action  string
	Page    int
	PerPage int
}

// AuditLog lists the newest entries; orgIDs, when not nil, keeps only the
// entries of those organisations (what an organisation manager may see).
func (s *Store) AuditLog(ctx context.Context, orgIDs []string, kind, ref string, limit int) ([]AuditEntry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	entries, _, err := s.auditEntries(ctx, AuditFilter{OrgIDs: orgIDs, Kind: kind, Ref: ref}, 1, limit, false)
	return entries, err
}

// AuditEntries lists one page of the entries that pass the filter, newest first.
func (s *Store) AuditEntries(ctx context.Context, f AuditFilter) ([]AuditEntry, Page, error) {
	page, per := normPage(f.Page, f.PerPage)
	return s.auditEntries(ctx, f, page, per, true)
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
		COALESCE(o.name, ''), a.before, a.after
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id LEFT JOIN organisations o ON o.id = a.org_id`+where+
		fmt.Sprintf(" ORDER BY a.at DESC, a.id DESC LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	if err != nil {
		return nil, p, fmt.Errorf("list audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.Actor, &e.Action, &e.Kind, &e.Ref, &e.OrgID, &e.OrgName, &e.Before, &e.After); err != nil {
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
