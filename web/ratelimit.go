package web

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/silkbridge/silkbridge"
)

// Sign-in attempts are limited per address and per account: after
// signInBurst failures within signInWindow, further attempts get 429 with
// Retry-After until the window has passed. The answer is the same whether
// the account exists or not.
const (
	signInBurst  = 5
	signInWindow = time.Minute
)

type failureLog struct {
	mu     sync.Mutex
	events map[string][]time.Time
}

var signInFailures = &failureLog{events: map[string][]time.Time{}}

func (l *failureLog) recent(key string, t time.Time) []time.Time {
	kept := l.events[key][:0]
	for _, e := range l.events[key] {
		if t.Sub(e) < signInWindow {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 {
		delete(l.events, key)
		return nil
	}
	l.events[key] = kept
	return kept
}

func signInKeys(r *http.Request, email string) []string {
	return []string{"ip:" + clientIP(r), "account:" + strings.ToLower(strings.TrimSpace(email))}
}

func (s *Server) checkSignInRate(r *http.Request, email string) error {
	signInFailures.mu.Lock()
	defer signInFailures.mu.Unlock()
	t := time.Now()
	for _, k := range signInKeys(r, email) {
		ev := signInFailures.recent(k, t)
		if len(ev) >= signInBurst {
			wait := int(signInWindow.Seconds()-t.Sub(ev[0]).Seconds()) + 1
			return &silkbridge.Error{Code: silkbridge.ETOOMANY, MessageID: "error.too_many_signins",
				Message: fmt.Sprintf("too many attempts; try again in %d seconds", wait), Data: map[string]any{"RetryAfter": wait}}
		}
	}
	return nil
}

func (s *Server) recordSignInFailure(r *http.Request, email string) {
	signInFailures.mu.Lock()
	defer signInFailures.mu.Unlock()
	t := time.Now()
	for _, k := range signInKeys(r, email) {
		signInFailures.events[k] = append(signInFailures.recent(k, t), t)
	}
}

func toString(v any) string { return fmt.Sprint(v) }
