package talent

import (
	"strings"
	"testing"
)

type fakeRef struct{}

func (fakeRef) CountryExists(c string) bool { return c == "CN" || c == "PK" }
func (fakeRef) FieldExists(c string) bool   { return c == "2.2" }

func TestValidORCID_ChecksTheMod112Character(t *testing.T) {
	cases := []struct {
		id   string
		want bool
	}{
		{"0000-0002-1825-0097", true}, // ORCID's own example
		{"0000-0001-5109-3700", true},
		{"0000-0002-1694-233X", true}, // check character X
		{"0000-0002-1825-0098", false},
		{"0000-0002-1694-2330", false},
		{"0000000218250097", false},
		{"", false},
	}
	for _, c := range cases {
		if got := ValidORCID(c.id); got != c.want {
			t.Errorf("ValidORCID(%q) = %v, want %v", c.id, got, c.want)
		}
	}
}

func TestNormaliseORCID_StripsTheURL(t *testing.T) {
	if got := NormaliseORCID("https://orcid.org/0000-0002-1694-233x"); got != "0000-0002-1694-233X" {
		t.Fatalf("got %q", got)
	}
}

func TestPublicView_HidesWhatTheTalentDidNotChoose(t *testing.T) {
	p := Profile{Name: "A", Email: "a@b.org", ORCID: "0000-0002-1825-0097", Bio: "bio", Shown: []string{"orcid"}}
	v := p.PublicView()
	if v.Email != "" || v.Bio != "" {
		t.Fatalf("private fields shown: %+v", v)
	}
	if v.ORCID == "" {
		t.Fatal("chosen field hidden")
	}
}

func TestValidate_RefusesBadORCIDAndStage(t *testing.T) {
	p := Profile{Name: "A", Country: "CN", ORCID: "0000-0002-1825-0098", CareerStage: "emperor", Mobility: []string{"zz"}}
	p.Normalise()
	err := p.Validate(fakeRef{})
	if err == nil {
		t.Fatal("accepted")
	}
	for _, f := range []string{"orcid", "career_stage", "mobility"} {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("no problem for %s in %v", f, err)
		}
	}
}
