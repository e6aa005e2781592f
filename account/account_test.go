package account

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge"
)

func TestPasswordHash_AcceptsTheRightPasswordOnly(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPasswordHash(h, "correct horse battery") {
		t.Fatal("right password refused")
	}
	if CheckPasswordHash(h, "correct horse batterz") {
		t.Fatal("wrong password accepted")
	}
	if CheckPasswordHash("garbage", "x") {
		t.Fatal("malformed hash accepted")
	}
}

func TestSignUpValidate_NamesTheFields(t *testing.T) {
	f := SignUp{Email: "not-mail", Name: "", Password: "short"}
	err := f.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"email", "name", "password"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("no problem for %s: %v", want, err)
		}
	}
}

func TestManages_AdminManagesAll(t *testing.T) {
	u := &User{Role: Member, Orgs: []string{"a"}}
	if !u.Manages("a") || u.Manages("b") {
		t.Fatal("member's organisations wrong")
	}
	if !(&User{Role: Admin}).Manages("b") {
		t.Fatal("admin should manage all")
	}
	var nobody *User
	if nobody.Manages("a") || nobody.IsOfficer() {
		t.Fatal("nil user has rights")
	}
}

func TestPasswordHash_OldHashesVerifyAfterTheCostChanges(t *testing.T) {
	saved := HashCost
	t.Cleanup(func() { HashCost = saved })
	old, err := HashPassword("a password of old")
	if err != nil {
		t.Fatal(err)
	}
	HashCost = Argon2Params{Time: 1, Memory: 8 * 1024, Threads: 1}
	if !CheckPasswordHash(old, "a password of old") {
		t.Fatal("a hash made at the old cost no longer verifies")
	}
	cheap, err := HashPassword("x-password")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cheap, "m=8192,t=1,p=1") || !CheckPasswordHash(cheap, "x-password") {
		t.Fatalf("new hash %s", cheap)
	}
}

func TestInviteValidate_NormalisesAndNamesTheField(t *testing.T) {
	f := Invite{Email: "  Someone@Example.ORG "}
	if err := f.Validate(); err != nil || f.Email != "someone@example.org" {
		t.Fatalf("%v %q", err, f.Email)
	}
	for _, bad := range []string{"", "no-at-sign", "a@b"} {
		f := Invite{Email: bad}
		if err := f.Validate(); err == nil || !strings.Contains(err.Error(), "email") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestInvitationOpen_UntilAcceptedRevokedOrExpired(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	base := Invitation{ExpiresAt: t0.Add(time.Hour)}
	accepted, revoked := base, base
	accepted.AcceptedAt, revoked.RevokedAt = t0, t0
	cases := []struct {
		name string
		inv  Invitation
		at   time.Time
		open bool
	}{
		{"fresh", base, t0, true},
		{"at expiry", base, t0.Add(time.Hour), false},
		{"accepted", accepted, t0, false},
		{"revoked", revoked, t0, false},
	}
	for _, tc := range cases {
		if got := tc.inv.Open(tc.at); got != tc.open {
			t.Errorf("%s: open %v", tc.name, got)
		}
	}
}

func TestCheckNewPassword_RefusesCommonPlainAndInvisiblePasswords(t *testing.T) {
	for _, c := range []struct {
		name, pw, want string
	}{
		{"common word and digits", "password12", "field.password_weak"},
		{"a run of digits", "0123456789", "field.password_weak"},
		{"ten spaces", strings.Repeat(" ", 10), "field.password_short"},
		{"ten zero-width spaces", strings.Repeat("\u200b", 10), "field.password_short"},
		{"zero-width joiners padding a short word", "abc" + strings.Repeat("\u200d", 12), "field.password_short"},
		{"the user's own name and mail", "ada.lovelace@example.org", "field.password_weak"},
		{"longer than the bound", strings.Repeat("x", 1025), "field.too_long"},
		{"an unusual phrase", "amber-lantern-tide-42", ""},
		{"a phrase in Chinese", "丝绸之路上的月光照着骆驼", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var p silkbridge.Problems
			CheckNewPassword(&p, "password", c.pw, "ada.lovelace@example.org", "Ada Lovelace")
			err := p.Err()
			if c.want == "" {
				if err != nil {
					t.Fatalf("%q refused: %v", c.pw, err)
				}
				return
			}
			e, ok := errors.AsType[*silkbridge.Error](err)
			if !ok || len(e.Fields) != 1 || e.Fields[0].Field != "password" || e.Fields[0].MessageID != c.want {
				t.Fatalf("%q: got %#v, want %s on password", c.pw, err, c.want)
			}
		})
	}
}
