package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServe_ABadSMTPURLIsAClearErrorAtStart: serve refuses to start with
// a mail setting it cannot use, says which, does not repeat the password,
// and touches no database.
func TestServe_ABadSMTPURLIsAClearErrorAtStart(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--smtp-url", "http://mail.example.org"}, "scheme"},
		{[]string{"--smtp-url", "smtp://user:hunter2@mail.example.org:notaport", "--mail-from", "a@example.org"}, "smtp url"},
		{[]string{"--smtp-url", "smtp://mail.example.org:2525"}, "mail from"},
		{[]string{"--smtp-url", "smtp://mail.example.org:2525", "--mail-from", "nobody"}, "mail from"},
	} {
		db := filepath.Join(t.TempDir(), "sb.db")
		err := runServe(context.Background(), append(tc.args, "--db", db))
		if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want a usage error about %q", tc.args, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%v: the error repeats the password: %v", tc.args, err)
		}
		if _, serr := os.Stat(db); serr == nil {
			t.Errorf("%v: a database was created before the settings were checked", tc.args)
		}
	}
}
