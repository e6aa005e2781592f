// Package silkbridge holds the words every part of the platform shares:
// errors with codes that the HTTP layer maps to statuses, field-level
// validation problems that the web layer translates, and identifiers.
package silkbridge

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// Error codes. The HTTP layer maps each to a status; only EINTERNAL is
// logged as a fault of the platform.
const (
	EINVALID      = "invalid"      // 422: the input is well-formed but wrong; Fields says where
	EMALFORMED    = "malformed"    // 400: the request cannot be read (malformed JSON, unknown fields)
	ENOTFOUND     = "not_found"    // 404
	ECONFLICT     = "conflict"     // 409: the state does not allow it (duplicate, closed window)
	EUNAUTHORIZED = "unauthorized" // 401: sign in first
	EFORBIDDEN    = "forbidden"    // 403: signed in, but not allowed
	ETOOMANY      = "too_many"     // 429
	EUNAVAILABLE  = "unavailable"  // 503: the database cannot be reached now; Data["RetryAfter"] says when to try again
	EINTERNAL     = "internal"     // 500
)

// Error is an application error: a code, a message for people (an i18n
// message ID with its template data, so every language can say it) and the
// fields at fault.
type Error struct {
	Code string
	// MessageID names the message in the catalogues; Message is its English text.
	MessageID string
	Message   string
	Data      map[string]any
	Fields    []FieldError
	// cause is the fault behind an EUNAVAILABLE error, for the log.
	cause error
}

// FieldError says what is wrong with one input field.
type FieldError struct {
	Field     string         `json:"field"`
	MessageID string         `json:"code"`
	Message   string         `json:"message"`
	Data      map[string]any `json:"-"`
}

func (e *Error) Error() string {
	if e.cause != nil {
		return e.Message + ": " + e.cause.Error()
	}
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return e.Message + ": " + strings.Join(parts, "; ")
}

// Errorf returns an Error with the code and an English message; messageID
// names the message in the catalogues.
func Errorf(code, messageID, format string, args ...any) *Error {
	return &Error{Code: code, MessageID: messageID, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL when err carries none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// NotFound says that the named kind of record does not exist.
func NotFound(kind string) *Error {
	return &Error{Code: ENOTFOUND, MessageID: "error.not_found", Message: kind + " not found", Data: map[string]any{"Kind": kind}}
}

// Forbidden says that the signed-in user may not do this.
func Forbidden() *Error {
	return &Error{Code: EFORBIDDEN, MessageID: "error.forbidden", Message: "you are not allowed to do this"}
}

// Unauthorized says that the user must sign in first.
func Unauthorized() *Error {
	return &Error{Code: EUNAUTHORIZED, MessageID: "error.unauthorized", Message: "sign in first"}
}

// Unwrap returns the fault behind the error, if any.
func (e *Error) Unwrap() error { return e.cause }

// UnavailableRetryAfter is how many seconds a client is asked to wait
// when the database cannot be reached: long enough for a restart or a
// fail-over, short enough not to lose people.
const UnavailableRetryAfter = 10

// Unavailable says that the database cannot be reached now: no answer
// about the request (not even whether its credentials are good) can be
// given, and trying again later may work. cause is kept for the log.
func Unavailable(cause error) *Error {
	return &Error{Code: EUNAVAILABLE, MessageID: "error.unavailable", Message: "the service is unavailable for a moment; try again shortly",
		Data: map[string]any{"RetryAfter": UnavailableRetryAfter}, cause: cause}
}

// Conflict says that the current state does not allow the change.
func Conflict(messageID, format string, args ...any) *Error {
	return Errorf(ECONFLICT, messageID, format, args...)
}

// Problems collects field errors while validating input.
type Problems struct {
	fields []FieldError
}

// Add records that field is wrong; messageID names the message in the
// catalogues, english is its English text, data fills its placeholders.
func (p *Problems) Add(field, messageID, english string, data map[string]any) {
	p.fields = append(p.fields, FieldError{Field: field, MessageID: messageID, Message: english, Data: data})
}

// Has reports whether field already has a problem.
func (p *Problems) Has(field string) bool {
	for _, f := range p.fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Required records that a required field is empty, when value is blank.
func (p *Problems) Required(field, value string) bool {
	if strings.TrimSpace(value) == "" {
		p.Add(field, "field.required", "this field is required", nil)
		return false
	}
	return true
}

// MaxLen records that value is longer than max characters.
func (p *Problems) MaxLen(field, value string, max int) bool {
	if n := len([]rune(value)); n > max {
		p.Add(field, "field.too_long", fmt.Sprintf("at most %d characters (this has %d)", max, n), map[string]any{"Max": max, "Len": n})
		return false
	}
	return true
}

// Merge reports the problems recorded in p (a number that is not a
// number, a date that is not a date) together with the field problems of
// err, a validation error, so that all show at once; where both name a
// field, p's problem stands. An error of another kind is returned as it is.
func (p *Problems) Merge(err error) error {
	var e *Error
	if err != nil && (!errors.As(err, &e) || e.Code != EINVALID) {
		return err
	}
	if e != nil {
		for _, f := range e.Fields {
			if !p.Has(f.Field) {
				p.fields = append(p.fields, f)
			}
		}
	}
	return p.Err()
}

// Err returns nil when nothing was recorded, else an EINVALID *Error with
// the recorded fields.
func (p *Problems) Err() error {
	if e := p.Invalid(); e != nil {
		return e
	}
	return nil
}

// Invalid is Err as the *Error it is, for callers that add to it; nil when
// nothing was recorded.
func (p *Problems) Invalid() *Error {
	if len(p.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, MessageID: "error.invalid", Message: "some fields need attention", Fields: p.fields}
}

// Invalid returns an EINVALID error about one field.
func Invalid(field, messageID, english string, data map[string]any) *Error {
	var p Problems
	p.Add(field, messageID, english, data)
	return p.Invalid()
}

// Malformed returns an EMALFORMED error about one field (or "body").
func Malformed(field, messageID, english string, data map[string]any) *Error {
	e := Invalid(field, messageID, english, data)
	e.Code = EMALFORMED
	return e
}

// NewID returns a new opaque, time-ordered public identifier (UUIDv7).
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// ValidID reports whether s has the form of an identifier made by NewID.
func ValidID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}
