package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/store"
)

// Password checks are limited per account and per address, counted in the
// database so that every app instance applies the same limit: the sixth
// wrong password for one account within signInWindow, or the 21st from one
// address, is refused with 429 and Retry-After until the window has
// passed. The answer is the same whether the account exists or not. The
// per-address limit is looser, because many people may share the address
// of one office or campus.
const (
	signInAccountMax = 5
	signInAddressMax = 20
	signInWindow     = time.Minute
)

// Reset requests are limited too, so that nobody floods an inbox (or the
// operator's log) with reset links.
const (
	resetAccountMax = 3
	resetAddressMax = 10
	resetWindow     = time.Hour
)

// Sign-ups are limited like reset requests: each one may be a message to
// the holder of an existing account, and each costs a password hash.
const (
	signUpAccountMax = 3
	signUpAddressMax = 10
	signUpWindow     = time.Hour
)

func signUpLimits(r *http.Request, email string) []store.AttemptLimit {
	return []store.AttemptLimit{
		{Key: "signup:account:" + account.NormaliseEmail(email), Max: signUpAccountMax, Window: signUpWindow},
		{Key: "signup:ip:" + clientIP(r), Max: signUpAddressMax, Window: signUpWindow},
	}
}

func signInLimits(r *http.Request, email string) []store.AttemptLimit {
	return []store.AttemptLimit{
		{Key: "signin:account:" + account.NormaliseEmail(email), Max: signInAccountMax, Window: signInWindow},
		{Key: "signin:ip:" + clientIP(r), Max: signInAddressMax, Window: signInWindow},
	}
}

func resetLimits(r *http.Request, email string) []store.AttemptLimit {
	return []store.AttemptLimit{
		{Key: "reset:account:" + account.NormaliseEmail(email), Max: resetAccountMax, Window: resetWindow},
		{Key: "reset:ip:" + clientIP(r), Max: resetAddressMax, Window: resetWindow},
	}
}

// takePasswordAttempt counts a password check for the account of email
// before it is made; the caller forgets the attempt when the password was
// right. The error is ETOOMANY when a limit is reached.
func (s *Server) takePasswordAttempt(r *http.Request, email string) (string, error) {
	return s.store.TakeAttempt(r.Context(), signInLimits(r, email))
}

// forgetAttempt drops an attempt that should not count; a failure only
// leaves the attempt counted, so it is logged and not shown.
func (s *Server) forgetAttempt(r *http.Request, ticket string) {
	if err := s.store.ForgetAttempt(r.Context(), ticket); err != nil {
		s.log.Error("forget attempt", "err", err)
	}
}

func toString(v any) string { return fmt.Sprint(v) }
