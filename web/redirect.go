package web

import (
	"net/url"
	"strings"
	"unicode"
)

// localPath reports whether p, given as a place to go back to, stays on
// this site once a browser has read it. Browsers drop tabs and newlines
// from a Location, take a backslash for a slash and "//" for another
// host, so "/\t/evil.example" and "/\\evil.example" lead off-site; any
// control or invisible format character, any backslash, a leading "//",
// and anything that parses with a scheme or a host is refused.
func localPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsRune(p, '\\') {
		return false
	}
	for _, r := range p {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) {
			return false
		}
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil && u.Opaque == "" && strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(u.Path, "//")
}
