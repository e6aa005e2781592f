package web

import (
	"net/http"
	"sync"
	"time"

	"github.com/silkbridge/silkbridge/store"
)

// A few pages cost more to execute than anything their handler reads from
// memory: their HTML as a visitor sees it (not signed in, no flash
// message) is kept per page, address, language and layout, and written
// again until the data version moves (store/dataversion.go) or
// store.MaxCacheAge passes.
// Lists that depend on the clock (upcoming events, open listings) are at
// most that old.
var pagesKeptRendered = map[string]bool{"analytics/depth": true, "cooperations/list": true, "cooperations/show": true, "home": true,
	"organisations/list": true, "market/list": true, "events/list": true, "lessons/list": true, "programmes/list": true}

// renderedKept bounds the kept pages; past it they start afresh.
const renderedKept = 2048

type renderedKey struct {
	name, lang, layout, uri string
}

type renderedPage struct {
	version store.Version
	at      time.Time
	body    []byte
}

var rendered = struct {
	sync.Mutex
	m map[renderedKey]renderedPage
}{m: map[renderedKey]renderedPage{}}

// keptRendering says whether the page may be kept, and its key.
func keptRendering(r *http.Request, name, layout string, status int, p *Page) (renderedKey, bool) {
	ok := r.Method == http.MethodGet && status == http.StatusOK && pagesKeptRendered[name] &&
		p.User == nil && p.Flash == "" && p.Error == "" && len(p.Errors) == 0
	return renderedKey{name: name, lang: p.Lang.Tag, layout: layout, uri: r.URL.RequestURI()}, ok
}

// renderedBody returns the kept HTML of key, if still current.
func (s *Server) renderedBody(r *http.Request, key renderedKey) ([]byte, store.Version, bool) {
	v := s.store.DataVersion(r.Context())
	rendered.Lock()
	kept, ok := rendered.m[key]
	rendered.Unlock()
	if ok && kept.version == v && time.Since(kept.at) < store.MaxCacheAge {
		return kept.body, v, true
	}
	return nil, v, false
}

// keepRendered keeps the HTML of key, as of version v.
func keepRendered(key renderedKey, v store.Version, body []byte) {
	rendered.Lock()
	defer rendered.Unlock()
	if len(rendered.m) >= renderedKept {
		clear(rendered.m)
	}
	rendered.m[key] = renderedPage{version: v, at: time.Now(), body: append([]byte(nil), body...)}
}
