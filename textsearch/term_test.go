package textsearch

import (
	"testing"
	"unicode"
)

func TestDecimalDigitRangesAreWholeSetsOfTen(t *testing.T) {
	// digitValue relies on Unicode's rule that decimal digits come in
	// contiguous sets from zero to nine; a range of unicode.Nd that is not
	// whole sets of ten would break it.
	check := func(lo, hi, stride uint32) {
		if stride != 1 || (hi-lo+1)%10 != 0 {
			t.Errorf("Nd range %04X-%04X stride %d is not whole sets of ten", lo, hi, stride)
		}
	}
	for _, r := range unicode.Nd.R16 {
		check(uint32(r.Lo), uint32(r.Hi), uint32(r.Stride))
	}
	for _, r := range unicode.Nd.R32 {
		check(r.Lo, r.Hi, r.Stride)
	}
}

func TestDigitValueOfScripts(t *testing.T) {
	tests := []struct {
		digit rune
		want  rune
	}{
		{'7', 7}, {'٠', 0}, {'٣', 3}, {'۹', 9}, {'७', 7}, {'๕', 5}, {'𝟘', 0}, {'𝟡', 9}, {'𝟫', 9}, {'𝟬', 0},
	}
	for _, tc := range tests {
		if got := digitValue(tc.digit); got != tc.want {
			t.Errorf("digitValue(%q) = %d, want %d", tc.digit, got, tc.want)
		}
	}
}

func TestFoldRemovesDiacritics(t *testing.T) {
	tests := []struct{ in, want string }{
		{"energy", "energy"},
		{"énergie", "energie"},
		{"investigación", "investigacion"},
		{"straße", "strasse"},
		{"łódź", "lodz"},
		{"øresund", "oresund"},
		{"cœur", "coeur"},
		{"ελληνικά", "ελληνικα"},
		{"ṩ", "s"},
	}
	for _, tc := range tests {
		if got := fold(tc.in); got != tc.want {
			t.Errorf("fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCleanKeepsLettersAndDigitsOnly(t *testing.T) {
	tests := []struct{ in, want string }{
		{"abc", "abc"},
		{"ABC", "abc"},
		{"o'brien", "obrien"},
		{"a-b.c", "abc"},
		{"جَامِعَة", "جامعة"},
		{"北京", "北京"},
		{"\u19b0x", "x"},
		{"!!!", ""},
	}
	for _, tc := range tests {
		if got := clean(tc.in); got != tc.want {
			t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
