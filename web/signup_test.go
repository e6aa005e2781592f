package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/store"
)

func flashOf(r response) string {
	for _, c := range r.Cookies() {
		if c.Name == "flash" {
			return c.Value
		}
	}
	return ""
}

func hasSession(r response) bool {
	for _, c := range r.Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			return true
		}
	}
	return false
}

func TestSignUp_TakenAddressGetsTheSameAnswerAndItsOwnerIsTold(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		owner, err := ts.st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: "taken@example.org", Name: "Owner", Password: "amber-lantern-42"}, account.Member)
		if err != nil {
			t.Fatal(err)
		}
		form := func(email string) url.Values {
			return url.Values{"email": {email}, "name": {"Same Name"}, "password": {"quiet-harbour-lights-7"}, "back": {"/market"}}
		}
		fresh := ts.client(t).form("POST", "/signup", form("fresh@example.org"))
		taken := ts.client(t).form("POST", "/signup", form("Taken@Example.org"))
		if fresh.StatusCode != http.StatusSeeOther || taken.StatusCode != fresh.StatusCode ||
			taken.Header.Get("Location") != fresh.Header.Get("Location") || flashOf(taken) != flashOf(fresh) || taken.Body != fresh.Body {
			t.Fatalf("the answers differ: %d %q %q / %d %q %q", fresh.StatusCode, fresh.Header.Get("Location"), flashOf(fresh),
				taken.StatusCode, taken.Header.Get("Location"), flashOf(taken))
		}
		if !hasSession(fresh) || hasSession(taken) {
			t.Fatalf("sessions: new address %v, taken address %v", hasSession(fresh), hasSession(taken))
		}
		// Nothing changed for the owner: the old password still works, the
		// one typed on the sign-up form does not.
		if _, err := ts.st.Authenticate(ctx, "taken@example.org", "amber-lantern-42"); err != nil {
			t.Fatalf("the owner's password no longer works: %v", err)
		}
		if _, err := ts.st.Authenticate(ctx, "taken@example.org", "quiet-harbour-lights-7"); err == nil {
			t.Fatal("the sign-up's password opens the existing account")
		}
		notes, unread, err := ts.st.Notifications(ctx, owner.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if unread != 1 || len(notes) != 1 || notes[0].Kind != account.NotifySignUpAttempt {
			t.Fatalf("the owner was not told: %d unread %+v", unread, notes)
		}
		// A second try does not pile up notices.
		ts.client(t).form("POST", "/signup", form("taken@example.org"))
		if _, unread, err := ts.st.Notifications(ctx, owner.ID, 10); err != nil || unread != 1 {
			t.Fatalf("notices after a second try: %d %v", unread, err)
		}
		owned := ts.client(t)
		owned.form("POST", "/signin", url.Values{"email": {"taken@example.org"}, "password": {"amber-lantern-42"}})
		if r := owned.get("/market/mine"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `note-signup_attempt`) || !strings.Contains(r.Body, ts.srv.translator(mustLanguage(t, "en")).T("market.note.signup_attempt")) {
			t.Fatalf("the notice is not among the owner's notifications: %d", r.StatusCode)
		}
	})
}

func TestSignUp_LimitedPerAddressAndPerEMail(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	try := func(email string) response {
		return ts.client(t).form("POST", "/signup", url.Values{"email": {email}, "name": {"N"}, "password": {"quiet-harbour-lights-7"}})
	}
	for i := range signUpAccountMax {
		if r := try("again@example.org"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-up %d for one e-mail: %d", i+1, r.StatusCode)
		}
	}
	if r := try("again@example.org"); r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("sign-up past the per-e-mail limit: %d %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	for i := signUpAccountMax; i < signUpAddressMax; i++ {
		if r := try(fmt.Sprintf("n%d@example.org", i)); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-up %d from one address: %d", i+1, r.StatusCode)
		}
	}
	r := try("last@example.org")
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("sign-up past the per-address limit: %d", r.StatusCode)
	}
	if _, err := ts.st.UserByEmail(context.Background(), "last@example.org"); err == nil {
		t.Fatal("a refused sign-up created an account")
	}
}
