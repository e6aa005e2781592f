package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
)

const userColumns = `u.id, u.email, u.name, u.role, u.created_at`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (*account.User, error) {
	var u account.User
	var created string
	if err := row.Scan(append([]any{&u.ID, &u.Email, &u.Name, &u.Role, &created}, extra...)...); err != nil {
		return nil, err
	}
	u.CreatedAt = parseTS(created)
	return &u, nil
}

// CreateUser stores a new account with the given role.
func (s *Store) CreateUser(ctx context.Context, actor Actor, f account.SignUp, role string) (*account.User, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if !contains(account.Roles, role) {
		return nil, silkbridge.Invalid("role", "field.choice", "not one of the choices", map[string]any{"Value": role})
	}
	hash, err := account.HashPassword(f.Password)
	if err != nil {
		return nil, err
	}
	u := &account.User{ID: silkbridge.NewID(), Email: f.Email, Name: f.Name, Role: role, CreatedAt: now()}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6)`, u.ID, u.Email, u.Name, hash, u.Role, ts(u.CreatedAt))
		if IsUniqueViolation(err) {
			return silkbridge.Invalid("email", "field.email_taken", "an account with this e-mail already exists", nil)
		}
		if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		if actor.UserID == "" {
			actor.UserID = u.ID
		}
		return s.audit(ctx, tx, actor, "create", "user", u.ID, "", nil, u)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Authenticate returns the user with email and password. It answers the
// same error, in the same time, for an unknown e-mail and a wrong password.
func (s *Store) Authenticate(ctx context.Context, email, password string) (*account.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var hash string
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE u.email = $1`, email), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		account.SpendPasswordTime(password)
		return nil, errBadCredentials()
	}
	if err != nil {
		return nil, err
	}
	if !account.CheckPasswordHash(hash, password) {
		return nil, errBadCredentials()
	}
	return s.withOrgs(ctx, u)
}

func errBadCredentials() error {
	return silkbridge.Errorf(silkbridge.EUNAUTHORIZED, "error.bad_credentials", "the e-mail or the password is wrong")
}

// User returns one user with the organisations they manage.
func (s *Store) User(ctx context.Context, id string) (*account.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id))
	if err != nil {
		return nil, notFound(err, "user")
	}
	return s.withOrgs(ctx, u)
}

// UserByEmail returns the user with that e-mail.
func (s *Store) UserByEmail(ctx context.Context, email string) (*account.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.email = $1`, strings.ToLower(strings.TrimSpace(email))))
	if err != nil {
		return nil, notFound(err, "user")
	}
	return s.withOrgs(ctx, u)
}

func (s *Store) withOrgs(ctx context.Context, u *account.User) (*account.User, error) {
	orgs, err := s.ManagedOrganisations(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	u.Orgs = orgs
	return u, nil
}

// SetRole changes a user's role.
func (s *Store) SetRole(ctx context.Context, actor Actor, userID, role string) error {
	if !contains(account.Roles, role) {
		return silkbridge.Invalid("role", "field.choice", "not one of the choices", map[string]any{"Value": role})
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var before string
		if err := tx.QueryRowContext(ctx, `SELECT role FROM users WHERE id = $1`, userID).Scan(&before); err != nil {
			return notFound(err, "user")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = $2, updated_at = $3 WHERE id = $1`, userID, role, ts(now())); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "set_role", "user", userID, "", map[string]string{"role": before}, map[string]string{"role": role})
	})
}

// SetPassword replaces a user's password and ends all their sessions.
func (s *Store) SetPassword(ctx context.Context, actor Actor, userID, password string) error {
	hints, err := s.passwordHints(ctx, userID)
	if err != nil {
		return err
	}
	hash, err := newPasswordHash("new_password", password, hints...)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.setPassword(ctx, tx, actor, userID, hash, "set_password")
	})
}

// ChangePassword replaces a user's password when current is their present
// one, and ends all their sessions (the caller starts a new one for the
// browser that made the change).
func (s *Store) ChangePassword(ctx context.Context, actor Actor, userID, current, password string) error {
	var stored, email, name string
	if err := s.db.QueryRowContext(ctx, `SELECT password_hash, email, name FROM users WHERE id = $1`, userID).Scan(&stored, &email, &name); err != nil {
		return notFound(err, "user")
	}
	var p silkbridge.Problems
	if !account.CheckPasswordHash(stored, current) {
		p.Add("current_password", "account.password.wrong", "this is not your current password", nil)
	} else if current == password {
		p.Add("new_password", "account.password.same", "choose a password different from the current one", nil)
	}
	account.CheckNewPassword(&p, "new_password", password, email, name)
	if err := p.Err(); err != nil {
		return err
	}
	hash, err := account.HashPassword(password)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.setPassword(ctx, tx, actor, userID, hash, "change_password")
	})
}

// CheckUserPassword reports whether password is the user's present
// password, for confirming grave actions such as deleting the account.
func (s *Store) CheckUserPassword(ctx context.Context, userID, password string) (bool, error) {
	var stored string
	if err := s.db.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, userID).Scan(&stored); err != nil {
		return false, notFound(err, "user")
	}
	return account.CheckPasswordHash(stored, password), nil
}

// newPasswordHash checks a new password (problems name field) against the
// user's own words and hashes it.
func newPasswordHash(field, password string, hints ...string) (string, error) {
	var p silkbridge.Problems
	account.CheckNewPassword(&p, field, password, hints...)
	if err := p.Err(); err != nil {
		return "", err
	}
	return account.HashPassword(password)
}

// passwordHints returns the user's e-mail and name, which a new password
// must not be built from.
func (s *Store) passwordHints(ctx context.Context, userID string) ([]string, error) {
	var email, name string
	if err := s.db.QueryRowContext(ctx, `SELECT email, name FROM users WHERE id = $1`, userID).Scan(&email, &name); err != nil {
		return nil, notFound(err, "user")
	}
	return []string{email, name}, nil
}

// setPassword stores a new password hash and ends every session of the
// user, so that a stolen session does not outlive a password change.
func (s *Store) setPassword(ctx context.Context, tx *sql.Tx, actor Actor, userID, hash, action string) error {
	res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, userID, hash, ts(now()))
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return silkbridge.NotFound("user")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("set password: end sessions: %w", err)
	}
	// The values themselves are never recorded, not even hashed.
	return s.audit(ctx, tx, actor, action, "user", userID, "", nil, nil)
}

// CreateSession starts a session for the user and returns its secret,
// which only the user's cookie holds; the database keeps its hash.
func (s *Store) CreateSession(ctx context.Context, userID string) (string, error) {
	secret, hash := account.NewToken()
	t := now()
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $3, $4)`, hash, userID, ts(t), ts(t.Add(account.AbsoluteTimeout)))
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return secret, nil
}

// SessionUser returns the user of a live session. Sessions idle for longer
// than account.IdleTimeout or older than their absolute expiry are ended.
func (s *Store) SessionUser(ctx context.Context, secret string) (*account.User, error) {
	hash := account.HashToken(secret)
	var userID, lastSeen, expires string
	err := s.db.QueryRowContext(ctx, `SELECT user_id, last_seen_at, expires_at FROM sessions WHERE id_hash = $1`, hash).
		Scan(&userID, &lastSeen, &expires)
	if err != nil {
		return nil, notFound(err, "session")
	}
	t := now()
	if t.After(parseTS(expires)) || t.Sub(parseTS(lastSeen)) > account.IdleTimeout {
		s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hash)
		return nil, silkbridge.NotFound("session")
	}
	// Writing on every request would serialise readers on SQLite; a
	// minute's precision is enough for the idle timeout.
	if t.Sub(parseTS(lastSeen)) > time.Minute {
		if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1`, hash, ts(t)); err != nil {
			return nil, err
		}
	}
	return s.User(ctx, userID)
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, secret string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, account.HashToken(secret))
	return err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
