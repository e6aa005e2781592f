package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/silkbridge/silkbridge"
)

// Two limits keep the site answering under load, so that overload shows
// as quick 429 and 503 answers and never as timeouts:
//
//   - a rate limit per client address for visitors who are not signed in
//     (pages and API calls alike): a token bucket that refills at
//     Config.RateLimit requests a minute and holds Config.RateBurst, kept
//     in memory by each instance (a visitor spread over N instances by a
//     load balancer gets at most N times the rate, which is still a bound);
//   - a bound on the expensive requests served at once (search, analytics,
//     partner recommendation): beyond it a request waits expensiveWait
//     for a turn, then gets 503 with Retry-After.
//
// Signed-in people and API tokens are not rate limited: they are
// accountable, and many of them may share the address of an office or a
// campus. Static files and health checks are never limited.

const (
	// expensiveWait is how long an expensive request waits for a turn
	// before it is refused: long enough to ride out a burst, short enough
	// that the client hears back long before its own timeout.
	expensiveWait = 2 * time.Second
	// busyRetryAfter is the Retry-After, in seconds, of a request refused
	// for want of a turn.
	busyRetryAfter = 5
	// maxRateClients bounds the buckets kept in memory. When that many
	// addresses are active at once (a flood from many addresses), new
	// addresses share one bucket: the site slows them all down rather than
	// run out of memory.
	maxRateClients = 100_000
)

// limits holds the rate limiter and the bound on expensive requests; a nil
// part is off.
type limits struct {
	rate *rateLimiter
	// expensive holds one token per expensive request being served.
	expensive chan struct{}
}

func newLimits(cfg Config) *limits {
	l := &limits{}
	if cfg.RateLimit > 0 {
		burst := cfg.RateBurst
		if burst <= 0 {
			burst = max(1, cfg.RateLimit/6) // ten seconds' worth
		}
		l.rate = newRateLimiter(rate.Limit(float64(cfg.RateLimit)/60), burst)
	}
	n := cfg.MaxExpensive
	if n == 0 {
		n = defaultMaxExpensive()
	}
	if n > 0 {
		l.expensive = make(chan struct{}, n)
	}
	return l
}

// defaultMaxExpensive sizes the bound to the machine: two expensive
// requests per core keep every core busy while one waits on the database.
func defaultMaxExpensive() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// limit is the middleware that applies the limits; it runs after
// authentication, which says who is signed in.
func (s *Server) limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := s.limits
		if l.rate != nil && currentUser(r) == nil && rateLimited(r.URL.Path) {
			if wait, ok := l.rate.allow(clientKey(r), time.Now()); !ok {
				s.refuse(w, r, tooManyRequests(wait))
				return
			}
		}
		if l.expensive != nil && expensive(r) {
			release, err := l.acquire(r.Context())
			if err != nil {
				s.refuse(w, r, err)
				return
			}
			defer release()
		}
		next.ServeHTTP(w, r)
	})
}

// refuse answers a limited request: problem details for the API, the
// translated error page otherwise, with Retry-After in both.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, err *silkbridge.Error) {
	w.Header().Set("Retry-After", fmt.Sprint(err.Data["RetryAfter"]))
	if isAPI(r) {
		s.apiError(w, r, err)
		return
	}
	s.renderError(w, r, err)
}

func tooManyRequests(wait time.Duration) *silkbridge.Error {
	secs := int(math.Ceil(wait.Seconds()))
	return &silkbridge.Error{Code: silkbridge.ETOOMANY, MessageID: "limits.too_many_requests",
		Message: fmt.Sprintf("too many requests from your address; try again in %d seconds", secs),
		Data:    map[string]any{"RetryAfter": max(1, secs)}}
}

func busy() *silkbridge.Error {
	return &silkbridge.Error{Code: silkbridge.EUNAVAILABLE, MessageID: "limits.busy",
		Message: fmt.Sprintf("the site is busy; try again in %d seconds", busyRetryAfter),
		Data:    map[string]any{"RetryAfter": busyRetryAfter}}
}

// rateLimited reports whether requests to the path count against the rate
// limit: everything but static files and health checks.
func rateLimited(path string) bool {
	return !strings.HasPrefix(path, "/static/") && path != "/healthz" && path != "/readyz"
}

// expensive reports whether a request is one whose cost grows with the
// data: a text search (any list asked with q), the analytics, partner
// recommendation and matching achievements to a request.
func expensive(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	p := strings.TrimPrefix(r.URL.Path, "/api/v1")
	switch {
	case strings.HasPrefix(p, "/analytics/"), strings.HasPrefix(p, "/recommendations/"), p == "/achievements/match":
		return true
	}
	return strings.TrimSpace(r.URL.Query().Get("q")) != ""
}

// acquire waits up to expensiveWait for a turn; release gives it back.
func (l *limits) acquire(ctx context.Context) (release func(), err *silkbridge.Error) {
	release = func() { <-l.expensive }
	select {
	case l.expensive <- struct{}{}:
		return release, nil
	default:
	}
	t := time.NewTimer(expensiveWait)
	defer t.Stop()
	select {
	case l.expensive <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, busy()
	case <-ctx.Done():
		// The client left; whatever is answered goes nowhere.
		return nil, busy()
	}
}

// clientKey is the rate-limit key of a request: the client address from
// clientIP, with an IPv6 address cut to its /64, the block that one
// subscriber line is usually given (else one client could take a new
// address for every request).
func clientKey(r *http.Request) string {
	ip := clientIP(r)
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, err := a.Prefix(64)
		if err == nil {
			return p.String()
		}
	}
	return a.String()
}

// rateLimiter keeps a token bucket per client key.
type rateLimiter struct {
	limit rate.Limit
	burst int

	mu        sync.Mutex
	clients   map[string]*rateClient
	overflow  *rate.Limiter
	lastSweep time.Time
}

type rateClient struct {
	lim  *rate.Limiter
	seen time.Time
}

func newRateLimiter(limit rate.Limit, burst int) *rateLimiter {
	return &rateLimiter{limit: limit, burst: burst, clients: map[string]*rateClient{}, overflow: rate.NewLimiter(limit, burst)}
}

// allow takes a token from the key's bucket; when there is none it
// returns how long until there will be one.
func (l *rateLimiter) allow(key string, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	c := l.clients[key]
	var lim *rate.Limiter
	switch {
	case c != nil:
		c.seen = now
		lim = c.lim
	case len(l.clients) >= maxRateClients:
		lim = l.overflow
	default:
		lim = rate.NewLimiter(l.limit, l.burst)
		l.clients[key] = &rateClient{lim: lim, seen: now}
	}
	if lim.AllowN(now, 1) {
		return 0, true
	}
	res := lim.ReserveN(now, 1)
	wait := res.DelayFrom(now)
	res.CancelAt(now)
	return wait, false
}

// sweep forgets, at most once a minute, the clients whose bucket has
// refilled since they were last seen: a new bucket is the same as theirs.
func (l *rateLimiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < time.Minute && len(l.clients) < maxRateClients {
		return
	}
	l.lastSweep = now
	refill := time.Duration(float64(l.burst) / float64(l.limit) * float64(time.Second))
	for k, c := range l.clients {
		if now.Sub(c.seen) > refill {
			delete(l.clients, k)
		}
	}
}
