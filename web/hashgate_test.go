package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/store"
)

func TestHashing_SaturatedSlotsAnswer503WithRetryAfterAndNoHash(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	_, u := ts.user(t, "busy@example.org", "member")
	// Every slot taken, as by a burst of sign-ins in flight.
	var releases []func()
	for range ts.srv.hashGate.Size() {
		release, ok := ts.srv.hashGate.Enter(context.Background(), 0)
		if !ok {
			t.Fatal("a free slot was refused")
		}
		releases = append(releases, release)
	}
	for _, lang := range []string{"en", "ar"} {
		req, _ := http.NewRequest("POST", ts.URL+"/signin?lang="+lang, strings.NewReader(url.Values{"email": {u.Email}, "password": {"amber-lantern-42"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		res := ts.client(t).do(req)
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" || res.Header.Get("Set-Cookie") != "" {
			t.Fatalf("%s: sign-in with every hashing slot taken: %d Retry-After %q", lang, res.StatusCode, res.Header.Get("Retry-After"))
		}
		if want := ts.srv.translator(mustLanguage(t, lang)).Error(errHashersBusy()); !strings.Contains(res.Body, want) {
			t.Fatalf("%s: the page does not say to come back:\n%.800s", lang, res.Body)
		}
	}
	signUp := ts.client(t).form("POST", "/signup", url.Values{"email": {"new@example.org"}, "name": {"New"}, "password": {"amber-lantern-42"}})
	if signUp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("sign-up with every slot taken: %d", signUp.StatusCode)
	}
	if _, err := ts.st.UserByEmail(context.Background(), "new@example.org"); err == nil {
		t.Fatal("a refused sign-up created an account")
	}
	for _, release := range releases {
		release()
	}
	if r := ts.client(t).form("POST", "/signin", url.Values{"email": {u.Email}, "password": {"amber-lantern-42"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in once slots are free: %d", r.StatusCode)
	}
}

func mustLanguage(t *testing.T, tag string) Language {
	t.Helper()
	l, ok := languageByTag(tag)
	if !ok {
		t.Fatalf("no language %q", tag)
	}
	return l
}
