package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// A benchmark is one `silkbridge bench NAME` subcommand: it times a whole
// process (an import, a matching run, a scheduler) and prints its figures.
type benchmark struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string) error
}

var benchmarks = map[string]benchmark{}

// registerBench adds a `silkbridge bench` subcommand from its own file.
func registerBench(b benchmark) {
	if _, dup := benchmarks[b.name]; dup {
		panic("silkbridge: benchmark registered twice: " + b.name)
	}
	benchmarks[b.name] = b
}

func init() {
	register(command{
		name:    "bench",
		summary: "time whole operations and print their figures (bench NAME --help)",
		run:     runBench,
	})
}

func runBench(ctx context.Context, args []string) error {
	names := make([]string, 0, len(benchmarks))
	for n := range benchmarks {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		var b strings.Builder
		b.WriteString("Usage: silkbridge bench NAME [flags]\n\nBenchmarks:\n")
		for _, n := range names {
			fmt.Fprintf(&b, "  %-10s %s\n", n, benchmarks[n].summary)
		}
		fmt.Print(b.String())
		if len(args) == 0 {
			return fmt.Errorf("%w: name a benchmark", errUsage)
		}
		return nil
	}
	bm, ok := benchmarks[args[0]]
	if !ok {
		return fmt.Errorf("%w: unknown benchmark %q (have: %s)", errUsage, args[0], strings.Join(names, ", "))
	}
	return bm.run(ctx, args[1:])
}
