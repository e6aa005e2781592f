package textsearch

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// script is the writing system of a run, which decides its analyser.
type script uint8

const (
	scriptDigit script = iota // decimal digits only
	scriptCJK                 // Han, Kana, Hangul, Bopomofo
	scriptCyrillic
	scriptArabic
	scriptLatin
	scriptOther // any other script: no language analyser
)

// A run is a maximal stretch of one script inside a word, lowercased, with
// decimal digits folded to ASCII and combining marks dropped. Digits join
// the letters of an alphabetic script next to them ("h2020", "5г") but
// never a CJK run ("2023年" is "2023" and "年").
type run struct {
	script   script
	text     string
	hasDigit bool // a letter run with digits is a code, kept whole
}

// A compound is a word as written between spaces and punctuation; its parts
// were joined by a hyphen, dot, underscore, ampersand or digit-group comma
// ("COVID-19", "U.S.A", "1,000").
type compound struct {
	parts [][]run
}

// normalise applies NFKC so that full-width Latin, half-width Kana, Arabic
// presentation forms, ligatures and circled or superscript digits become the
// ordinary characters that analysers and queries use.
func normalise(s string) string {
	if norm.NFKC.QuickSpanString(s) == len(s) {
		return s
	}
	return norm.NFKC.String(s)
}

// Rune classes seen by the compound scanner.
const (
	classSep = iota
	classWord
	classApostrophe
	classJoiner
	classComma
)

func classify(r rune) int {
	switch r {
	case '\'', '\u2019', '\u02bc': // ASCII, right single quote, modifier letter apostrophe
		return classApostrophe
	case '-', '\u2010', '\u2011', '.', '_', '&':
		return classJoiner
	case ',':
		return classComma
	}
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			return classWord
		}
		return classSep
	}
	if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) || isIgnorable(r) {
		return classWord
	}
	return classSep
}

// isIgnorable reports format characters that may sit inside a word without
// ending it: soft hyphen, zero-width (non-)joiner, word joiner, BOM.
func isIgnorable(r rune) bool {
	switch r {
	case '\u00ad', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return false
}

func isDigitRune(r rune) bool {
	if r < utf8.RuneSelf {
		return '0' <= r && r <= '9'
	}
	return unicode.IsDigit(r)
}

// splitCompounds cuts normalised text into compounds and passes each to
// emit. A joiner or apostrophe belongs to a word only between two word
// characters; a comma only between two digits. The compound's slices are
// reused for the next one, so emit must not keep them.
func splitCompounds(s string, emit func(compound)) {
	var parts [][]run
	var runs []run
	partStart := -1
	var prev rune

	closePart := func(end int) {
		if partStart >= 0 && end > partStart {
			n := len(runs)
			if runs = splitRuns(resolveApostrophes(s[partStart:end]), runs); len(runs) > n {
				parts = append(parts, runs[n:len(runs):len(runs)])
			}
		}
		partStart = -1
	}
	closeCompound := func(end int) {
		closePart(end)
		if len(parts) > 0 {
			emit(compound{parts: parts})
			parts, runs = parts[:0], runs[:0]
		}
	}
	nextIsWord := func(i int) bool {
		if i >= len(s) {
			return false
		}
		r, _ := utf8.DecodeRuneInString(s[i:])
		return classify(r) == classWord
	}

	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch classify(r) {
		case classWord:
			if partStart < 0 {
				partStart = i
			}
		case classApostrophe:
			if partStart < 0 || !nextIsWord(i+size) {
				closeCompound(i)
			}
		case classJoiner:
			if partStart >= 0 && nextIsWord(i+size) {
				closePart(i)
				partStart = i + size
			} else {
				closeCompound(i)
			}
		case classComma:
			if partStart >= 0 && isDigitRune(prev) && nextIsDigit(s, i+size) {
				closePart(i)
				partStart = i + size
			} else {
				closeCompound(i)
			}
		default:
			closeCompound(i)
		}
		prev = r
		i += size
	}
	closeCompound(len(s))
}

func nextIsDigit(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isDigitRune(r)
}

// elisionArticles are the French elided words removed before an apostrophe
// ("l'université" is "université"), the same list as bleve's French
// elision filter.
var elisionArticles = map[string]bool{
	"l": true, "m": true, "t": true, "qu": true, "n": true, "s": true, "j": true,
	"d": true, "c": true, "jusqu": true, "quoiqu": true, "lorsqu": true, "puisqu": true,
}

// resolveApostrophes removes apostrophes from a word part: a leading French
// elision ("l'", "d'") and a trailing English possessive ("'s") go away, any
// other apostrophe is dropped so "O'Brien" becomes "OBrien".
func resolveApostrophes(p string) string {
	if !strings.ContainsAny(p, "'\u2019\u02bc") {
		return p
	}
	pieces := strings.FieldsFunc(p, func(r rune) bool { return classify(r) == classApostrophe })
	if len(pieces) > 1 && elisionArticles[strings.ToLower(pieces[0])] {
		pieces = pieces[1:]
	}
	if len(pieces) > 1 && (pieces[len(pieces)-1] == "s" || pieces[len(pieces)-1] == "S") {
		pieces = pieces[:len(pieces)-1]
	}
	return strings.Join(pieces, "")
}

// splitRuns cuts one word part into script runs and appends them to runs.
func splitRuns(p string, runs []run) []run {
	cur := run{}
	start := -1 // byte offset of the current run in p, -1 when none is open
	hasLetter := false

	flush := func(end int) {
		if start >= 0 {
			if cur.text = runText(p[start:end]); cur.text != "" {
				runs = append(runs, cur)
			}
		}
		start = -1
		hasLetter = false
	}
	for i, r := range p {
		switch {
		case isDigitRune(r):
			if start >= 0 && cur.script != scriptCJK {
				cur.hasDigit = cur.hasDigit || hasLetter
				continue
			}
			flush(i)
			cur, start = run{script: scriptDigit}, i
		case isTermRune(r):
			sc := scriptOf(r)
			switch {
			case start >= 0 && cur.script == sc:
			case start >= 0 && cur.script == scriptDigit && sc != scriptCJK:
				// Digits followed by letters: one code such as "5g".
				cur.script, cur.hasDigit = sc, true
			default:
				flush(i)
				cur, start = run{script: sc}, i
			}
			hasLetter = true
		default:
			// Combining marks and ignorable format characters stay inside
			// the run but are not part of any term.
		}
	}
	flush(len(p))
	return runs
}

// runText lowercases a run, folds its digits to ASCII and drops marks and
// format characters. Lowercase ASCII, the common case, is returned as is.
func runText(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case isDigitRune(r):
			b.WriteByte(byte('0' + digitValue(r)))
		case isTermRune(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// scriptOf classifies a letter or non-decimal number.
func scriptOf(r rune) script {
	switch {
	case r < utf8.RuneSelf:
		return scriptLatin
	case isCJK(r):
		return scriptCJK
	case unicode.Is(unicode.Latin, r):
		return scriptLatin
	case unicode.Is(unicode.Cyrillic, r):
		return scriptCyrillic
	case unicode.Is(unicode.Arabic, r):
		return scriptArabic
	}
	return scriptOther
}

func isCJK(r rune) bool {
	switch r {
	case '\u30fc', '\u3005', '\u3006', '\u3007', '\u303b', '\uff70':
		// Prolonged sound mark, iteration and ideographic number marks are
		// of the Common script but belong to the Japanese or Chinese word.
		return true
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo)
}

// digitValue returns the value of a decimal digit of any script. Unicode
// keeps every decimal digit set contiguous and in order from zero, so the
// value is the offset from the start of its range modulo ten; a test checks
// that property on the tables Go ships.
func digitValue(r rune) rune {
	if r < utf8.RuneSelf {
		return r - '0'
	}
	for _, rg := range unicode.Nd.R16 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return (r - rune(rg.Lo)) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return (r - rune(rg.Lo)) % 10
		}
	}
	return 0
}
