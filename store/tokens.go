package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
)

// Token scopes.
const (
	ScopeRead  = "read"
	ScopeWrite = "write"
)

// APIToken is a personal token for machine access, as listed to its owner.
type APIToken struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Scope      string `json:"scope"`
	CreatedAt  string `json:"created_at"`
	LastUsedAt string `json:"last_used_at,omitempty"`
	RevokedAt  string `json:"revoked_at,omitempty"`
}

// CreateToken makes a new token for the user and returns its secret, which
// is shown once and stored only as a hash.
func (s *Store) CreateToken(ctx context.Context, actor Actor, userID, name, scope string) (string, *APIToken, error) {
	name = strings.TrimSpace(name)
	var p silkbridge.Problems
	if p.Required("name", name) {
		p.MaxLen("name", name, 100)
	}
	if scope != ScopeRead && scope != ScopeWrite {
		p.Add("scope", "field.scope", "choose read or write", map[string]any{"Value": scope})
	}
	if err := p.Err(); err != nil {
		return "", nil, err
	}
	secret, hash := account.NewToken()
	t := &APIToken{ID: silkbridge.NewID(), Name: name, Scope: scope, CreatedAt: ts(now())}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, scope, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			t.ID, userID, t.Name, hash, t.Scope, t.CreatedAt)
		if IsForeignKeyViolation(err) {
			return silkbridge.NotFound("user")
		}
		if err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		return s.audit(ctx, tx, actor, "create", "api_token", t.ID, "", nil, t)
	})
	if err != nil {
		return "", nil, err
	}
	return "sb_" + secret, t, nil
}

// TokenUser returns the user and scope of a live token.
func (s *Store) TokenUser(ctx context.Context, secret string) (*account.User, string, error) {
	if len(secret) < 4 || secret[:3] != "sb_" {
		return nil, "", silkbridge.NotFound("token")
	}
	var id, userID, scope, lastUsed string
	err := s.db.QueryRowContext(ctx, `SELECT id, user_id, scope, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at = ''`,
		account.HashToken(secret[3:])).Scan(&id, &userID, &scope, &lastUsed)
	if err != nil {
		return nil, "", notFound(err, "token")
	}
	u, err := s.User(ctx, userID)
	if err != nil {
		return nil, "", err
	}
	// As for sessions, a minute's precision spares a write on every call.
	if t := now(); t.Sub(parseTS(lastUsed)) > time.Minute {
		if _, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, id, ts(t)); err != nil {
			return nil, "", fmt.Errorf("token use: %w", err)
		}
	}
	return u, scope, nil
}

// Tokens lists a user's tokens, newest first.
func (s *Store) Tokens(ctx context.Context, userID string) ([]APIToken, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, scope, created_at, last_used_at, revoked_at FROM api_tokens
		WHERE user_id = $1 ORDER BY created_at DESC`, userID)
	if err != nil {
		return nil, err
	}
	var out []APIToken
	err = each(rows, func(r rowScanner) error {
		var t APIToken
		if err := r.Scan(&t.ID, &t.Name, &t.Scope, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt); err != nil {
			return err
		}
		out = append(out, t)
		return nil
	})
	return out, err
}

// RevokeToken ends a token of the user's; a revoked token stays listed.
func (s *Store) RevokeToken(ctx context.Context, actor Actor, userID, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		t := ts(now())
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at = ''`, id, userID, t)
		if err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		// Another user's token is "not found": its existence is not theirs to learn.
		if n, _ := res.RowsAffected(); n == 0 {
			return silkbridge.NotFound("token")
		}
		return s.audit(ctx, tx, actor, "revoke", "api_token", id, "", map[string]string{"revoked_at": ""}, map[string]string{"revoked_at": t})
	})
}
