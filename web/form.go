package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/silkbridge/silkbridge"
)

// The readers of posted forms. A value that cannot be read is recorded in
// the form's Problems beside the field (422, like every invalid value), so
// that all problems of a form show at once; a body that cannot be read at
// all is malformed input (400).

// parseForm reads a posted form.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	return nil
}

// splitList splits a comma- or line-separated list typed in a form, with
// the commas of Chinese and Arabic too.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '，' || r == '、' || r == '،' })
}

// formInt reads a whole number typed in a form; blank is def.
func formInt(p *silkbridge.Problems, field, value string, def int) int {
	value = strings.TrimSpace(value)
	if value == "" {
		return def
	}
	n, err := strconv.Atoi(value)
	if err != nil {
		p.Add(field, "field.integer", "a whole number", nil)
		return def
	}
	return n
}

// formOptInt reads a whole number that may be left blank (nil).
func formOptInt(p *silkbridge.Problems, field, value string) *int {
	if strings.TrimSpace(value) == "" {
		return nil
	}
	n := formInt(p, field, value, 0)
	if p.Has(field) {
		return nil
	}
	return &n
}

// formAmount reads an amount of money typed in a form, as people of the
// six languages type it: spaces (also narrow and non-breaking), apostrophes
// and underscores group digits; commas group thousands when there are
// several, when a dot is there too, or when three digits follow the only
// one ("1,500", "12,000,000"), and are otherwise the decimal mark ("1,5").
// Blank is zero; what is not an amount of zero or more is recorded with
// messageID.
func formAmount(p *silkbridge.Problems, field, value, messageID string) float64 {
	value = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' || r == '_' || r == '\'' {
			return -1
		}
		return r
	}, strings.TrimSpace(value))
	if value == "" {
		return 0
	}
	if n := strings.Count(value, ","); n > 0 {
		last := value[strings.LastIndex(value, ",")+1:]
		if n > 1 || strings.Contains(value, ".") || len(last) == 3 {
			value = strings.ReplaceAll(value, ",", "")
		} else {
			value = strings.Replace(value, ",", ".", 1)
		}
	}
	v, err := strconv.ParseFloat(value, 64)
	if err != nil || v < 0 {
		p.Add(field, messageID, "an amount from 0 up", nil)
		return 0
	}
	return v
}
