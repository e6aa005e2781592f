package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/silkbridge/silkbridge/account"
)

// UserFilter selects users in the admins' list.
type UserFilter struct {
	// Query matches a part of the e-mail or the name.
	Query         string
	Role          string
	Page, PerPage int
}

// Users lists accounts that pass the filter, by e-mail.
func (s *Store) Users(ctx context.Context, f UserFilter) ([]*account.User, Page, error) {
	var args []any
	var conds []string
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		args = append(args, "%"+likeEscaper.Replace(q)+"%")
		conds = append(conds, fmt.Sprintf(`(LOWER(u.email) LIKE $%d ESCAPE '\' OR LOWER(u.name) LIKE $%d ESCAPE '\')`, len(args), len(args)))
	}
	if f.Role != "" {
		args = append(args, f.Role)
		conds = append(conds, fmt.Sprintf("u.role = $%d", len(args)))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	page, per := normPage(f.Page, f.PerPage)
	p := Page{Number: page, PerPage: per}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u`+where, args...).Scan(&p.Total); err != nil {
		return nil, p, fmt.Errorf("count users: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users u`+where+
		fmt.Sprintf(" ORDER BY u.email LIMIT %d OFFSET %d", per, (page-1)*per), args...)
	if err != nil {
		return nil, p, fmt.Errorf("list users: %w", err)
	}
	out, err := collect(rows, func(r rowScanner) (*account.User, error) { return scanUser(r) })
	return out, p, err
}

// likeEscaper escapes the wildcards of LIKE, so a search for "50%" finds
// that text rather than everything starting with 50.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
