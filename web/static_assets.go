package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/silkbridge/silkbridge"
)

// Static files are fingerprinted: each embedded file is also served under
// a name that carries a hash of its content (/static/app.3f9a0c1d2e.css),
// which the pages refer to through the template function asset. Such a
// name never changes meaning, so browsers keep it for a year without
// asking again, and a new release (new content, new name) is fetched at
// once. The plain names keep working, with a short cache, for anything
// that still refers to them.
const (
	immutableCache = "public, max-age=31536000, immutable"
	plainCache     = "public, max-age=600"
)

// staticAsset is one embedded file, with the bodies it is served with.
type staticAsset struct {
	name   string // "vendor/htmx.min.js"
	hashed string // "vendor/htmx.min.5d9f1c3b7a.js"
	hash   string
	ctype  string
	body   []byte

	// The compressed bodies are made once per process on first use (brotli
	// at a high level takes a quarter of a second for ECharts) rather than
	// when every server starts, which tests do hundreds of times.
	once     sync.Once
	gz, br   []byte
	compress bool
}

// staticSet is every embedded static file, by plain and by hashed name.
type staticSet struct {
	byName map[string]*staticAsset
	byPath map[string]*staticAsset // plain and hashed names
	// modTime is the Last-Modified of every file: embedded files carry no
	// time of their own, so the time this process started stands for the
	// release; the ETag (the content hash) is the validator that decides.
	modTime time.Time
}

// staticAssets reads and hashes the embedded files once per process.
var staticAssets = sync.OnceValue(func() *staticSet {
	set := &staticSet{byName: map[string]*staticAsset{}, byPath: map[string]*staticAsset{}, modTime: time.Now().UTC().Truncate(time.Second)}
	root, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(root, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		a := &staticAsset{name: p, hash: hex.EncodeToString(sum[:])[:10], body: body}
		a.hashed = fingerprinted(p, a.hash)
		a.ctype = mime.TypeByExtension(path.Ext(p))
		if a.ctype == "" {
			a.ctype = "application/octet-stream"
		}
		a.compress = compressibleType(a.ctype) && len(body) >= compressMinBytes
		set.byName[p] = a
		set.byPath[p] = a
		set.byPath[a.hashed] = a
		return nil
	})
	if err != nil {
		panic(err)
	}
	return set
})

// fingerprinted puts the hash before the file's extension:
// vendor/echarts.min.js -> vendor/echarts.min.<hash>.js.
func fingerprinted(name, hash string) string {
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hash + ext
}

// assetPath is the template function asset: the fingerprinted address of
// a static file. A name that is not embedded fails the page, so that a
// typo shows in the tests and not as a missing style in production.
func assetPath(name string) (string, error) {
	a, ok := staticAssets().byName[name]
	if !ok {
		return "", fmt.Errorf("asset %q: no such static file", name)
	}
	return "/static/" + a.hashed, nil
}

// compressed returns the asset's gzip and brotli bodies, made on first use.
func (a *staticAsset) compressed() (gz, br []byte) {
	a.once.Do(func() {
		if !a.compress {
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(a.body)
		zw.Close()
		a.gz = bytes.Clone(buf.Bytes())
		buf.Reset()
		bw := brotli.NewWriterLevel(&buf, 9)
		bw.Write(a.body)
		bw.Close()
		a.br = bytes.Clone(buf.Bytes())
	})
	return a.gz, a.br
}

// serveStatic answers GET /static/...: the file by its hashed name (cached
// for a year) or its plain name (cached briefly), precompressed for
// clients that accept it, with an ETag and Last-Modified so that a
// revalidation costs a 304 and no body.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) error {
	set := staticAssets()
	p := strings.TrimPrefix(r.URL.Path, "/static/")
	a, ok := set.byPath[p]
	if !ok {
		return errStaticNotFound
	}
	h := w.Header()
	if p == a.hashed {
		h.Set("Cache-Control", immutableCache)
	} else {
		h.Set("Cache-Control", plainCache)
	}
	h.Set("Content-Type", a.ctype)
	body, etag := a.body, a.hash
	if a.compress {
		h.Add("Vary", "Accept-Encoding")
		gz, br := a.compressed()
		switch negotiateEncoding(r.Header.Get("Accept-Encoding")) {
		case "br":
			body, etag = br, a.hash+"-br"
			h.Set("Content-Encoding", "br")
		case "gzip":
			body, etag = gz, a.hash+"-gz"
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", `"`+etag+`"`)
	http.ServeContent(w, r, "", set.modTime, bytes.NewReader(body))
	return nil
}

var errStaticNotFound = silkbridge.NotFound("file")
