package textsearch

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// matches applies the package's matching rule: every group needs one of its
// alternatives among the document's terms.
func matches(doc []string, groups [][]string) bool {
	if len(groups) == 0 {
		return false
	}
	for _, g := range groups {
		if !slices.ContainsFunc(g, func(t string) bool { return slices.Contains(doc, t) }) {
			return false
		}
	}
	return true
}

// searchCases are query/document pairs used by the in-memory and the
// database tests alike.
var searchCases = []struct {
	name  string
	query string
	doc   string
	want  bool
}{
	{"chinese word inside a longer phrase", "人工智能", "人工智能研究", true},
	{"chinese university name", "北京大学", "北京大学", true},
	{"chinese single character", "京", "北京大学", true},
	{"chinese word in a sentence", "合作", "中国与俄罗斯的科技合作不断深化。", true},
	{"chinese bigrams that the text lacks", "大学北京", "北京", false},
	{"chinese unrelated", "人工智能", "北京大学", false},
	{"japanese kana and kanji", "研究", "東京大学の研究センター", true},
	{"japanese katakana word", "ラーメン", "とんこつラーメンの店", true},
	{"korean syllables", "대한", "대한민국의 과학기술", true},
	{"russian genitive finds nominative", "университета", "Московский государственный университет", true},
	{"russian nominative finds genitive", "университет", "ректор университета", true},
	{"russian case-insensitive", "МОСКВА", "москва", true},
	{"russian yo spelled as ye", "ёлка", "елка", true},
	{"russian unrelated", "университет", "институт", false},
	{"arabic definite finds indefinite", "الجامعة", "جامعة القاهرة", true},
	{"arabic indefinite finds definite", "جامعة", "الجامعة الأمريكية", true},
	{"arabic with diacritics", "جَامِعَة", "جامعة", true},
	{"arabic hamza alef normalised", "أبحاث", "ابحاث", true},
	{"arabic-indic digits as ascii", "2023", "عام ٢٠٢٣", true},
	{"arabic unrelated", "جامعة", "مدرسة", false},
	{"english plural finds singular", "energies", "renewable energy", true},
	{"english singular finds plural", "energy", "energies of the future", true},
	{"english possessive", "university", "the university's lab", true},
	{"english stop word ignored", "the energy", "energy policy", true},
	{"english all words required", "solar energy", "wind energy", false},
	{"french accents optional", "universite", "l'Université de Lyon", true},
	{"french elision", "université", "l'université", true},
	{"french plural", "énergies", "énergie renouvelable", true},
	{"spanish plural", "universidades", "universidad de Chile", true},
	{"spanish accents", "investigacion", "investigación científica", true},
	{"german sharp s", "strasse", "Straße", true},
	{"polish letters", "lodz", "Łódź", true},
	{"code kept whole", "H2020", "funded by H2020", true},
	{"code parts do not match the code", "H 2020", "funded by H2020", false},
	{"hyphenated compound written together", "covid19", "COVID-19 vaccines", true},
	{"compound written apart finds hyphenated", "COVID 19", "COVID-19 vaccines", true},
	{"hyphenated query finds joined text", "COVID-19", "covid19", true},
	{"dotted abbreviation", "USA", "made in the U.S.A.", true},
	{"number with digit groups", "1000000", "1,000,000 people", true},
	{"full-width latin", "ＡＩ", "AI research", true},
	{"half-width katakana", "ｶﾞｽ", "ガス", true},
	{"greek accents", "ελληνικα", "Ελληνικά", true},
	{"mixed script text, chinese part", "清华", "清华大学Tsinghua University与MIT合作", true},
	{"mixed script text, latin part", "tsinghua", "清华大学Tsinghua University与MIT合作", true},
	{"mixed script text, cyrillic glued to latin", "msu", "МГУmsu", true},
	{"mixed script query across languages", "北京 energy университет", "北京 energies университета", true},
}

func TestQueryTermsFindDocumentTerms(t *testing.T) {
	for _, tc := range searchCases {
		t.Run(tc.name, func(t *testing.T) {
			doc, q := Terms(tc.doc), QueryTerms(tc.query)
			if got := matches(doc, q); got != tc.want {
				t.Errorf("query %q on %q: match = %v, want %v\nquery groups %q\ndocument terms %q",
					tc.query, tc.doc, got, tc.want, q, doc)
			}
		})
	}
}

var termPattern = regexp.MustCompile(`^[\p{L}\p{N}]+$`)

func TestTermsAreSingleLowercaseTokens(t *testing.T) {
	text := `He said: "Hello, World!" (COVID-19; U.S.A.) e-mail: a.b@example.com 3.14 ` +
		`C++ R&D 北京大学「人工智能」研究，2023年。 Москва-2024! «Привет» الجامعةُ، ١٢٣ ` +
		`l'Été Ünïcödé ǅ İstanbul ﬁ ① x² हिन्दी ᦰ`
	terms := Terms(text)
	if len(terms) == 0 {
		t.Fatal("no terms")
	}
	for _, term := range terms {
		if !termPattern.MatchString(term) {
			t.Errorf("term %q is not letters and digits only", term)
		}
		if term != strings.ToLower(term) {
			t.Errorf("term %q is not lowercase", term)
		}
		if strings.ContainsAny(term, "\"'-.*:^+() ") {
			t.Errorf("term %q holds FTS syntax", term)
		}
	}
}

func TestTermsAreDeduplicated(t *testing.T) {
	terms := Terms("energy Energy ENERGY énergie energie 北京 北京 北京")
	seen := map[string]bool{}
	for _, term := range terms {
		if seen[term] {
			t.Errorf("term %q repeated in %q", term, terms)
		}
		seen[term] = true
	}
}

func TestTermsIndexSingleHanCharacters(t *testing.T) {
	terms := Terms("人工智能")
	for _, want := range []string{"人", "工", "智", "能", "人工", "工智", "智能"} {
		if !slices.Contains(terms, want) {
			t.Errorf("Terms(人工智能) = %q, lacks %q", terms, want)
		}
	}
}

func TestTermsOfTextWithoutWordsAreEmpty(t *testing.T) {
	for _, text := range []string{"", "   ", "!?.,;:-'\"()[]{}", "\u0301\u200d", "—–…", "\xff\xfe"} {
		if got := Terms(text); len(got) != 0 {
			t.Errorf("Terms(%q) = %q, want none", text, got)
		}
		if got := QueryTerms(text); got != nil {
			t.Errorf("QueryTerms(%q) = %q, want nil", text, got)
		}
	}
}

func TestQueryTermsGroupPerWord(t *testing.T) {
	tests := []struct {
		query string
		want  [][]string
	}{
		{"北京大学", [][]string{{"北京"}, {"京大"}, {"大学"}}},
		{"京", [][]string{{"京"}}},
		{"университета", [][]string{{"университета", "университет"}}},
		{"energies", [][]string{{"energies", "energi", "energ"}}},
		{"2023", [][]string{{"2023"}}},
		{"COVID-19", [][]string{{"covid", "covid19"}, {"19", "covid19"}}},
		{"energy energy", [][]string{{"energy", "energi"}}},
	}
	for _, tc := range tests {
		if got := QueryTerms(tc.query); !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("QueryTerms(%q) = %q, want %q", tc.query, got, tc.want)
		}
	}
}

func TestQueryTermsDropStopWordsUnlessNothingElse(t *testing.T) {
	tests := []struct {
		query string
		want  [][]string
	}{
		{"the energy of", [][]string{{"energy", "energi"}}},
		{"la universidad", [][]string{{"universidad"}}},
		{"в университете", [][]string{{"университете", "университет"}}},
		{"في الجامعة", [][]string{{"الجامعة", "جامع"}}},
		{"The Who", [][]string{{"the"}, {"who"}}},
	}
	for _, tc := range tests {
		if got := QueryTerms(tc.query); !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("QueryTerms(%q) = %q, want %q", tc.query, got, tc.want)
		}
	}
}

func TestLongWordsAreCutTheSameOnBothSides(t *testing.T) {
	word := strings.Repeat("ab", MaxTermRunes) // 128 letters
	terms := Terms(word + " " + strings.Repeat("汉", 3))
	for _, term := range terms {
		if n := len([]rune(term)); n > MaxTermRunes {
			t.Errorf("term of %d runes, limit %d", n, MaxTermRunes)
		}
	}
	if !matches(terms, QueryTerms(word)) {
		t.Errorf("long word does not find itself: terms %q, query %q", terms, QueryTerms(word))
	}
}

func TestConcurrentUseGivesSameTerms(t *testing.T) {
	text := "北京大学 университета الجامعة energies l'université COVID-19"
	want := Terms(text)
	done := make(chan []string)
	for range 8 {
		go func() { done <- Terms(text) }()
	}
	for range 8 {
		if got := <-done; !slices.Equal(got, want) {
			t.Errorf("concurrent Terms = %q, want %q", got, want)
		}
	}
}
