package organisation

import (
	"errors"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge"
)

type fakeRef struct{}

func (fakeRef) CountryExists(c string) bool { return c == "CN" || c == "KZ" }
func (fakeRef) FieldExists(c string) bool   { return c == "2.2" || c == "1" }

func TestValidROR_AcceptsRealIDsAndRefusesBadChecksums(t *testing.T) {
	cases := []struct {
		id   string
		want bool
	}{
		{"05dxps055", true},  // California Institute of Technology
		{"02mhbdp94", true},  // Universidad de los Andes
		{"05dxps056", false}, // checksum off by one
		{"15dxps055", false}, // must start with 0
		{"05dxpsl55", false}, // 'l' is not Crockford base 32
		{"05dxps05", false},
		{"", false},
	}
	for _, c := range cases {
		if got := ValidROR(c.id); got != c.want {
			t.Errorf("ValidROR(%q) = %v, want %v", c.id, got, c.want)
		}
	}
}

func TestNormaliseROR_StripsTheURL(t *testing.T) {
	if got := NormaliseROR(" https://ror.org/05DXPS055 "); got != "05dxps055" {
		t.Fatalf("got %q", got)
	}
}

func TestValidate_NamesEveryFieldAtFault(t *testing.T) {
	o := Organisation{Name: "", Kind: "castle", Country: "XX", RORID: "123", Fields: []string{"9.9"}, Website: "ftp://x", ContactEmail: "nope"}
	o.Normalise()
	err := o.Validate(fakeRef{})
	var e *silkbridge.Error
	if err == nil || !asError(err, &e) {
		t.Fatalf("want a validation error, got %v", err)
	}
	got := map[string]bool{}
	for _, f := range e.Fields {
		got[f.Field] = true
	}
	for _, want := range []string{"name", "kind", "country", "ror_id", "fields", "website", "contact_email"} {
		if !got[want] {
			t.Errorf("no problem reported for %s (got %v)", want, e.Fields)
		}
	}
}

func TestValidate_AcceptsAGoodRecord(t *testing.T) {
	o := Organisation{Name: " Tsinghua University ", Kind: University, Country: "cn", RORID: "https://ror.org/05dxps055", Fields: []string{"2.2, 1"}, Keywords: []string{"AI", "ai", " robotics"}}
	o.Normalise()
	if err := o.Validate(fakeRef{}); err != nil {
		t.Fatal(err)
	}
	if o.Country != "CN" || o.Name != "Tsinghua University" || strings.Join(o.Fields, "|") != "2.2|1" || strings.Join(o.Keywords, "|") != "AI|robotics" {
		t.Fatalf("not normalised: %+v", o)
	}
}

func asError(err error, target **silkbridge.Error) bool {
	e, ok := errors.AsType[*silkbridge.Error](err)
	*target = e
	return ok
}
