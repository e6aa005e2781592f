package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/jobs"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// testServer is a real server on a real database, reached over HTTP.
type testServer struct {
	*httptest.Server
	st  *store.Store
	srv *Server
}

func newTestServer(t *testing.T, e store.Engine) *testServer {
	t.Helper()
	st := storetest.New(t, e)
	srv, err := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{MaxBodyBytes: 64 << 10, Jobs: newTestJobs(t, st, jobs.Config{})})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	srv.cfg.BaseURL = ts.URL // as serve does on a loopback address
	t.Cleanup(func() {
		if err := srv.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return &testServer{Server: ts, st: st, srv: srv}
}

// newTestJobs starts a job client on the store's database, configured to
// pick jobs up at once, and stops it before the store closes.
func newTestJobs(t testing.TB, st *store.Store, cfg jobs.Config) *jobs.Client {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	cfg.TestOnly = true
	if cfg.FetchPollInterval == 0 {
		cfg.FetchPollInterval = 20 * time.Millisecond
	}
	jc, err := jobs.New(ctx, st, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := jc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := jc.Close(ctx); err != nil {
			t.Error(err)
		}
	})
	return jc
}

// forEachEngine runs fn against a server on every engine.
func forEachEngine(t *testing.T, fn func(t *testing.T, ts *testServer)) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) { fn(t, newTestServer(t, e)) })
	}
}

// client is a browser-like HTTP client with its own cookie jar.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func (ts *testServer) client(t *testing.T) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, base: ts.URL, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// user creates an account with the role and returns a client signed in as it.
func (ts *testServer) user(t *testing.T, email, role string) (*client, *account.User) {
	t.Helper()
	u, err := ts.st.CreateUser(context.Background(), store.Actor{}, account.SignUp{Email: email, Name: strings.Split(email, "@")[0], Password: "amber-lantern-42"}, role)
	if err != nil {
		t.Fatal(err)
	}
	c := ts.client(t)
	res := c.form("POST", "/signin", url.Values{"email": {email}, "password": {"amber-lantern-42"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: status %d", email, res.StatusCode)
	}
	u, err = ts.st.User(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c, u
}

type response struct {
	*http.Response
	Body string
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return response{Response: res, Body: string(b)}
}

func (c *client) get(path string) response {
	req, err := http.NewRequest("GET", c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// form posts a form as a same-origin browser would.
func (c *client) form(method, path string, v url.Values) response {
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(v.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// json sends a JSON body (any value, or a raw string) to the API.
func (c *client) json(method, path string, body any) response {
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.do(req)
}
