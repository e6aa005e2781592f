package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/store"
)

// Templates: templates/layout/*.html are shared by every page (the layout
// and partials); each file under templates/pages/ is one page, parsed on a
// clone of the shared set. The page file's path without .html is its name
// ("organisations/list").
//
//go:embed templates
var templateFS embed.FS

type pageTemplate struct {
	t *template.Template
	// byLang holds the clone bound to each language (render_lang.go).
	byLang sync.Map
}

// baseFuncs declares every template function. Those that depend on the
// request (language, user) are placeholders here and bound per request on
// a clone, so that no request ever renders in another request's language.
func baseFuncs() template.FuncMap {
	return template.FuncMap{
		"T":          func(id string, kv ...any) string { return id },
		"wait":       func(seconds int) string { return "" },
		"country":    func(code string) string { return code },
		"field":      func(code string) string { return code },
		"date":       func(t any) string { return "" },
		"num":        func(n int) string { return strconv.Itoa(n) },
		"lang":       func() string { return "en" },
		"join":       strings.Join,
		"lower":      strings.ToLower,
		"upper":      strings.ToUpper,
		"json":       toJSON,
		"add":        func(a, b int) int { return a + b },
		"sub":        func(a, b int) int { return a - b },
		"seq":        seq,
		"percent":    percent,
		"contains":   containsString,
		"query":      withQuery,
		"dict":       dict,
		"list":       func(v ...string) []string { return v },
		"pct":        func(v float64) string { return strconv.FormatFloat(v*100, 'f', 1, 64) + "%" },
		"fixed":      func(v float64, d int) string { return strconv.FormatFloat(v, 'f', d, 64) },
		"safeURL":    func(s string) template.URL { return template.URL(s) },
		"countryObj": func(code string) store.Country { return store.Country{Code: code} },
		"verified":   func(id string) bool { return false },
		"asset":      assetPath,
		// Bound per language (render_lang.go).
		"countryOptions": func(cs []store.Country, selected any) template.HTML { return "" },
		"fieldOptions":   func(fs []store.Field, selected []string) template.HTML { return "" },
	}
}

func parsePages() (map[string]*pageTemplate, error) {
	base, err := template.New("").Funcs(baseFuncs()).ParseFS(templateFS, "templates/layout/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	pages := map[string]*pageTemplate{}
	err = fs.WalkDir(templateFS, "templates/pages", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, p)
		if err != nil {
			return fmt.Errorf("parse %s: %w", p, err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/pages/"), ".html")
		pages[name] = &pageTemplate{t: t}
		return nil
	})
	return pages, err
}

// Page is what every page template receives as dot.
type Page struct {
	Lang      Language
	Languages []Language
	Nav       []NavItem
	Title     string
	User      *account.User
	Path      string
	URL       *url.URL
	Flash     string
	Demo      bool
	// Data is the page's own content.
	Data any
	// Form holds submitted values to show again after a refusal, and
	// Errors the translated problems by field name.
	Form   url.Values
	Errors map[string]string
	// Error is a message about the whole form.
	Error string
}

// FormValue returns the submitted value of a field, for re-displaying a form.
func (p *Page) FormValue(name string) string { return p.Form.Get(name) }

// FormValues returns all submitted values of a field.
func (p *Page) FormValues(name string) []string { return p.Form[name] }

// render writes the named page with status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, status int, p *Page) {
	pt, ok := s.pages[name]
	if !ok {
		s.log.Error("no such page template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.fillPage(r, p)
	t, err := s.pageInLanguage(pt, p.Lang)
	if err != nil {
		s.log.Error("clone template", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	layout := "layout"
	if r.Header.Get("HX-Request") == "true" && t.Lookup("partial") != nil && r.Header.Get("HX-Boosted") != "true" {
		layout = "partial"
	}
	key, keep := keptRendering(r, name, layout, status, p)
	var version store.Version
	if keep {
		var body []byte
		var ok bool
		if body, version, ok = s.renderedBody(r, key); ok {
			buf.Write(body)
			keep = false
		}
	}
	if buf.Len() == 0 {
		if err := t.ExecuteTemplate(&buf, layout, p); err != nil {
			s.log.Error("render page", "name", name, "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
	}
	if keep {
		keepRendered(key, version, buf.Bytes())
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", p.Lang.Tag)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) fillPage(r *http.Request, p *Page) {
	p.Lang = requestLanguage(r)
	p.Languages = Languages
	p.Nav = sortedNav(currentUser(r) != nil)
	p.User = currentUser(r)
	p.Path = r.URL.Path
	p.URL = r.URL
	p.Demo = s.cfg.Demo
	if p.Form == nil {
		p.Form = url.Values{}
	}
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	if c, err := r.Cookie("flash"); err == nil && p.Flash == "" {
		if v, err := url.QueryUnescape(c.Value); err == nil {
			p.Flash = v
		}
	}
}

// T translates a message for the request's language, for use in handlers.
func (s *Server) T(r *http.Request, id string, kv ...any) string {
	return s.translator(requestLanguage(r)).T(id, kv...)
}

// redirectFlash redirects after a successful form post and shows a short,
// already-translated message on the next page.
func (s *Server) redirectFlash(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		http.SetCookie(w, &http.Cookie{Name: "flash", Value: url.QueryEscape(flash), Path: "/", MaxAge: 10,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// clearFlash drops the flash cookie once shown.
func clearFlash(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie("flash"); err == nil {
		http.SetCookie(w, &http.Cookie{Name: "flash", Value: "", Path: "/", MaxAge: -1})
	}
}

// renderError shows an error page with the status that the error's code calls for.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	err = store.Classify(err)
	status := statusOf(err)
	setRetryAfter(w, err)
	if status >= 500 {
		s.logFailure(r, err)
	}
	tr := s.translator(requestLanguage(r))
	msg := tr.Error(err)
	if status == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/signin?back="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.render(w, r, "error", status, &Page{Title: tr.T("error.title"), Data: map[string]any{"Status": status, "Message": msg}})
}

// logFailure logs a server-side failure once. A client that went away
// before the answer is not a failure of the server: a debug line.
func (s *Server) logFailure(r *http.Request, err error) {
	if errors.Is(err, context.Canceled) || errors.Is(r.Context().Err(), context.Canceled) {
		s.log.Debug("client went away", "method", r.Method, "path", r.URL.Path, "err", err)
		return
	}
	if silkbridge.ErrorCode(err) == silkbridge.EUNAVAILABLE {
		s.log.Warn("unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		return
	}
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
}

// statusOf maps an application error to an HTTP status.
func statusOf(err error) int {
	switch silkbridge.ErrorCode(store.Classify(err)) {
	case silkbridge.EINVALID:
		return http.StatusUnprocessableEntity
	case silkbridge.EMALFORMED:
		return http.StatusBadRequest
	case silkbridge.ENOTFOUND:
		return http.StatusNotFound
	case silkbridge.ECONFLICT:
		return http.StatusConflict
	case silkbridge.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case silkbridge.EFORBIDDEN:
		return http.StatusForbidden
	case silkbridge.ETOOMANY:
		return http.StatusTooManyRequests
	case silkbridge.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// formError re-renders a form page with the problems of err beside its
// fields and the submitted values kept; errors that are not about the
// input become an error page.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, name string, p *Page, err error) error {
	if code := silkbridge.ErrorCode(err); code != silkbridge.EINVALID && code != silkbridge.EMALFORMED {
		return err
	}
	tr := s.translator(requestLanguage(r))
	p.Errors = tr.FieldErrors(err)
	p.Error = tr.Error(err)
	p.Form = r.PostForm
	s.render(w, r, name, http.StatusUnprocessableEntity, p)
	return nil
}

func formatDate(v any, lang string) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return ""
		}
		t = *x
	case string:
		if x == "" {
			return ""
		}
		var err error
		if t, err = time.Parse("2006-01-02", x); err != nil {
			if t, err = time.Parse(time.RFC3339Nano, x); err != nil {
				return x
			}
		}
	default:
		return ""
	}
	if t.IsZero() {
		return ""
	}
	switch lang {
	case "zh":
		return t.Format("2006年1月2日")
	default:
		return t.Format("2006-01-02")
	}
}

// numberPrinter formats whole numbers with the language's digit grouping
// (35,887; 35 887; 35.887).
func numberPrinter(lang string) func(n int) string {
	pr := message.NewPrinter(language.Make(lang))
	return func(n int) string { return pr.Sprintf("%d", n) }
}

func toJSON(v any) (template.JS, error) {
	b, err := json.Marshal(v)
	return template.JS(b), err
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func percent(part, whole int) int {
	if whole == 0 {
		return 0
	}
	return int(math.Round(float64(part) * 100 / float64(whole)))
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// withQuery returns the current URL with one query parameter replaced, for
// pagination and filter links.
func withQuery(u *url.URL, key string, value any) string {
	q := u.Query()
	q.Set(key, fmt.Sprint(value))
	return path.Clean(u.Path) + "?" + q.Encode()
}

func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			m[k] = kv[i+1]
		}
	}
	return m
}
