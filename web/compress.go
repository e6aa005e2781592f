package web

import (
	"compress/gzip"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// Responses are compressed for the many visitors on slow mobile links:
// brotli when the client accepts it, else gzip. Brotli saves a tenth more
// than gzip on the static scripts (compressed once, at a high level) and
// a few per cent on pages at the same cost. Only text types are compressed (HTML, JSON, CSS,
// JavaScript, SVG, CSV, XML feeds); images and archives already are, and a
// handler that set Content-Encoding itself (the static files, which are
// compressed once ahead of time) is left alone.

// compressMinBytes is the size under which compressing does not pay: the
// gzip header and the lost Content-Length cost more than they save.
const compressMinBytes = 1024

// Levels for responses compressed on the fly, measured with
// BenchmarkCompression_Middleware on a 25 KB list page: gzip's default
// and brotli 4 both take about 2 ms and send 5.6 KB and 5.3 KB; brotli 5
// sends 5.0 KB but takes three times as long, CPU that an overloaded
// server needs more than a slow link needs 300 bytes.
const (
	gzipLevel   = gzip.DefaultCompression
	brotliLevel = 4
)

var (
	gzipPool = sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(io.Discard, gzipLevel)
		return w
	}}
	brotliPool = sync.Pool{New: func() any { return brotli.NewWriterLevel(io.Discard, brotliLevel) }}
)

// compressibleType reports whether a response of the content type gains
// from compression.
func compressibleType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"):
		return true
	case strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true // problem+json, geo+json, atom+xml, svg+xml ...
	}
	switch mt {
	case "application/json", "application/javascript", "application/xml", "application/x-ndjson", "application/wasm":
		return true
	}
	return false
}

// negotiateEncoding picks the content coding from Accept-Encoding: "br",
// "gzip" or "" (none). A coding with q=0 is refused; "*" stands for any
// coding not named.
func negotiateEncoding(header string) string {
	q := map[string]float64{}
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		weight := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				weight = f
			}
		}
		q[name] = weight
	}
	accepts := func(coding string) (float64, bool) {
		if w, ok := q[coding]; ok {
			return w, w > 0
		}
		if w, ok := q["*"]; ok {
			return w, w > 0
		}
		return 0, false
	}
	br, brOK := accepts("br")
	gz, gzOK := accepts("gzip")
	switch {
	case brOK && (!gzOK || br >= gz):
		return "br"
	case gzOK:
		return "gzip"
	}
	return ""
}

// compress is the middleware that compresses responses.
func (s *Server) compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &compressWriter{ResponseWriter: w, encoding: negotiateEncoding(r.Header.Get("Accept-Encoding")), head: r.Method == http.MethodHead}
		next.ServeHTTP(cw, r)
		cw.finish()
	})
}

// compressWriter holds back the first bytes of a response until it knows
// whether compressing pays (a text type, at least compressMinBytes, or a
// flush, which says that the response streams), then writes either
// compressed or as it is. A handler that flushes (htmx partials that
// stream, CSV downloads) gets its bytes to the client at each flush.
type compressWriter struct {
	http.ResponseWriter
	encoding string // what the client accepts: "br", "gzip" or ""
	head     bool

	status  int
	decided bool
	buf     []byte
	zw      interface {
		io.WriteCloser
		Flush() error
	}
	release func()
}

func (c *compressWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

func (c *compressWriter) WriteHeader(code int) {
	if code >= 100 && code < 200 {
		c.ResponseWriter.WriteHeader(code) // informational: passes at once
		return
	}
	if c.status == 0 {
		c.status = code
	}
}

func (c *compressWriter) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	if !c.decided {
		c.buf = append(c.buf, p...)
		if len(c.buf) < compressMinBytes {
			return len(p), nil
		}
		if err := c.decide(false); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	if c.zw != nil {
		return c.zw.Write(p)
	}
	return c.ResponseWriter.Write(p)
}

// Flush sends what was written so far, compressed if the response is.
func (c *compressWriter) Flush() {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	if !c.decided {
		if c.decide(true) != nil {
			return
		}
	}
	if c.zw != nil {
		c.zw.Flush()
	}
	http.NewResponseController(c.ResponseWriter).Flush()
}

// decide writes the header, compressing when the response allows it;
// streaming says that the handler flushed, so the size is not yet known.
func (c *compressWriter) decide(streaming bool) error {
	c.decided = true
	h := c.Header()
	if h.Get("Content-Type") == "" && len(c.buf) > 0 && h.Get("Content-Encoding") == "" {
		// The server would sniff it from the first bytes, which are held here.
		h.Set("Content-Type", http.DetectContentType(c.buf))
	}
	bodyAllowed := c.status >= 200 && c.status != http.StatusNoContent && c.status != http.StatusNotModified
	textual := bodyAllowed && c.status != http.StatusPartialContent && h.Get("Content-Encoding") == "" &&
		compressibleType(h.Get("Content-Type")) && !strings.Contains(h.Get("Cache-Control"), "no-transform")
	if textual {
		addVary(h, "Accept-Encoding")
	}
	if textual && c.encoding != "" && !c.head && (streaming || len(c.buf) >= compressMinBytes) {
		h.Del("Content-Length")
		h.Set("Content-Encoding", c.encoding)
		if etag := h.Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
			// A strong validator names exact bytes, which these are not.
			h.Set("ETag", "W/"+etag)
		}
		switch c.encoding {
		case "br":
			bw := brotliPool.Get().(*brotli.Writer)
			bw.Reset(c.ResponseWriter)
			c.zw, c.release = bw, func() { brotliPool.Put(bw) }
		default:
			gw := gzipPool.Get().(*gzip.Writer)
			gw.Reset(c.ResponseWriter)
			c.zw, c.release = gw, func() { gzipPool.Put(gw) }
		}
	}
	c.ResponseWriter.WriteHeader(c.status)
	buf := c.buf
	c.buf = nil
	if len(buf) == 0 {
		return nil
	}
	var err error
	if c.zw != nil {
		_, err = c.zw.Write(buf)
	} else {
		_, err = c.ResponseWriter.Write(buf)
	}
	return err
}

// finish writes what is still held back and ends the compressed stream.
func (c *compressWriter) finish() {
	if c.status == 0 {
		return // nothing was written: the server answers 200 with no body
	}
	if !c.decided {
		if c.decide(false) != nil {
			return
		}
	}
	if c.zw != nil {
		c.zw.Close()
		c.release()
		c.zw = nil
	}
}

// addVary adds a header name to Vary unless it is there already.
func addVary(h http.Header, name string) {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), name) || strings.TrimSpace(f) == "*" {
				return
			}
		}
	}
	h.Add("Vary", name)
}
