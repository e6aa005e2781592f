package eligible

import (
	"slices"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

// organisation returns facts about an organisation alone, changed by edit.
func organisation(edit func(o *Organisation)) Facts {
	o := &Organisation{}
	edit(o)
	return Facts{Organisation: o}
}

// person returns facts about a person alone, changed by edit.
func person(edit func(p *Person)) Facts {
	p := &Person{}
	edit(p)
	return Facts{Person: p}
}

func mustParse(t testing.TB, src string) Rule {
	t.Helper()
	r, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("Parse(%s): %v", src, err)
	}
	return r
}

type evalCase struct {
	name    string
	rule    string
	facts   Facts
	want    Outcome
	reasons []string // English reasons, in order
	missing []Fact
}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := Evaluate(mustParse(t, c.rule), c.facts)
			var got []string
			for _, r := range v.Reasons {
				got = append(got, r.String())
				checkMessage(t, r.Message)
			}
			if v.Outcome != c.want || !slices.Equal(got, c.reasons) || !slices.Equal(v.Missing, c.missing) {
				t.Errorf("Evaluate(%s) =\n  %v %q missing %v\nwant\n  %v %q missing %v",
					c.rule, v.Outcome, got, v.Missing, c.want, c.reasons, c.missing)
			}
		})
	}
}

// TestEvaluate_EachConditionAnswersWithItsReason shows, for every kind of
// condition, an eligible, a not eligible and an unknown answer, each with
// the reason the applicant sees.
func TestEvaluate_EachConditionAnswersWithItsReason(t *testing.T) {
	runEvalCases(t, []evalCase{
		{"org_kind/eligible", `{"org_kind":["enterprise"]}`,
			organisation(func(o *Organisation) { o.Kind = "enterprise" }), Eligible,
			[]string{"Met: organisation kind is enterprise (the organisation's kind is enterprise)"}, nil},
		{"org_kind/not eligible", `{"org_kind":["enterprise","research_institute"]}`,
			organisation(func(o *Organisation) { o.Kind = "university" }), NotEligible,
			[]string{"Not met: organisation kind is enterprise or research institute (the organisation's kind is university)"}, nil},
		{"org_kind/unknown", `{"org_kind":["enterprise"]}`,
			organisation(func(o *Organisation) {}), Unknown,
			[]string{"Unknown: organisation kind is enterprise (not known: the organisation's kind)"}, []Fact{FactOrgKind}},
		{"org_kind/person applying alone", `{"org_kind":["enterprise"]}`,
			person(func(p *Person) {}), NotEligible,
			[]string{"Not met: organisation kind is enterprise (the applicant is not an organisation)"}, nil},

		{"country/eligible", `{"country":["KZ","UZ"]}`,
			organisation(func(o *Organisation) { o.Country = "UZ" }), Eligible,
			[]string{"Met: country is KZ or UZ (the organisation's country is UZ)"}, nil},
		{"country/not eligible", `{"country":["KZ","UZ"]}`,
			organisation(func(o *Organisation) { o.Country = "CN" }), NotEligible,
			[]string{"Not met: country is KZ or UZ (the organisation's country is CN)"}, nil},
		{"country/unknown", `{"country":["KZ"]}`,
			organisation(func(o *Organisation) {}), Unknown,
			[]string{"Unknown: country is KZ (not known: the organisation's country)"}, []Fact{FactOrgCountry}},
		{"country/person's country when no organisation", `{"country":["KZ"]}`,
			person(func(p *Person) { p.Country = "KZ" }), Eligible,
			[]string{"Met: country is KZ (the person's country is KZ)"}, nil},
		{"country/organisation's country when both", `{"country":["KZ"]}`,
			Facts{Organisation: &Organisation{Country: "CN"}, Person: &Person{Country: "KZ"}}, NotEligible,
			[]string{"Not met: country is KZ (the organisation's country is CN)"}, nil},
		{"country/no applicant", `{"country":["KZ"]}`, Facts{}, NotEligible,
			[]string{"Not met: country is KZ (the applicant is neither an organisation nor a person)"}, nil},

		{"bri_partner/eligible", `{"bri_partner":true}`,
			organisation(func(o *Organisation) { o.BRIPartner = ptr(true) }), Eligible,
			[]string{"Met: country is a Belt and Road partner (whether the organisation's country is a Belt and Road partner: yes)"}, nil},
		{"bri_partner/not eligible", `{"bri_partner":true}`,
			person(func(p *Person) { p.BRIPartner = ptr(false) }), NotEligible,
			[]string{"Not met: country is a Belt and Road partner (whether the person's country is a Belt and Road partner: no)"}, nil},
		{"bri_partner/unknown", `{"bri_partner":true}`,
			organisation(func(o *Organisation) { o.Country = "KZ" }), Unknown,
			[]string{"Unknown: country is a Belt and Road partner (not known: whether the organisation's country is a Belt and Road partner)"},
			[]Fact{FactOrgBRIPartner}},
		{"bri_partner/false asks for a non-partner", `{"bri_partner":false}`,
			organisation(func(o *Organisation) { o.BRIPartner = ptr(false) }), Eligible,
			[]string{"Met: country is not a Belt and Road partner (whether the organisation's country is a Belt and Road partner: no)"}, nil},

		{"field/eligible under the first-level parent", `{"field":["2"]}`,
			organisation(func(o *Organisation) { o.Fields, o.FieldsKnown = []string{"1.3", "2.2"}, true }), Eligible,
			[]string{"Met: has a field in 2 (the organisation's fields are 1.3 and 2.2)"}, nil},
		{"field/not eligible", `{"field":["2.2","1.2"]}`,
			person(func(p *Person) { p.Fields, p.FieldsKnown = []string{"1.3"}, true }), NotEligible,
			[]string{"Not met: has a field in 2.2 or 1.2 (the person's fields are 1.3)"}, nil},
		{"field/a parent does not fall under its child", `{"field":["2.2"]}`,
			organisation(func(o *Organisation) { o.Fields, o.FieldsKnown = []string{"2"}, true }), NotEligible,
			[]string{"Not met: has a field in 2.2 (the organisation's fields are 2)"}, nil},
		{"field/none", `{"field":["2.2"]}`,
			organisation(func(o *Organisation) { o.FieldsKnown = true }), NotEligible,
			[]string{"Not met: has a field in 2.2 (the organisation's fields: none)"}, nil},
		{"field/unknown", `{"field":["2.2"]}`,
			organisation(func(o *Organisation) { o.Fields = []string{"2.2"} }), Unknown,
			[]string{"Unknown: has a field in 2.2 (not known: the organisation's fields)"}, []Fact{FactOrgFields}},

		{"size_class/eligible", `{"size_class":["medium","small"]}`,
			organisation(func(o *Organisation) { o.SizeClass = "small" }), Eligible,
			[]string{"Met: size class is medium or small (the organisation's size class is small)"}, nil},
		{"size_class/not eligible", `{"size_class":["medium","small"]}`,
			organisation(func(o *Organisation) { o.SizeClass = "large" }), NotEligible,
			[]string{"Not met: size class is medium or small (the organisation's size class is large)"}, nil},
		{"size_class/unknown", `{"size_class":["medium"]}`,
			organisation(func(o *Organisation) {}), Unknown,
			[]string{"Unknown: size class is medium (not known: the organisation's size class)"}, []Fact{FactOrgSizeClass}},
		{"size_class/excluded by not", `{"not":{"size_class":["large"]}}`,
			organisation(func(o *Organisation) { o.SizeClass = "large" }), NotEligible,
			[]string{"Not met: size class is not large (the organisation's size class is large)"}, nil},

		{"park_member/eligible", `{"park_member":"park-1"}`,
			organisation(func(o *Organisation) { o.Parks, o.ParksKnown = []string{"park-2", "park-1"}, true }), Eligible,
			[]string{"Met: member of park park-1 (the organisation's park memberships are park-2 and park-1)"}, nil},
		{"park_member/not eligible", `{"park_member":"park-1"}`,
			organisation(func(o *Organisation) { o.Parks, o.ParksKnown = []string{"park-2"}, true }), NotEligible,
			[]string{"Not met: member of park park-1 (the organisation's park memberships are park-2)"}, nil},
		{"park_member/unknown", `{"park_member":true}`,
			organisation(func(o *Organisation) {}), Unknown,
			[]string{"Unknown: member of a park (not known: the organisation's park memberships)"}, []Fact{FactOrgParks}},
		{"park_member/any park", `{"park_member":true}`,
			organisation(func(o *Organisation) { o.Parks, o.ParksKnown = []string{"park-2"}, true }), Eligible,
			[]string{"Met: member of a park (the organisation's park memberships are park-2)"}, nil},
		{"park_member/in no park", `{"park_member":true}`,
			organisation(func(o *Organisation) { o.ParksKnown = true }), NotEligible,
			[]string{"Not met: member of a park (the organisation's park memberships: none)"}, nil},

		{"cooperation_stage/eligible", `{"cooperation_stage":{"min":"joint_research"}}`,
			organisation(func(o *Organisation) {
				o.Cooperations, o.CooperationsKnown = []Cooperation{{"exchange", true}, {"joint_lab", true}}, true
			}), Eligible,
			[]string{"Met: takes part in an active cooperation at stage joint research or deeper (the deepest stage among the organisation's active cooperations is joint lab)"}, nil},
		{"cooperation_stage/not eligible: ended cooperations do not count", `{"cooperation_stage":{"min":"joint_research","active":true}}`,
			organisation(func(o *Organisation) {
				o.Cooperations, o.CooperationsKnown = []Cooperation{{"commercialisation", false}, {"exchange", true}}, true
			}), NotEligible,
			[]string{"Not met: takes part in an active cooperation at stage joint research or deeper (the deepest stage among the organisation's active cooperations is exchange)"}, nil},
		{"cooperation_stage/ended cooperations count when active is false", `{"cooperation_stage":{"min":"joint_research","active":false}}`,
			organisation(func(o *Organisation) {
				o.Cooperations, o.CooperationsKnown = []Cooperation{{"commercialisation", false}, {"exchange", true}}, true
			}), Eligible,
			[]string{"Met: has taken part in a cooperation that reached stage joint research or deeper (the deepest stage the organisation's cooperations reached is commercialisation)"}, nil},
		{"cooperation_stage/no active cooperation", `{"cooperation_stage":{"min":"exchange"}}`,
			organisation(func(o *Organisation) {
				o.Cooperations, o.CooperationsKnown = []Cooperation{{"joint_lab", false}}, true
			}), NotEligible,
			[]string{"Not met: takes part in an active cooperation at stage exchange or deeper (the organisation has no active cooperation)"}, nil},
		{"cooperation_stage/unknown", `{"cooperation_stage":{"min":"exchange"}}`,
			organisation(func(o *Organisation) {}), Unknown,
			[]string{"Unknown: takes part in an active cooperation at stage exchange or deeper (not known: the organisation's cooperations)"},
			[]Fact{FactOrgCooperations}},

		{"achievement_trl/eligible", `{"achievement_trl":{"min":4,"max":9}}`,
			organisation(func(o *Organisation) { o.AchievementTRLs, o.AchievementsKnown = []int{3, 6}, true }), Eligible,
			[]string{"Met: best achievement is at TRL 4 to 9 (the organisation's best achievement is at TRL 6)"}, nil},
		{"achievement_trl/not eligible", `{"achievement_trl":{"min":4}}`,
			organisation(func(o *Organisation) { o.AchievementTRLs, o.AchievementsKnown = []int{2, 3}, true }), NotEligible,
			[]string{"Not met: best achievement is at TRL 4 or higher (the organisation's best achievement is at TRL 3)"}, nil},
		{"achievement_trl/the best counts, not any", `{"achievement_trl":{"max":6}}`,
			organisation(func(o *Organisation) { o.AchievementTRLs, o.AchievementsKnown = []int{3, 8}, true }), NotEligible,
			[]string{"Not met: best achievement is at TRL 6 or lower (the organisation's best achievement is at TRL 8)"}, nil},
		{"achievement_trl/no achievement", `{"achievement_trl":{"min":5,"max":5}}`,
			organisation(func(o *Organisation) { o.AchievementsKnown = true }), NotEligible,
			[]string{"Not met: best achievement is at TRL 5 (the organisation has no achievement)"}, nil},
		{"achievement_trl/unknown", `{"achievement_trl":{"min":4}}`,
			organisation(func(o *Organisation) {}), Unknown,
			[]string{"Unknown: best achievement is at TRL 4 or higher (not known: the organisation's achievements)"},
			[]Fact{FactOrgAchievements}},

		{"career_stage/eligible", `{"career_stage":["early","mid"]}`,
			person(func(p *Person) { p.CareerStage = "mid" }), Eligible,
			[]string{"Met: career stage is early career or mid-career (the person's career stage is mid-career)"}, nil},
		{"career_stage/not eligible", `{"career_stage":["early","mid"]}`,
			person(func(p *Person) { p.CareerStage = "senior" }), NotEligible,
			[]string{"Not met: career stage is early career or mid-career (the person's career stage is senior)"}, nil},
		{"career_stage/unknown", `{"career_stage":["early"]}`,
			person(func(p *Person) {}), Unknown,
			[]string{"Unknown: career stage is early career (not known: the person's career stage)"}, []Fact{FactCareerStage}},
		{"career_stage/organisation applying alone", `{"career_stage":["early"]}`,
			organisation(func(o *Organisation) {}), NotEligible,
			[]string{"Not met: career stage is early career (the applicant is not a person)"}, nil},

		{"nationality/eligible with one of two nationalities", `{"nationality":["PK"]}`,
			person(func(p *Person) { p.Nationalities, p.NationalitiesKnown = []string{"GB", "PK"}, true }), Eligible,
			[]string{"Met: nationality is PK (the person's nationality is GB and PK)"}, nil},
		{"nationality/not eligible", `{"nationality":["PK","BD"]}`,
			person(func(p *Person) { p.Nationalities, p.NationalitiesKnown = []string{"CN"}, true }), NotEligible,
			[]string{"Not met: nationality is PK or BD (the person's nationality is CN)"}, nil},
		{"nationality/unknown", `{"nationality":["PK"]}`,
			person(func(p *Person) { p.Country = "PK" }), Unknown,
			[]string{"Unknown: nationality is PK (not known: the person's nationality)"}, []Fact{FactNationality}},
	})
}

// TestEvaluate_CombinationsGiveTheDecidingReasons shows which conditions a
// verdict names: every unmet one of a failing "all", the met ones of a
// passing "any", the unknown ones (and their facts) of an unknown answer.
func TestEvaluate_CombinationsGiveTheDecidingReasons(t *testing.T) {
	const rule = `{"all":[{"org_kind":["enterprise"]},{"any":[{"bri_partner":true},{"country":["KZ","UZ"]}]},{"not":{"size_class":["large"]}}]}`
	runEvalCases(t, []evalCase{
		{"every unmet condition of a failing all", rule,
			organisation(func(o *Organisation) { o.Kind, o.SizeClass, o.Country = "university", "large", "KZ" }), NotEligible,
			[]string{
				"Not met: organisation kind is enterprise (the organisation's kind is university)",
				"Not met: size class is not large (the organisation's size class is large)",
			}, nil},
		{"a met alternative decides any, an unknown one does not matter", rule,
			organisation(func(o *Organisation) { o.Kind, o.SizeClass, o.Country = "enterprise", "small", "KZ" }), Eligible,
			[]string{
				"Met: organisation kind is enterprise (the organisation's kind is enterprise)",
				"Met: country is KZ or UZ (the organisation's country is KZ)",
				"Met: size class is not large (the organisation's size class is small)",
			}, nil},
		{"unknown names the unknown conditions and their facts", rule,
			organisation(func(o *Organisation) { o.Kind, o.Country = "enterprise", "CN" }), Unknown,
			[]string{
				"Unknown: country is a Belt and Road partner (not known: whether the organisation's country is a Belt and Road partner)",
				"Unknown: size class is not large (not known: the organisation's size class)",
			}, []Fact{FactOrgBRIPartner, FactOrgSizeClass}},
		{"a failing condition decides all even when others are unknown", rule,
			organisation(func(o *Organisation) { o.Kind = "park" }), NotEligible,
			[]string{"Not met: organisation kind is enterprise (the organisation's kind is park)"}, nil},
		{"not pushes into any: none of the alternatives may hold", `{"not":{"any":[{"country":["KZ"]},{"size_class":["large"]}]}}`,
			organisation(func(o *Organisation) { o.Country, o.SizeClass = "CN", "large" }), NotEligible,
			[]string{"Not met: size class is not large (the organisation's size class is large)"}, nil},
		{"double negation reads as the condition", `{"not":{"not":{"country":["KZ"]}}}`,
			organisation(func(o *Organisation) { o.Country = "KZ" }), Eligible,
			[]string{"Met: country is KZ (the organisation's country is KZ)"}, nil},
		{"a missing fact is listed once", `{"any":[{"country":["KZ"]},{"not":{"country":["UZ"]}}]}`,
			organisation(func(o *Organisation) {}), Unknown,
			[]string{
				"Unknown: country is KZ (not known: the organisation's country)",
				"Unknown: country is not UZ (not known: the organisation's country)",
			}, []Fact{FactOrgCountry}},
	})
}

// TestEvaluate_KleeneTables checks all, any and not against the truth tables
// of Kleene's strong three-valued logic, and De Morgan's laws, which the
// evaluator relies on to push "not" down.
func TestEvaluate_KleeneTables(t *testing.T) {
	// Condition A is {"country":["KZ"]} and B is {"size_class":["small"]};
	// these facts make each of them eligible, not eligible or unknown.
	country := map[Outcome]string{Eligible: "KZ", NotEligible: "CN", Unknown: ""}
	size := map[Outcome]string{Eligible: "small", NotEligible: "large", Unknown: ""}
	facts := func(a, b Outcome) Facts {
		return Facts{Organisation: &Organisation{Country: country[a], SizeClass: size[b]}}
	}
	const T, F, U = Eligible, NotEligible, Unknown
	tables := []struct {
		rule  string
		table [3][3]Outcome // indexed by A and B: 0 T, 1 F, 2 U
	}{
		{`{"all":[{"country":["KZ"]},{"size_class":["small"]}]}`, [3][3]Outcome{{T, F, U}, {F, F, F}, {U, F, U}}},
		{`{"any":[{"country":["KZ"]},{"size_class":["small"]}]}`, [3][3]Outcome{{T, T, T}, {T, F, U}, {T, U, U}}},
		{`{"not":{"all":[{"country":["KZ"]},{"size_class":["small"]}]}}`, [3][3]Outcome{{F, T, U}, {T, T, T}, {U, T, U}}},
		{`{"any":[{"not":{"country":["KZ"]}},{"not":{"size_class":["small"]}}]}`, [3][3]Outcome{{F, T, U}, {T, T, T}, {U, T, U}}},
		{`{"not":{"any":[{"country":["KZ"]},{"size_class":["small"]}]}}`, [3][3]Outcome{{F, F, F}, {F, T, U}, {F, U, U}}},
		{`{"all":[{"not":{"country":["KZ"]}},{"not":{"size_class":["small"]}}]}`, [3][3]Outcome{{F, F, F}, {F, T, U}, {F, U, U}}},
	}
	values := [3]Outcome{T, F, U}
	for _, tc := range tables {
		r := mustParse(t, tc.rule)
		for i, a := range values {
			for j, b := range values {
				if got := Evaluate(r, facts(a, b)).Outcome; got != tc.table[i][j] {
					t.Errorf("%s with A=%v B=%v: got %v, want %v", tc.rule, a, b, got, tc.table[i][j])
				}
			}
		}
	}
	not := mustParse(t, `{"not":{"country":["KZ"]}}`)
	for a, want := range map[Outcome]Outcome{T: F, F: T, U: U} {
		if got := Evaluate(not, facts(a, U)).Outcome; got != want {
			t.Errorf("not A with A=%v: got %v, want %v", a, got, want)
		}
	}
}

// TestEvaluate_ReasonCarriesStructuredParts checks the parts the web layer
// and the API read instead of the English text.
func TestEvaluate_ReasonCarriesStructuredParts(t *testing.T) {
	r := mustParse(t, `{"all":[{"org_kind":["enterprise"]},{"not":{"cooperation_stage":{"min":"joint_lab"}}},{"achievement_trl":{"min":7}}]}`)
	v := Evaluate(r, organisation(func(o *Organisation) {
		o.Kind = "enterprise"
		o.Cooperations, o.CooperationsKnown = []Cooperation{{"technology_transfer", true}}, true
	}))
	if v.Outcome != NotEligible || len(v.Reasons) != 1 {
		t.Fatalf("got %v", v)
	}
	got := v.Reasons[0]
	want := Reason{
		Path: "all[1].not.cooperation_stage", Kind: KindCooperationStage, Negated: true, Outcome: NotEligible,
		Fact: FactOrgCooperations, Expected: []string{"joint_lab", "technology_transfer", "commercialisation"},
		Actual: []string{"technology_transfer"},
	}
	if got.Path != want.Path || got.Kind != want.Kind || got.Negated != want.Negated || got.Outcome != want.Outcome ||
		got.Fact != want.Fact || !slices.Equal(got.Expected, want.Expected) || !slices.Equal(got.Actual, want.Actual) {
		t.Errorf("reason = %+v\nwant %+v", got, want)
	}
	if got.Message.ID != msgReasonUnmet {
		t.Errorf("message ID = %q, want %q", got.Message.ID, msgReasonUnmet)
	}
	unknown := Evaluate(r, organisation(func(o *Organisation) { o.Kind = "enterprise" }))
	if want := "Unknown\n- Unknown: takes part in no active cooperation at stage joint lab or deeper (not known: the organisation's cooperations)\n" +
		"- Unknown: best achievement is at TRL 7 or higher (not known: the organisation's achievements)\n" +
		"To decide, add: the organisation's cooperations and the organisation's achievements"; unknown.String() != want {
		t.Errorf("String() =\n%s\nwant\n%s", unknown, want)
	}
}

func TestExpected_ListsTheValuesThatSatisfy(t *testing.T) {
	for src, want := range map[string]string{
		`{"achievement_trl":{"min":7}}`:             "7 8 9",
		`{"achievement_trl":{"max":2}}`:             "1 2",
		`{"cooperation_stage":{"min":"joint_lab"}}`: "joint_lab technology_transfer commercialisation",
		`{"park_member":true}`:                      "true",
		`{"park_member":"p-1"}`:                     "p-1",
		`{"bri_partner":false}`:                     "false",
		`{"country":["KZ","UZ"]}`:                   "KZ UZ",
		`{"all":[{"country":["KZ"]}]}`:              "",
	} {
		if got := strings.Join(Expected(mustParse(t, src)), " "); got != want {
			t.Errorf("Expected(%s) = %q, want %q", src, got, want)
		}
	}
}

// TestEvaluate_RulesBuiltWrongInGoDoNotPanic covers rules that Parse never
// returns but Go code can build.
func TestEvaluate_RulesBuiltWrongInGoDoNotPanic(t *testing.T) {
	self := All{Rules: make([]Rule, 1)}
	self.Rules[0] = self // contains itself through the shared slice
	for name, r := range map[string]Rule{
		"nil":             nil,
		"nil inside":      Any{Rules: []Rule{nil}},
		"pointer":         &Country{Codes: []string{"KZ"}},
		"contains itself": self,
	} {
		v := Evaluate(r, Facts{})
		if v.Outcome != Unknown || len(v.Reasons) == 0 || v.Reasons[len(v.Reasons)-1].Message.ID != msgInvalidRule {
			t.Errorf("%s: got %v", name, v)
		}
		if _, err := Marshal(r); err == nil {
			t.Errorf("%s: Marshal accepted an invalid rule", name)
		}
		if d := Describe(r).String(); !strings.Contains(d, "the rule is not valid") {
			t.Errorf("%s: Describe = %q", name, d)
		}
	}
}

func BenchmarkEvaluate(b *testing.B) {
	r := mustParse(b, exampleRule)
	f := Facts{
		Organisation: &Organisation{
			Kind: "enterprise", Country: "KZ", BRIPartner: ptr(true), SizeClass: "small",
			Fields: []string{"2.2", "1.3"}, FieldsKnown: true, Parks: []string{"park-1"}, ParksKnown: true,
			Cooperations: []Cooperation{{"joint_lab", true}, {"exchange", false}}, CooperationsKnown: true,
			AchievementTRLs: []int{4, 6}, AchievementsKnown: true,
		},
		Person: &Person{CareerStage: "early", Nationalities: []string{"PK"}, NationalitiesKnown: true},
	}
	if v := Evaluate(r, f); v.Outcome != Eligible {
		b.Fatalf("benchmark facts are not eligible: %v", v)
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(r, f)
	}
}
