package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Pages and API lists are revalidated, not re-sent: a GET answered 200
// gets a weak ETag made from a hash of its body, and a client that sends
// that ETag back in If-None-Match gets 304 without the body. The page is
// still built (its data may have changed), but the bytes do not cross the
// slow link twice. The tag is weak because the same body is sent
// compressed in different ways. Bodies over etagMaxBytes, and responses
// that flush (they stream), go out as they come, without a tag.

// A list has no modification time of its own to give, so each instance
// remembers when it first served a body (by the hash in its ETag) for one
// address, language and kind of request, and sends that as Last-Modified:
// a client that sends only If-Modified-Since (a feed reader, a script)
// then also gets 304 while the body is unchanged. Browsers send the ETag
// too, which decides (RFC 9110, 13.2.2). Last-Modified is sent only once
// the second in which the body was first served is over, so that a change
// within that second cannot hide behind the same date. Only visitors'
// answers are remembered: a signed-in user's page is private and changes
// with the user. The memory is bounded; when full it starts again, which
// only makes Last-Modified later and a 304 rarer. Several instances each
// keep their own times: one that never served an intermediate version of
// a list could answer 304 to a client that holds it, if the list went back
// to the version it remembers; only a client that sends no ETag can meet
// that.
const maxSeenBodies = 10_000

type seenBody struct {
	tag   string
	since time.Time
}

// seenBodies is when this instance first served each body, by variant.
type seenBodies struct {
	mu sync.Mutex
	m  map[string]seenBody
	// clock stands in for time.Now in tests.
	clock func() time.Time
}

// lastModified returns when the body with tag was first served for key,
// and false while that is within the current second (a new or changed
// body has no date to give yet).
func (b *seenBodies) lastModified(key, tag string) (time.Time, bool) {
	now := time.Now()
	if b.clock != nil {
		now = b.clock()
	}
	now = now.UTC().Truncate(time.Second) // HTTP dates have whole seconds
	b.mu.Lock()
	defer b.mu.Unlock()
	seen, ok := b.m[key]
	if !ok || seen.tag != tag {
		if b.m == nil || len(b.m) >= maxSeenBodies {
			b.m = map[string]seenBody{}
		}
		seen = seenBody{tag: tag, since: now}
		b.m[key] = seen
	}
	return seen.since, seen.since.Before(now)
}

// etagMaxBytes bounds what is held in memory to hash: every page and
// API list page is far smaller; a long CSV download is not held.
const etagMaxBytes = 1 << 20

// etag is the middleware that tags and revalidates GET responses.
func (s *Server) etag(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		ew := &etagWriter{ResponseWriter: w, r: r, seen: &s.seen}
		next.ServeHTTP(ew, r)
		ew.finish()
	})
}

// etagWriter holds a response back until it is complete, to hash it.
type etagWriter struct {
	http.ResponseWriter
	r         *http.Request
	seen      *seenBodies
	status    int
	buf       bytes.Buffer
	streaming bool // the response passes through untagged
}

func (e *etagWriter) Unwrap() http.ResponseWriter { return e.ResponseWriter }

func (e *etagWriter) WriteHeader(code int) {
	if code >= 100 && code < 200 {
		e.ResponseWriter.WriteHeader(code)
		return
	}
	if e.status != 0 {
		return
	}
	e.status = code
	if code != http.StatusOK || e.Header().Get("ETag") != "" {
		e.stream() // not ours to tag: errors, redirects, files with their own tag
	}
}

func (e *etagWriter) Write(p []byte) (int, error) {
	if e.status == 0 {
		e.WriteHeader(http.StatusOK)
	}
	if e.streaming {
		return e.ResponseWriter.Write(p)
	}
	e.buf.Write(p)
	if e.buf.Len() > etagMaxBytes {
		if err := e.stream(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush gives up tagging: a handler that flushes wants its bytes sent now.
func (e *etagWriter) Flush() {
	if e.status == 0 {
		e.WriteHeader(http.StatusOK)
	}
	if e.stream() != nil {
		return
	}
	http.NewResponseController(e.ResponseWriter).Flush()
}

// stream sends the header and what is held, and passes the rest through.
func (e *etagWriter) stream() error {
	if e.streaming {
		return nil
	}
	e.streaming = true
	e.ResponseWriter.WriteHeader(e.status)
	if e.buf.Len() == 0 {
		return nil
	}
	_, err := e.ResponseWriter.Write(e.buf.Bytes())
	e.buf = bytes.Buffer{}
	return err
}

func (e *etagWriter) finish() {
	if e.status == 0 || e.streaming {
		return
	}
	sum := sha256.Sum256(e.buf.Bytes())
	tag := `W/"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
	h := e.Header()
	h.Set("ETag", tag)
	if h.Get("Cache-Control") == "" {
		// Stored, but asked again each time: the answer depends on the
		// language and the session, which the URL does not show, and the
		// ETag makes the asking cheap.
		h.Set("Cache-Control", "no-cache")
	}
	notModified := etagMatches(e.r.Header.Get("If-None-Match"), tag)
	if currentUser(e.r) == nil && h.Get("Last-Modified") == "" {
		key := e.r.URL.RequestURI() + "\x00" + requestLanguage(e.r).Tag + "\x00" + e.r.Header.Get("HX-Request") + e.r.Header.Get("HX-Boosted")
		if since, ok := e.seen.lastModified(key, tag); ok {
			h.Set("Last-Modified", since.Format(http.TimeFormat))
			if e.r.Header.Get("If-None-Match") == "" {
				ims, err := http.ParseTime(e.r.Header.Get("If-Modified-Since"))
				notModified = err == nil && !since.After(ims)
			}
		}
	}
	if notModified {
		for _, k := range []string{"Content-Type", "Content-Length", "Content-Language"} {
			h.Del(k)
		}
		e.ResponseWriter.WriteHeader(http.StatusNotModified)
		return
	}
	e.stream()
}

// etagMatches is the weak comparison of If-None-Match (RFC 9110, 13.1.2).
func etagMatches(header, tag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(tag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}
