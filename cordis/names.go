package cordis

import "strings"

// CleanName undoes the quoting some names carry from an earlier CSV
// export: a name wrapped whole in quotes, with its inner quotes doubled
// (`"INSTITUTUL ... ""ELIE CARAFOLI""- INCAS BUCURESTI"`), sorted before
// every other name in a list. The wrapping quotes go and doubled quotes
// become single ones; a name that merely contains a quoted part keeps it.
func CleanName(s string) string {
	s = strings.TrimSpace(s)
	for len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	for strings.Contains(s, `""`) {
		s = strings.ReplaceAll(s, `""`, `"`)
	}
	return s
}
