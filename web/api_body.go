package web

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/silkbridge/silkbridge"
)

// decodeJSON reads the request body into v strictly. Every API body is a
// JSON object, so anything else (null, an array, a string, a number) is
// refused before it reaches v: encoding/json would take null as "leave v
// as it is", and a handler would then act on a zero value nobody sent.
// Malformed JSON, invalid UTF-8 (which encoding/json would silently turn
// into U+FFFD and let us store), unknown fields, values of the wrong type,
// trailing data and a wrong content type are refused too, each with an
// EMALFORMED error naming the field; a body over the limit gives a
// *http.MaxBytesError (413).
func decodeJSON(r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(ct, "application/json") && !strings.HasSuffix(strings.Split(ct, ";")[0], "+json") {
		return silkbridge.Malformed("body", "error.content_type", "send the body as application/json", nil)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return silkbridge.Malformed("body", "error.body_unreadable", "the request body could not be read", nil)
	}
	return decodeJSONBytes(body, v)
}

// decodeJSONBytes is decodeJSON on a body already read.
func decodeJSONBytes(body []byte, v any) error {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return silkbridge.Malformed("body", "error.body_empty", "the request body is empty", nil)
	}
	if !utf8.Valid(body) {
		field := invalidUTF8Field(body)
		return silkbridge.Malformed(field, "error.json_utf8", "the text is not valid UTF-8", nil)
	}
	if trimmed[0] != '{' {
		if !json.Valid(body) {
			return syntaxProblem(body)
		}
		return silkbridge.Malformed("body", "error.json_object", "the body must be a JSON object", map[string]any{"Got": jsonKind(trimmed[0])})
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &syn):
			return syntaxProblem(body)
		case errors.As(err, &typ):
			field := typ.Field
			if field == "" {
				field = "body"
			}
			// The Go type means nothing to a client; the JSON kind it sent does.
			got, _, _ := strings.Cut(typ.Value, " ")
			return silkbridge.Malformed(field, "error.json_type", fmt.Sprintf("a %s is not accepted here", got), map[string]any{"Type": got})
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return silkbridge.Malformed(name, "error.unknown_field", "unknown field", nil)
		default:
			return syntaxProblem(body)
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return silkbridge.Malformed("body", "error.json_trailing", "unexpected data after the JSON value", nil)
	}
	// encoding/json takes a null as "leave the field as it is", so a null
	// list or text would pass as an empty one nobody sent: only pointer
	// fields, whose null means "not given", accept it (as the request
	// schemas of the OpenAPI document say).
	var raw any
	if err := json.Unmarshal(body, &raw); err == nil {
		if field := refusedNull(raw, reflect.TypeOf(v), ""); field != "" {
			return silkbridge.Malformed(field, "error.json_null", "null is not accepted here; leave the field out instead", nil)
		}
	}
	return nil
}

var (
	jsonUnmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()
	textUnmarshalerType = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
)

// refusedNull returns the path of the first null in raw (decoded from
// JSON) where a Go value of type t has no room for one, or "".
func refusedNull(raw any, t reflect.Type, path string) string {
	if raw == nil {
		if path == "" || t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface {
			return ""
		}
		return path
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if implements(t, jsonUnmarshalerType) || implements(t, textUnmarshalerType) {
		return ""
	}
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := raw.(map[string]any)
		if !ok {
			return ""
		}
		fields := map[string]reflect.Type{}
		jsonFields(t, fields)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ft, ok := fields[k]
			if !ok {
				// encoding/json matches names regardless of case.
				for name, typ := range fields {
					if strings.EqualFold(name, k) {
						ft, ok = typ, true
						break
					}
				}
			}
			if ok {
				if f := refusedNull(obj[k], ft, join(k)); f != "" {
					return f
				}
			}
		}
	case reflect.Slice, reflect.Array:
		if arr, ok := raw.([]any); ok {
			for i, x := range arr {
				if f := refusedNull(x, t.Elem(), join(strconv.Itoa(i))); f != "" {
					return f
				}
			}
		}
	case reflect.Map:
		if obj, ok := raw.(map[string]any); ok {
			for k, x := range obj {
				if f := refusedNull(x, t.Elem(), join(k)); f != "" {
					return f
				}
			}
		}
	}
	return ""
}

// jsonFields maps the JSON names of struct t's fields to their types, the
// fields of embedded structs promoted as encoding/json promotes them.
func jsonFields(t reflect.Type, into map[string]reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				jsonFields(et, into)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		into[name] = f.Type
	}
}

// syntaxProblem names the byte where the JSON stops making sense.
func syntaxProblem(body []byte) error {
	var x any
	err := json.Unmarshal(body, &x)
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return silkbridge.Malformed("body", "error.json_syntax", fmt.Sprintf("malformed JSON at byte %d", syn.Offset), map[string]any{"Offset": syn.Offset})
	}
	return silkbridge.Malformed("body", "error.json_syntax", "malformed JSON", nil)
}

// jsonKind names the kind of JSON value that starts with c.
func jsonKind(c byte) string {
	switch {
	case c == 'n':
		return "null"
	case c == '[':
		return "array"
	case c == '"':
		return "string"
	case c == 't' || c == 'f':
		return "boolean"
	default:
		return "number"
	}
}

// invalidUTF8Field returns the path (regions.0.name) of the first key or
// string value of body that is not valid UTF-8, or "body" when it cannot
// tell. The decoder's tokens are already repaired, so the raw bytes
// between two token offsets are checked instead: what lies between tokens
// besides the token itself is ASCII punctuation and space.
func invalidUTF8Field(body []byte) string {
	type frame struct {
		object  bool
		key     string
		index   int
		wantKey bool
	}
	var stack []*frame
	path := func() string {
		var parts []string
		for _, f := range stack {
			if f.object {
				parts = append(parts, f.key)
			} else {
				parts = append(parts, strconv.Itoa(f.index))
			}
		}
		if len(parts) == 0 {
			return "body"
		}
		return strings.Join(parts, ".")
	}
	consumed := func() {
		if n := len(stack); n > 0 {
			if f := stack[n-1]; f.object {
				f.wantKey = true
			} else {
				f.index++
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var prev int64
	for {
		tok, err := dec.Token()
		if err != nil {
			return "body"
		}
		off := dec.InputOffset()
		raw := body[prev:off]
		prev = off
		valid := utf8.Valid(raw)
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
			if key, ok := tok.(string); ok {
				stack[n-1].key = key
				stack[n-1].wantKey = false
				if !valid {
					return path()
				}
				continue
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, &frame{object: t == '{', wantKey: t == '{'})
			default:
				stack = stack[:len(stack)-1]
				consumed()
			}
		default:
			if !valid {
				return path()
			}
			consumed()
		}
	}
}

// refuseBody wraps the handler of an operation that takes no body: a
// client that sends one believes it says something, and it would be
// ignored, so it is refused (400) instead.
func (s *Server) refuseBody(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.Body != nil && r.Body != http.NoBody {
			n, err := io.Copy(io.Discard, io.LimitReader(r.Body, 1))
			if err != nil || n > 0 {
				return silkbridge.Malformed("body", "error.body_not_expected", "this operation takes no request body", nil)
			}
		}
		return h(w, r)
	}
}
