package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/store"
)

func TestClientAddr_RightmostUntrustedHopOnlyBehindTrustedProxies(t *testing.T) {
	proxies, err := ParseTrustedProxies(" 10.0.0.0/8, 192.0.2.1 ,fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, peer, xff string
		trusted         bool
		want            string
	}{
		{"no proxies: the header is ignored", "203.0.113.9:5000", "198.51.100.1", false, "203.0.113.9"},
		{"untrusted peer: the header is ignored", "203.0.113.9:5000", "198.51.100.1", true, "203.0.113.9"},
		{"one trusted proxy", "10.1.2.3:5000", "198.51.100.1", true, "198.51.100.1"},
		{"a forged left part is skipped", "10.1.2.3:5000", "1.2.3.4, 198.51.100.1", true, "198.51.100.1"},
		{"a chain of trusted proxies", "10.1.2.3:5000", "1.2.3.4, 198.51.100.1, 192.0.2.1, 10.9.9.9", true, "198.51.100.1"},
		{"every hop trusted: the leftmost", "10.1.2.3:5000", "10.0.0.7, 10.0.0.8", true, "10.0.0.7"},
		{"no header from a proxy: the proxy", "10.1.2.3:5000", "", true, "10.1.2.3"},
		{"garbage hop: the last trusted hop", "10.1.2.3:5000", "198.51.100.1, not-an-address", true, "10.1.2.3"},
		{"IPv6 peer and hop", "[fd00::1]:443", "2001:db8::5", true, "2001:db8::5"},
		{"IPv4-mapped peer", "[::ffff:10.1.2.3]:443", "198.51.100.2", true, "198.51.100.2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &Server{}
			if c.trusted {
				s.cfg.TrustedProxies = proxies
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = c.peer
			if c.xff != "" {
				r.Header.Set("X-Forwarded-For", c.xff)
			}
			if got := clientIP(s.withClientAddr(r)); got != c.want {
				t.Errorf("client %q, want %q", got, c.want)
			}
		})
	}
	if _, err := ParseTrustedProxies("10.0.0.0/33"); err == nil {
		t.Error("a bad CIDR was accepted")
	}
}

// wrongSignIns sends n wrong passwords for n different accounts, each
// from the client address xff(i), and returns the statuses.
func wrongSignIns(t *testing.T, ts *testServer, n int, xff func(i int) string) []int {
	var out []int
	for i := 0; i < n; i++ {
		v := url.Values{"email": {fmt.Sprintf("nobody%d@example.org", i)}, "password": {"wrong-password"}}
		req, _ := http.NewRequest("POST", ts.URL+"/signin", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("X-Forwarded-For", xff(i))
		out = append(out, ts.client(t).do(req).StatusCode)
	}
	return out
}

func TestSignInLimit_BehindATrustedProxyCountsEachClientNotTheProxy(t *testing.T) {
	st := newTestServer(t, store.SQLite).st
	loopback, err := ParseTrustedProxies("127.0.0.0/8, ::1")
	if err != nil {
		t.Fatal(err)
	}
	behind, _ := serverOn(t, st, Config{TrustedProxies: loopback})
	got := wrongSignIns(t, behind, signInAddressMax+3, func(i int) string { return fmt.Sprintf("198.51.100.%d", i+1) })
	for i, code := range got {
		if code != http.StatusUnauthorized {
			t.Fatalf("client %d of many behind one proxy got %d: the proxy's address was limited", i, code)
		}
	}
	got = wrongSignIns(t, behind, signInAddressMax+1, func(int) string { return "203.0.113.50" })
	if got[signInAddressMax] != http.StatusTooManyRequests {
		t.Fatalf("one client behind the proxy was not limited: %v", got)
	}
	// Without trusted proxies, a client cannot escape the limit by
	// writing the header itself.
	direct, _ := serverOn(t, st, Config{})
	got = wrongSignIns(t, direct, signInAddressMax+1, func(i int) string { return fmt.Sprintf("192.0.2.%d", i+1) })
	if got[signInAddressMax] != http.StatusTooManyRequests {
		t.Fatalf("a forged X-Forwarded-For escaped the limit: %v", got)
	}
}
