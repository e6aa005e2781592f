package web

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/silkbridge/silkbridge"
)

// MetricsHandler serves the Prometheus metrics with no check of its own,
// for a listener that only the operator's network reaches (serve
// --metrics-addr); with a metrics token it asks for the token there too.
func (s *Server) MetricsHandler() http.Handler {
	h := s.metrics.handler()
	if s.cfg.MetricsToken == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.metricsTokenGiven(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "a metrics token is needed", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// serveMetrics answers /metrics on the public address: metrics tell
// request rates, routes and the process's state, which are not everyone's
// to read, so without a metrics token the address does not exist here
// (they are on --metrics-addr, if anywhere).
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.MetricsToken == "" {
		return silkbridge.NotFound("page")
	}
	s.MetricsHandler().ServeHTTP(w, r)
	return nil
}

// metricsTokenGiven reports whether the request carries the metrics token
// as a bearer token, compared in constant time.
func (s *Server) metricsTokenGiven(r *http.Request) bool {
	given, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(given), []byte(s.cfg.MetricsToken)) == 1
}
