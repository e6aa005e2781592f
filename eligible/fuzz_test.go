package eligible

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics, refuses only with a
// *ParseError, and that every rule it accepts survives marshal and parse
// unchanged, with the canonical form stable, and can be evaluated and
// described.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		exampleRule,
		`{"country":["KZ"]}`,
		`{"not":{"any":[{"bri_partner":false},{"park_member":true}]}}`,
		`{"cooperation_stage":{"active":false,"min":"joint_lab"}}`,
		`{"achievement_trl":{"max":6}}`,
		`{"field":["2","1.7","6.5"]}`,
		`{"all":[{"career_stage":["student","senior"]},{"nationality":["PK","BD"]}]}`,
		`{"country":["K\u005a"]}`,
		`{"country":["KZ"],"country":["UZ"]}`,
		`{"achievement_trl":{"min":4.0}}`,
		`{"all":[{"all":[{"all":[{"all":[{"all":[{"all":[{"all":[{"all":[{"country":["KZ"]}]}]}]}]}]}]}]}]}`,
		`{"park_member":"\ud800"}`,
		"{\"country\":[\"\xff\"]}",
		`{"cooperation_stage":{"min":"exchange"`,
		`null`, `[]`, `"all"`, `{}`, ``,
	} {
		f.Add([]byte(seed))
	}
	facts := Facts{
		Organisation: &Organisation{Kind: "enterprise", Country: "KZ", FieldsKnown: true, Parks: []string{"p-1"}, ParksKnown: true},
		Person:       &Person{CareerStage: "mid"},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Msg == "" {
				t.Fatalf("Parse(%q) error %#v is not a *ParseError with a message", data, err)
			}
			return
		}
		out, err := Marshal(r)
		if err != nil {
			t.Fatalf("Marshal(Parse(%q)): %v", data, err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal(Parse(%q))) = Parse(%s): %v", data, out, err)
		}
		if !reflect.DeepEqual(again, r) {
			t.Fatalf("round trip of %q changed the rule:\n %#v\n %#v", data, r, again)
		}
		if out2, err := Marshal(again); err != nil || !bytes.Equal(out2, out) {
			t.Fatalf("canonical form not stable: %s then %s (%v)", out, out2, err)
		}
		v := Evaluate(r, facts)
		if v.Outcome < NotEligible || v.Outcome > Eligible || len(v.Reasons) == 0 {
			t.Fatalf("Evaluate(%s) = %+v", out, v)
		}
		_ = v.String()
		_ = Describe(r).String()
	})
}
