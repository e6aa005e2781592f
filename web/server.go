// Package web serves Silkbridge over HTTP: server-rendered pages (with
// htmx for partial updates), the JSON API under /api/v1, and the
// operational endpoints /healthz, /readyz and /metrics.
package web

import (
	"context"
	"embed"
	"log/slog"
	"net/http"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/store"
)

//go:embed static
var staticFS embed.FS

// Config is what the server needs to know of its surroundings.
type Config struct {
	// BaseURL is the public address, used in links sent by mail and feeds.
	BaseURL string
	// SecureCookies marks cookies Secure; set it when served over TLS.
	SecureCookies bool
	// MaxBodyBytes limits request bodies; larger ones get 413.
	MaxBodyBytes int64
	// Demo marks the installation as holding sample data.
	Demo bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (see clientAddr); empty, the header is ignored.
	TrustedProxies []netip.Prefix
	// MetricsToken, when set, opens /metrics to requests that bear it;
	// without it /metrics is not served on the public address.
	MetricsToken string
	// Jobs takes the background work (matching runs) for whichever
	// instance is free; see jobs.go.
	Jobs Jobs
	// MapFile replaces the shipped world boundaries (TopoJSON or GeoJSON).
	MapFile string
	// RateLimit is how many requests a minute one client address may send
	// without signing in; 0 turns the limit off. RateBurst is how many it
	// may send at once (RateLimit/6 when 0). See limits.go.
	RateLimit, RateBurst int
	// MaxExpensive bounds the searches, analytics and recommendations
	// served at once: 0 sizes it to the machine, a negative value turns
	// the bound off.
	MaxExpensive int
	// Mail, when set, sends mail through its SMTP server (see mail.go);
	// without it nothing is mailed and the site says so where it matters.
	Mail *Mailer
}

// Server is the HTTP side of Silkbridge.
type Server struct {
	store   *store.Store
	log     *slog.Logger
	cfg     Config
	mux     *http.ServeMux
	handler http.Handler
	i18n    *i18n.Bundle
	pages   map[string]*pageTemplate
	metrics *metrics
	routes  []Route
	api     []apiOperation
	// hashGate bounds the password hashes computed at once (see hashing).
	hashGate *account.HashGate
	// bg is the server's own work outside requests, waited for on Close.
	bg     *background
	recs   *recommenderCache
	limits *limits
	seen   seenBodies

	mu sync.Mutex
}

// Route is one registered pattern, kept so that tests can walk every route.
type Route struct {
	Method string
	Path   string
}

// New builds the server with every route registered.
func New(st *store.Store, log *slog.Logger, cfg Config) (*Server, error) {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	s := &Server{store: st, log: log, cfg: cfg, mux: http.NewServeMux(), hashGate: account.NewHashGate(0), bg: newBackground(), recs: newRecommenderCache()}
	var err error
	if s.i18n, err = loadCatalogues(); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(prometheus.NewRegistry())
	s.limits = newLimits(cfg)
	s.registerRoutes()
	s.handler = s.middleware(s.mux)
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes returns every registered route, sorted.
func (s *Server) Routes() []Route {
	out := append([]Route(nil), s.routes...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// handle registers an operational route ("GET /path/{id}") whose handler
// answers every outcome itself.
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	s.routes = append(s.routes, Route{Method: method, Path: path})
	s.mux.HandleFunc(pattern, h)
}

// handlerFunc is a handler that returns its failure instead of answering
// it: the adapter that registered it turns the error into the answer of
// its kind (an error page, or problem details), in one place.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// page registers a page route; an error becomes the translated error page.
func (s *Server) page(pattern string, h handlerFunc) {
	s.handle(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

// registerRoutes registers every route of the site, pages and API, one
// capability at a time: read it as the site map. Each capability's routes
// stand in its own function in its own file.
func (s *Server) registerRoutes() {
	s.coreRoutes() // home, language, static files, health, OpenAPI

	// People and accounts
	s.accountRoutes()
	s.tokenRoutes()
	s.privacyRoutes()
	s.consentRoutes()
	s.userRoutes()
	s.auditRoutes()
	s.jobRoutes()
	s.mailRoutes()

	// Find: organisations, talents, reference data
	s.organisationRoutes()
	s.rorRoutes()
	s.rorLinkRoutes()
	s.managerRoutes()
	s.trustRoutes()
	s.talentRoutes()
	s.referenceRoutes()

	// Cooperate: marketplace, recommendations, cooperations, agreements
	s.opportunityRoutes()
	s.interestRoutes()
	s.savedSearchRoutes()
	s.recommendationRoutes()
	s.cooperationRoutes()
	s.agreementRoutes()

	// Programmes and events
	s.programmeRoutes()
	s.programmeApplicationRoutes()
	s.programmeRunRoutes()
	s.eventRoutes()
	s.brokerageRoutes()
	s.brokerageOutcomeRoutes()
	s.lessonRoutes()

	// Policies, parks, achievements
	s.policyRoutes()
	s.incentiveRoutes()
	s.parkRoutes()
	s.achievementRoutes()
	s.facilityRoutes()

	// Analytics
	s.depthRoutes()
	s.govRoutes()
}

func (s *Server) coreRoutes() {
	s.page("GET /static/", s.serveStatic)
	s.page("GET /healthz", s.healthz)
	s.page("GET /readyz", s.readyz)
	s.page("GET /metrics", s.serveMetrics)
	s.page("GET /{$}", s.home)
	s.page("GET /lang/{lang}", s.switchLanguage)
	s.page("GET /api/v1/openapi.json", s.openAPI)
	s.page("GET "+problemsPath, s.problemsPage)
	// Not in Routes: a fallback, not an operation of the API.
	s.mux.HandleFunc(apiCatchAll, func(w http.ResponseWriter, r *http.Request) {
		if err := s.apiNoRoute(w, r); err != nil {
			s.apiError(w, r, err)
		}
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	if err := s.store.Ping(ctx); err != nil {
		s.log.Error("health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"unavailable","database":"down"}` + "\n"))
		return nil
	}
	w.Write([]byte(`{"status":"ok","database":"` + string(s.store.Engine()) + `"}` + "\n"))
	return nil
}
