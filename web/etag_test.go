package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// TestETag_AnUnchangedListAnswers304AndAChangedOneTheNewList: the page and
// the API list carry a weak ETag; sending it back gets 304 without a body
// until the data changes, then 200 with the new list and a new tag.
func TestETag_AnUnchangedListAnswers304AndAChangedOneTheNewList(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	ctx := context.Background()
	if err := ts.st.CreateOrganisation(ctx, store.Actor{}, &organisation.Organisation{Name: "Tashkent Solar Institute", Kind: organisation.ResearchInstitute, Country: "UZ"}); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/organisations", "/api/v1/organisations", "/organisations?lang=zh"}
	tags := map[string]string{}
	for _, p := range paths {
		for _, enc := range []string{"gzip", "identity"} {
			res, _ := rawGet(t, ts.URL+p, enc)
			tag := res.Header.Get("ETag")
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(tag, `W/"`) {
				t.Fatalf("GET %s (%s): %d, ETag %q", p, enc, res.StatusCode, tag)
			}
			if prev, ok := tags[p]; ok && prev != tag {
				t.Errorf("GET %s: the ETag depends on the encoding (%s, %s)", p, prev, tag)
			}
			tags[p] = tag
			if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("GET %s: Cache-Control %q, want no-cache (revalidate each time)", p, cc)
			}
			again, body := rawGet(t, ts.URL+p, enc, "If-None-Match", tag)
			if again.StatusCode != http.StatusNotModified || len(body) != 0 {
				t.Errorf("GET %s (%s) with its ETag: %d, %d bytes; want 304 and none", p, enc, again.StatusCode, len(body))
			}
		}
	}
	if tags["/organisations"] == tags["/organisations?lang=zh"] {
		t.Error("the English and the Chinese page share an ETag")
	}
	if err := ts.st.CreateOrganisation(ctx, store.Actor{}, &organisation.Organisation{Name: "Almaty Water Lab", Kind: organisation.ResearchInstitute, Country: "KZ"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths[:2] {
		res, body := rawGet(t, ts.URL+p, "identity", "If-None-Match", tags[p])
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Almaty Water Lab") {
			t.Errorf("GET %s after a change: %d, new organisation listed: %v", p, res.StatusCode, strings.Contains(string(body), "Almaty Water Lab"))
		}
		if res.Header.Get("ETag") == tags[p] {
			t.Errorf("GET %s: the ETag did not change with the list", p)
		}
	}
}

// TestETag_SignedInPagesStayPrivateAndErrorsAreNotTagged: a signed-in
// user's page keeps Cache-Control private (no shared cache may keep it),
// and only 200 answers are tagged.
func TestETag_SignedInPagesStayPrivateAndErrorsAreNotTagged(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	c, _ := ts.user(t, "member@example.kz", account.Member)
	res := c.get("/organisations")
	if res.StatusCode != http.StatusOK || res.Header.Get("ETag") == "" {
		t.Fatalf("signed in: %d, ETag %q", res.StatusCode, res.Header.Get("ETag"))
	}
	if cc := res.Header.Get("Cache-Control"); cc != "private" {
		t.Errorf("signed in: Cache-Control %q, want private", cc)
	}
	for _, p := range []string{"/organisations/01a224d2-bf2f-78a7-95e8-f2b190e3bd27", "/api/v1/organisations?page=x"} {
		res, _ := rawGet(t, ts.URL+p, "")
		if res.StatusCode < 400 || res.Header.Get("ETag") != "" {
			t.Errorf("GET %s: %d with ETag %q; want an error without one", p, res.StatusCode, res.Header.Get("ETag"))
		}
	}
}

func TestETagMatches_WeakComparison(t *testing.T) {
	tag := `W/"abc"`
	for header, want := range map[string]bool{
		`W/"abc"`: true, `"abc"`: true, `"x", W/"abc"`: true, `*`: true, `"abd"`: false, ``: false,
	} {
		if got := etagMatches(header, tag); got != want {
			t.Errorf("If-None-Match %q: %v, want %v", header, got, want)
		}
	}
}

// TestLastModified_IfModifiedSinceAlone304sUntilTheListChanges: a client
// that keeps only the date (no ETag) gets 304 while the list is the one
// it has, and the new list once it changed, even within the same second.
func TestLastModified_IfModifiedSinceAlone304sUntilTheListChanges(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	ts.srv.seen.clock = func() time.Time { return now }
	const list = "/api/v1/organisations"

	first, _ := rawGet(t, ts.URL+list, "gzip")
	if first.StatusCode != http.StatusOK || first.Header.Get("Last-Modified") != "" {
		t.Fatalf("first answer: %d, Last-Modified %q; want none within the second the list was first served",
			first.StatusCode, first.Header.Get("Last-Modified"))
	}
	now = now.Add(1500 * time.Millisecond)
	res, _ := rawGet(t, ts.URL+list, "gzip")
	lastMod := res.Header.Get("Last-Modified")
	if lastMod != "Sun, 01 Mar 2026 09:00:00 GMT" {
		t.Fatalf("Last-Modified %q, want the second the list was first served", lastMod)
	}
	if again, body := rawGet(t, ts.URL+list, "gzip", "If-Modified-Since", lastMod); again.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("If-Modified-Since alone on an unchanged list: %d, %d bytes", again.StatusCode, len(body))
	}
	earlier := now.Add(-time.Hour).Format(http.TimeFormat)
	if again, _ := rawGet(t, ts.URL+list, "gzip", "If-Modified-Since", earlier); again.StatusCode != http.StatusOK {
		t.Errorf("If-Modified-Since before the list was served: %d, want 200", again.StatusCode)
	}

	// The list changes; its new version is asked for within the same second.
	if err := ts.st.CreateOrganisation(ctx, store.Actor{}, &organisation.Organisation{Name: "Samarkand Seed Bank", Kind: organisation.ResearchInstitute, Country: "UZ"}); err != nil {
		t.Fatal(err)
	}
	changed, body := rawGet(t, ts.URL+list, "identity", "If-Modified-Since", lastMod)
	if changed.StatusCode != http.StatusOK || !strings.Contains(string(body), "Samarkand Seed Bank") {
		t.Fatalf("If-Modified-Since after a change: %d", changed.StatusCode)
	}
	now = now.Add(time.Second)
	changed, _ = rawGet(t, ts.URL+list, "identity", "If-Modified-Since", lastMod)
	if changed.StatusCode != http.StatusOK || changed.Header.Get("Last-Modified") != "Sun, 01 Mar 2026 09:00:01 GMT" {
		t.Errorf("a second after the change: %d, Last-Modified %q", changed.StatusCode, changed.Header.Get("Last-Modified"))
	}
	// A signed-in user's page gets no date from the visitors' memory.
	member, _ := ts.user(t, "member@example.kz", account.Member)
	now = now.Add(5 * time.Second)
	member.get(list)
	now = now.Add(5 * time.Second)
	if res := member.get(list); res.Header.Get("Last-Modified") != "" {
		t.Errorf("signed-in answer with Last-Modified %q", res.Header.Get("Last-Modified"))
	}
}
