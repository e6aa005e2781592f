package eligible

import "testing"

func TestDescribe_RendersTheRuleInPlainWords(t *testing.T) {
	for _, c := range []struct{ rule, want string }{
		{exampleRule, "Open to: organisation kind is enterprise; " +
			"any of (country is a Belt and Road partner; country is KZ or UZ); " +
			"size class is not large; member of park park-1; " +
			"takes part in an active cooperation at stage joint research or deeper; " +
			"best achievement is at TRL 4 to 9; career stage is early career or mid-career; " +
			"nationality is PK; has a field in 2.2 or 1."},
		{`{"country":["KZ"]}`, "Open to: country is KZ."},
		{`{"not":{"any":[{"country":["KZ"]},{"size_class":["large","medium"]}]}}`,
			"Open to: country is not KZ; size class is not large or medium."},
		{`{"not":{"all":[{"park_member":true},{"field":["2"]}]}}`,
			"Open to: any of (not a member of any park; has no field in 2)."},
		{`{"any":[{"all":[{"org_kind":["university","research_institute"]},{"career_stage":["senior"]}]},{"nationality":["PK"]}]}`,
			"Open to: any of (all of (organisation kind is university or research institute; career stage is senior); nationality is PK)."},
		{`{"all":[{"bri_partner":false},{"not":{"bri_partner":false}},{"not":{"bri_partner":true}}]}`,
			"Open to: country is not a Belt and Road partner; country is a Belt and Road partner; country is not a Belt and Road partner."},
		{`{"all":[{"not":{"park_member":"p-1"}},{"not":{"org_kind":["park"]}},{"not":{"career_stage":["student"]}},{"not":{"nationality":["CN"]}},{"not":{"country":["CN"]}}]}`,
			"Open to: not a member of park p-1; organisation kind is not park; career stage is not student; nationality is not CN; country is not CN."},
		{`{"all":[{"cooperation_stage":{"min":"exchange","active":false}},{"not":{"cooperation_stage":{"min":"joint_lab","active":false}}},{"not":{"cooperation_stage":{"min":"commercialisation"}}}]}`,
			"Open to: has taken part in a cooperation that reached stage exchange or deeper; " +
				"has never taken part in a cooperation that reached stage joint lab or deeper; " +
				"takes part in no active cooperation at stage commercialisation or deeper."},
		{`{"all":[{"achievement_trl":{"min":7}},{"achievement_trl":{"max":3}},{"achievement_trl":{"min":5,"max":5}},{"not":{"achievement_trl":{"min":2,"max":4}}}]}`,
			"Open to: best achievement is at TRL 7 or higher; best achievement is at TRL 3 or lower; " +
				"best achievement is at TRL 5; no achievement, or the best is not at TRL 2 to 4."},
	} {
		m := Describe(mustParse(t, c.rule))
		checkMessage(t, m)
		if got := m.String(); got != c.want {
			t.Errorf("Describe(%s) =\n  %s\nwant\n  %s", c.rule, got, c.want)
		}
	}
}
