package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/store"
)

func TestMetrics_NotPublicWithoutATokenOrItsOwnAddress(t *testing.T) {
	st := newTestServer(t, store.SQLite).st
	open, _ := serverOn(t, st, Config{})
	if r := open.client(t).get("/metrics"); r.StatusCode != http.StatusNotFound || strings.Contains(r.Body, "silkbridge_http_requests_total") {
		t.Fatalf("/metrics on the public address without a token: %d", r.StatusCode)
	}
	// --metrics-addr: the same server's metrics on a listener of their own.
	own := httptest.NewServer(open.srv.MetricsHandler())
	t.Cleanup(own.Close)
	if r := (&client{t: t, base: own.URL, http: http.DefaultClient}).get("/metrics"); r.StatusCode != http.StatusOK ||
		!strings.Contains(r.Body, `silkbridge_http_requests_total{route="GET /metrics",status="404"}`) {
		t.Fatalf("metrics on their own address: %d\n%.500s", r.StatusCode, r.Body)
	}
}

func TestMetrics_BearerTokenOpensThemOnThePublicAddress(t *testing.T) {
	st := newTestServer(t, store.SQLite).st
	ts, _ := serverOn(t, st, Config{MetricsToken: "s3cret-metrics-token"})
	get := func(auth string) response {
		req, _ := http.NewRequest("GET", ts.URL+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		return ts.client(t).do(req)
	}
	for _, auth := range []string{"", "Bearer wrong", "Bearer s3cret-metrics-token-and-more", "s3cret-metrics-token", "Basic s3cret-metrics-token"} {
		if r := get(auth); r.StatusCode != http.StatusUnauthorized || strings.Contains(r.Body, "silkbridge_http") {
			t.Errorf("Authorization %q: %d", auth, r.StatusCode)
		}
	}
	if r := get("Bearer s3cret-metrics-token"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "silkbridge_http_requests_total") {
		t.Fatalf("with the token: %d", r.StatusCode)
	}
}
