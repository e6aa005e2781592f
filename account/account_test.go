package account

import (
	"strings"
	"testing"
	"time"
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
