package main

import (
	"errors"
	"strings"
	"testing"
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
