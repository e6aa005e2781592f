package eligible

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/datatest"
)

// exampleRule uses every kind of condition.
const exampleRule = `{"all":[
	{"org_kind":["enterprise"]},
	{"any":[{"bri_partner":true},{"country":["KZ","UZ"]}]},
	{"not":{"size_class":["large"]}},
	{"park_member":"park-1"},
	{"cooperation_stage":{"min":"joint_research","active":true}},
	{"achievement_trl":{"min":4,"max":9}},
	{"career_stage":["early","mid"]},
	{"nationality":["PK"]},
	{"field":["2.2","1"]}
]}`

func TestParse_ReadsEveryConditionAndMarshalsCanonically(t *testing.T) {
	for _, c := range []struct {
		src  string
		want Rule
		json string // canonical form
	}{
		{exampleRule, All{Rules: []Rule{
			OrgKind{Kinds: []string{"enterprise"}},
			Any{Rules: []Rule{BRIPartner{Partner: true}, Country{Codes: []string{"KZ", "UZ"}}}},
			Not{Rule: SizeClass{Classes: []string{"large"}}},
			ParkMember{Park: "park-1"},
			CooperationStage{Min: "joint_research", Active: true},
			AchievementTRL{Min: 4, Max: 9},
			CareerStage{Stages: []string{"early", "mid"}},
			Nationality{Codes: []string{"PK"}},
			Field{Codes: []string{"2.2", "1"}},
		}}, `{"all":[{"org_kind":["enterprise"]},{"any":[{"bri_partner":true},{"country":["KZ","UZ"]}]},{"not":{"size_class":["large"]}},{"park_member":"park-1"},{"cooperation_stage":{"min":"joint_research","active":true}},{"achievement_trl":{"min":4,"max":9}},{"career_stage":["early","mid"]},{"nationality":["PK"]},{"field":["2.2","1"]}]}`},
		{` {"cooperation_stage" : {"active":false, "min":"exchange"}} `, CooperationStage{Min: "exchange"},
			`{"cooperation_stage":{"min":"exchange","active":false}}`},
		{`{"cooperation_stage":{"min":"commercialisation"}}`, CooperationStage{Min: "commercialisation", Active: true},
			`{"cooperation_stage":{"min":"commercialisation","active":true}}`},
		{`{"achievement_trl":{"max":6}}`, AchievementTRL{Max: 6}, `{"achievement_trl":{"max":6}}`},
		{`{"achievement_trl":{"max":9,"min":9}}`, AchievementTRL{Min: 9, Max: 9}, `{"achievement_trl":{"min":9,"max":9}}`},
		{`{"park_member":true}`, ParkMember{}, `{"park_member":true}`},
		{`{"bri_partner":false}`, BRIPartner{}, `{"bri_partner":false}`},
		{`{"field":["2.11","6"]}`, Field{Codes: []string{"2.11", "6"}}, `{"field":["2.11","6"]}`},
		{`{"country":["XK"]}`, Country{Codes: []string{"XK"}}, `{"country":["XK"]}`},
	} {
		got, err := Parse([]byte(c.src))
		if err != nil {
			t.Errorf("Parse(%s): %v", c.src, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%s) = %#v, want %#v", c.src, got, c.want)
		}
		out, err := Marshal(got)
		if err != nil || string(out) != c.json {
			t.Errorf("Marshal(Parse(%s)) = %s, %v; want %s", c.src, out, err, c.json)
		}
	}
}

// TestParse_RefusesWithPathAndProblem lists rules that must not be saved and
// the message the officer sees.
func TestParse_RefusesWithPathAndProblem(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{``, `the rule is empty`},
		{"  \n", `the rule is empty`},
		{`{"all":[{"any":[{"bri_partner":true},{"country":["KZ","XX"]}]}]}`, `all[0].any[1].country: "XX" is not an ISO 3166-1 country code`},
		{`{"nationality":["pk"]}`, `nationality: "pk" is not an ISO 3166-1 country code (codes are upper case: "PK")`},
		{`{"country":["KAZ"]}`, `country: "KAZ" is not an ISO 3166-1 country code`},
		{`{"country":[]}`, `country: the list is empty; give at least one value`},
		{`{"country":["KZ","KZ"]}`, `country: "KZ" is listed twice`},
		{`{"country":["KZ",7]}`, `country[1]: want a string, found the number 7`},
		{`{"country":"KZ"}`, `country: want a list of strings, found the string "KZ"`},
		{`{"contry":["KZ"]}`, `contry: unknown condition; known conditions are: all, any, not, org_kind, country, bri_partner, field, size_class, park_member, cooperation_stage, achievement_trl, career_stage, nationality`},
		{`{"Country":["KZ"]}`, `Country: unknown condition; known conditions are: all, any, not, org_kind, country, bri_partner, field, size_class, park_member, cooperation_stage, achievement_trl, career_stage, nationality`},
		{`{}`, `the condition is empty; name one of: all, any, not, org_kind, country, bri_partner, field, size_class, park_member, cooperation_stage, achievement_trl, career_stage, nationality`},
		{`{"org_kind":["enterprise"],"country":["KZ"]}`, `a condition has exactly one key, found "org_kind" and "country"; combine conditions with "all" or "any"`},
		{`{"country":["KZ"],"country":["UZ"]}`, `a condition has exactly one key, found "country" and "country"; combine conditions with "all" or "any"`},
		{`["KZ"]`, `want a condition, an object with one key such as {"country":["KZ"]}; found a list`},
		{`null`, `want a condition, an object with one key such as {"country":["KZ"]}; found null`},
		{`{"all":[]}`, `all: the list is empty; give at least one condition`},
		{`{"any":{"country":["KZ"]}}`, `any: want a list of conditions, found an object`},
		{`{"all":[{"country":["KZ"]},"KZ"]}`, `all[1]: want a condition, an object with one key such as {"country":["KZ"]}; found the string "KZ"`},
		{`{"not":[{"country":["KZ"]}]}`, `not: want a condition, an object with one key such as {"country":["KZ"]}; found a list`},
		{`{"org_kind":["company"]}`, `org_kind: "company" is not an organisation kind (use one of: university, research_institute, enterprise, government_agency, park, cooperation_base, other)`},
		{`{"size_class":["huge"]}`, `size_class: "huge" is not a size class (use one of: small, medium, large)`},
		{`{"career_stage":["postdoc"]}`, `career_stage: "postdoc" is not a career stage (use one of: student, doctoral, early, mid, senior)`},
		{`{"field":["2.12"]}`, `field: "2.12" is not a FORD field code (such as "2" or "2.2")`},
		{`{"field":["7"]}`, `field: "7" is not a FORD field code (such as "2" or "2.2")`},
		{`{"field":["2.02"]}`, `field: "2.02" is not a FORD field code (such as "2" or "2.2")`},
		{`{"bri_partner":"yes"}`, `bri_partner: want true or false, found the string "yes"`},
		{`{"park_member":false}`, `park_member: want true or a park id, found false; to exclude park members write {"not":{"park_member":true}}`},
		{`{"park_member":"park one"}`, `park_member: "park one" is not a park id`},
		{`{"park_member":1}`, `park_member: want true or a park id, found the number 1`},
		{`{"cooperation_stage":{"min":"joint"}}`, `cooperation_stage.min: "joint" is not a cooperation stage (stages, shallowest first: exchange, joint_research, joint_lab, technology_transfer, commercialisation)`},
		{`{"cooperation_stage":{"active":true}}`, `cooperation_stage: "min" is required: the shallowest stage that counts`},
		{`{"cooperation_stage":{"min":"exchange","active":"yes"}}`, `cooperation_stage.active: want true or false, found the string "yes"`},
		{`{"cooperation_stage":{"min":"exchange","max":"joint_lab"}}`, `cooperation_stage.max: unknown key; known keys are: min, active`},
		{`{"cooperation_stage":{"min":"exchange","min":"joint_lab"}}`, `cooperation_stage.min: given twice`},
		{`{"cooperation_stage":"exchange"}`, `cooperation_stage: want an object with keys min and active, found the string "exchange"`},
		{`{"achievement_trl":{"min":0}}`, `achievement_trl.min: TRL 0 is outside 1 to 9`},
		{`{"achievement_trl":{"max":10}}`, `achievement_trl.max: TRL 10 is outside 1 to 9`},
		{`{"achievement_trl":{"min":4.5}}`, `achievement_trl.min: want a whole number from 1 to 9, found 4.5`},
		{`{"achievement_trl":{"min":"4"}}`, `achievement_trl.min: want a whole number from 1 to 9, found the string "4"`},
		{`{"achievement_trl":{"min":7,"max":4}}`, `achievement_trl: min 7 is above max 4`},
		{`{"achievement_trl":{}}`, `achievement_trl: give "min", "max" or both`},
		{`{"country":["KZ"]} {"country":["UZ"]}`, `unexpected data after the rule at byte 19`},
		{`{"country":["KZ"]`, `the JSON ends too early`},
		{`{"country":["KZ"],}`, `invalid JSON at byte 18: invalid character '}' looking for beginning of object key string`},
		{`{"not":{"not":{"not":{"not":{"not":{"not":{"not":{"not":{"country":["KZ"]}}}}}}}}}`, `not.not.not.not.not.not.not.not: conditions nest deeper than 8 levels`},
		{`{"country":["` + strings.Repeat("A", MaxBytes) + `"]}`, `the rule is 16400 bytes long; the limit is 16384`},
	} {
		_, err := Parse([]byte(c.src))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%.60s) error = %v, want a *ParseError", c.src, err)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("Parse(%.60s)\n error %s\n want  %s", c.src, err, c.want)
		}
	}
}

func TestParse_ErrorPathIsSeparate(t *testing.T) {
	_, err := Parse([]byte(`{"all":[{"org_kind":["enterprise"]},{"not":{"achievement_trl":{"min":12}}}]}`))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Path != "all[1].not.achievement_trl.min" || pe.Msg != "TRL 12 is outside 1 to 9" {
		t.Fatalf("got %#v", err)
	}
}

func TestParse_DepthLimitAdmitsMaxDepth(t *testing.T) {
	src := strings.Repeat(`{"not":`, MaxDepth-1) + `{"country":["KZ"]}` + strings.Repeat(`}`, MaxDepth-1)
	if _, err := Parse([]byte(src)); err != nil {
		t.Fatalf("a rule %d deep: %v", MaxDepth, err)
	}
	src = strings.Repeat(`{"all":[`, MaxDepth) + `{"country":["KZ"]}` + strings.Repeat(`]}`, MaxDepth)
	if _, err := Parse([]byte(src)); err == nil || !strings.Contains(err.Error(), "nest deeper") {
		t.Fatalf("a rule %d deep: %v", MaxDepth+1, err)
	}
}

func TestParse_OptionsCheckCodesAgainstReferenceData(t *testing.T) {
	parks := map[string]bool{"0190a8c2-7d1e-7c3a-9f00-3b1d2c4e5f60": true}
	onlyFirstLevel := func(code string) bool { return len(code) == 1 && IsFieldCode(code) }
	opts := []Option{
		WithCountries(func(code string) bool { return code == "KZ" || code == "UZ" }),
		WithFields(onlyFirstLevel),
		WithParks(func(id string) bool { return parks[id] }),
	}
	for src, want := range map[string]string{
		`{"country":["KZ","UZ"]}`: "",
		`{"nationality":["AB"]}`:  `nationality: "AB" is not an ISO 3166-1 country code`,
		`{"field":["2"]}`:         "",
		`{"field":["2.2"]}`:       `field: "2.2" is not a FORD field code (such as "2" or "2.2")`,
		`{"park_member":"0190a8c2-7d1e-7c3a-9f00-3b1d2c4e5f60"}`: "",
		`{"park_member":"0190a8c2-7d1e-7c3a-9f00-000000000000"}`: `park_member: "0190a8c2-7d1e-7c3a-9f00-000000000000" is not a park id`,
	} {
		_, err := Parse([]byte(src), opts...)
		if got := errString(err); got != want {
			t.Errorf("Parse(%s) = %q, want %q", src, got, want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestIsCountryCode_AcceptsEveryCountryOfTheReferenceData makes sure the
// default check never refuses a real country of the platform's country table.
func TestIsCountryCode_AcceptsEveryCountryOfTheReferenceData(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "data", "country-reference", "world-countries", "countries.json")
	data, err := os.ReadFile(datatest.Require(t, path))
	if err != nil {
		t.Fatal(err)
	}
	var countries []struct{ CCA2 string }
	if err := json.Unmarshal(data, &countries); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(countries) < 200 {
		t.Fatalf("%s: only %d countries", path, len(countries))
	}
	for _, c := range countries {
		if !IsCountryCode(c.CCA2) {
			t.Errorf("IsCountryCode(%q) = false for a country of %s", c.CCA2, path)
		}
	}
}

func TestIsCountryCode_RefusesPrivateUseAndMalformedCodes(t *testing.T) {
	for _, code := range []string{"AA", "QM", "QZ", "XA", "XX", "ZZ", "kz", "K", "KAZ", "", "K1", "ÄB"} {
		if IsCountryCode(code) {
			t.Errorf("IsCountryCode(%q) = true", code)
		}
	}
	for _, code := range []string{"KZ", "QA", "XK", "ZA", "ZW"} {
		if !IsCountryCode(code) {
			t.Errorf("IsCountryCode(%q) = false", code)
		}
	}
}

func TestIsFieldCode_FollowsTheFORDClassification(t *testing.T) {
	valid := []string{"1", "6", "1.1", "1.7", "2.1", "2.10", "2.11", "3.5", "4.5", "5.9", "6.5"}
	invalid := []string{"", "0", "7", "1.0", "1.8", "2.12", "3.6", "4.6", "5.10", "6.6", "2.", ".2", "2.01", "2.2.1", "22", "2,2", "2.100", " 2"}
	for _, code := range valid {
		if !IsFieldCode(code) {
			t.Errorf("IsFieldCode(%q) = false", code)
		}
	}
	for _, code := range invalid {
		if IsFieldCode(code) {
			t.Errorf("IsFieldCode(%q) = true", code)
		}
	}
}

func TestMarshal_RefusesRulesParseWouldRefuse(t *testing.T) {
	for name, r := range map[string]Rule{
		"empty all":        All{},
		"empty list":       Country{},
		"unknown kind":     OrgKind{Kinds: []string{"company"}},
		"bad stage":        CooperationStage{Min: "joint"},
		"TRL out of range": AchievementTRL{Min: 10},
		"no TRL bound":     AchievementTRL{},
		"nil inside not":   Not{},
		"duplicate":        SizeClass{Classes: []string{"small", "small"}},
	} {
		if out, err := Marshal(r); err == nil {
			t.Errorf("%s: Marshal = %s, want an error", name, out)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	data := []byte(exampleRule)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
