package main

import (
	"flag"
	"fmt"
	"strconv"

	"github.com/silkbridge/silkbridge/web"
)

// Defaults of the request limits: far above what a person browsing does
// (a page every few seconds, a burst of htmx requests while typing a
// search), even for a whole office behind one address, and far below what
// a runaway script sends.
const (
	defaultRateLimit = 600 // requests a minute per address, ten a second
	defaultRateBurst = 200
)

// limitFlags are serve's flags for the request limits.
type limitFlags struct {
	rate, burst, expensive *string
}

func addLimitFlags(fs *flag.FlagSet) *limitFlags {
	return &limitFlags{
		rate: fs.String("rate-limit", env("SILKBRIDGE_RATE_LIMIT", strconv.Itoa(defaultRateLimit)),
			"requests a minute that one client address may send without signing in; 0 turns the limit off (env SILKBRIDGE_RATE_LIMIT)"),
		burst: fs.String("rate-burst", env("SILKBRIDGE_RATE_BURST", strconv.Itoa(defaultRateBurst)),
			"requests such a client may send at once above the rate (env SILKBRIDGE_RATE_BURST)"),
		expensive: fs.String("max-expensive", env("SILKBRIDGE_MAX_EXPENSIVE", "0"),
			"searches, analytics and recommendations served at once, beyond which a request waits briefly, then gets 503; 0 sizes it to the machine, -1 turns the bound off (env SILKBRIDGE_MAX_EXPENSIVE)"),
	}
}

// apply puts the parsed limits in cfg; a value that is not a whole number
// is refused with the flag's name.
func (f *limitFlags) apply(cfg *web.Config) error {
	for _, v := range []struct {
		name string
		s    *string
		dst  *int
		min  int
	}{
		{"rate-limit", f.rate, &cfg.RateLimit, 0},
		{"rate-burst", f.burst, &cfg.RateBurst, 0},
		{"max-expensive", f.expensive, &cfg.MaxExpensive, -1},
	} {
		n, err := strconv.Atoi(*v.s)
		if err != nil || n < v.min {
			return fmt.Errorf("%w: --%s must be a whole number of at least %d, not %q", errUsage, v.name, v.min, *v.s)
		}
		*v.dst = n
	}
	return nil
}
