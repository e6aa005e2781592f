package web

import (
	"context"
	"fmt"
	"html/template"
	"strings"
	"sync"

	"github.com/silkbridge/silkbridge/store"
)

// A page's template is cloned once per language, with the functions that
// say things in that language bound to it, and kept: cloning a page's
// whole template set on every request cost more than executing it. What
// a request sees still depends on the request alone: the language picks
// the clone, and the functions bound to a clone read nothing of any
// request (unlike a FuncMap swapped on one shared template, which once
// rendered pages in another request's language elsewhere).

// pageInLanguage returns the page's template bound to the language.
func (s *Server) pageInLanguage(pt *pageTemplate, lang Language) (*template.Template, error) {
	if t, ok := pt.byLang.Load(lang.Tag); ok {
		return t.(*template.Template), nil
	}
	t, err := pt.t.Clone()
	if err != nil {
		return nil, err
	}
	ref, _ := s.store.Reference(context.Background())
	tr := s.translator(lang)
	msgs := &messageCache{tr: tr}
	t.Funcs(template.FuncMap{
		"T":        msgs.T,
		"wait":     tr.Wait,
		"lang":     func() string { return lang.Tag },
		"verified": s.isVerified,
		"country": func(code string) string {
			if ref != nil {
				if c, ok := ref.Country(code); ok {
					return c.Name(lang.Tag)
				}
			}
			return code
		},
		"countryObj": func(code string) store.Country {
			if ref != nil {
				if c, ok := ref.Country(code); ok {
					return c
				}
			}
			return store.Country{Code: code}
		},
		"field": func(code string) string {
			if ref != nil {
				if f, ok := ref.Field(code); ok {
					return f.Name(lang.Tag)
				}
			}
			return code
		},
		"date": func(v any) string { return formatDate(v, lang.Tag) },
		"num":  numberPrinter(lang.Tag),
		"countryOptions": func(cs []store.Country, selected any) template.HTML {
			return countryOptions(cs, selected, lang.Tag, msgs.T("form.choose"))
		},
		"fieldOptions": func(fs []store.Field, selected []string) template.HTML { return fieldOptions(fs, selected, lang.Tag) },
	})
	actual, _ := pt.byLang.LoadOrStore(lang.Tag, t)
	return actual.(*template.Template), nil
}

// isVerified reports whether the organisation bears the verified mark,
// from the set the store keeps in memory.
func (s *Server) isVerified(id string) bool {
	set, err := s.store.VerifiedOrganisationIDs(context.Background())
	if err != nil {
		s.log.Error("verified organisations", "err", err)
	}
	return set[id]
}

// messageCache keeps a language's messages that take no data: most of a
// page's texts, each otherwise looked up and executed anew per request.
type messageCache struct {
	tr   *translator
	msgs sync.Map
}

func (m *messageCache) T(id string, kv ...any) string {
	if len(kv) > 0 {
		return m.tr.T(id, kv...)
	}
	if v, ok := m.msgs.Load(id); ok {
		return v.(string)
	}
	v := m.tr.T(id)
	m.msgs.Store(id, v)
	return v
}

// countryOptions writes the options of a country select: a page's
// longest loop (some 250 countries), written here in Go rather than
// evaluated by the template engine item by item.
func countryOptions(cs []store.Country, selected any, lang, choose string) template.HTML {
	sel := ""
	if selected != nil {
		sel = fmt.Sprint(selected)
	}
	var b strings.Builder
	b.Grow(len(cs) * 48)
	b.WriteString(`<option value="">`)
	b.WriteString(template.HTMLEscapeString(choose))
	b.WriteString("</option>\n")
	for _, c := range cs {
		b.WriteString(`<option value="`)
		b.WriteString(template.HTMLEscapeString(c.Code))
		b.WriteString(`"`)
		if c.Code == sel {
			b.WriteString(" selected")
		}
		b.WriteString(">")
		b.WriteString(template.HTMLEscapeString(c.Name(lang)))
		if c.BRIPartner {
			b.WriteString(" ★")
		}
		b.WriteString("</option>")
	}
	return template.HTML(b.String())
}

// fieldOptions writes the options of a field select, sub-fields indented.
func fieldOptions(fs []store.Field, selected []string, lang string) template.HTML {
	var b strings.Builder
	b.Grow(len(fs) * 64)
	for _, f := range fs {
		b.WriteString(`<option value="`)
		b.WriteString(template.HTMLEscapeString(f.Code))
		b.WriteString(`"`)
		if containsString(selected, f.Code) {
			b.WriteString(" selected")
		}
		b.WriteString(">")
		if f.Parent != "" {
			b.WriteString("&nbsp;&nbsp;")
		}
		b.WriteString(template.HTMLEscapeString(f.Code))
		b.WriteString(" ")
		b.WriteString(template.HTMLEscapeString(f.Name(lang)))
		b.WriteString("</option>")
	}
	return template.HTML(b.String())
}
