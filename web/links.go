package web

import "strings"

// absoluteURL returns the public address of a path, for links that leave
// the site (mail, feeds, invitations). It is built from the configured
// base URL only, never from the request: a request's Host header is
// whatever the client wrote, and a reset or invitation link built from it
// would carry its secret to the client's host. Without a base URL (only
// in embedders and tests: serve always sets one) the path stays relative.
func (s *Server) absoluteURL(path string) string {
	if s.cfg.BaseURL == "" {
		return path
	}
	return strings.TrimRight(s.cfg.BaseURL, "/") + path
}
