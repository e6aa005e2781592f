package web

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/silkbridge/silkbridge"
)

// Catalogues are JSON files named NAME.LANG.json, one per capability and
// language (core.en.json, cooperation.zh.json, ...), so that a capability's
// messages live beside each other and a new language is a new set of files.
//
//go:embed locales
var localeFS embed.FS

// Languages are the six UN languages the site speaks, English first as the fallback.
var Languages = []Language{
	{Tag: "en", Name: "English"},
	{Tag: "zh", Name: "中文"},
	{Tag: "ru", Name: "Русский"},
	{Tag: "ar", Name: "العربية", RTL: true},
	{Tag: "fr", Name: "Français"},
	{Tag: "es", Name: "Español"},
}

// Language is one language of the site.
type Language struct {
	Tag  string
	Name string
	RTL  bool
}

var matcher = language.NewMatcher([]language.Tag{
	language.English, language.Chinese, language.Russian, language.Arabic, language.French, language.Spanish,
})

func loadCatalogues() (*i18n.Bundle, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	err := fs.WalkDir(localeFS, "locales", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := localeFS.ReadFile(path)
		if err != nil {
			return err
		}
		if _, err := b.ParseMessageFileBytes(data, path); err != nil {
			return fmt.Errorf("catalogue %s: %w", path, err)
		}
		return nil
	})
	return b, err
}

// langCookie keeps the language a visitor chose.
const langCookie = "lang"

// requestLanguage picks the language: the one asked for in the address, else the one chosen on the site, else the
// best match of Accept-Language, else English.
func requestLanguage(r *http.Request) Language {
	if q := r.URL.Query().Get("lang"); q != "" {
		if l, ok := languageByTag(q); ok {
			return l
		}
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := languageByTag(c.Value); ok {
			return l
		}
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return Languages[0]
	}
	return Languages[idx]
}

func languageByTag(tag string) (Language, bool) {
	for _, l := range Languages {
		if l.Tag == tag {
			return l, true
		}
	}
	return Language{}, false
}

// switchLanguage stores the chosen language and returns to the page the
// visitor was on.
func (s *Server) switchLanguage(w http.ResponseWriter, r *http.Request) error {
	l, ok := languageByTag(r.PathValue("lang"))
	if !ok {
		return silkbridge.NotFound("language")
	}
	if u := currentUser(r); u != nil {
		// A signed-in person's choice is also the language of their mail.
		if err := s.store.SetUserLanguage(r.Context(), u.ID, l.Tag); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l.Tag, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
	back := r.URL.Query().Get("back")
	if !localPath(back) {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// translator says messages in one language.
type translator struct {
	lang Language
	loc  *i18n.Localizer
}

func (s *Server) translator(l Language) *translator {
	return &translator{lang: l, loc: i18n.NewLocalizer(s.i18n, l.Tag, "en")}
}

// T returns the message id in the translator's language, filled with data
// given as alternating keys and values; English, then the id itself, stand
// in for a missing translation.
func (t *translator) T(id string, kv ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			data[k] = kv[i+1]
		}
	}
	return t.tmap(id, data, id)
}

func (t *translator) tmap(id string, data map[string]any, fallback string) string {
	msg, err := t.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: data["Count"]})
	if err != nil || msg == "" {
		return fallback
	}
	return msg
}

// Error says an application error in the translator's language.
func (t *translator) Error(err error) string {
	if e, ok := errors.AsType[*silkbridge.Error](err); ok {
		return t.tmap(e.MessageID, t.withWait(e.Data), e.Message)
	}
	return t.T("error.internal")
}

// FieldErrors translates the field problems of err, keyed by field name.
func (t *translator) FieldErrors(err error) map[string]string {
	out := map[string]string{}
	e, ok := errors.AsType[*silkbridge.Error](err)
	if !ok {
		return out
	}
	for _, f := range e.Fields {
		if _, dup := out[f.Field]; dup {
			continue
		}
		out[f.Field] = t.tmap(f.MessageID, f.Data, f.Message)
	}
	return out
}
