package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/silkbridge/silkbridge/store"
)

// offSite are places to go back to that a browser would follow to another
// host, once it has dropped tabs and newlines and read backslashes as
// slashes.
var offSite = []string{
	"//evil.example/x", "/\t/evil.example/x", "/\n/evil.example", "/\r\n/evil.example", "/\\evil.example",
	"/\\/evil.example", "\\\\evil.example", "https://evil.example/", "javascript:alert(1)", "/\x00/evil.example",
	"/\u200b/evil.example", "evil.example", "", " /x",
}

func TestLocalPath_RefusesEveryWayOffSite(t *testing.T) {
	for _, p := range offSite {
		if localPath(p) {
			t.Errorf("%q accepted as a local path", p)
		}
	}
	for _, p := range []string{"/", "/market?kind=technology_offer&q=solar", "/invitation?token=abc", "/events/1#agenda", "/%09/x"} {
		if !localPath(p) {
			t.Errorf("%q refused", p)
		}
	}
}

func TestBack_LanguageSwitchAndSignInNeverRedirectOffSite(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	_, u := ts.user(t, "back@example.org", "member")
	// The review's request, as a browser sends it: the tab arrives encoded.
	if loc := ts.client(t).get("/lang/en?back=/%09/evil.example/x").Header.Get("Location"); loc != "/" {
		t.Errorf("/lang/en?back=/%%09/evil.example/x went to %q", loc)
	}
	for _, p := range offSite {
		res := ts.client(t).get("/lang/en?back=" + url.QueryEscape(p))
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || (loc != "/") {
			t.Errorf("/lang/en?back=%q: %d Location %q, want / ", p, res.StatusCode, loc)
		}
		res = ts.client(t).form("POST", "/signin", url.Values{"email": {u.Email}, "password": {"amber-lantern-42"}, "back": {p}})
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || (loc != "/") {
			t.Errorf("sign-in back=%q: %d Location %q, want /", p, res.StatusCode, loc)
		}
	}
	if loc := ts.client(t).get("/lang/en?back=%2Fmarket%3Fq%3Dsolar").Header.Get("Location"); loc != "/market?q=solar" {
		t.Errorf("a local back went to %q", loc)
	}
}
