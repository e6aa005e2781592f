package main

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/web"
)

func TestLimitFlags_FlagsAndEnvironmentSetTheLimitsAndBadValuesAreNamed(t *testing.T) {
	parse := func(args ...string) (web.Config, error) {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		lf := addLimitFlags(fs)
		if err := fs.Parse(args); err != nil {
			return web.Config{}, err
		}
		var cfg web.Config
		err := lf.apply(&cfg)
		return cfg, err
	}
	cfg, err := parse()
	if err != nil || cfg.RateLimit != defaultRateLimit || cfg.RateBurst != defaultRateBurst || cfg.MaxExpensive != 0 {
		t.Errorf("defaults: %+v, %v", cfg, err)
	}
	cfg, err = parse("--rate-limit", "0", "--max-expensive", "-1")
	if err != nil || cfg.RateLimit != 0 || cfg.MaxExpensive != -1 {
		t.Errorf("rate limit off, bound off: %+v, %v", cfg, err)
	}
	t.Setenv("SILKBRIDGE_RATE_LIMIT", "120")
	t.Setenv("SILKBRIDGE_MAX_EXPENSIVE", "8")
	if cfg, err = parse(); err != nil || cfg.RateLimit != 120 || cfg.MaxExpensive != 8 {
		t.Errorf("from the environment: %+v, %v", cfg, err)
	}
	if cfg, err = parse("--rate-limit", "300"); err != nil || cfg.RateLimit != 300 {
		t.Errorf("the flag over the environment: %+v, %v", cfg, err)
	}
	for _, args := range [][]string{{"--rate-limit", "lots"}, {"--rate-burst", "-3"}, {"--max-expensive", "-2"}} {
		_, err := parse(args...)
		if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("%v: %v, want a usage error naming %s", args, err, args[0])
		}
	}
}
