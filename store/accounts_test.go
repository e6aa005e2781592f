package store_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
	"github.com/silkbridge/silkbridge/talent"
)

// Every test here signs people up and in: at the production cost of
// password hashing (64 MiB, three passes) the suite would crawl on a small
// machine. Package account proves hashes at the production cost.
func init() { account.HashCost = account.Argon2Params{Time: 1, Memory: 1024, Threads: 1} }

// TestAccountsStore runs the accounts' store tests on one database per
// engine, because a fresh PostgreSQL database costs seconds; each test
// makes its own users and records, so they do not disturb each other.
func TestAccountsStore(t *testing.T) {
	tests := []struct {
		name string
		fn   func(*testing.T, *store.Store)
	}{
		{"Session_EndsAfterIdleAndAbsoluteTimeout", testSession_EndsAfterIdleAndAbsoluteTimeout},
		{"ChangePassword_NeedsTheCurrentOneAndEndsSessions", testChangePassword_NeedsTheCurrentOneAndEndsSessions},
		{"PasswordReset_WorksOnceAndExpires", testPasswordReset_WorksOnceAndExpires},
		{"TakeAttempt_RefusesTheAttemptAfterTheLimit", testTakeAttempt_RefusesTheAttemptAfterTheLimit},
		{"TakeAttempt_HoldsUnderConcurrency", testTakeAttempt_HoldsUnderConcurrency},
		{"Tokens_RevokeIsOwnersOnlyAndAudited", testTokens_RevokeIsOwnersOnlyAndAudited},
		{"Invitations_OnlyTheInviteeAcceptsOnce", testInvitations_OnlyTheInviteeAcceptsOnce},
		{"Users_FiltersByTextAndRole", testUsers_FiltersByTextAndRole},
		{"DeleteUser_AnonymisesOrRemovesAndErasesAuditValues", testDeleteUser_AnonymisesOrRemovesAndErasesAuditValues},
		{"PersonalDataOf_GathersTheCoreRecords", testPersonalDataOf_GathersTheCoreRecords},
	}
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) { tc.fn(t, st) })
		}
	})
}

func newUser(t *testing.T, st *store.Store, email, role string) *account.User {
	t.Helper()
	u, err := st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: email, Name: strings.Split(email, "@")[0], Password: "amber-lantern-42"}, role)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// fieldOf returns the first field an EINVALID error names.
func fieldOf(err error) string {
	if e, ok := errors.AsType[*silkbridge.Error](err); ok && len(e.Fields) > 0 {
		return e.Fields[0].Field
	}
	return ""
}

func messageID(err error) string {
	if e, ok := errors.AsType[*silkbridge.Error](err); ok {
		if len(e.Fields) > 0 {
			return e.Fields[0].MessageID
		}
		return e.MessageID
	}
	return ""
}

func testSession_EndsAfterIdleAndAbsoluteTimeout(t *testing.T, st *store.Store) {
	u := newUser(t, st, "s@example.org", account.Member)
	stamp := func(d time.Duration) string {
		return time.Now().UTC().Add(d).Format("2006-01-02T15:04:05.000000Z")
	}
	cases := []struct {
		name              string
		lastSeen, expires string
		alive             bool
	}{
		{"fresh", stamp(0), stamp(account.AbsoluteTimeout), true},
		{"idle for almost the idle timeout", stamp(-account.IdleTimeout + time.Minute), stamp(time.Hour), true},
		{"idle for longer than the idle timeout", stamp(-account.IdleTimeout - time.Minute), stamp(time.Hour), false},
		{"active but past its absolute expiry", stamp(-time.Minute), stamp(-time.Second), false},
	}
	for _, tc := range cases {
		secret, err := st.CreateSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.DB().ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE user_id = $3`,
			tc.lastSeen, tc.expires, u.ID); err != nil {
			t.Fatal(err)
		}
		_, err = st.SessionUser(ctx, secret)
		if tc.alive && err != nil {
			t.Errorf("%s: session refused: %v", tc.name, err)
		}
		if !tc.alive && silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND {
			t.Errorf("%s: session accepted (%v)", tc.name, err)
		}
		var n int
		if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE user_id = $1`, u.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if !tc.alive && n != 0 {
			t.Errorf("%s: the dead session is still stored", tc.name)
		}
		if _, err := st.DB().ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
	}
}

func testChangePassword_NeedsTheCurrentOneAndEndsSessions(t *testing.T, st *store.Store) {
	u := newUser(t, st, "c@example.org", account.Member)
	secret, err := st.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		current, next, field, msg string
	}{
		{"wrong-password", "new-password-1", "current_password", "account.password.wrong"},
		{"amber-lantern-42", "amber-lantern-42", "new_password", "account.password.same"},
		{"amber-lantern-42", "short", "new_password", "field.password_short"},
	}
	for _, tc := range cases {
		err := st.ChangePassword(ctx, store.Actor{UserID: u.ID}, u.ID, tc.current, tc.next)
		if fieldOf(err) != tc.field || messageID(err) != tc.msg {
			t.Errorf("current %q new %q: %v, want %s on %s", tc.current, tc.next, err, tc.msg, tc.field)
		}
	}
	if _, err := st.SessionUser(ctx, secret); err != nil {
		t.Fatal("a refused change ended the session")
	}
	if err := st.ChangePassword(ctx, store.Actor{UserID: u.ID}, u.ID, "amber-lantern-42", "new-password-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionUser(ctx, secret); err == nil {
		t.Error("the session outlived the password change")
	}
	if _, err := st.Authenticate(ctx, u.Email, "new-password-1"); err != nil {
		t.Error("the new password does not work")
	}
	if _, err := st.Authenticate(ctx, u.Email, "amber-lantern-42"); err == nil {
		t.Error("the old password still works")
	}
	log, err := st.AuditLog(ctx, nil, "user", u.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 || log[0].Action != "change_password" || strings.Contains(log[0].After+log[0].Before, "new-password") {
		t.Errorf("audit of the change: %+v", log)
	}
}

func testPasswordReset_WorksOnceAndExpires(t *testing.T, st *store.Store) {
	u := newUser(t, st, "r@example.org", account.Member)
	if secret, who, err := st.RequestPasswordReset(ctx, "nobody@example.org"); secret != "" || who != nil || err != nil {
		t.Fatalf("unknown e-mail: %q %v %v", secret, who, err)
	}
	first, who, err := st.RequestPasswordReset(ctx, " R@example.org")
	if err != nil || first == "" || who.ID != u.ID {
		t.Fatalf("request: %q %v %v", first, who, err)
	}
	second, _, err := st.RequestPasswordReset(ctx, "r@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CheckPasswordReset(ctx, first); messageID(err) != "account.reset.invalid" {
		t.Errorf("a newer request should end the older link: %v", err)
	}
	if err := st.CheckPasswordReset(ctx, second); err != nil {
		t.Fatalf("fresh link refused: %v", err)
	}
	session, err := st.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ResetPassword(ctx, second, "short"); fieldOf(err) != "password" {
		t.Errorf("weak password: %v", err)
	}
	if err := st.CheckPasswordReset(ctx, second); err != nil {
		t.Fatal("a refused weak password used up the link")
	}
	if got, err := st.ResetPassword(ctx, second, "reset-password-1"); err != nil || got.ID != u.ID {
		t.Fatalf("reset: %v", err)
	}
	if _, err := st.Authenticate(ctx, u.Email, "reset-password-1"); err != nil {
		t.Error("the new password does not work")
	}
	if _, err := st.SessionUser(ctx, session); err == nil {
		t.Error("a session outlived the reset")
	}
	if _, err := st.ResetPassword(ctx, second, "reset-password-2"); messageID(err) != "account.reset.invalid" {
		t.Errorf("the link worked twice: %v", err)
	}
	third, _, err := st.RequestPasswordReset(ctx, "r@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE password_resets SET expires_at = $1 WHERE used_at = '' AND user_id = $2`, time.Now().UTC().Add(-time.Second).Format("2006-01-02T15:04:05.000000Z"), u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ResetPassword(ctx, third, "reset-password-3"); messageID(err) != "account.reset.invalid" {
		t.Errorf("an expired link worked: %v", err)
	}
	if _, err := st.ResetPassword(ctx, "made-up", "reset-password-4"); messageID(err) != "account.reset.invalid" {
		t.Errorf("a made-up link: %v", err)
	}
	var stored int
	if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM password_resets WHERE token_hash = $1 OR token_hash = $2`, third, second).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != 0 {
		t.Error("reset secrets are stored in clear")
	}
}

func testTakeAttempt_RefusesTheAttemptAfterTheLimit(t *testing.T, st *store.Store) {
	limits := []store.AttemptLimit{{Key: "account:a@example.org", Max: 5, Window: time.Minute}, {Key: "ip:192.0.2.1", Max: 20, Window: time.Minute}}
	var tickets []string
	for i := 0; i < 5; i++ {
		ticket, err := st.TakeAttempt(ctx, limits)
		if err != nil {
			t.Fatalf("attempt %d refused: %v", i+1, err)
		}
		tickets = append(tickets, ticket)
	}
	_, err := st.TakeAttempt(ctx, limits)
	if silkbridge.ErrorCode(err) != silkbridge.ETOOMANY {
		t.Fatalf("sixth attempt: %v", err)
	}
	e, ok := errors.AsType[*silkbridge.Error](err)
	if !ok {
		t.Fatalf("sixth attempt: %v", err)
	}
	wait, ok := e.Data["RetryAfter"].(int)
	if !ok {
		t.Fatalf("sixth attempt: RetryAfter %v, want seconds", e.Data["RetryAfter"])
	}
	if wait < 1 || wait > 60 {
		t.Errorf("retry after %d s", wait)
	}
	// A refused attempt is not recorded, so waiting is enough.
	var n int
	if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM attempts WHERE id IN ($1, $2, $3, $4, $5)`,
		tickets[0], tickets[1], tickets[2], tickets[3], tickets[4]).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 10 {
		t.Errorf("%d attempt rows, want 10 (5 attempts under 2 keys)", n)
	}
	if err := st.ForgetAttempt(ctx, tickets[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TakeAttempt(ctx, limits); err != nil {
		t.Errorf("a forgotten attempt still counts: %v", err)
	}
	if _, err := st.TakeAttempt(ctx, []store.AttemptLimit{{Key: "account:b@example.org", Max: 5, Window: time.Minute}}); err != nil {
		t.Errorf("another account is limited: %v", err)
	}
	// Attempts older than the window do not count.
	if _, err := st.DB().ExecContext(ctx, `UPDATE attempts SET at = $1 WHERE key = $2 OR key = $3`, time.Now().UTC().Add(-2*time.Minute).Format("2006-01-02T15:04:05.000000Z"),
		account.HashToken(limits[0].Key), account.HashToken(limits[1].Key)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TakeAttempt(ctx, limits); err != nil {
		t.Errorf("old attempts still count: %v", err)
	}
}

func testTakeAttempt_HoldsUnderConcurrency(t *testing.T, st *store.Store) {
	limits := []store.AttemptLimit{{Key: "account:c@example.org", Max: 5, Window: time.Minute}}
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed, refused := 0, 0
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := st.TakeAttempt(ctx, limits)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				allowed++
			case silkbridge.ErrorCode(err) == silkbridge.ETOOMANY:
				refused++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if allowed != 5 || refused != 11 {
		t.Fatalf("%d allowed, %d refused; want 5 and 11", allowed, refused)
	}
}

func testTokens_RevokeIsOwnersOnlyAndAudited(t *testing.T, st *store.Store) {
	a := newUser(t, st, "a@example.org", account.Member)
	b := newUser(t, st, "b@example.org", account.Member)
	secret, tok, err := st.CreateToken(ctx, store.Actor{UserID: a.ID}, a.ID, " laptop ", store.ScopeRead)
	if err != nil || tok.Name != "laptop" || !strings.HasPrefix(secret, "sb_") {
		t.Fatalf("create: %v %+v", err, tok)
	}
	if _, _, err := st.CreateToken(ctx, store.Actor{UserID: a.ID}, a.ID, "", "admin"); fieldOf(err) == "" {
		t.Errorf("bad token form accepted: %v", err)
	}
	if u, scope, err := st.TokenUser(ctx, secret); err != nil || u.ID != a.ID || scope != store.ScopeRead {
		t.Fatalf("token user: %v", err)
	}
	if err := st.RevokeToken(ctx, store.Actor{UserID: b.ID}, b.ID, tok.ID); silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND {
		t.Fatalf("another user revoked the token: %v", err)
	}
	if err := st.RevokeToken(ctx, store.Actor{UserID: a.ID}, a.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.TokenUser(ctx, secret); err == nil {
		t.Fatal("a revoked token works")
	}
	log, err := st.AuditLog(ctx, nil, "api_token", tok.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Action != "revoke" || log[1].Action != "create" {
		t.Fatalf("audit: %+v", log)
	}
	if strings.Contains(log[1].After, secret[3:]) {
		t.Fatal("the audit log holds the secret")
	}
}

func testInvitations_OnlyTheInviteeAcceptsOnce(t *testing.T, st *store.Store) {
	owner := newUser(t, st, "owner@example.org", account.Member)
	invitee := newUser(t, st, "new@example.org", account.Member)
	other := newUser(t, st, "other@example.org", account.Member)
	o := newOrg("Invited Institute", "KZ")
	if err := st.CreateOrganisation(ctx, store.Actor{UserID: owner.ID}, o); err != nil {
		t.Fatal(err)
	}
	actor := store.Actor{UserID: owner.ID}
	for _, tc := range []struct{ email, msg string }{
		{"not-mail", "field.email"}, {"owner@example.org", "account.invite.already_manager"},
	} {
		if _, _, err := st.InviteManager(ctx, actor, o.ID, account.Invite{Email: tc.email}); messageID(err) != tc.msg {
			t.Errorf("invite %s: %v, want %s", tc.email, err, tc.msg)
		}
	}
	inv, secret, err := st.InviteManager(ctx, actor, o.ID, account.Invite{Email: " New@Example.org"})
	if err != nil || inv.Email != "new@example.org" || inv.OrgName != "Invited Institute" || secret == "" {
		t.Fatalf("invite: %v %+v", err, inv)
	}
	var stored int
	if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM org_invitations WHERE token_hash = $1`, secret).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != 0 {
		t.Error("the invitation's secret is stored in clear")
	}
	if _, _, err := st.InviteManager(ctx, actor, o.ID, account.Invite{Email: "new@example.org"}); messageID(err) != "account.invite.pending" {
		t.Errorf("second invitation: %v", err)
	}
	list, err := st.InvitationsFor(ctx, "new@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Errorf("invitee sees %d invitations", len(list))
	}
	if _, err := st.AcceptInvitation(ctx, secret, other); silkbridge.ErrorCode(err) != silkbridge.EFORBIDDEN {
		t.Fatalf("another user accepted: %v", err)
	}
	// The id alone, which managers see, does not accept: the link's secret does.
	if _, err := st.AcceptInvitation(ctx, inv.ID, invitee); silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND {
		t.Fatalf("accepted with the invitation's id: %v", err)
	}
	if _, err := st.AcceptInvitation(ctx, secret, invitee); err != nil {
		t.Fatal(err)
	}
	ok, err := st.ManagesOrganisation(ctx, invitee.ID, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatal("the invitee does not manage the organisation")
	}
	if _, err := st.AcceptInvitation(ctx, secret, invitee); silkbridge.ErrorCode(err) != silkbridge.ECONFLICT {
		t.Errorf("accepted twice: %v", err)
	}
	managers, err := st.Managers(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(managers) != 2 {
		t.Fatalf("managers: %+v", managers)
	}
	entries, err := st.AuditLog(ctx, []string{o.ID}, "organisation", o.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 || entries[0].Action != "add_manager" || !strings.Contains(entries[0].After, invitee.ID) {
		t.Errorf("audit of the acceptance: %+v", entries)
	}

	late, lateSecret, err := st.InviteManager(ctx, actor, o.ID, account.Invite{Email: "other@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE org_invitations SET expires_at = $1 WHERE id = $2`, time.Now().UTC().Add(-time.Second).Format("2006-01-02T15:04:05.000000Z"), late.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AcceptInvitation(ctx, lateSecret, other); silkbridge.ErrorCode(err) != silkbridge.ECONFLICT {
		t.Errorf("expired invitation accepted: %v", err)
	}
	withdrawn, withdrawnSecret, err := st.InviteManager(ctx, actor, o.ID, account.Invite{Email: "other@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeInvitation(ctx, actor, "another-org", withdrawn.ID); silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND {
		t.Errorf("revoked through another organisation: %v", err)
	}
	if err := st.RevokeInvitation(ctx, actor, o.ID, withdrawn.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AcceptInvitation(ctx, withdrawnSecret, other); silkbridge.ErrorCode(err) != silkbridge.ECONFLICT {
		t.Errorf("withdrawn invitation accepted: %v", err)
	}

	if err := st.RemoveManager(ctx, actor, o.ID, invitee.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.RemoveManager(ctx, actor, o.ID, owner.ID); silkbridge.ErrorCode(err) != silkbridge.ECONFLICT {
		t.Errorf("the last manager was removed: %v", err)
	}
	if err := st.RemoveManager(ctx, actor, o.ID, other.ID); silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND {
		t.Errorf("removing a non-manager: %v", err)
	}
}

func testUsers_FiltersByTextAndRole(t *testing.T, st *store.Store) {
	// The other tests' users have neither "bo" nor "users.test" in them.
	newUser(t, st, "ana@users.test", account.Member)
	newUser(t, st, "bo_officer@users.test", account.Officer)
	newUser(t, st, "boss@users.test", account.Admin)
	cases := []struct {
		f    store.UserFilter
		want string
	}{
		{store.UserFilter{Query: "users.test"}, "ana bo_officer boss"},
		{store.UserFilter{Query: "BO"}, "bo_officer boss"},
		{store.UserFilter{Query: "o_"}, "bo_officer"},
		{store.UserFilter{Role: account.Admin}, "boss"},
		{store.UserFilter{Query: "%"}, ""},
	}
	for _, tc := range cases {
		list, page, err := st.Users(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range list {
			names = append(names, u.Name)
		}
		if got := strings.Join(names, " "); got != tc.want || page.Total != len(list) {
			t.Errorf("%+v: %q (total %d), want %q", tc.f, got, page.Total, tc.want)
		}
	}
}

func testDeleteUser_AnonymisesOrRemovesAndErasesAuditValues(t *testing.T, st *store.Store) {
	for _, anonymise := range []bool{true, false} {
		t.Run(fmt.Sprintf("anonymise=%v", anonymise), func(t *testing.T) {
			mode := fmt.Sprintf("%v", anonymise)
			u := newUser(t, st, "leaver-"+mode+"@example.org", account.Member)
			co := newUser(t, st, "stays-"+mode+"@example.org", account.Member)
			actor := store.Actor{UserID: u.ID}
			p := &talent.Profile{UserID: u.ID, Name: "Leila Leaver", Country: "UZ", ORCID: "0000-0002-1825-0097", Fields: []string{"2.7"},
				Bio: "solar dryers", Email: "leila@example.org", Public: true, Shown: []string{"bio"}}
			if err := st.CreateTalent(ctx, actor, p); err != nil {
				t.Fatal(err)
			}
			o := newOrg("Shared Institute", "UZ")
			if err := st.CreateOrganisation(ctx, store.Actor{UserID: co.ID}, o); err != nil {
				t.Fatal(err)
			}
			if err := st.AddManager(ctx, store.Actor{UserID: co.ID}, o.ID, u.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := st.CreateSession(ctx, u.ID); err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.CreateToken(ctx, actor, u.ID, "script", store.ScopeWrite); err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.RequestPasswordReset(ctx, u.Email); err != nil {
				t.Fatal(err)
			}

			if err := st.DeleteUser(ctx, actor, u.ID, anonymise); err != nil {
				t.Fatal(err)
			}
			if _, err := st.User(ctx, u.ID); silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND {
				t.Fatalf("the user is still there: %v", err)
			}
			for _, table := range []string{"sessions", "api_tokens", "org_managers", "password_resets"} {
				var n int
				if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE user_id = $1`, u.ID).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != 0 {
					t.Errorf("%s keeps %d rows of the deleted user", table, n)
				}
			}
			kept, err := st.Talent(ctx, p.ID)
			if anonymise {
				if err != nil {
					t.Fatalf("the anonymised profile is gone: %v", err)
				}
				if kept.Name != store.AnonymousName || kept.ORCID != "" || kept.Bio != "" || kept.Email != "" || kept.Public || kept.UserID != "" {
					t.Errorf("the profile still says who it was: %+v", kept)
				}
				if kept.Country != "UZ" || len(kept.Fields) != 1 {
					t.Errorf("the statistics part was lost: %+v", kept)
				}
				list, _, err := st.Talents(ctx, talent.Filter{Query: "Leila", IncludePrivate: true})
				if err != nil {
					t.Fatal(err)
				}
				if len(list) != 0 {
					t.Error("the anonymised profile is found by its former name")
				}
			} else if silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND {
				t.Errorf("the profile was not removed: %v", err)
			}
			log, err := st.AuditLog(ctx, nil, "talent", p.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range log {
				if strings.Contains(e.Before+e.After, "Leila") {
					t.Errorf("the audit log still holds the name: %+v", e)
				}
			}
			userLog, err := st.AuditLog(ctx, nil, "user", u.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range userLog {
				if strings.Contains(e.Before+e.After, u.Email) {
					t.Errorf("the audit log still holds the e-mail: %+v", e)
				}
			}
			if len(userLog) == 0 || userLog[0].Action != "delete" {
				t.Errorf("the deletion is not in the audit log: %+v", userLog)
			}
			orgLog, err := st.AuditLog(ctx, []string{o.ID}, "organisation", o.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(orgLog) == 0 || orgLog[0].Action != "remove_manager" {
				t.Errorf("the organisation's log does not show the manager leaving: %+v", orgLog)
			}
		})
	}
}

func testPersonalDataOf_GathersTheCoreRecords(t *testing.T, st *store.Store) {
	u := newUser(t, st, "me@example.org", account.Member)
	actor := store.Actor{UserID: u.ID}
	if err := st.CreateTalent(ctx, actor, &talent.Profile{UserID: u.ID, Name: "Me", Country: "PK"}); err != nil {
		t.Fatal(err)
	}
	o := newOrg("My Lab", "PK")
	if err := st.CreateOrganisation(ctx, actor, o); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.InviteManager(ctx, actor, o.ID, account.Invite{Email: "friend@example.org"}); err != nil {
		t.Fatal(err)
	}
	elsewhere := newOrg("Their Lab", "PK")
	if err := st.CreateOrganisation(ctx, store.Actor{}, elsewhere); err != nil {
		t.Fatal(err)
	}
	declined, declinedSecret, err := st.InviteManager(ctx, store.Actor{}, elsewhere.ID, account.Invite{Email: "me@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DeclineInvitation(ctx, declinedSecret, u); err != nil || declined == nil {
		t.Fatalf("decline: %v", err)
	}
	if _, err := st.CreateSession(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.CreateToken(ctx, actor, u.ID, "ci", store.ScopeRead); err != nil {
		t.Fatal(err)
	}
	d, err := st.PersonalDataOf(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Account.Email != "me@example.org" || d.TalentProfile == nil || len(d.Organisations) != 1 || d.Organisations[0].Name != "My Lab" ||
		len(d.Invitations) != 2 || len(d.Sessions) != 1 || len(d.APITokens) != 1 || len(d.AuditLog) < 4 {
		t.Fatalf("personal data: %+v", d)
	}
}
