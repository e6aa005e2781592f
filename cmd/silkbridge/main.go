// Command silkbridge is the Silkbridge platform: a web site, a JSON API and
// the operator's command line in one binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// A command is one subcommand of the binary.
type command struct {
	name    string
	summary string
	// run receives the arguments after the subcommand's name.
	run func(ctx context.Context, args []string) error
}

var commands = map[string]command{}

// register adds a subcommand; each subcommand registers itself from its own file.
func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("silkbridge: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// errUsage marks an error the user made on the command line: it is printed
// without a stack of context and exits with status 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				_ = c.run(ctx, []string{"--help"})
				return 0
			}
		}
		usage(stdout)
		return 0
	}
	if args[0] == "--version" {
		args = append([]string{"version"}, args[1:]...)
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "silkbridge: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	err := c.run(ctx, args[1:])
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "silkbridge %s: %v\n", c.name, err)
		return 2
	default:
		fmt.Fprintf(stderr, "silkbridge %s: %v\n", c.name, err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Silkbridge: the service platform for international science and technology
cooperation (policies, talents and training programmes, cooperation
marketplace, the depth ladder of cooperations, events and brokerage meetings,
lessons learned, parks and technology transfer, analytics).

Usage:
  silkbridge <command> [flags]

Commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
Run "silkbridge <command> --help" for the flags of one command.

The database is chosen by --db or SILKBRIDGE_DB: a file path opens SQLite
(default ./silkbridge.db), a postgres:// URL opens PostgreSQL.
`)
}

// newFlagSet returns a flag set whose --help prints the command's summary,
// its usage line and its flags.
func newFlagSet(name, usageLine, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: silkbridge %s\n\n%s\n", usageLine, strings.TrimSpace(about))
		var hasFlags bool
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprint(w, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}
