package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/silkbridge/silkbridge"
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
}

type apiOperation struct {
	Method, Path string
	Op           Op
}

// handleAPI registers a JSON API route and its OpenAPI description.
func (s *Server) handleAPI(pattern string, op Op, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	s.api = append(s.api, apiOperation{Method: method, Path: path, Op: op})
	s.handle(pattern, h)
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
	status := statusOf(err)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		status = http.StatusRequestEntityTooLarge
		err = silkbridge.Errorf(silkbridge.EINVALID, "error.too_large", "the request body is larger than %d bytes", tooLarge.Limit)
	}
	if status >= 500 {
		s.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	tr := s.translator(requestLanguage(r))
	p := Problem{
		Type:     "about:blank",
		Title:    http.StatusText(status),
		Status:   status,
		Detail:   tr.Error(err),
		Instance: r.URL.Path,
		Code:     silkbridge.ErrorCode(err),
	}
	if e, ok := errors.AsType[*silkbridge.Error](err); ok {
		if e.MessageID != "" {
			p.Type = "https://silkbridge.example/problems/" + strings.ReplaceAll(e.MessageID, ".", "-")
		}
		for _, f := range e.Fields {
			p.Errors = append(p.Errors, ProblemField{Field: f.Field, Code: f.MessageID, Message: tr.tmap(f.MessageID, f.Data, f.Message)})
		}
	}
	if status == http.StatusTooManyRequests {
		if e, ok := errors.AsType[*silkbridge.Error](err); ok {
			if v, ok := e.Data["RetryAfter"]; ok {
				w.Header().Set("Retry-After", fmt.Sprint(v))
			}
		}
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", tr.lang.Tag)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// decodeJSON reads the request body into v strictly: malformed JSON,
// unknown fields, trailing data and a wrong content type are refused with
// an EINVALID error naming the problem; a body over the limit gives a
// *http.MaxBytesError (413).
func decodeJSON(r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(ct, "application/json") && !strings.HasSuffix(strings.Split(ct, ";")[0], "+json") {
		return silkbridge.Malformed("body", "error.content_type", "send the body as application/json", nil)
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooLarge):
			return err
		case errors.Is(err, io.EOF):
			return silkbridge.Malformed("body", "error.body_empty", "the request body is empty", nil)
		case errors.As(err, &syn):
			return silkbridge.Malformed("body", "error.json_syntax", fmt.Sprintf("malformed JSON at byte %d", syn.Offset), map[string]any{"Offset": syn.Offset})
		case errors.As(err, &typ):
			field := typ.Field
			if field == "" {
				field = "body"
			}
			return silkbridge.Malformed(field, "error.json_type", fmt.Sprintf("expected %s", typ.Type), map[string]any{"Type": typ.Type.String()})
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return silkbridge.Malformed(name, "error.unknown_field", "unknown field", nil)
		default:
			return silkbridge.Malformed("body", "error.json_syntax", "malformed JSON", nil)
		}
	}
	if dec.More() {
		return silkbridge.Malformed("body", "error.json_trailing", "unexpected data after the JSON value", nil)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return silkbridge.Malformed("body", "error.json_trailing", "unexpected data after the JSON value", nil)
	}
	return nil
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
