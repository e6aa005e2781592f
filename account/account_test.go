package account

import (
	"strings"
	"testing"
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
