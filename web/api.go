package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/store"
)

// Op describes one API operation for the OpenAPI document.
type Op struct {
	Summary string
	Tag     string
	// Request and Response are example Go values whose types describe the
	// bodies (nil when there is none).
	Request  any
	Response any
	// Query lists the query parameters: name -> description.
	Query map[string]string
	// Auth says the operation needs a signed-in user or a token.
	Auth bool
	// Status is the success status (200 when zero).
	Status int
	// OptionalBody says the Request body may be left out.
	OptionalBody bool
}

type apiOperation struct {
	Method, Path string
	Op           Op
}

// handleAPI registers a JSON API route and its OpenAPI description; an
// error becomes problem details.
func (s *Server) handleAPI(pattern string, op Op, h handlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	s.api = append(s.api, apiOperation{Method: method, Path: path, Op: op})
	if op.Request == nil && method != http.MethodGet && method != http.MethodHead {
		h = s.refuseBody(h)
	}
	s.handle(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.apiError(w, r, err)
		}
	})
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail,omitempty"`
	Instance string         `json:"instance,omitempty"`
	Code     string         `json:"code,omitempty"`
	Errors   []ProblemField `json:"errors,omitempty"`
}

// ProblemField names one field at fault, with a message in the request's language.
type ProblemField struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// apiError writes err as problem details, in the request's language.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	err = store.Classify(err)
	status := statusOf(err)
	code := silkbridge.ErrorCode(err)
	if code == codeMethodNotAllowed {
		status = http.StatusMethodNotAllowed
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		status, code = http.StatusRequestEntityTooLarge, codeTooLarge
		err = silkbridge.Errorf(silkbridge.EINVALID, "error.too_large", "the request body is larger than %d bytes", tooLarge.Limit)
	}
	if status >= 500 {
		s.logFailure(r, err)
	}
	tr := s.translator(requestLanguage(r))
	p := Problem{
		Type:     s.problemTypeURI(code),
		Title:    http.StatusText(status),
		Status:   status,
		Detail:   tr.Error(err),
		Instance: r.URL.Path,
		Code:     code,
	}
	if e, ok := errors.AsType[*silkbridge.Error](err); ok {
		for _, f := range e.Fields {
			p.Errors = append(p.Errors, ProblemField{Field: f.Field, Code: f.MessageID, Message: tr.tmap(f.MessageID, f.Data, f.Message)})
		}
	}
	setRetryAfter(w, err)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", tr.lang.Tag)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// List is the envelope of a paginated API list.
type List[T any] struct {
	Items   []T `json:"items"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Total   int `json:"total"`
}

// queryInt reads an integer query parameter; a malformed value is an
// EINVALID error naming the parameter.
func queryInt(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, silkbridge.Invalid(name, "field.integer", "a whole number", nil)
	}
	return n, nil
}

// queryBool reads a boolean query parameter (true, 1, on).
func queryBool(r *http.Request, name string) bool {
	switch strings.ToLower(r.URL.Query().Get(name)) {
	case "1", "true", "on", "yes":
		return true
	}
	return false
}
