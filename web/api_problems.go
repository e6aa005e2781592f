package web

import (
	"net/http"
	"sort"
	"strings"

	"github.com/silkbridge/silkbridge"
)

// problemsPath is the page that explains the problem types; the type of
// every problem the API answers points at an entry of it, so a client
// (or its developer) can follow the link on the installation itself.
const problemsPath = "/docs/problems"

// problemType is one entry of the problems page.
type problemType struct {
	Anchor    string
	Status    int
	MessageID string
}

// Pseudo error codes for the answers that the router or the body limit
// give rather than the domain.
const (
	codeMethodNotAllowed = "method_not_allowed"
	codeTooLarge         = "too_large"
)

// problemTypes lists every problem type in the order of the page.
var problemTypes = []problemType{
	{"malformed", http.StatusBadRequest, "problems.malformed"},
	{"unauthorized", http.StatusUnauthorized, "problems.unauthorized"},
	{"forbidden", http.StatusForbidden, "problems.forbidden"},
	{"not-found", http.StatusNotFound, "problems.not_found"},
	{"method-not-allowed", http.StatusMethodNotAllowed, "problems.method_not_allowed"},
	{"conflict", http.StatusConflict, "problems.conflict"},
	{"too-large", http.StatusRequestEntityTooLarge, "problems.too_large"},
	{"invalid", http.StatusUnprocessableEntity, "problems.invalid"},
	{"too-many", http.StatusTooManyRequests, "problems.too_many"},
	{"internal", http.StatusInternalServerError, "problems.internal"},
	{"unavailable", http.StatusServiceUnavailable, "problems.unavailable"},
}

// problemTypeURI returns the type of a problem with the error code: an
// entry of the problems page, absolute when the public address is known
// (RFC 9457 resolves a relative one against the request's address).
func (s *Server) problemTypeURI(code string) string {
	anchor := strings.ReplaceAll(code, "_", "-")
	known := false
	for _, p := range problemTypes {
		known = known || p.Anchor == anchor
	}
	if !known {
		anchor = "internal"
	}
	return strings.TrimSuffix(s.cfg.BaseURL, "/") + problemsPath + "#" + anchor
}

// problemsPage lists the problem types in the reader's language.
func (s *Server) problemsPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, "docs/problems", http.StatusOK, &Page{Title: s.T(r, "problems.title"), Data: problemTypes})
	return nil
}

// apiNoRoute answers a request under /api/v1 that no operation matches:
// 405 with Allow when the path exists with other methods, 404 otherwise,
// both as problem details like every other API error (the router's own
// answers are plain text).
func (s *Server) apiNoRoute(w http.ResponseWriter, r *http.Request) error {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != apiCatchAll {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		return silkbridge.Errorf(silkbridge.ENOTFOUND, "error.api_no_route", "there is no such API operation")
	}
	sort.Strings(allow)
	w.Header().Set("Allow", strings.Join(allow, ", "))
	err := silkbridge.Errorf(codeMethodNotAllowed, "error.method_not_allowed", "this address does not accept %s; it accepts %s", r.Method, strings.Join(allow, ", "))
	err.Data = map[string]any{"Method": r.Method, "Allow": strings.Join(allow, ", ")}
	return err
}

// apiCatchAll is the pattern of apiNoRoute.
const apiCatchAll = "/api/v1/"
