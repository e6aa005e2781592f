package textsearch

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fts5Separators are letters in Go's Unicode tables that SQLite FTS5's
// unicode61 tokenizer, built on Unicode 6.1, still classes as combining marks
// and therefore splits on (New Tai Lue vowel signs, Vedic signs). They are
// treated as marks here so a term never becomes two FTS5 tokens.
// TestTermRunesAreFTS5TokenCharacters checks the list against SQLite.
var fts5Separators = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x19b0, Hi: 0x19c0, Stride: 1},
		{Lo: 0x19c8, Hi: 0x19c9, Stride: 1},
		{Lo: 0x1cf2, Hi: 0x1cf3, Stride: 1},
	},
}

// isTermRune reports whether r may appear in a term: a letter or number that
// both FTS5 and PostgreSQL keep inside a token.
func isTermRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return (unicode.IsLetter(r) || unicode.IsNumber(r)) && !unicode.Is(fts5Separators, r)
}

// foldSpecial maps letters that have no canonical decomposition to the ASCII
// spelling people type for them.
var foldSpecial = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'þ': "th",
	'ł': "l", 'ı': "i", 'ħ': "h", 'ŧ': "t", 'ĸ': "q", 'ŀ': "l", 'ς': "σ",
}

// fold removes diacritics ("énergie" is "energie", "Kraków" is "krakow")
// so that queries typed without accents match, and so that PostgreSQL's
// 'simple' configuration, which keeps accents, agrees with FTS5.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	var buf [utf8.UTFMax]byte
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteByte(byte(r))
			continue
		}
		if sp, ok := foldSpecial[r]; ok {
			b.WriteString(sp)
			continue
		}
		n := utf8.EncodeRune(buf[:], r)
		d := norm.NFD.Properties(buf[:n]).Decomposition()
		if d == nil {
			if !unicode.IsMark(r) {
				b.WriteRune(r)
			}
			continue
		}
		for _, dr := range string(d) {
			if !unicode.IsMark(dr) {
				b.WriteRune(dr)
			}
		}
	}
	return b.String()
}

// clean makes t a valid term: lowercase letters and digits only, cut to
// MaxTermRunes. It returns "" when nothing is left.
func clean(t string) string {
	ok := len(t) <= MaxTermRunes
	for i := 0; ok && i < len(t); i++ {
		c := t[i]
		ok = 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
	}
	if ok {
		return t
	}
	if isClean(t) {
		return t
	}
	var b strings.Builder
	n := 0
	for _, r := range t {
		if !isTermRune(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
		if n++; n == MaxTermRunes {
			break
		}
	}
	return b.String()
}

// isClean reports whether t is already a valid term.
func isClean(t string) bool {
	n := 0
	for _, r := range t {
		if n++; n > MaxTermRunes || !isTermRune(r) || unicode.ToLower(r) != r {
			return false
		}
	}
	return n > 0
}
