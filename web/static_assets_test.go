package web

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/store"
)

var staticRef = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

func TestStaticAssets_PagesReferToFingerprintedFilesCachedForAYear(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	res, body := rawGet(t, ts.URL+"/", "identity")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("home: %d", res.StatusCode)
	}
	refs := staticRef.FindAllStringSubmatch(string(body), -1)
	if len(refs) < 4 {
		t.Fatalf("the home page refers to %d static files, want the CSS, the icon and two scripts", len(refs))
	}
	hashed := regexp.MustCompile(`^/static/(vendor/)?[a-z.]+\.[0-9a-f]{10}\.(css|js|svg)$`)
	for _, m := range refs {
		p := m[1]
		if !hashed.MatchString(p) {
			t.Errorf("%s is not a fingerprinted name", p)
			continue
		}
		res, body := rawGet(t, ts.URL+p, "gzip")
		if res.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("GET %s: %d, %d bytes", p, res.StatusCode, len(body))
		}
		if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: Cache-Control %q", p, got)
		}
	}
}

func TestStaticAssets_PlainNamesStillWorkWithAShortCacheAndRevalidate(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	hashedPath, err := assetPath("app.css")
	if err != nil {
		t.Fatal(err)
	}
	plain, plainBody := rawGet(t, ts.URL+"/static/app.css", "identity")
	if plain.StatusCode != http.StatusOK {
		t.Fatalf("plain name: %d", plain.StatusCode)
	}
	if got := plain.Header.Get("Cache-Control"); got != "public, max-age=600" {
		t.Errorf("plain name: Cache-Control %q", got)
	}
	if !strings.HasPrefix(plain.Header.Get("Content-Type"), "text/css") {
		t.Errorf("plain name: Content-Type %q", plain.Header.Get("Content-Type"))
	}
	_, hashedBody := rawGet(t, ts.URL+hashedPath, "identity")
	if !bytes.Equal(plainBody, hashedBody) {
		t.Error("the plain and the fingerprinted name serve different bytes")
	}
	for _, enc := range []string{"identity", "gzip", "br"} {
		res, _ := rawGet(t, ts.URL+hashedPath, enc)
		etag, lastMod := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
		if etag == "" || lastMod == "" {
			t.Fatalf("%s: ETag %q, Last-Modified %q", enc, etag, lastMod)
		}
		again, body := rawGet(t, ts.URL+hashedPath, enc, "If-None-Match", etag)
		if again.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("%s: If-None-Match gave %d with %d bytes, want 304 and none", enc, again.StatusCode, len(body))
		}
		again, _ = rawGet(t, ts.URL+hashedPath, enc, "If-Modified-Since", lastMod)
		if again.StatusCode != http.StatusNotModified {
			t.Errorf("%s: If-Modified-Since gave %d, want 304", enc, again.StatusCode)
		}
		before := time.Now().Add(-48 * time.Hour).UTC().Format(http.TimeFormat)
		again, _ = rawGet(t, ts.URL+hashedPath, enc, "If-Modified-Since", before)
		if again.StatusCode != http.StatusOK {
			t.Errorf("%s: If-Modified-Since two days ago gave %d, want 200", enc, again.StatusCode)
		}
	}
	// A gzip ETag is not a brotli ETag: a cache must not mix them up.
	gz, _ := rawGet(t, ts.URL+hashedPath, "gzip")
	br, _ := rawGet(t, ts.URL+hashedPath, "br")
	if gz.Header.Get("ETag") == br.Header.Get("ETag") {
		t.Errorf("gzip and brotli bodies share the ETag %s", gz.Header.Get("ETag"))
	}
	for _, p := range []string{"/static/nothing.css", "/static/app.0000000000.css", "/static/vendor/", "/static/_build/package.json", "/static/_build/echarts.sh"} {
		if res, _ := rawGet(t, ts.URL+p, ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
		}
	}
}

func TestStaticAssets_TheNameChangesWithTheContent(t *testing.T) {
	if got := fingerprinted("vendor/echarts.min.js", "0123456789"); got != "vendor/echarts.min.0123456789.js" {
		t.Errorf("fingerprinted: %q", got)
	}
	set := staticAssets()
	seen := map[string]string{}
	for name, a := range set.byName {
		if strings.HasPrefix(name, "_") || strings.Contains(name, "/_") {
			t.Errorf("%s is embedded: the build folder must stay out of the binary", name)
		}
		if other, dup := seen[a.hash]; dup && !bytes.Equal(a.body, set.byName[other].body) {
			t.Errorf("%s and %s share a hash", name, other)
		}
		seen[a.hash] = name
	}
	if _, err := assetPath("no-such-file.css"); err == nil {
		t.Error("asset accepts a file that is not embedded")
	}
}
