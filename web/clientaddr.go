package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddrKey holds the client's address, worked out once per request.
type clientAddrKey struct{}

// ParseTrustedProxies reads a comma-separated list of CIDRs (or single
// addresses) of the reverse proxies whose X-Forwarded-For is believed.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q is not an address or CIDR", f)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is not an address or CIDR", f)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// clientAddr works out the address of the client. The direct peer is the
// client unless it is one of the trusted proxies; then X-Forwarded-For is
// read from the right (the hops the proxies appended), skipping trusted
// proxies, and the first hop that is not one is the client. Hops left of
// it are whatever the client wrote and are never believed. Without
// trusted proxies the header is ignored: anyone can send it.
func (s *Server) clientAddr(r *http.Request) string {
	peer := peerAddr(r.RemoteAddr)
	if len(s.cfg.TrustedProxies) == 0 {
		return peer
	}
	a, err := netip.ParseAddr(peer)
	if err != nil || !s.trustedProxy(a) {
		return peer
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		h, err := netip.ParseAddr(peerAddr(strings.TrimSpace(hops[i])))
		if err != nil {
			// A hop that is not an address was not written by a trusted
			// proxy: the last trusted one's peer is all that is known.
			return client
		}
		client = h.Unmap().String()
		if !s.trustedProxy(h) {
			return client
		}
	}
	return client
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerAddr strips the port (and brackets) of host:port, or returns an
// address given without one.
func peerAddr(hostport string) string {
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		hostport = host
	}
	hostport = strings.Trim(hostport, "[]")
	if a, err := netip.ParseAddr(hostport); err == nil {
		return a.Unmap().WithZone("").String()
	}
	return hostport
}

// withClientAddr puts the client's address in the request's context, for
// clientIP.
func (s *Server) withClientAddr(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), clientAddrKey{}, s.clientAddr(r)))
}

// clientIP is the client's address, the one every limit, audit record and
// log line uses: behind trusted proxies, from X-Forwarded-For (see
// clientAddr); else the direct peer.
func clientIP(r *http.Request) string {
	if a, ok := r.Context().Value(clientAddrKey{}).(string); ok {
		return a
	}
	return peerAddr(r.RemoteAddr)
}
