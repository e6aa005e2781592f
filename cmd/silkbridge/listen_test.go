package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPublicBaseURL_OnlyLoopbackMayGoWithoutABaseURL(t *testing.T) {
	for _, c := range []struct {
		addr, base, want string
	}{
		{defaultAddr, "", "http://localhost:8080"},
		{"127.0.0.1:9000", "", "http://127.0.0.1:9000"},
		{"[::1]:8080", "", "http://[::1]:8080"},
		{":8080", "https://silkbridge.example.org/", "https://silkbridge.example.org"},
		{"0.0.0.0:80", "http://10.0.0.5:8080", "http://10.0.0.5:8080"},
	} {
		got, err := publicBaseURL(c.addr, c.base)
		if err != nil || got != c.want {
			t.Errorf("publicBaseURL(%q, %q) = %q, %v; want %q", c.addr, c.base, got, err, c.want)
		}
	}
	for _, c := range []struct{ addr, base string }{
		{":8080", ""}, {"0.0.0.0:8080", ""}, {"[::]:8080", ""}, {"192.0.2.7:8080", ""}, {"example.org:8080", ""},
		{"localhost", ""}, {":8080", "silkbridge.example.org"}, {":8080", "ftp://silkbridge.example.org"}, {":8080", "https://"},
	} {
		_, err := publicBaseURL(c.addr, c.base)
		if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "-") {
			t.Errorf("publicBaseURL(%q, %q) = %v; want a usage error that says why", c.addr, c.base, err)
		}
	}
	if _, err := publicBaseURL(":8080", ""); err == nil || !strings.Contains(err.Error(), "--base-url") {
		t.Errorf("the refusal does not name --base-url: %v", err)
	}
}

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestServe_MetricsOnTheirOwnAddressNotOnTheMainOne(t *testing.T) {
	addr, metricsAddr := freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, []string{"--addr", addr, "--metrics-addr", metricsAddr, "--db", filepath.Join(t.TempDir(), "sb.db")})
	}()
	get := func(url string) (int, string, error) {
		res, err := http.Get(url)
		if err != nil {
			return 0, "", err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res.StatusCode, string(b), err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if code, _, err := get("http://" + addr + "/healthz"); err == nil && code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start: %v", <-done)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code, body, err := get("http://" + addr + "/metrics"); err != nil || code != http.StatusNotFound || strings.Contains(body, "silkbridge_http") {
		t.Errorf("main address /metrics: %d %v", code, err)
	}
	if code, body, err := get("http://" + metricsAddr + "/metrics"); err != nil || code != http.StatusOK || !strings.Contains(body, "silkbridge_http_requests_total") {
		t.Errorf("metrics address /metrics: %d %v", code, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve stopped with %v", err)
	}
}

func TestServe_RefusesToStartBeyondLoopbackWithoutABaseURL(t *testing.T) {
	err := runServe(context.Background(), []string{"--addr", ":0", "--db", filepath.Join(t.TempDir(), "sb.db")})
	if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "--base-url") {
		t.Fatalf("serve on all addresses without --base-url: %v", err)
	}
}
