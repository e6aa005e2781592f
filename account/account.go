// Package account holds users, their roles and the rules of passwords and
// sessions.
package account

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/organisation"
)

// Roles. An organisation manager is a member who manages one or more
// organisations (see the store's org_managers); the role column says what
// else a user may do.
const (
	Member  = "member"
	Officer = "agency_officer"
	Admin   = "admin"
)

// Roles lists the roles a user can hold.
var Roles = []string{Member, Officer, Admin}

// Session lifetimes: a session ends after IdleTimeout without a request,
// and after AbsoluteTimeout in any case.
const (
	IdleTimeout     = 24 * time.Hour
	AbsoluteTimeout = 30 * 24 * time.Hour
)

// ResetTimeout is how long a password reset link stays valid; it works once.
const ResetTimeout = time.Hour

// InvitationTimeout is how long an invitation to manage an organisation
// can be accepted.
const InvitationTimeout = 14 * 24 * time.Hour

// User is a person with an account.
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	// Orgs are the organisations the user manages (filled on sign-in).
	Orgs []string `json:"organisations,omitempty"`
}

// IsOfficer reports whether the user acts for a government agency (or is an admin).
func (u *User) IsOfficer() bool { return u != nil && (u.Role == Officer || u.Role == Admin) }

// IsAdmin reports whether the user runs the platform.
func (u *User) IsAdmin() bool { return u != nil && u.Role == Admin }

// Manages reports whether the user manages the organisation; admins manage all.
func (u *User) Manages(orgID string) bool {
	if u == nil {
		return false
	}
	if u.IsAdmin() {
		return true
	}
	for _, id := range u.Orgs {
		if id == orgID {
			return true
		}
	}
	return false
}

// IsManager reports whether the user manages at least one organisation.
func (u *User) IsManager() bool { return u != nil && len(u.Orgs) > 0 }

// ValidRole reports whether role is one of Roles.
func ValidRole(role string) bool {
	for _, r := range Roles {
		if r == role {
			return true
		}
	}
	return false
}

// NormaliseEmail returns the form in which e-mail addresses are stored and
// compared: trimmed and in lower case.
func NormaliseEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// SignUp is what a person fills in to get an account.
type SignUp struct {
	Email    string
	Name     string
	Password string
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// Validate checks the sign-up form.
func (f *SignUp) Validate() error {
	f.Email = NormaliseEmail(f.Email)
	f.Name = strings.TrimSpace(f.Name)
	var p silkbridge.Problems
	if p.Required("email", f.Email) && !organisation.ValidEmail(f.Email) {
		p.Add("email", "field.email", "not an e-mail address", nil)
	}
	if p.Required("name", f.Name) {
		p.MaxLen("name", f.Name, 200)
		p.VisibleText("name", f.Name)
	}
	CheckNewPassword(&p, "password", f.Password, f.Email, f.Name)
	return p.Err()
}

// Argon2Params are the costs of an argon2id hash.
type Argon2Params struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// HashCost is the cost of new password hashes: RFC 9106's second
// recommended option (memory-constrained). Each stored hash carries its
// own parameters, so raising the cost never locks anyone out. Tests of
// other packages may lower it to stay fast; nothing else should.
var HashCost = Argon2Params{Time: 3, Memory: 64 * 1024, Threads: 2}

const argonKeyLen = 32

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	c := HashCost
	key := argon2.IDKey([]byte(pw), salt, c.Time, c.Memory, c.Threads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.Memory, c.Time, c.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPasswordHash reports whether pw matches the stored hash.
func CheckPasswordHash(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummy is compared against when no account exists, so that a sign-in
// takes as long for an unknown e-mail as for a wrong password. It is made
// on first use, at the cost then in force.
var dummy struct {
	sync.Mutex
	cost Argon2Params
	hash string
}

// SpendPasswordTime burns the time of one password check.
func SpendPasswordTime(pw string) {
	dummy.Lock()
	if dummy.hash == "" || dummy.cost != HashCost {
		dummy.hash, _ = HashPassword("silkbridge-no-such-account")
		dummy.cost = HashCost
	}
	h := dummy.hash
	dummy.Unlock()
	CheckPasswordHash(h, pw)
}

// NewToken returns a random secret for a session, a reset link or an API
// token, and the hash under which it is stored.
func NewToken() (secret, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, HashToken(secret)
}

// HashToken returns the stored form of a secret token.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Invitation asks the holder of an e-mail address to become a manager of
// an organisation. The invitee accepts it while signed in with that
// address, so the invitation's id is not a secret.
type Invitation struct {
	ID          string    `json:"id"`
	OrgID       string    `json:"organisation_id"`
	OrgName     string    `json:"organisation_name"`
	Email       string    `json:"email"`
	InvitedBy   string    `json:"invited_by,omitempty"`
	InviterName string    `json:"inviter_name,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	AcceptedAt  time.Time `json:"accepted_at,omitzero"`
	RevokedAt   time.Time `json:"revoked_at,omitzero"`
}

// Open reports whether the invitation can still be accepted at t.
func (i *Invitation) Open(t time.Time) bool {
	return i.AcceptedAt.IsZero() && i.RevokedAt.IsZero() && t.Before(i.ExpiresAt)
}

// Manager is a user who manages an organisation, as listed to its managers.
type Manager struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
}

// Invite is what a manager fills in to invite another manager.
type Invite struct {
	Email string
}

// Validate checks the invitation form.
func (f *Invite) Validate() error {
	f.Email = NormaliseEmail(f.Email)
	var p silkbridge.Problems
	if p.Required("email", f.Email) && !organisation.ValidEmail(f.Email) {
		p.Add("email", "field.email", "not an e-mail address", nil)
	}
	return p.Err()
}

// NotifySignUpAttempt is the kind of notification that tells an account's
// holder that someone tried to sign up with its e-mail address.
const NotifySignUpAttempt = "signup_attempt"
