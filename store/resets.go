package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
)

// RequestPasswordReset makes a single-use secret with which the holder of
// email may set a new password within account.ResetTimeout. For an e-mail
// without an account it returns an empty secret, a nil user and no error,
// so that callers answer the same either way.
func (s *Store) RequestPasswordReset(ctx context.Context, email string) (string, *account.User, error) {
	u, err := s.UserByEmail(ctx, email)
	if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	secret, hash := account.NewToken()
	t := now()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		// Old unused links die with a new request, so at most one works.
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at = ''`, u.ID, ts(t)); err != nil {
			return fmt.Errorf("request password reset: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			hash, u.ID, ts(t), ts(t.Add(account.ResetTimeout))); err != nil {
			return fmt.Errorf("request password reset: %w", err)
		}
		return s.audit(ctx, tx, Actor{}, "request_password_reset", "user", u.ID, "", nil, nil)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, u, nil
}

// errResetInvalid is the one answer for a reset link that is unknown,
// used or expired.
func errResetInvalid() error {
	return silkbridge.Errorf(silkbridge.EINVALID, "account.reset.invalid", "this link is not valid: it was used already, has expired, or is incomplete")
}

// CheckPasswordReset reports whether secret is a reset link that can still
// be used, so the form is not shown for a dead link.
func (s *Store) CheckPasswordReset(ctx context.Context, secret string) error {
	var expires, used string
	err := s.db.QueryRowContext(ctx, `SELECT expires_at, used_at FROM password_resets WHERE token_hash = $1`, account.HashToken(secret)).Scan(&expires, &used)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (used != "" || !now().Before(parseTS(expires)))) {
		return errResetInvalid()
	}
	return err
}

// ResetPassword sets a new password with a reset secret, which is used up
// whether or not it had expired; every session of the user ends.
func (s *Store) ResetPassword(ctx context.Context, secret, password string) (*account.User, error) {
	// The holder's e-mail and name are read first, to refuse a password made
	// of them; whether the secret is still good is decided in the
	// transaction below.
	var hints []string
	var email, name string
	err := s.db.QueryRowContext(ctx, `SELECT u.email, u.name FROM password_resets r JOIN users u ON u.id = r.user_id
		WHERE r.token_hash = $1`, account.HashToken(secret)).Scan(&email, &name)
	switch {
	case err == nil:
		hints = []string{email, name}
	case err != sql.ErrNoRows:
		return nil, fmt.Errorf("reset password: %w", err)
	}
	hash, err := newPasswordHash("password", password, hints...)
	if err != nil {
		return nil, err
	}
	var userID string
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var expires, used string
		err := tx.QueryRowContext(ctx, `SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = $1`,
			account.HashToken(secret)).Scan(&userID, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (used != "" || !now().Before(parseTS(expires)))) {
			return errResetInvalid()
		}
		if err != nil {
			return fmt.Errorf("reset password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at = ''`, userID, ts(now())); err != nil {
			return fmt.Errorf("reset password: %w", err)
		}
		return s.setPassword(ctx, tx, Actor{UserID: userID}, userID, hash, "reset_password")
	})
	if err != nil {
		return nil, err
	}
	return s.User(ctx, userID)
}
