package web

import "strings"

// absoluteURL returns the public address of a path, for links that leave
// the site (mail, feeds, invitations). It is built from the configured
// base URL only, never from the request: a request's Host header is
// whatever the client wrote, and a reset or invitation link built from it
// would carry its secret to the client's host. Without a base URL (only
// in embedders and tests: serve always sets one) the path stays relative.
func (s *Server) absoluteURL(path string) string { return absoluteURL(s.cfg.BaseURL, path) }

// absoluteURL joins the configured base URL and a path; the mail worker,
// which has no Server, builds its links with it too.
func absoluteURL(base, path string) string {
	if base == "" {
		return path
	}
	return strings.TrimRight(base, "/") + path
}
