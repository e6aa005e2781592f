package web

import (
	"encoding"
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

var pathParam = regexp.MustCompile(`\{([^}.$]+)(\.\.\.)?\}`)

// openAPIVersion is the version of the document. 3.0.3 rather than 3.1:
// the validator the tests hold real responses against (kin-openapi)
// implements 3.0, and a document no tool can check is not worth the
// newer version's niceties.
const openAPIVersion = "3.0.3"

// openAPI serves the OpenAPI document, built from the registered API
// routes and the Go types of their bodies, so it cannot drift from them.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, s.OpenAPIDocument())
	return nil
}

// queryParamSchemas gives the parameters that are not free text their
// type; the handlers read them with queryInt and queryBool.
var queryParamSchemas = map[string]map[string]any{
	"page":     {"type": "integer", "minimum": 0},
	"per_page": {"type": "integer", "minimum": 0},
	"months":   {"type": "integer", "minimum": 0},
	"top":      {"type": "integer", "minimum": 0},
	"year":     {"type": "integer", "minimum": 0},
	"trl":      {"type": "integer", "minimum": 1, "maximum": 9},
	"trl_min":  {"type": "integer", "minimum": 0, "maximum": 9},
	"trl_max":  {"type": "integer", "minimum": 0, "maximum": 9},
	"bri":      {"type": "boolean"},
	"all":      {"type": "boolean"},
	"open":     {"type": "boolean"},
	"limit":    {"type": "integer", "minimum": 1, "maximum": 100},
}

// OpenAPIDocument returns the OpenAPI description of /api/v1.
func (s *Server) OpenAPIDocument() map[string]any {
	paths := map[string]map[string]any{}
	ops := append([]apiOperation(nil), s.api...)
	sort.Slice(ops, func(i, j int) bool { return ops[i].Path+ops[i].Method < ops[j].Path+ops[j].Method })
	for _, o := range ops {
		p := paths[o.Path]
		if p == nil {
			p = map[string]any{}
			paths[o.Path] = p
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(o.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		qnames := make([]string, 0, len(o.Op.Query))
		for n := range o.Op.Query {
			qnames = append(qnames, n)
		}
		sort.Strings(qnames)
		for _, n := range qnames {
			schema, ok := queryParamSchemas[n]
			if !ok {
				schema = map[string]any{"type": "string"}
			}
			params = append(params, map[string]any{"name": n, "in": "query", "description": o.Op.Query[n], "schema": schema})
		}
		status := o.Op.Status
		if status == 0 {
			status = http.StatusOK
		}
		resp := map[string]any{"description": http.StatusText(status)}
		if o.Op.Response != nil {
			resp["content"] = map[string]any{"application/json": map[string]any{"schema": responseSchema(reflect.TypeOf(o.Op.Response))}}
		}
		op := map[string]any{
			"summary":     o.Op.Summary,
			"operationId": operationID(o.Method, o.Path),
			"responses": map[string]any{
				itoa(status): resp,
				"default":    map[string]any{"description": "Problem details (RFC 9457)", "content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}},
			},
		}
		if o.Op.Tag != "" {
			op["tags"] = []string{o.Op.Tag}
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		switch {
		case o.Op.Request != nil:
			op["requestBody"] = map[string]any{"required": !o.Op.OptionalBody, "content": map[string]any{"application/json": map[string]any{"schema": requestSchema(reflect.TypeOf(o.Op.Request))}}}
		case o.Method != http.MethodGet && o.Method != http.MethodHead:
			op["description"] = "Takes no request body: one that is sent is refused (400)."
		}
		if o.Op.Auth {
			op["security"] = []any{map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}}
		}
		p[strings.ToLower(o.Method)] = op
	}
	problemTypeURIs := make([]string, 0, len(problemTypes))
	for _, pt := range problemTypes {
		problemTypeURIs = append(problemTypeURIs, s.problemTypeURI(strings.ReplaceAll(pt.Anchor, "-", "_")))
	}
	problem := responseSchema(reflect.TypeOf(Problem{}))
	problem["properties"].(map[string]any)["type"].(map[string]any)["enum"] = problemTypeURIs
	return map[string]any{
		"openapi": openAPIVersion,
		"info": map[string]any{
			"title":   "Silkbridge API",
			"version": "1",
			"description": "The JSON API of Silkbridge, the service platform for international science and technology cooperation. " +
				"Request bodies are JSON objects of the operation's schema; errors are RFC 9457 problem details naming the fields at fault, " +
				"and their types are explained at " + problemsPath + ".",
		},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "A personal API token (sb_...), read or write scope"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie},
			},
			"schemas": map[string]any{"Problem": problem},
		},
	}
}

func operationID(method, path string) string {
	id := strings.ToLower(method)
	for _, part := range strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/") {
		part = strings.Trim(part, "{}.")
		if part == "" {
			continue
		}
		id += strings.ToUpper(part[:1]) + strings.ReplaceAll(part[1:], "-", "_")
	}
	return id
}

func itoa(n int) string { return strconv.Itoa(n) }

var (
	timeType          = reflect.TypeOf(time.Time{})
	jsonMarshalerType = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
	textMarshalerType = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
)

// schemaGen describes Go types as the JSON that encoding/json writes or
// reads for them, in the schema dialect of OpenAPI 3.0.
type schemaGen struct {
	// request describes what decodeJSON accepts rather than what
	// writeJSON writes: no field is required (validation, not decoding,
	// names a missing one), and null is accepted only where the field is
	// a pointer.
	request bool
	// active guards against recursive types.
	active map[reflect.Type]bool
}

// responseSchema describes the JSON that writeJSON writes for a value of t:
// every field without omitempty is required, nil slices, maps and
// pointers may be null, and no other property appears.
func responseSchema(t reflect.Type) map[string]any {
	return (&schemaGen{active: map[reflect.Type]bool{}}).schema(t)
}

// requestSchema describes the bodies decodeJSON accepts into a t.
func requestSchema(t reflect.Type) map[string]any {
	return (&schemaGen{request: true, active: map[reflect.Type]bool{}}).schema(t)
}

func implements(t, iface reflect.Type) bool {
	return t.Implements(iface) || reflect.PointerTo(t).Implements(iface)
}

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	if implements(t, jsonMarshalerType) {
		// Its own encoding: nothing can be said of it from its type.
		return map[string]any{}
	}
	if implements(t, textMarshalerType) {
		s := map[string]any{"type": "string"}
		if e := typeEnums[t]; e != nil {
			s["enum"] = e
		}
		return s
	}
	switch t.Kind() {
	case reflect.String:
		s := map[string]any{"type": "string"}
		if e := typeEnums[t]; e != nil {
			s["enum"] = e
		}
		return s
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32:
		return map[string]any{"type": "integer", "format": "int32"}
	case reflect.Int64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "minimum": 0}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			return map[string]any{"type": "string", "format": "byte"}
		}
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		if g.active[t] {
			return map[string]any{}
		}
		g.active[t] = true
		defer delete(g.active, t)
		props := map[string]any{}
		var required []string
		g.fields(t, props, &required)
		s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
		if len(required) > 0 {
			sort.Strings(required)
			s["required"] = required
		}
		return s
	}
	// Interfaces: any JSON value, null included.
	return map[string]any{"nullable": true}
}

// fields adds the JSON properties of struct t, those of embedded structs
// promoted as encoding/json promotes them.
func (g *schemaGen) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			et := ft
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				g.fields(et, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omit := false
		quoted := false
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "omitempty", "omitzero":
				omit = true
			case "string":
				quoted = true
			}
		}
		s := g.schema(ft)
		if quoted && (s["type"] == "integer" || s["type"] == "number" || s["type"] == "boolean") {
			s = map[string]any{"type": "string"}
		}
		if e := fieldEnums[t][name]; e != nil {
			if s["type"] == "array" {
				s["items"].(map[string]any)["enum"] = e
			} else {
				s["enum"] = e
			}
		}
		nullable := false
		switch ft.Kind() {
		case reflect.Pointer, reflect.Interface:
			nullable = g.request || !omit
		case reflect.Slice, reflect.Map:
			// A nil slice or map is written as null unless omitted.
			nullable = !g.request && !omit
		}
		if nullable {
			s["nullable"] = true
			if e, ok := s["enum"].([]string); ok {
				s["enum"] = append(append([]any{}, toAny(e)...), nil)
			}
		}
		if !g.request && !omit {
			*required = append(*required, name)
		}
		props[name] = s
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
