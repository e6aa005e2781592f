package recommend

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// stopwords are English words too common in project titles and call
// topics to tell fields apart. Words that look like stopwords but name a
// kind of action (innovation, research, training) are kept: they separate
// types of consortia.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all also an and any are as at be because
		been before being between both but by can could did do does doing down during each few for from further
		had has have having he her here hers him his how i if in into is it its itself just me more most my no nor
		not of off on once only or other our ours out over own same she should so some such than that the their
		them then there these they this those through to too under until up very was we were what when where which
		while who whom why will with would you your via towards toward within without new based using use
		h2020 horizon project projects call calls topic topics towards phase`) {
		m[w] = true
	}
	return m
}()

// tokens splits free text into lower-case word stems: runs of letters or
// digits, stopwords and one- and two-letter words dropped, plural -s
// removed. Scripts without spaces (Chinese, Japanese) come out as whole
// runs, which still match the same run elsewhere; there a run of two
// characters is a word and is kept.
func tokens(text string, emit func(string)) {
	var b strings.Builder
	flush := func() {
		if b.Len() == 0 {
			return
		}
		w := b.String()
		b.Reset()
		n := utf8.RuneCountInString(w)
		if n < 2 || (n < 3 && !isCJK(w)) || stopwords[w] || isNumber(w) {
			return
		}
		emit(stem(w))
	}
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		flush()
	}
	flush()
}

// isCJK reports whether w starts with a Chinese, Japanese or Korean
// character.
func isCJK(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

func isNumber(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// stem removes the endings that most often split one English word in two
// in titles (plurals, -ing/-ed are left: they change meaning too often).
func stem(w string) string {
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		return w[:n-3] + "y"
	case n > 4 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		return w[:n-1]
	}
	return w
}

// topicTokens turns a call topic code into the codes of the calls it
// belongs to, dropping years so that calls of different years meet:
// "LC-SC3-EE-18-2019" gives "#lc", "#lc-sc3", "#lc-sc3-ee", "#lc-sc3-ee-18".
func topicTokens(code string, emit func(string)) {
	code = strings.ToLower(strings.TrimSpace(code))
	if code == "" {
		return
	}
	var parts []string
	for _, p := range strings.FieldsFunc(code, func(r rune) bool { return r == '-' || r == '_' || r == ' ' || r == '.' }) {
		if isYear(p) || p == "h2020" {
			continue
		}
		parts = append(parts, p)
	}
	for i := range parts {
		emit("#" + strings.Join(parts[:i+1], "-"))
	}
}

func isYear(p string) bool {
	return len(p) == 4 && isNumber(p) && (p[:2] == "19" || p[:2] == "20")
}
