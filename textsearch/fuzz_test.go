package textsearch

import (
	"slices"
	"testing"
	"unicode/utf8"
)

// FuzzTerms checks, on any input, that analysis never panics, that every
// term is a valid single token, and that a text always finds itself.
//
//	go test ./textsearch -run '^$' -fuzz FuzzTerms -fuzztime 60s
func FuzzTerms(f *testing.F) {
	for _, tc := range searchCases {
		f.Add(tc.doc)
		f.Add(tc.query)
	}
	for _, s := range []string{
		"", "'", "a'", "'s", "l'", "a--b", "a..b", "1,,2", ",1,", "-1-", "a\u0301", "\u0301a",
		"ｶﾞ", "ﾞ", "\u00ad", "a\u200db", "\xff", "a\xffb", "\u0640\u0640", "١,٢", "ǅ", "ß", "İ",
		"𝟘𝟙", "ᦰᦱ", "a&&b", "__init__", "x" + string(make([]byte, 300)) + "y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		terms := Terms(s)
		seen := make(map[string]bool, len(terms))
		for _, term := range terms {
			checkTerm(t, s, term)
			if seen[term] {
				t.Errorf("Terms(%q): %q repeated", s, term)
			}
			seen[term] = true
		}
		groups := QueryTerms(s)
		for _, g := range groups {
			if len(g) == 0 {
				t.Errorf("QueryTerms(%q): empty group", s)
			}
			for _, term := range g {
				checkTerm(t, s, term)
			}
		}
		if len(groups) > 0 && !matches(terms, groups) {
			t.Errorf("%q does not find itself: terms %q, query %q", s, terms, groups)
		}
		if len(groups) == 0 && len(terms) > 0 {
			t.Errorf("%q has terms %q but no query groups", s, terms)
		}
		if again := Terms(s); !slices.Equal(again, terms) {
			t.Errorf("Terms(%q) not deterministic: %q then %q", s, terms, again)
		}
	})
}

func checkTerm(t *testing.T, input, term string) {
	t.Helper()
	if !termPattern.MatchString(term) {
		t.Errorf("input %q: term %q is not letters and digits only", input, term)
	}
	for _, r := range term {
		if !isTermRune(r) {
			t.Errorf("input %q: term %q holds %U, which FTS5 splits on", input, term, r)
		}
	}
	if n := utf8.RuneCountInString(term); n > MaxTermRunes {
		t.Errorf("input %q: term %q has %d runes, limit %d", input, term, n, MaxTermRunes)
	}
}
