package web

// THE ROUTE TABLE. TestAuthz_EveryStateChangingRouteChecksRoleAndOwnership
// walks every registered route whose method is POST, PUT, PATCH or DELETE
// (from srv.Routes(), pages and API alike) for each role: visitor, member,
// manager of the organisation the record belongs to, manager of another
// organisation, agency officer and admin. It asserts the outcome that
// authzCases gives for "METHOD /path":
//
//   - allowed: the request succeeds (a 2xx or 3xx answer), so the check
//     let it through;
//   - denied: the answer is 401 or 403 (or 404 when the case is Hidden)
//     and nothing changed in the database (no table gained or lost a row
//     and the audit log, which records every change, holds no new entry).
//
// For each route it also proves that the request, sent by an allowed role
// but from another site, is refused (403, nothing changed), and for API
// routes that the same request with the role's read-scope token is refused.
//
// A registered state-changing route WITHOUT an entry in authzCases FAILS
// the test; so does an entry for a route that is not registered. A
// capability adds its entries from its own file, web/<cap>_authz_test.go:
//
//	func init() {
//		addAuthzCases(map[string]authzCase{
//			"POST /offers/{id}": {
//				Allow: allowOrgManagers, // the managers of the offer's organisation, and admins
//				Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
//					o := newOffer(t, fx.St, fx.Org.ID) // a fresh record of fx.Org
//					return formRequest("POST", "/offers/"+o.ID, url.Values{"title": {"Solar dryers"}})
//				},
//			},
//		})
//	}
//
// Conventions that keep the table honest:
//   - Build is called for every role (and again for the extra checks) and
//     creates, through fx.St, the fresh records its request needs; its body
//     must be valid, so that an allowed role's request would succeed.
//   - Organisation records belong to fx.Org, which roleManager manages and
//     roleOtherManager does not (it manages fx.OtherOrg): "own" and
//     "other" organisation in one walk.
//   - Personal records (tokens, invitations to a person, profiles) belong
//     to the requesting role's own user, or to fx.User(roleMember) when
//     the point is that nobody else may touch them (mark such a case
//     Hidden when the route answers 404 for records that are not yours).
//   - A request that ends or rotates a session, or deletes or re-roles an
//     account, is sent as a fresh actor (As: fx.Fresh(t, role)), so the
//     fixture's signed-in actors stay as they are.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/talent"
)

// authzRole is one of the roles the route table walks.
type authzRole string

// The roles, from least to most powerful.
const (
	roleVisitor      authzRole = "visitor"
	roleMember       authzRole = "member"
	roleManager      authzRole = "manager"       // manages fx.Org, the organisation the records belong to
	roleOtherManager authzRole = "other_manager" // manages fx.OtherOrg only
	roleOfficer      authzRole = "officer"
	roleAdmin        authzRole = "admin"
)

var authzRoles = []authzRole{roleVisitor, roleMember, roleManager, roleOtherManager, roleOfficer, roleAdmin}

// Common sets of allowed roles.
var (
	allowAnyone      = authzRoles
	allowSignedIn    = []authzRole{roleMember, roleManager, roleOtherManager, roleOfficer, roleAdmin}
	allowOrgManagers = []authzRole{roleManager, roleAdmin} // the managers of fx.Org, and admins
	allowOfficers    = []authzRole{roleOfficer, roleAdmin}
	allowAdmins      = []authzRole{roleAdmin}
	allowOnlyMember  = []authzRole{roleMember} // personal records of fx.User(roleMember)
)

// authzCase says who may make a state-changing request and how to build it.
type authzCase struct {
	// Allow lists the roles that may make the request; every other role
	// must be refused.
	Allow []authzRole
	// Build makes the request that role sends, creating the records it
	// needs on the fixture.
	Build func(t *testing.T, fx *authzFixture, role authzRole) authzRequest
	// Hidden accepts 404 as a refusal: the route looks the record up among
	// the requester's own, so another's record is simply not found.
	Hidden bool
	// Unverified, when set, builds the same request for an issuer that is
	// not verified: every allowed role must then be refused (the trust
	// column, see trust_authz_test.go).
	Unverified func(t *testing.T, fx *authzFixture, role authzRole) authzRequest
}

// authzRequest is one request of the walk.
type authzRequest struct {
	Method, Path string
	// Form is sent as a form body; JSON (a value or a raw string) as a JSON body.
	Form url.Values
	JSON any
	// As sends the request as another actor than the role's fixture actor.
	As *authzActor
}

// formRequest builds a form post.
func formRequest(method, path string, form url.Values) authzRequest {
	if form == nil {
		form = url.Values{}
	}
	return authzRequest{Method: method, Path: path, Form: form}
}

// jsonRequest builds an API call with a JSON body (nil for none).
func jsonRequest(method, path string, body any) authzRequest {
	return authzRequest{Method: method, Path: path, JSON: body}
}

var authzCases = map[string]authzCase{}

// addAuthzCases adds entries to the route table; call it from init.
func addAuthzCases(cases map[string]authzCase) {
	for k, c := range cases {
		if _, dup := authzCases[k]; dup {
			panic("authz: two entries for " + k)
		}
		if c.Build == nil {
			panic("authz: entry without Build: " + k)
		}
		authzCases[k] = c
	}
}

// authzActor is someone who sends requests: a browser-like client, its
// user (nil for a visitor) and a read-scope API token of that user.
type authzActor struct {
	Client    *client
	User      *account.User
	ReadToken string
}

// authzFixture holds the records and actors every case builds on.
type authzFixture struct {
	ts *testServer
	St *store.Store
	// Org is managed by roleManager; OtherOrg by roleOtherManager.
	Org, OtherOrg *organisation.Organisation
	actors        map[authzRole]*authzActor
	seq           atomic.Int64
	countSQL      string // counts the rows of every table, for dbFingerprint
}

// Actor returns the fixture's signed-in actor of a role.
func (fx *authzFixture) Actor(role authzRole) *authzActor { return fx.actors[role] }

// User returns the fixture's user of a role (nil for the visitor).
func (fx *authzFixture) User(role authzRole) *account.User { return fx.actors[role].User }

// Unique returns a text no other call returns, for e-mails and names.
func (fx *authzFixture) Unique(prefix string) string {
	return fmt.Sprintf("%s%d", prefix, fx.seq.Add(1))
}

// NewUser stores an account that nobody is signed in as (password "amber-lantern-42").
func (fx *authzFixture) NewUser(t *testing.T, role string) *account.User {
	t.Helper()
	u, err := fx.St.CreateUser(context.Background(), store.Actor{}, account.SignUp{Email: fx.Unique("user") + "@example.org",
		Name: fx.Unique("User "), Password: "amber-lantern-42"}, role)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// NewOrg stores an organisation managed by the user of role (none for the visitor).
func (fx *authzFixture) NewOrg(t *testing.T, role authzRole) *organisation.Organisation {
	t.Helper()
	o := &organisation.Organisation{Name: fx.Unique("Institute "), Kind: organisation.ResearchInstitute, Country: "KZ"}
	var actor store.Actor
	if u := fx.User(role); u != nil {
		actor.UserID = u.ID
	}
	if err := fx.St.CreateOrganisation(context.Background(), actor, o); err != nil {
		t.Fatal(err)
	}
	return o
}

// Fresh returns a new actor of the role, signed in with a session of its
// own: a manager manages fx.Org, another manager fx.OtherOrg.
func (fx *authzFixture) Fresh(t *testing.T, role authzRole) *authzActor {
	t.Helper()
	if role == roleVisitor {
		return &authzActor{Client: fx.ts.client(t)}
	}
	accountRole := account.Member
	switch role {
	case roleOfficer:
		accountRole = account.Officer
	case roleAdmin:
		accountRole = account.Admin
	}
	email := fx.Unique(string(role)) + "@example.org"
	u, err := fx.St.CreateUser(context.Background(), store.Actor{}, account.SignUp{Email: email, Name: fx.Unique("Fresh "), Password: "amber-lantern-42"}, accountRole)
	if err != nil {
		t.Fatal(err)
	}
	switch role {
	case roleManager:
		if err := fx.St.AddManager(context.Background(), store.Actor{}, fx.Org.ID, u.ID); err != nil {
			t.Fatal(err)
		}
	case roleOtherManager:
		if err := fx.St.AddManager(context.Background(), store.Actor{}, fx.OtherOrg.ID, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	c := fx.ts.client(t)
	if res := c.form("POST", "/signin", url.Values{"email": {email}, "password": {"amber-lantern-42"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in fresh %s: %d", role, res.StatusCode)
	}
	secret, _, err := fx.St.CreateToken(context.Background(), store.Actor{UserID: u.ID}, u.ID, "read", store.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	u, err = fx.St.User(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &authzActor{Client: c, User: u, ReadToken: secret}
}

func newAuthzFixture(t *testing.T, ts *testServer) *authzFixture {
	t.Helper()
	fx := &authzFixture{ts: ts, St: ts.st, actors: map[authzRole]*authzActor{}}
	ctx := context.Background()
	fx.Org = &organisation.Organisation{Name: "Own Institute", Kind: organisation.ResearchInstitute, Country: "KZ"}
	fx.OtherOrg = &organisation.Organisation{Name: "Other Institute", Kind: organisation.University, Country: "PK"}
	for _, o := range []*organisation.Organisation{fx.Org, fx.OtherOrg} {
		if err := fx.St.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
			t.Fatal(err)
		}
	}
	for _, role := range authzRoles {
		fx.actors[role] = fx.Fresh(t, role)
	}
	for role, a := range fx.actors {
		if a.User != nil {
			u, err := fx.St.User(ctx, a.User.ID)
			if err != nil {
				t.Fatal(err)
			}
			a.User = u
		}
		if role == roleManager && !a.User.Manages(fx.Org.ID) || role == roleOtherManager && (a.User.Manages(fx.Org.ID) || !a.User.Manages(fx.OtherOrg.ID)) {
			t.Fatalf("fixture: %s manages %v", role, a.User.Orgs)
		}
	}
	return fx
}

// send makes the request as the actor, as a same-origin browser would
// (or with extra headers, for the cross-origin and token checks).
func (a *authzActor) send(t *testing.T, req authzRequest, header http.Header, useCookies bool) response {
	t.Helper()
	var body io.Reader
	ct := ""
	switch {
	case req.Form != nil:
		body, ct = strings.NewReader(req.Form.Encode()), "application/x-www-form-urlencoded"
	case req.JSON != nil:
		if s, ok := req.JSON.(string); ok {
			body = strings.NewReader(s)
		} else {
			b, err := json.Marshal(req.JSON)
			if err != nil {
				t.Fatal(err)
			}
			body = bytes.NewReader(b)
		}
		ct = "application/json"
	}
	r, err := http.NewRequest(req.Method, a.Client.base+req.Path, body)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	if req.Form != nil {
		r.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for k, v := range header {
		r.Header[k] = v
	}
	if useCookies {
		return a.Client.do(r)
	}
	plain := &client{t: t, base: a.Client.base, http: &http.Client{CheckRedirect: a.Client.http.CheckRedirect}}
	return plain.do(r)
}

// dbFingerprint counts the rows of every table, and the audit log with
// them, so that a refused request can be shown to have changed nothing.
// The attempts of the rate limits are left out: counting a refused
// attempt is not a change of data.
func dbFingerprint(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	return countRows(t, st, countRowsSQL(t, st))
}

// dbFingerprint is dbFingerprint with the counting query made once.
func (fx *authzFixture) dbFingerprint(t *testing.T) map[string]int {
	t.Helper()
	if fx.countSQL == "" {
		fx.countSQL = countRowsSQL(t, fx.St)
	}
	return countRows(t, fx.St, fx.countSQL)
}

// countRowsSQL returns one query that counts the rows of every table.
func countRowsSQL(t *testing.T, st *store.Store) string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if st.Engine() == store.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := st.DB().QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != "attempts" && n != "goose_db_version" {
			parts = append(parts, fmt.Sprintf(`SELECT '%s', COUNT(*) FROM "%s"`, n, n))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(parts, " UNION ALL ")
}

func countRows(t *testing.T, st *store.Store, query string) map[string]int {
	t.Helper()
	rows, err := st.DB().QueryContext(context.Background(), query)
	if err != nil {
		t.Fatalf("count rows: %v", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		out[name] = n
	}
	return out
}

func diffFingerprints(before, after map[string]int) string {
	var d []string
	for k, v := range after {
		if before[k] != v {
			d = append(d, fmt.Sprintf("%s %d→%d", k, before[k], v))
		}
	}
	sort.Strings(d)
	return strings.Join(d, ", ")
}

func stateChanging(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

func allows(roles []authzRole, r authzRole) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

func TestAuthz_EveryStateChangingRouteChecksRoleAndOwnership(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		fx := newAuthzFixture(t, ts)
		registered := map[string]bool{}
		var missing []string
		for _, rt := range ts.srv.Routes() {
			if !stateChanging(rt.Method) {
				continue
			}
			key := rt.Method + " " + rt.Path
			registered[key] = true
			c, ok := authzCases[key]
			if !ok {
				missing = append(missing, key)
				continue
			}
			t.Run(key, func(t *testing.T) { runAuthzCase(t, fx, key, c) })
		}
		if len(missing) > 0 {
			t.Errorf("state-changing routes without an entry in authzCases (add them in web/<capability>_authz_test.go):\n\t%s",
				strings.Join(missing, "\n\t"))
		}
		for key := range authzCases {
			if !registered[key] {
				t.Errorf("authzCases has an entry for %q, which is not a registered state-changing route", key)
			}
		}
		// The walk must not have changed who the fixture's actors are.
		for _, role := range allowSignedIn {
			res := fx.Actor(role).Client.get("/api/v1/me")
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, fx.User(role).Email) {
				t.Errorf("after the walk, %s is no longer signed in as itself: %d", role, res.StatusCode)
			}
		}
	})
}

func runAuthzCase(t *testing.T, fx *authzFixture, key string, c authzCase) {
	for _, role := range authzRoles {
		req := c.Build(t, fx, role)
		actor := req.As
		if actor == nil {
			actor = fx.Actor(role)
		}
		allowed := allows(c.Allow, role)
		var before map[string]int
		if !allowed {
			before = fx.dbFingerprint(t)
		}
		res := actor.send(t, req, nil, true)
		switch {
		case res.StatusCode >= 500:
			t.Errorf("%s as %s: status %d: %.300s", key, role, res.StatusCode, res.Body)
		case allowed && (res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden):
			t.Errorf("%s as %s: refused with %d, want allowed: %.300s", key, role, res.StatusCode, res.Body)
		case allowed && res.StatusCode >= 400:
			// An allowed request that fails proves nothing about the check.
			t.Errorf("%s as %s: allowed but answered %d; Build must make a request that succeeds: %.300s", key, role, res.StatusCode, res.Body)
		case !allowed && !refusal(res.StatusCode, c.Hidden):
			t.Errorf("%s as %s: status %d, want refused (401 or 403%s)", key, role, res.StatusCode, map[bool]string{true: " or 404"}[c.Hidden])
		case !allowed:
			if d := diffFingerprints(before, fx.dbFingerprint(t)); d != "" {
				t.Errorf("%s as %s: refused with %d but changed %s", key, role, res.StatusCode, d)
			}
		}
	}
	runUnverifiedColumn(t, fx, key, c)
	// The same request from another site, by a role that may make it.
	var role authzRole
	for _, r := range c.Allow {
		if r != roleVisitor {
			role = r
			break
		}
	}
	if role == "" && len(c.Allow) > 0 {
		role = c.Allow[0]
	}
	if role == "" {
		return
	}
	req := c.Build(t, fx, role)
	actor := req.As
	if actor == nil {
		actor = fx.Actor(role)
	}
	before := fx.dbFingerprint(t)
	res := actor.send(t, req, http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}, true)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("%s from another site as %s: status %d, want 403", key, role, res.StatusCode)
	} else if d := diffFingerprints(before, fx.dbFingerprint(t)); d != "" {
		t.Errorf("%s from another site as %s: refused but changed %s", key, role, d)
	}
	// An API write with a read-scope token.
	if !strings.HasPrefix(key[strings.IndexByte(key, ' ')+1:], "/api/") || role == roleVisitor {
		return
	}
	req = c.Build(t, fx, role)
	actor = req.As
	if actor == nil {
		actor = fx.Actor(role)
	}
	before = fx.dbFingerprint(t)
	res = actor.send(t, req, http.Header{"Authorization": {"Bearer " + actor.ReadToken}}, false)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("%s with a read-scope token of %s: status %d, want 403", key, role, res.StatusCode)
	} else if d := diffFingerprints(before, fx.dbFingerprint(t)); d != "" {
		t.Errorf("%s with a read-scope token of %s: refused but changed %s", key, role, d)
	}
}

func refusal(status int, hidden bool) bool {
	return status == http.StatusUnauthorized || status == http.StatusForbidden || (hidden && status == http.StatusNotFound)
}

// ensureProfile gives the role's user a talent profile, for routes that
// change or delete one.
func ensureProfile(t *testing.T, fx *authzFixture, u *account.User) {
	t.Helper()
	if u == nil {
		return
	}
	if _, err := fx.St.TalentOfUser(context.Background(), u.ID); err == nil {
		return
	}
	if err := fx.St.CreateTalent(context.Background(), store.Actor{UserID: u.ID}, &talent.Profile{UserID: u.ID, Name: u.Name, Country: "UZ"}); err != nil {
		t.Fatal(err)
	}
}

func validOrgForm(name string) url.Values {
	return url.Values{"name": {name}, "kind": {organisation.University}, "country": {"CN"}, "fields": {"2.7"}}
}

func validOrgJSON(name string) map[string]any {
	return map[string]any{"name": name, "kind": organisation.University, "country": "CN", "fields": []string{"2.7"}}
}

// The foundation's routes: organisations and talent profiles.
func init() {
	addAuthzCases(map[string]authzCase{
		"POST /organisations": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			// The creator becomes a manager: a fresh actor keeps the fixture's roles as they are.
			req := formRequest("POST", "/organisations", validOrgForm(fx.Unique("New University ")))
			req.As = fx.Fresh(t, role)
			return req
		}},
		"POST /organisations/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/organisations/"+fx.Org.ID, url.Values{"name": {fx.Org.Name}, "kind": {fx.Org.Kind}, "country": {fx.Org.Country}})
		}},
		"POST /organisations/{id}/delete": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/organisations/"+fx.NewOrg(t, roleManager).ID+"/delete", nil)
		}},
		"POST /api/v1/organisations": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			req := jsonRequest("POST", "/api/v1/organisations", validOrgJSON(fx.Unique("New API University ")))
			req.As = fx.Fresh(t, role)
			return req
		}},
		"PUT /api/v1/organisations/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("PUT", "/api/v1/organisations/"+fx.Org.ID, map[string]any{"name": fx.Org.Name, "kind": fx.Org.Kind, "country": fx.Org.Country})
		}},
		"DELETE /api/v1/organisations/{id}": {Allow: allowOrgManagers, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("DELETE", "/api/v1/organisations/"+fx.NewOrg(t, roleManager).ID, nil)
		}},
		"POST /profile": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return formRequest("POST", "/profile", url.Values{"name": {"Profile " + string(role)}, "country": {"KZ"}})
		}},
		"POST /profile/delete": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			ensureProfile(t, fx, fx.User(role))
			return formRequest("POST", "/profile/delete", nil)
		}},
		"PUT /api/v1/me/profile": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			return jsonRequest("PUT", "/api/v1/me/profile", map[string]any{"name": "Profile " + string(role), "country": "KZ"})
		}},
		"DELETE /api/v1/me/profile": {Allow: allowSignedIn, Build: func(t *testing.T, fx *authzFixture, role authzRole) authzRequest {
			ensureProfile(t, fx, fx.User(role))
			return jsonRequest("DELETE", "/api/v1/me/profile", nil)
		}},
	})
}
