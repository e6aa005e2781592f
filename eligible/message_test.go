package eligible

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template"
)

var placeholder = regexp.MustCompile(`{{\.(\w+)}}`)

// placeholders lists the names a catalogue text uses.
func placeholders(text string) []string {
	var names []string
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		names = append(names, m[1])
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// checkMessage fails t unless m and every message inside it have a catalogue
// entry whose placeholders are exactly the message's arguments, and every
// closed-vocabulary term has an entry too.
func checkMessage(t *testing.T, m Message) {
	t.Helper()
	walkMessage(m, func(m Message) {
		text, ok := catalogue[m.ID]
		if !ok {
			t.Errorf("message %q is not in the catalogue", m.ID)
			return
		}
		args := slices.Sorted(maps.Keys(m.Args))
		if want := placeholders(text); !slices.Equal(args, want) {
			t.Errorf("message %q has arguments %v, its text %q wants %v", m.ID, args, text, want)
		}
	}, func(term Term) {
		if term.Vocab.closed() {
			if _, ok := catalogue[TermID(term)]; !ok {
				t.Errorf("term %v has no catalogue entry %q", term, TermID(term))
			}
		}
	})
}

// walkMessage calls msg for m and each message inside it, and term for each
// term inside it.
func walkMessage(m Message, msg func(Message), term func(Term)) {
	msg(m)
	for _, v := range m.Args {
		switch v := v.(type) {
		case Term:
			term(v)
		case Terms:
			for _, t := range v.Items {
				term(t)
			}
		case Message:
			walkMessage(v, msg, term)
		case Messages:
			for _, inner := range v.Items {
				walkMessage(inner, msg, term)
			}
		case int:
		default:
			panic("unexpected argument type")
		}
	}
}

// TestCatalogue_EveryEntryIsUsed renders every rule kind, plain and negated,
// against facts that reach every branch, and checks that the messages use
// each catalogue entry and nothing outside it.
func TestCatalogue_EveryEntryIsUsed(t *testing.T) {
	leaves := []string{
		`{"org_kind":["enterprise"]}`, `{"country":["KZ"]}`, `{"bri_partner":true}`, `{"bri_partner":false}`,
		`{"field":["2"]}`, `{"size_class":["small"]}`, `{"park_member":true}`, `{"park_member":"p-1"}`,
		`{"cooperation_stage":{"min":"exchange"}}`, `{"cooperation_stage":{"min":"exchange","active":false}}`,
		`{"achievement_trl":{"min":4}}`, `{"achievement_trl":{"max":4}}`, `{"achievement_trl":{"min":4,"max":4}}`,
		`{"achievement_trl":{"min":4,"max":6}}`, `{"career_stage":["early"]}`, `{"nationality":["PK"]}`,
		`{"any":[{"country":["KZ"]},{"all":[{"country":["UZ"]},{"size_class":["large"]}]}]}`,
	}
	everything := &Organisation{
		Kind: "enterprise", Country: "KZ", BRIPartner: ptr(true), SizeClass: "small",
		Fields: []string{"2.2"}, FieldsKnown: true, Parks: []string{"p-1"}, ParksKnown: true,
		Cooperations: []Cooperation{{"joint_lab", true}}, CooperationsKnown: true,
		AchievementTRLs: []int{5}, AchievementsKnown: true,
	}
	empty := &Organisation{BRIPartner: ptr(false), FieldsKnown: true, ParksKnown: true, CooperationsKnown: true, AchievementsKnown: true}
	factSets := []Facts{
		{},
		{Organisation: everything, Person: &Person{CareerStage: "early", Nationalities: []string{"PK"}, NationalitiesKnown: true}},
		{Organisation: empty, Person: &Person{}},
		{Organisation: &Organisation{}},
		{Person: &Person{}},
	}
	used := map[MessageID]bool{}
	record := func(m Message) {
		checkMessage(t, m)
		walkMessage(m, func(m Message) { used[m.ID] = true }, func(term Term) {
			if term.Vocab.closed() {
				used[TermID(term)] = true
			}
		})
	}
	for _, src := range leaves {
		for _, rule := range []string{src, `{"not":` + src + `}`} {
			r := mustParse(t, rule)
			record(Describe(r))
			for _, f := range factSets {
				v := Evaluate(r, f)
				record(v.Outcome.Message())
				record(v.MissingMessage())
				for _, reason := range v.Reasons {
					record(reason.Message)
				}
			}
		}
	}
	record(Describe(nil))
	for _, f := range facts {
		used[TermID(f.Term())] = true
	}
	for vocab, words := range map[Vocab][]string{
		VocabOrgKind: orgKinds, VocabSizeClass: sizeClasses, VocabCareerStage: careerStages, VocabStage: cooperationStages,
	} {
		for _, w := range words {
			used[TermID(Term{vocab, w})] = true
		}
	}
	for id := range catalogue {
		if !used[id] {
			t.Errorf("catalogue entry %q is never used", id)
		}
	}
	for id := range used {
		if _, ok := catalogue[id]; !ok {
			t.Errorf("message %q is used but not in the catalogue", id)
		}
	}
}

// TestCatalogue_TextsAreGoTemplates makes sure a catalogue generated for
// go-i18n renders the same as English does.
func TestCatalogue_TextsAreGoTemplates(t *testing.T) {
	for id, text := range Catalogue() {
		tmpl, err := template.New(string(id)).Option("missingkey=error").Parse(text)
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		args := map[string]string{}
		for _, name := range placeholders(text) {
			args[name] = "<" + name + ">"
		}
		var b strings.Builder
		if err := tmpl.Execute(&b, args); err != nil {
			t.Errorf("%s: %v", id, err)
		}
		if got := English.Text(id, args); got != b.String() {
			t.Errorf("%s: English renders %q, text/template %q", id, got, b.String())
		}
	}
}

// upper is a Localizer standing in for another language: it marks texts by
// ID, names countries in upper-case words and joins with slashes.
type upper struct{}

func (upper) Text(id MessageID, args map[string]string) string {
	keys := slices.Sorted(maps.Keys(args))
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+args[k])
	}
	return string(id) + "(" + strings.Join(parts, ",") + ")"
}

func (upper) Name(t Term) string { return strings.ToUpper(string(t.Vocab)) + ":" + t.Code }

func (upper) Join(items []string, j Join) string { return strings.Join(items, " /"+string(j)+"/ ") }

func TestRender_LeavesWordsToTheLocalizer(t *testing.T) {
	m := Describe(mustParse(t, `{"all":[{"country":["KZ","UZ"]},{"org_kind":["enterprise"]}]}`))
	want := "eligible.open_to(Conditions=" +
		"eligible.cond.country(Values=COUNTRY:KZ /or/ COUNTRY:UZ) /list/ " +
		"eligible.cond.org_kind(Values=eligible.org_kind.enterprise()))"
	if got := m.Render(upper{}); got != want {
		t.Errorf("Render =\n  %s\nwant\n  %s", got, want)
	}
}

func TestEnglishJoin(t *testing.T) {
	for _, c := range []struct {
		items []string
		join  Join
		want  string
	}{
		{nil, JoinOr, ""},
		{[]string{"a"}, JoinOr, "a"},
		{[]string{"a", "b"}, JoinOr, "a or b"},
		{[]string{"a", "b", "c"}, JoinAnd, "a, b and c"},
		{[]string{"a", "b", "c"}, JoinList, "a; b; c"},
	} {
		if got := English.Join(c.items, c.join); got != c.want {
			t.Errorf("Join(%q, %s) = %q, want %q", c.items, c.join, got, c.want)
		}
	}
}
