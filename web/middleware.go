package web

import (
	"context"
	"errors"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
)

type ctxKey int

const (
	userKey ctxKey = iota
	tokenScopeKey
)

// sessionCookie holds the secret of a signed-in browser's session.
const sessionCookie = "sb_session"

// currentUser returns the signed-in user, or nil for a visitor.
func currentUser(r *http.Request) *account.User {
	u, _ := r.Context().Value(userKey).(*account.User)
	return u
}

// tokenScope returns the scope of the API token that authenticated the
// request, or "" when a browser session (or nobody) did.
func tokenScope(r *http.Request) string {
	s, _ := r.Context().Value(tokenScopeKey).(string)
	return s
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// middleware wraps every request: recovery, security headers, the request
// log and metrics, the body limit, compression, cross-origin protection,
// the authenticated user, the rate and load limits and the ETag.
func (s *Server) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := silkbridge.Errorf(silkbridge.EFORBIDDEN, "error.cross_origin", "cross-origin request refused")
		if isAPI(r) {
			s.apiError(w, r, err)
			return
		}
		s.renderError(w, r, err)
	}))
	inner := s.compress(cop.Handler(s.authenticate(s.limit(s.etag(next)))))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		r = s.withClientAddr(r)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				if sw.status == 0 {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
			d := time.Since(start)
			_, pattern := s.mux.Handler(r)
			if pattern == "" {
				pattern = "unmatched"
			}
			s.metrics.observe(pattern, sw.status, d)
			s.log.Info("request", "method", r.Method, "path", r.URL.Path, "route", pattern, "status", sw.status,
				"bytes", sw.bytes, "duration_ms", float64(d.Microseconds())/1000, "remote", clientIP(r))
		}()
		h := sw.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.cfg.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(sw, r.Body, s.cfg.MaxBodyBytes)
		}
		inner.ServeHTTP(sw, r)
	})
}

// authenticate puts the user of the session cookie or of the API token
// in the request's context.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") && isAPI(r) {
			u, scope, err := s.store.TokenUser(ctx, strings.TrimPrefix(auth, "Bearer "))
			switch {
			case silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND:
				s.apiError(w, r, silkbridge.Errorf(silkbridge.EUNAUTHORIZED, "error.bad_token", "the API token is not valid"))
				return
			case err != nil:
				// The token may well be good: say why it could not be checked.
				s.apiError(w, r, err)
				return
			}
			ctx = context.WithValue(ctx, userKey, u)
			ctx = context.WithValue(ctx, tokenScopeKey, scope)
			w.Header().Set("Cache-Control", "private")
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			u, err := s.store.SessionUser(ctx, c.Value)
			switch {
			case err == nil:
				ctx = context.WithValue(ctx, userKey, u)
				// What a signed-in user sees may be theirs alone: no shared cache keeps it.
				w.Header().Set("Cache-Control", "private")
			case silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND:
				http.SetCookie(w, s.cookie(sessionCookie, "", -1))
			default:
				// Serving the page as to a visitor would sign the user out
				// for a fault that is not theirs.
				if isAPI(r) {
					s.apiError(w, r, err)
				} else {
					s.renderError(w, r, err)
				}
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// cookie returns a cookie with the platform's protections: HttpOnly,
// SameSite=Lax, and Secure when served over TLS.
func (s *Server) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies}
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// writeAccess reports whether the request may change data: a signed-in
// browser, or an API token with write scope.
func writeAccess(r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if sc := tokenScope(r); sc != "" && sc != "write" {
		return silkbridge.Errorf(silkbridge.EFORBIDDEN, "error.token_read_only", "this API token may only read")
	}
	return nil
}

var errBodyTooLarge = errors.New("request body too large")
