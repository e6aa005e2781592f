package web

import (
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

var pathParam = regexp.MustCompile(`\{([^}.$]+)(\.\.\.)?\}`)

// openAPI serves the OpenAPI 3.1 document, built from the registered API
// routes and the Go types of their bodies, so it cannot drift from them.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, s.OpenAPIDocument())
	return nil
}

// OpenAPIDocument returns the OpenAPI 3.1 description of /api/v1.
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
			params = append(params, map[string]any{"name": n, "in": "query", "description": o.Op.Query[n], "schema": map[string]any{"type": "string"}})
		}
		status := o.Op.Status
		if status == 0 {
			status = http.StatusOK
		}
		resp := map[string]any{"description": http.StatusText(status)}
		if o.Op.Response != nil {
			resp["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(o.Op.Response))}}
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
		if o.Op.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(o.Op.Request))}}}
		}
		if o.Op.Auth {
			op["security"] = []any{map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}}
		}
		p[strings.ToLower(o.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Silkbridge API",
			"version":     "1",
			"description": "The JSON API of Silkbridge, the service platform for international science and technology cooperation. Errors are RFC 9457 problem details naming the fields at fault.",
		},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "A personal API token (sb_...), read or write scope"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie},
			},
			"schemas": map[string]any{"Problem": schemaOf(reflect.TypeOf(Problem{}))},
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

var timeType = reflect.TypeOf(time.Time{})

// schemaOf describes a Go type as a JSON Schema (the subset OpenAPI 3.1 uses).
func schemaOf(t reflect.Type) map[string]any {
	return schemaDepth(t, 0)
}

func schemaDepth(t reflect.Type, depth int) map[string]any {
	if depth > 6 {
		return map[string]any{}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": schemaDepth(t.Elem(), depth+1)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaDepth(t.Elem(), depth+1)}
	case reflect.Struct:
		props := map[string]any{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := f.Name
			if tag := f.Tag.Get("json"); tag != "" {
				n, _, _ := strings.Cut(tag, ",")
				if n == "-" {
					continue
				}
				if n != "" {
					name = n
				}
			}
			if f.Anonymous && f.Tag.Get("json") == "" {
				if sub, ok := schemaDepth(f.Type, depth+1)["properties"].(map[string]any); ok {
					for k, v := range sub {
						props[k] = v
					}
				}
				continue
			}
			props[name] = schemaDepth(f.Type, depth+1)
		}
		return map[string]any{"type": "object", "properties": props}
	case reflect.Interface:
		return map[string]any{}
	}
	return map[string]any{}
}
