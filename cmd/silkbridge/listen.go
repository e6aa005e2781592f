package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// defaultAddr is where serve listens unless told otherwise: this machine
// only, so that a first start is never reachable under a Host header that
// links could be built from.
const defaultAddr = "localhost:8080"

// publicBaseURL returns the address that links sent out of the site (reset
// and invitation links, feeds) are built from. A configured base URL is
// checked and used. Without one, links can only be built from the
// listening address, which is honest only when that address is this
// machine's own: on any other address the request's Host header would be
// the only guess, and a client writes it. So serve refuses to start there.
func publicBaseURL(addr, baseURL string) (string, error) {
	if baseURL != "" {
		u, err := url.Parse(baseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return "", fmt.Errorf("%w: --base-url %q is not an http:// or https:// address such as https://silkbridge.example.org", errUsage, baseURL)
		}
		return strings.TrimRight(baseURL, "/"), nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("%w: --addr %q is not host:port: %v", errUsage, addr, err)
	}
	if !loopbackHost(host) {
		return "", fmt.Errorf("%w: serve listens on %q, beyond this machine, without a public address: set --base-url (env SILKBRIDGE_BASE_URL) to the address people use, e.g. https://silkbridge.example.org, so that reset, invitation and feed links are not built from the Host header a client sends; or listen on localhost (--addr localhost:8080)", errUsage, addr)
	}
	return "http://" + net.JoinHostPort(host, port), nil
}

// loopbackHost reports whether host names this machine only.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// listenMetrics serves the metrics on an address of their own (for the
// operator's network or a scraper on this machine); the caller shuts the
// returned server down.
func listenMetrics(ctx context.Context, addr string, h http.Handler) (*http.Server, net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("--metrics-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) }}
	return srv, ln, nil
}
