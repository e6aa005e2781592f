// Package web serves Silkbridge over HTTP: server-rendered pages (with
// htmx for partial updates), the JSON API under /api/v1, and the
// operational endpoints /healthz, /readyz and /metrics.
package web

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/prometheus/client_golang/prometheus"

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
	// Jobs takes the background work (matching runs) for whichever
	// instance is free; see jobs.go.
	Jobs Jobs
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
	// bg is the server's own work outside requests, waited for on Close.
	bg   *background
	recs *recommenderCache

	mu sync.Mutex
}

// Route is one registered pattern, kept so that tests can walk every route.
type Route struct {
	Method string
	Path   string
}

// routeSets are the capability route registrations; each capability's file
// appends its own from init, so capabilities stay in their own files.
var routeSets []func(*Server)

// New builds the server with every route registered.
func New(st *store.Store, log *slog.Logger, cfg Config) (*Server, error) {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	s := &Server{store: st, log: log, cfg: cfg, mux: http.NewServeMux(), bg: newBackground(), recs: newRecommenderCache()}
	var err error
	if s.i18n, err = loadCatalogues(); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(prometheus.NewRegistry())
	s.coreRoutes()
	for _, set := range routeSets {
		set(s)
	}
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

// handle registers a page or operational route ("GET /path/{id}").
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	s.routes = append(s.routes, Route{Method: method, Path: path})
	s.mux.HandleFunc(pattern, h)
}

func (s *Server) coreRoutes() {
	static, _ := fs.Sub(staticFS, "static")
	fileServer := http.StripPrefix("/static/", http.FileServerFS(static))
	s.handle("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fileServer.ServeHTTP(w, r)
	})
	s.handle("GET /healthz", s.healthz)
	s.handle("GET /readyz", s.readyz)
	s.handle("GET /metrics", s.metrics.handler().ServeHTTP)
	s.handle("GET /{$}", s.home)
	s.handle("GET /lang/{lang}", s.switchLanguage)
	s.handle("GET /api/v1/openapi.json", s.openAPI)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	if err := s.store.Ping(ctx); err != nil {
		s.log.Error("health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"unavailable","database":"down"}` + "\n"))
		return
	}
	w.Write([]byte(`{"status":"ok","database":"` + string(s.store.Engine()) + `"}` + "\n"))
}
