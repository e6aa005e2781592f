package mail

import (
	"bytes"
	"fmt"
	htemplate "html/template"
	"io/fs"
	"path"
	"strings"
	ttemplate "text/template"
)

// Templates are the mail templates: for each message NAME a NAME.txt
// (text/template) and a NAME.html (html/template), each defining "body",
// set in layout.txt and layout.html, which add the greeting and the link
// to the notification settings that every mail carries.
type Templates struct {
	text map[string]*ttemplate.Template
	html map[string]*htemplate.Template
}

// noT stands in for the translation function until a render binds the
// recipient's language on a clone.
func noT(id string, kv ...any) string { return id }

// ParseTemplates reads the templates in dir of fsys.
func ParseTemplates(fsys fs.FS, dir string) (*Templates, error) {
	tbase, err := ttemplate.New("").Funcs(ttemplate.FuncMap{"T": noT}).ParseFS(fsys, path.Join(dir, "layout.txt"))
	if err != nil {
		return nil, fmt.Errorf("mail templates: %w", err)
	}
	hbase, err := htemplate.New("").Funcs(htemplate.FuncMap{"T": noT}).ParseFS(fsys, path.Join(dir, "layout.html"))
	if err != nil {
		return nil, fmt.Errorf("mail templates: %w", err)
	}
	t := &Templates{text: map[string]*ttemplate.Template{}, html: map[string]*htemplate.Template{}}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("mail templates: %w", err)
	}
	for _, e := range entries {
		name, ext, _ := strings.Cut(e.Name(), ".")
		if name == "layout" {
			continue
		}
		p := path.Join(dir, e.Name())
		switch ext {
		case "txt":
			x, err := ttemplate.Must(tbase.Clone()).ParseFS(fsys, p)
			if err != nil {
				return nil, fmt.Errorf("mail template %s: %w", p, err)
			}
			t.text[name] = x
		case "html":
			x, err := htemplate.Must(hbase.Clone()).ParseFS(fsys, p)
			if err != nil {
				return nil, fmt.Errorf("mail template %s: %w", p, err)
			}
			t.html[name] = x
		}
	}
	for name := range t.text {
		if t.html[name] == nil {
			return nil, fmt.Errorf("mail template %s: a text version without an HTML version", name)
		}
	}
	for name := range t.html {
		if t.text[name] == nil {
			return nil, fmt.Errorf("mail template %s: an HTML version without a text version", name)
		}
	}
	return t, nil
}

// Has reports whether there is a message of that name.
func (t *Templates) Has(name string) bool { return t.text[name] != nil }

// Render writes the two alternatives of message name. T says a message
// of the catalogue in the recipient's language; it is bound on a clone,
// so that renders in different languages never share it.
func (t *Templates) Render(name string, T func(id string, kv ...any) string, data any) (text, html string, err error) {
	tt, ht := t.text[name], t.html[name]
	if tt == nil || ht == nil {
		return "", "", fmt.Errorf("mail: no template %q", name)
	}
	tc, err := tt.Clone()
	if err != nil {
		return "", "", err
	}
	hc, err := ht.Clone()
	if err != nil {
		return "", "", err
	}
	var tb, hb bytes.Buffer
	if err := tc.Funcs(ttemplate.FuncMap{"T": T}).ExecuteTemplate(&tb, "layout", data); err != nil {
		return "", "", fmt.Errorf("mail %s (text): %w", name, err)
	}
	if err := hc.Funcs(htemplate.FuncMap{"T": T}).ExecuteTemplate(&hb, "layout", data); err != nil {
		return "", "", fmt.Errorf("mail %s (html): %w", name, err)
	}
	return tb.String(), hb.String(), nil
}
