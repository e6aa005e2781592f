package web

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// Every test here signs people up and in: at the production cost of
// password hashing (64 MiB, three passes) the suite would crawl on a small
// machine. Package account proves hashes at the production cost.
func init() { account.HashCost = account.Argon2Params{Time: 1, Memory: 1024, Threads: 1} }

// logBuffer collects a server's log, for the links it writes for the operator.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// serverOn starts another app instance on the same database, with its log
// kept; cfg.BaseURL is used in logged links when set.
func serverOn(t *testing.T, st *store.Store, cfg Config) (*testServer, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	srv, err := New(st, slog.New(slog.NewTextHandler(logs, nil)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	if srv.cfg.BaseURL == "" {
		srv.cfg.BaseURL = hs.URL // as serve does on a loopback address
	}
	return &testServer{Server: hs, st: st, srv: srv}, logs
}

func sessionCookieOf(t *testing.T, c *client) *http.Cookie {
	t.Helper()
	u, err := url.Parse(c.base)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			return ck
		}
	}
	t.Fatal("no session cookie")
	return nil
}

func wrongSignIn(c *client, email string) response {
	return c.form("POST", "/signin", url.Values{"email": {email}, "password": {"not-the-password"}})
}

func TestSignIn_SixthWrongPasswordInAMinuteGets429OnAnyInstance(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ts.user(t, "victim@example.org", account.Member)
		other, _ := serverOn(t, ts.st, Config{})
		// Five wrong passwords, spread over two app instances on one database.
		for i := 0; i < 5; i++ {
			srv := ts
			if i%2 == 1 {
				srv = other
			}
			if r := wrongSignIn(srv.client(t), "victim@example.org"); r.StatusCode != http.StatusUnauthorized {
				t.Fatalf("attempt %d: status %d", i+1, r.StatusCode)
			}
		}
		for _, srv := range []*testServer{ts, other} {
			r := wrongSignIn(srv.client(t), "Victim@example.org")
			if r.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("sixth attempt: status %d", r.StatusCode)
			}
			if ra := r.Header.Get("Retry-After"); ra == "" || ra == "0" {
				t.Fatalf("no Retry-After: %q", ra)
			}
		}
		// Even the right password waits: the limit is per account.
		r := ts.client(t).form("POST", "/signin", url.Values{"email": {"victim@example.org"}, "password": {"amber-lantern-42"}})
		if r.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("right password during the lock: %d", r.StatusCode)
		}
		// Another account is not limited by the victim's failures.
		ts.user(t, "bystander@example.org", account.Member)
	})
}

// TestSignIn_RefusalsDoNotRevealWhetherTheAccountExists compares, refusal
// by refusal, the answers for an existing and an unknown account.
func TestSignIn_RefusalsDoNotRevealWhetherTheAccountExists(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	ts.user(t, "exists@example.org", account.Member)
	// The answers may differ only in the address typed and the seconds to wait.
	normal := func(r response) string {
		body := strings.NewReplacer("exists@example.org", "E", "nobody@example.org", "E").Replace(r.Body)
		return r.Status + "\n" + regexp.MustCompile(`\d+`).ReplaceAllString(body, "N")
	}
	for i := 0; i < 6; i++ {
		known := wrongSignIn(ts.client(t), "exists@example.org")
		unknown := wrongSignIn(ts.client(t), "nobody@example.org")
		if normal(known) != normal(unknown) {
			t.Fatalf("attempt %d: the answers differ:\n%s\n---\n%s", i+1, fmtStatus(known), fmtStatus(unknown))
		}
		if known.Header.Get("Retry-After") != "" && unknown.Header.Get("Retry-After") == "" {
			t.Fatalf("attempt %d: only the known account gets Retry-After", i+1)
		}
	}
}

func fmtStatus(r response) string { return r.Status + " " + r.Header.Get("Retry-After") + "\n" }

func TestSignIn_PerAddressLimitCoversManyAccounts(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	for i := 0; i < signInAddressMax; i++ {
		if r := wrongSignIn(ts.client(t), "guess"+string(rune('a'+i))+"@example.org"); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d", i+1, r.StatusCode)
		}
	}
	if r := wrongSignIn(ts.client(t), "fresh-guess@example.org"); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("attempt after the address limit: %d", r.StatusCode)
	}
}

func TestSignOut_StolenSessionCookieStopsWorking(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		c, u := ts.user(t, "owner@example.org", account.Member)
		stolen := sessionCookieOf(t, c)
		thief := ts.client(t)
		req := func() response {
			r, err := http.NewRequest("GET", ts.URL+"/api/v1/me", nil)
			if err != nil {
				t.Fatal(err)
			}
			r.AddCookie(&http.Cookie{Name: sessionCookie, Value: stolen.Value})
			return thief.do(r)
		}
		if r := req(); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, u.Email) {
			t.Fatalf("the cookie does not work before sign-out: %d", r.StatusCode)
		}
		if r := c.form("POST", "/signout", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign out: %d", r.StatusCode)
		}
		if r := req(); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("the stolen cookie still works after sign-out: %d %s", r.StatusCode, r.Body)
		}
	})
}

func TestSession_CookieIsHttpOnlyLaxAndSecureOverTLS(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	if _, err := ts.st.CreateUser(context.Background(), store.Actor{}, account.SignUp{Email: "c@example.org", Name: "C", Password: "amber-lantern-42"}, account.Member); err != nil {
		t.Fatal(err)
	}
	for _, secure := range []bool{false, true} {
		srv, _ := serverOn(t, ts.st, Config{SecureCookies: secure})
		r := srv.client(t).form("POST", "/signin", url.Values{"email": {"c@example.org"}, "password": {"amber-lantern-42"}})
		var ck *http.Cookie
		for _, c := range r.Cookies() {
			if c.Name == sessionCookie {
				ck = c
			}
		}
		if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure != secure {
			t.Fatalf("secure=%v: cookie %+v", secure, ck)
		}
	}
}

func TestSignIn_RotatesTheSession(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	c, _ := ts.user(t, "rot@example.org", account.Member)
	first := sessionCookieOf(t, c).Value
	c.form("POST", "/signin", url.Values{"email": {"rot@example.org"}, "password": {"amber-lantern-42"}})
	if second := sessionCookieOf(t, c).Value; second == first {
		t.Fatal("the session id did not change on sign-in")
	}
	if _, err := ts.st.SessionUser(context.Background(), first); err == nil {
		t.Fatal("the session from before the sign-in still works")
	}
}

func TestAPI_ReadTokenCannotWriteWriteTokenCan(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		c, _ := ts.user(t, "machine@example.org", account.Member)
		secrets := map[string]string{}
		for _, scope := range []string{store.ScopeRead, store.ScopeWrite} {
			res := c.form("POST", "/account/tokens", url.Values{"name": {scope + " token"}, "scope": {scope}})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("create %s token: %d", scope, res.StatusCode)
			}
			m := regexp.MustCompile(`<code id="token-secret">(sb_[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(res.Body)
			if m == nil {
				t.Fatalf("the %s token is not shown", scope)
			}
			secrets[scope] = m[1]
			if !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
				t.Error("the page with the secret may be cached")
			}
		}
		if list := c.get("/account/tokens"); strings.Contains(list.Body, secrets[store.ScopeRead]) {
			t.Fatal("the token list shows a secret again")
		}
		api := func(scope, method, path string, body any) response {
			var rd io.Reader
			if body != nil {
				b, err := json.Marshal(body)
				if err != nil {
					t.Fatal(err)
				}
				rd = bytes.NewReader(b)
			}
			req, err := http.NewRequest(method, ts.URL+path, rd)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+secrets[scope])
			req.Header.Set("Content-Type", "application/json")
			return ts.client(t).do(req)
		}
		org := validOrgJSON("Token University")
		if r := api(store.ScopeRead, "GET", "/api/v1/me", nil); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "machine@example.org") {
			t.Fatalf("read token cannot read: %d", r.StatusCode)
		}
		if r := api(store.ScopeRead, "POST", "/api/v1/organisations", org); r.StatusCode != http.StatusForbidden {
			t.Fatalf("read token wrote: %d %s", r.StatusCode, r.Body)
		}
		if r := c.get("/api/v1/organisations"); !strings.Contains(r.Body, `"total":0`) {
			t.Fatal("the refused write stored something")
		}
		r := api(store.ScopeWrite, "POST", "/api/v1/organisations", org)
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("write token cannot write: %d %s", r.StatusCode, r.Body)
		}
		if r := api(store.ScopeWrite, "GET", "/api/v1/organisations", nil); !strings.Contains(r.Body, "Token University") {
			t.Fatal("the write is not there")
		}
		// A revoked token stops working.
		var tokens []store.APIToken
		if err := json.Unmarshal([]byte(c.get("/api/v1/me/tokens").Body), &tokens); err != nil {
			t.Fatal(err)
		}
		for _, tok := range tokens {
			if tok.Scope == store.ScopeWrite {
				if r := c.form("POST", "/account/tokens/"+tok.ID+"/revoke", nil); r.StatusCode != http.StatusSeeOther {
					t.Fatalf("revoke: %d", r.StatusCode)
				}
			}
		}
		if r := api(store.ScopeWrite, "GET", "/api/v1/me", nil); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("revoked token: %d", r.StatusCode)
		}
	})
}

func TestAPI_CrossOriginWriteIsRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		c, _ := ts.user(t, "x@example.org", account.Member)
		for _, h := range []http.Header{
			{"Sec-Fetch-Site": {"cross-site"}},
			{"Origin": {"https://evil.example"}},
		} {
			body, err := json.Marshal(validOrgJSON("Evil University"))
			if err != nil {
				t.Fatal(err)
			}
			req, err := http.NewRequest("POST", ts.URL+"/api/v1/organisations", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			for k, v := range h {
				req.Header[k] = v
			}
			r := c.do(req)
			if r.StatusCode != http.StatusForbidden || r.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("cross-origin API POST with %v: %d %s", h, r.StatusCode, r.Header.Get("Content-Type"))
			}
		}
		if r := c.get("/api/v1/organisations"); !strings.Contains(r.Body, `"total":0`) {
			t.Fatal("a cross-origin API POST stored something")
		}
	})
}

func TestAudit_HoldsBeforeAndAfterOfAnUpdateForTheRightPeople(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		manager, mu := ts.user(t, "manager@example.org", account.Member)
		outsider, _ := ts.user(t, "outsider@example.org", account.Member)
		admin, _ := ts.user(t, "admin@example.org", account.Admin)
		o := &organisation.Organisation{Name: "Samarkand Solar Institute", Kind: organisation.ResearchInstitute, Country: "UZ"}
		if err := ts.st.CreateOrganisation(context.Background(), store.Actor{UserID: mu.ID}, o); err != nil {
			t.Fatal(err)
		}
		other := &organisation.Organisation{Name: "Unrelated Lab", Kind: organisation.ResearchInstitute, Country: "PK"}
		if err := ts.st.CreateOrganisation(context.Background(), store.Actor{}, other); err != nil {
			t.Fatal(err)
		}
		res := manager.form("POST", "/organisations/"+o.ID, url.Values{"name": {"Samarkand Renewable Energy Institute"}, "kind": {o.Kind}, "country": {"UZ"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: %d", res.StatusCode)
		}
		page := manager.get("/audit?org=" + o.ID)
		if page.StatusCode != http.StatusOK {
			t.Fatalf("manager's audit page: %d", page.StatusCode)
		}
		for _, want := range []string{`<td class="before" dir="auto">Samarkand Solar Institute</td>`, `<td class="after" dir="auto">Samarkand Renewable Energy Institute</td>`, "manager@example.org"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the audit page lacks %s", want)
			}
		}
		var list List[store.AuditEntry]
		if err := json.Unmarshal([]byte(manager.get("/api/v1/audit?org="+o.ID+"&action=update").Body), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 1 || !strings.Contains(list.Items[0].Before, "Samarkand Solar Institute") ||
			!strings.Contains(list.Items[0].After, "Samarkand Renewable Energy Institute") || list.Items[0].ActorID != mu.ID {
			t.Fatalf("the API's audit entries: %+v", list.Items)
		}
		// The manager sees their organisations' entries only.
		if err := json.Unmarshal([]byte(manager.get("/api/v1/audit").Body), &list); err != nil {
			t.Fatal(err)
		}
		for _, e := range list.Items {
			if e.OrgID != o.ID {
				t.Errorf("the manager sees an entry of another organisation: %+v", e)
			}
		}
		if r := manager.get("/audit?org=" + other.ID); r.StatusCode != http.StatusForbidden {
			t.Errorf("the manager reads another organisation's log: %d", r.StatusCode)
		}
		if r := outsider.get("/audit"); r.StatusCode != http.StatusForbidden {
			t.Errorf("a member without organisations reads the log: %d", r.StatusCode)
		}
		if r := ts.client(t).get("/api/v1/audit"); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("a visitor reads the log: %d", r.StatusCode)
		}
		if err := json.Unmarshal([]byte(admin.get("/api/v1/audit?per_page=100").Body), &list); err != nil {
			t.Fatal(err)
		}
		kinds := map[string]bool{}
		for _, e := range list.Items {
			kinds[e.Kind+":"+e.OrgID] = true
		}
		if !kinds["user:"] || !kinds["organisation:"+other.ID] || !kinds["organisation:"+o.ID] {
			t.Errorf("the admin does not see everything: %v", kinds)
		}
		if err := json.Unmarshal([]byte(admin.get("/api/v1/audit?actor="+mu.ID).Body), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) == 0 {
			t.Error("no entries by the manager")
		}
		for _, e := range list.Items {
			if e.ActorID != mu.ID {
				t.Errorf("filtered by actor, an entry by %s", e.ActorID)
			}
		}
	})
}

func TestAuditChanges_ShowOnlyWhatChanged(t *testing.T) {
	cases := []struct {
		name, before, after string
		want                []auditChange
	}{
		{"update", `{"name":"A","kind":"university","fields":["1.1"]}`, `{"name":"B","kind":"university","fields":["1.1","2.2"]}`,
			[]auditChange{{"fields", `["1.1"]`, `["1.1","2.2"]`}, {"name", "A", "B"}}},
		{"create", ``, `{"name":"A","website":"","fields":[]}`, []auditChange{{"name", "", "A"}}},
		{"delete", `{"user_id":"u1"}`, ``, []auditChange{{"user_id", "u1", ""}}},
		{"not an object", `"x"`, ``, []auditChange{{"", `"x"`, ""}}},
		{"nothing", ``, ``, nil},
	}
	for _, tc := range cases {
		got := auditChanges(tc.before, tc.after)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: %+v, want %+v", tc.name, got[i], tc.want[i])
			}
		}
	}
}

func TestPasswordReset_SameAnswerNoSecretInTheLogLinkWorksOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts0 *testServer) {
		ts, logs := serverOn(t, ts0.st, Config{BaseURL: "https://silkbridge.example"})
		old, _ := ts.user(t, "forgetful@example.org", account.Member)
		known := ts.client(t).form("POST", "/password/forgot", url.Values{"email": {"forgetful@example.org"}})
		unknown := ts.client(t).form("POST", "/password/forgot", url.Values{"email": {"nobody@example.org"}})
		flash := func(r response) string {
			for _, c := range r.Cookies() {
				if c.Name == "flash" {
					return c.Value
				}
			}
			return ""
		}
		if known.StatusCode != unknown.StatusCode || known.Header.Get("Location") != unknown.Header.Get("Location") ||
			flash(known) != flash(unknown) || known.Body != unknown.Body {
			t.Fatalf("the answers differ: %d %s / %d %s", known.StatusCode, flash(known), unknown.StatusCode, flash(unknown))
		}
		if strings.Contains(logs.String(), "token=") || strings.Contains(logs.String(), "/password/reset?") {
			t.Fatalf("the log holds a reset link:\n%s", logs.String())
		}
		// Without mail, the page says whom to ask, and the operator makes the
		// link as silkbridge user reset does.
		if r := ts.client(t).get("/password/forgot"); !strings.Contains(r.Body, `id="no-mail"`) {
			t.Fatal("the forgot page does not say that no mail is sent")
		}
		token, u, err := ts.st.RequestPasswordReset(context.Background(), "forgetful@example.org")
		if err != nil || u == nil {
			t.Fatalf("operator's reset link: %v", err)
		}
		if r := ts.client(t).get("/password/reset?token=" + url.QueryEscape(token)); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `name="password"`) {
			t.Fatalf("reset form: %d", r.StatusCode)
		}
		c := ts.client(t)
		if r := c.form("POST", "/password/reset", url.Values{"token": {token}, "password": {"short"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("weak password: %d", r.StatusCode)
		}
		if r := c.form("POST", "/password/reset", url.Values{"token": {token}, "password": {"brand-new-password"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("reset: %d %s", r.StatusCode, r.Body)
		}
		if r := c.form("POST", "/password/reset", url.Values{"token": {token}, "password": {"second-new-password"}}); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "/password/forgot") {
			t.Fatalf("the link worked twice: %d", r.StatusCode)
		}
		if r := ts.client(t).get("/password/reset?token=" + url.QueryEscape(token)); r.StatusCode != http.StatusNotFound {
			t.Fatalf("a used link shows the form: %d", r.StatusCode)
		}
		if r := old.get("/api/v1/me"); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("a session outlived the reset: %d", r.StatusCode)
		}
		if r := ts.client(t).form("POST", "/signin", url.Values{"email": {"forgetful@example.org"}, "password": {"brand-new-password"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in with the new password: %d", r.StatusCode)
		}
	})
}

func TestPasswordChange_NeedsCurrentAndSignsOutOtherDevices(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		here, _ := ts.user(t, "two-devices@example.org", account.Member)
		there := ts.client(t)
		there.form("POST", "/signin", url.Values{"email": {"two-devices@example.org"}, "password": {"amber-lantern-42"}})
		r := here.form("POST", "/account/password", url.Values{"current_password": {"wrong-password"}, "new_password": {"another-password"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="current_password-error"`) {
			t.Fatalf("wrong current password: %d", r.StatusCode)
		}
		r = here.form("POST", "/account/password", url.Values{"current_password": {"amber-lantern-42"}, "new_password": {"another-password"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("change: %d %s", r.StatusCode, r.Body)
		}
		if r := here.get("/api/v1/me"); r.StatusCode != http.StatusOK {
			t.Fatalf("this device was signed out: %d", r.StatusCode)
		}
		if r := there.get("/api/v1/me"); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("the other device is still signed in: %d", r.StatusCode)
		}
	})
}

func TestInvitations_ManagerInvitesInviteeAcceptsAndBecomesManager(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts0 *testServer) {
		ts, logs := serverOn(t, ts0.st, Config{})
		manager, mu := ts.user(t, "boss@example.org", account.Member)
		stranger, _ := ts.user(t, "stranger@example.org", account.Member)
		o := &organisation.Organisation{Name: "Tashkent Water Institute", Kind: organisation.University, Country: "UZ"}
		if err := ts.st.CreateOrganisation(context.Background(), store.Actor{UserID: mu.ID}, o); err != nil {
			t.Fatal(err)
		}
		if r := manager.form("POST", "/organisations/"+o.ID+"/invitations", url.Values{"email": {"bad"}}); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, `id="email-error"`) {
			t.Fatalf("bad e-mail: %d", r.StatusCode)
		}
		res := manager.form("POST", "/organisations/"+o.ID+"/invitations", url.Values{"email": {"Deputy@example.org"}})
		if res.StatusCode != http.StatusCreated || !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
			t.Fatalf("invite: %d", res.StatusCode)
		}
		m := regexp.MustCompile(`<code id="invitation-link">(http://[^<]+/invitation\?token=[A-Za-z0-9_%-]+)</code>`).FindStringSubmatch(res.Body)
		if m == nil {
			t.Fatal("the invitation link is not shown")
		}
		link := html.UnescapeString(m[1])
		// The link is shown once, to the manager who invites; its secret is
		// never written to the log.
		if strings.Contains(logs.String(), "invitation?token=") {
			t.Fatalf("the log holds an invitation link:\n%s", logs.String())
		}
		if again := manager.get("/organisations/" + o.ID + "/managers"); strings.Contains(again.Body, link) || !strings.Contains(again.Body, "deputy@example.org") {
			t.Fatal("the managers page shows the link again, or not the open invitation")
		}
		path := strings.TrimPrefix(link, ts.URL)
		token := strings.TrimPrefix(path, "/invitation?token=")
		token, err := url.QueryUnescape(token)
		if err != nil {
			t.Fatal(err)
		}
		// The invitee has no account yet: the link leads through sign-up and back.
		invitee := ts.client(t)
		if r := invitee.get(path); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/signin?back=") {
			t.Fatalf("a visitor opening the link: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		r := invitee.form("POST", "/signup", url.Values{"name": {"Deputy"}, "email": {"deputy@example.org"}, "password": {"a-long-password"}, "back": {path}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path {
			t.Fatalf("sign-up does not lead back to the invitation: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := invitee.get(path); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `action="/invitation/accept"`) {
			t.Fatalf("the invitation page: %d", r.StatusCode)
		}
		if r := stranger.form("POST", "/invitation/accept", url.Values{"token": {token}}); r.StatusCode != http.StatusForbidden {
			t.Fatalf("a stranger with the link accepted: %d", r.StatusCode)
		}
		if r := invitee.form("POST", "/invitation/accept", url.Values{"token": {token}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d", r.StatusCode)
		}
		if r := invitee.get("/organisations/" + o.ID + "/edit"); r.StatusCode != http.StatusOK {
			t.Fatalf("the new manager cannot edit: %d", r.StatusCode)
		}
		if r := manager.get("/organisations/" + o.ID + "/managers"); !strings.Contains(r.Body, "deputy@example.org") {
			t.Fatal("the managers page does not list the new manager")
		}
		if r := stranger.get("/organisations/" + o.ID + "/managers"); r.StatusCode != http.StatusForbidden {
			t.Fatalf("a stranger sees the managers: %d", r.StatusCode)
		}
	})
}

// TestInvitations_AnAccountWithTheAddressIsNotEnough shows why the link's
// secret is needed: addresses are not verified at sign-up, so someone may
// hold an account with the invited address without having received the
// invitation; without the link they cannot accept.
func TestInvitations_AnAccountWithTheAddressIsNotEnough(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	manager, mu := ts.user(t, "boss@example.org", account.Member)
	o := &organisation.Organisation{Name: "Bishkek Geology Institute", Kind: organisation.ResearchInstitute, Country: "KG"}
	if err := ts.st.CreateOrganisation(context.Background(), store.Actor{UserID: mu.ID}, o); err != nil {
		t.Fatal(err)
	}
	manager.form("POST", "/organisations/"+o.ID+"/invitations", url.Values{"email": {"geologist@example.kg"}})
	squatter, su := ts.user(t, "geologist@example.kg", account.Member)
	if r := squatter.get("/account"); strings.Contains(r.Body, "Bishkek Geology Institute") {
		t.Fatal("the account page reveals the invitation")
	}
	invs, err := ts.st.OpenInvitations(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(invs) != 1 {
		t.Fatalf("%d open invitations", len(invs))
	}
	for _, token := range []string{"", invs[0].ID} {
		if r := squatter.form("POST", "/invitation/accept", url.Values{"token": {token}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("accept with %q: %d", token, r.StatusCode)
		}
	}
	ok, err := ts.st.ManagesOrganisation(context.Background(), su.ID, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ok {
		t.Fatal("an account with the address became a manager without the link")
	}
}

func TestAdminUsers_AdminSetsRolesButNotTheirOwn(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		admin, au := ts.user(t, "root@example.org", account.Admin)
		member, mu := ts.user(t, "officer-to-be@example.org", account.Member)
		if r := member.get("/admin/users"); r.StatusCode != http.StatusForbidden {
			t.Fatalf("a member sees the users: %d", r.StatusCode)
		}
		if r := admin.get("/admin/users?q=officer"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "officer-to-be@example.org") || strings.Contains(r.Body, "root@example.org") {
			t.Fatalf("users page: %d", r.StatusCode)
		}
		if r := admin.form("POST", "/admin/users/"+mu.ID+"/role", url.Values{"role": {"emperor"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad role: %d", r.StatusCode)
		}
		if r := admin.form("POST", "/admin/users/"+mu.ID+"/role", url.Values{"role": {account.Officer}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("set role: %d", r.StatusCode)
		}
		u, err := ts.st.User(context.Background(), mu.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != account.Officer {
			t.Fatalf("role is %s", u.Role)
		}
		if r := admin.json("PUT", "/api/v1/users/"+au.ID+"/role", map[string]string{"role": account.Member}); r.StatusCode != http.StatusConflict {
			t.Fatalf("an admin changed their own role: %d", r.StatusCode)
		}
	})
}

func TestPrivacy_DownloadHoldsEverythingIncludingCapabilities(t *testing.T) {
	saved := personalDataExporters
	t.Cleanup(func() { personalDataExporters = saved })
	personalDataExporters = append(personalDataExporters, func(ctx context.Context, st *store.Store, userID string) (string, any, error) {
		return "test_capability", map[string]string{"user": userID}, nil
	})
	ts := newTestServer(t, store.SQLite)
	c, u := ts.user(t, "me@example.org", account.Member)
	c.form("POST", "/profile", url.Values{"name": {"Me Myself"}, "country": {"KZ"}, "email": {"private@example.org"}})
	c.form("POST", "/account/tokens", url.Values{"name": {"ci"}, "scope": {"read"}})
	r := c.get("/account/export")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %q", r.StatusCode, r.Header.Get("Content-Disposition"))
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.Body), &data); err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{"account", "talent_profile", "organisations_managed", "api_tokens", "sessions", "audit_log_by_me", "invitations", "test_capability"} {
		if _, ok := data[part]; !ok {
			t.Errorf("the download lacks %s", part)
		}
	}
	if !strings.Contains(string(data["talent_profile"]), "private@example.org") || !strings.Contains(string(data["test_capability"]), u.ID) {
		t.Error("the download lacks the profile's contact or a capability's records")
	}
	if strings.Contains(r.Body, "token_hash") || strings.Contains(r.Body, "password") {
		t.Error("the download holds secrets or their hashes")
	}
}

func TestPrivacy_DeleteAccountNeedsPasswordAndChoice(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		for _, content := range []string{"anonymise", "remove"} {
			c, u := ts.user(t, content+"@example.org", account.Member)
			c.form("POST", "/profile", url.Values{"name": {"Leaving " + content}, "country": {"KZ"}, "public": {"on"}})
			if r := c.form("POST", "/account/delete", url.Values{"content": {content}, "password": {"wrong-password"}}); r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("wrong password: %d", r.StatusCode)
			}
			if r := c.form("POST", "/account/delete", url.Values{"content": {"burn"}, "password": {"amber-lantern-42"}}); r.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(r.Body, `id="content-error"`) {
				t.Fatalf("bad choice: %d", r.StatusCode)
			}
			if _, err := ts.st.User(context.Background(), u.ID); err != nil {
				t.Fatal("a refused delete deleted")
			}
			if r := c.form("POST", "/account/delete", url.Values{"content": {content}, "password": {"amber-lantern-42"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("delete: %d %s", r.StatusCode, r.Body)
			}
			if r := c.get("/api/v1/me"); r.StatusCode != http.StatusUnauthorized {
				t.Fatalf("still signed in: %d", r.StatusCode)
			}
			if r := ts.client(t).form("POST", "/signin", url.Values{"email": {u.Email}, "password": {"amber-lantern-42"}}); r.StatusCode != http.StatusUnauthorized {
				t.Fatalf("the deleted account signs in: %d", r.StatusCode)
			}
			if r := ts.client(t).get("/talents?q=Leaving"); strings.Contains(r.Body, "Leaving "+content) {
				t.Fatalf("the deleted member's name is still public (%s)", content)
			}
		}
	})
}

// TestAccountPages_RenderInEveryLanguage opens each account page in the
// six languages: no missing message shows its id, and Arabic is right-to-left.
func TestAccountPages_RenderInEveryLanguage(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	admin, au := ts.user(t, "pages@example.org", account.Admin)
	o := &organisation.Organisation{Name: "Page Institute", Kind: organisation.University, Country: "RS"}
	if err := ts.st.CreateOrganisation(context.Background(), store.Actor{UserID: au.ID}, o); err != nil {
		t.Fatal(err)
	}
	_, secret, err := ts.st.InviteManager(context.Background(), store.Actor{UserID: au.ID}, o.ID, account.Invite{Email: "someone@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"/account", "/account/password", "/account/tokens", "/account/privacy", "/admin/users", "/audit",
		"/organisations/" + o.ID + "/managers", "/invitation?token=" + url.QueryEscape(secret), "/password/forgot", "/signin"}
	for _, l := range Languages {
		for _, p := range paths {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			r := admin.get(p + sep + "lang=" + l.Tag)
			if r.StatusCode != http.StatusOK {
				t.Errorf("%s in %s: %d", p, l.Tag, r.StatusCode)
				continue
			}
			if m := regexp.MustCompile(`>\s*(account\.[a-z_.]+)\s*<`).FindStringSubmatch(r.Body); m != nil {
				t.Errorf("%s in %s shows the message id %s", p, l.Tag, m[1])
			}
			if l.RTL && !strings.Contains(r.Body, `dir="rtl"`) {
				t.Errorf("%s in Arabic is not right-to-left", p)
			}
		}
	}
}

func TestPages_SignedInAnswersAreNotForSharedCaches(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	c, _ := ts.user(t, "cache@example.org", account.Member)
	for _, p := range []string{"/", "/account", "/api/v1/me"} {
		if cc := c.get(p).Header.Get("Cache-Control"); !strings.Contains(cc, "private") && !strings.Contains(cc, "no-store") {
			t.Errorf("%s for a signed-in user: Cache-Control %q", p, cc)
		}
	}
	if cc := c.get("/static/app.css").Header.Get("Cache-Control"); !strings.Contains(cc, "public") {
		t.Errorf("static files lost their caching: %q", cc)
	}
}
