package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// rawGet fetches a path with the given Accept-Encoding and returns the
// response with its body as it came over the wire (not decoded).
func rawGet(t *testing.T, url, acceptEncoding string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// DisableCompression: the transport neither asks for gzip nor decodes it.
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// decode undoes the response's Content-Encoding.
func decode(t *testing.T, res *http.Response, body []byte) []byte {
	t.Helper()
	var r io.Reader
	switch res.Header.Get("Content-Encoding") {
	case "":
		return body
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(bytes.NewReader(body))
	default:
		t.Fatalf("unexpected Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func varies(res *http.Response, name string) bool {
	for _, v := range res.Header.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), name) {
				return true
			}
		}
	}
	return false
}

func TestCompression_TextResponsesAreCompressedAndDecodeToTheSameBytes(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	app, err := assetPath("app.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/organisations", "/api/v1/countries", "/api/v1/openapi.json", app, "/static/vendor/htmx.min.js"} {
		ident, plain := rawGet(t, ts.URL+path, "identity")
		if ident.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, ident.StatusCode)
		}
		if ident.Header.Get("Content-Encoding") != "" {
			t.Errorf("GET %s with identity only: Content-Encoding %q", path, ident.Header.Get("Content-Encoding"))
		}
		if !varies(ident, "Accept-Encoding") {
			t.Errorf("GET %s: Vary %q lacks Accept-Encoding", path, ident.Header.Values("Vary"))
		}
		for _, enc := range []string{"gzip", "br"} {
			res, body := rawGet(t, ts.URL+path, enc)
			if got := res.Header.Get("Content-Encoding"); got != enc {
				t.Errorf("GET %s accepting %s: Content-Encoding %q", path, enc, got)
				continue
			}
			if !varies(res, "Accept-Encoding") {
				t.Errorf("GET %s (%s): Vary %q lacks Accept-Encoding", path, enc, res.Header.Values("Vary"))
			}
			if res.Header.Get("Content-Length") != "" && res.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
				t.Errorf("GET %s (%s): Content-Length %s for %d bytes", path, enc, res.Header.Get("Content-Length"), len(body))
			}
			if len(body) >= len(plain) {
				t.Errorf("GET %s (%s): %d bytes, not less than %d uncompressed", path, enc, len(body), len(plain))
			}
			if got := decode(t, res, body); !bytes.Equal(got, plain) {
				t.Errorf("GET %s (%s): decodes to %d bytes that differ from the %d uncompressed ones", path, enc, len(got), len(plain))
			}
		}
	}
}

// TestCompression_LeavesSmallBinaryAndAlreadyEncodedResponsesAlone checks
// what is not compressed: a small body, a type that is compressed already,
// a body the handler encoded itself, a 304 and a HEAD.
func TestCompression_LeavesSmallBinaryAndAlreadyEncodedResponsesAlone(t *testing.T) {
	big := strings.Repeat("Silkbridge cooperation ", 200)
	s := &Server{}
	h := s.compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/small":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, "<p>short</p>")
		case "/png":
			w.Header().Set("Content-Type", "image/png")
			io.WriteString(w, big)
		case "/zip":
			w.Header().Set("Content-Type", "application/zip")
			io.WriteString(w, big)
		case "/encoded":
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			io.WriteString(zw, big)
			zw.Close()
		case "/notmodified":
			w.WriteHeader(http.StatusNotModified)
		case "/notransform":
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Cache-Control", "no-transform")
			io.WriteString(w, big)
		case "/sniffed":
			io.WriteString(w, "<!doctype html><html><body>"+big+"</body></html>")
		}
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, c := range []struct {
		path, wantEncoding string
	}{
		{"/small", ""}, {"/png", ""}, {"/zip", ""}, {"/encoded", "gzip"}, {"/notmodified", ""}, {"/notransform", ""},
		{"/sniffed", "br"}, // no Content-Type: sniffed as HTML from the held bytes, then compressed
	} {
		res, body := rawGet(t, srv.URL+c.path, "br, gzip")
		if got := res.Header.Get("Content-Encoding"); got != c.wantEncoding {
			t.Errorf("%s: Content-Encoding %q, want %q", c.path, got, c.wantEncoding)
		}
		switch c.path {
		case "/encoded":
			if got := decode(t, res, body); string(got) != big {
				t.Errorf("/encoded was encoded twice or altered: %d bytes", len(got))
			}
		case "/png", "/zip", "/notransform":
			if string(body) != big {
				t.Errorf("%s altered: %d bytes", c.path, len(body))
			}
		case "/sniffed":
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("/sniffed: Content-Type %q", ct)
			}
		}
	}
	req, _ := http.NewRequest("HEAD", srv.URL+"/sniffed", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get("Content-Encoding") != "" {
		t.Errorf("HEAD: Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
}

// TestCompression_AFlushedResponseReachesTheClientBeforeItEnds: a handler
// that flushes (a streamed CSV, an htmx partial sent in parts) must not
// be held back by compression or the ETag until it finishes.
func TestCompression_AFlushedResponseReachesTheClientBeforeItEnds(t *testing.T) {
	s := &Server{}
	firstRead := make(chan struct{})
	h := s.compress(s.etag(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		io.WriteString(w, "id,name\n1,first row\n")
		http.NewResponseController(w).Flush()
		select {
		case <-firstRead: // the client has the first row: send the rest
		case <-time.After(10 * time.Second):
		}
		io.WriteString(w, "2,second row\n")
	})))
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, enc := range []string{"gzip", "br", ""} {
		req, _ := http.NewRequest("GET", srv.URL+"/x.csv", nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Header.Get("Content-Encoding"); got != enc {
			t.Errorf("%q: Content-Encoding %q", enc, got)
		}
		var r io.Reader = res.Body
		switch enc {
		case "gzip":
			zr, err := gzip.NewReader(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		case "br":
			r = brotli.NewReader(res.Body)
		}
		br := bufio.NewReader(r)
		got := make(chan string, 1)
		go func() {
			var lines []string
			for i := 0; i < 2; i++ {
				l, err := br.ReadString('\n')
				if err != nil {
					break
				}
				lines = append(lines, l)
			}
			got <- strings.Join(lines, "")
		}()
		select {
		case first := <-got:
			if first != "id,name\n1,first row\n" {
				t.Errorf("%q: first part %q", enc, first)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%q: the flushed part did not arrive while the handler was still running", enc)
		}
		firstRead <- struct{}{}
		rest, err := io.ReadAll(br)
		if err != nil {
			t.Fatalf("%q: %v", enc, err)
		}
		if string(rest) != "2,second row\n" {
			t.Errorf("%q: rest %q", enc, rest)
		}
		res.Body.Close()
	}
}

func TestNegotiateEncoding_PrefersBrotliThenGzipAndHonoursQZero(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{"", ""},
		{"identity", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br", "br"},
		{"br;q=0, gzip", "gzip"},
		{"gzip;q=0", ""},
		{"gzip;q=1.0, br;q=0.5", "gzip"},
		{"*", "br"},
		{"*;q=0", ""},
		{"GZIP", "gzip"},
		{"deflate", ""},
	} {
		if got := negotiateEncoding(c.header); got != c.want {
			t.Errorf("Accept-Encoding %q: %q, want %q", c.header, got, c.want)
		}
	}
}

func TestCompressibleType_TextYesBinaryNo(t *testing.T) {
	for ct, want := range map[string]bool{
		"text/html; charset=utf-8": true, "application/json": true, "application/problem+json": true,
		"text/css; charset=utf-8": true, "text/javascript; charset=utf-8": true, "image/svg+xml": true,
		"text/csv; charset=utf-8": true, "application/atom+xml": true, "text/calendar": true,
		"image/png": false, "application/zip": false, "application/gzip": false, "application/octet-stream": false, "": false,
	} {
		if got := compressibleType(ct); got != want {
			t.Errorf("%q: %v, want %v", ct, got, want)
		}
	}
}

// BenchmarkCompression_Middleware measures the compression middleware
// alone, on the body of a list page of 30 organisations (about 25 KB):
//
//	go test ./web -run '^$' -bench BenchmarkCompression_Middleware -benchmem
func BenchmarkCompression_Middleware(b *testing.B) {
	st := storetest.New(b, store.SQLite)
	srv, err := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		o := &organisation.Organisation{Name: "Silk Road Institute of Materials Science No. " + strconv.Itoa(i+1),
			Kind: organisation.ResearchInstitute, Country: []string{"KZ", "CN", "UZ", "PK", "EG", "RU"}[i%6]}
		if err := st.CreateOrganisation(context.Background(), store.Actor{}, o); err != nil {
			b.Fatal(err)
		}
	}
	page := httptest.NewRecorder()
	srv.ServeHTTP(page, httptest.NewRequest("GET", "/organisations", nil))
	body := page.Body.Bytes()
	h := srv.compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(body)
	}))
	for _, enc := range []string{"identity", "gzip", "br"} {
		b.Run(enc, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			var sent int
			for b.Loop() {
				req := httptest.NewRequest("GET", "/", nil)
				req.Header.Set("Accept-Encoding", enc)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				sent = rec.Body.Len()
			}
			b.ReportMetric(float64(sent), "bytes/page")
		})
	}
}
