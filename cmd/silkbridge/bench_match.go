package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/silkbridge/silkbridge/match"
	"github.com/silkbridge/silkbridge/match/gen"
)

func init() {
	registerBench(benchmark{
		name:    "match",
		summary: "end-to-end `silkbridge match` on a generated market: load, solve, write, peak memory",
		run:     benchMatch,
	})
}

// matchFigures is one line of `silkbridge bench match --json`.
type matchFigures struct {
	Algorithm    string  `json:"algorithm"`
	Residents    int     `json:"residents"`
	Hospitals    int     `json:"hospitals"`
	InputBytes   int64   `json:"input_bytes"`
	Matched      int     `json:"matched"`
	Proposals    int64   `json:"proposals"`
	Load         float64 `json:"load_s"`
	Solve        float64 `json:"solve_s"`
	Write        float64 `json:"write_s"`
	Wall         float64 `json:"wall_s"`
	CPU          float64 `json:"cpu_s"`
	ProposalsSec float64 `json:"proposals_per_s"`
	PeakRSS      int64   `json:"peak_rss_bytes"`
}

func benchMatch(ctx context.Context, args []string) error {
	fs := newFlagSet("bench match", "bench match [--residents N] [--regions R] [--algorithms da,fda] [--in FILE | --keep FILE] [--json]", `
Time "silkbridge match" end to end on a generated market (see "silkbridge
match gen --help"), or on --in FILE. The instance is written to a file,
then for each algorithm this binary runs "silkbridge match --in FILE --out
TMP" as a child process, so the figures are those of the real command: the
load (read, validate, index), solve and write times it records in timing_s,
the child's wall time from start to exit and the CPU time it used (on a
busy machine the wall time also counts other programs' turns), proposals
per second of solve, and its peak resident memory (the kernel's maximum
RSS of the child). Generation is not timed.`)
	residents := fs.Int("residents", 1_000_000, "residents in the generated market")
	regions := fs.Int("regions", 8, "regions in the generated market")
	seed := fs.Uint64("seed", 1, "random seed of the generated market")
	algs := fs.String("algorithms", "da,jrmp,fda", "comma-separated algorithms to run")
	inPath := fs.String("in", "", "time this instance file instead of a generated one")
	keep := fs.String("keep", "", "write the generated instance to this file and keep it")
	asJSON := fs.Bool("json", false, "print one JSON object per algorithm instead of a table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var list []match.Algorithm
	for _, name := range strings.Split(*algs, ",") {
		a, err := match.ParseAlgorithm(strings.TrimSpace(name))
		if err != nil {
			return fmt.Errorf("%w: --algorithms: %v", errUsage, err)
		}
		list = append(list, a)
	}
	dir, err := os.MkdirTemp("", "silkbridge-bench-match-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	file := *inPath
	var hospitals int
	if file == "" {
		file = *keep
		if file == "" {
			file = filepath.Join(dir, "instance.json")
		}
		fmt.Fprintf(os.Stderr, "generating %d residents, %d regions, seed %d ...\n", *residents, *regions, *seed)
		inst, err := gen.Generate(gen.Config{Residents: *residents, Regions: *regions, Seed: *seed})
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		if err := writeAtomically(file, func(w io.Writer) error { return match.WriteInstance(w, inst) }); err != nil {
			return err
		}
		hospitals = len(inst.Hospitals)
	} else {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		inst, err := match.ReadInstance(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		hospitals = len(inst.Hospitals)
	}
	fi, err := os.Stat(file)
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var rows []matchFigures
	for _, alg := range list {
		out := filepath.Join(dir, "matching-"+string(alg)+".json")
		cmd := exec.CommandContext(ctx, exe, "match", "--in", file, "--out", out, "--algorithm", string(alg), "--quiet")
		cmd.Stderr = os.Stderr
		began := time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("silkbridge match --algorithm %s: %w", alg, err)
		}
		wall := time.Since(began)
		row, err := readFigures(out)
		if err != nil {
			return err
		}
		row.Algorithm, row.Hospitals, row.InputBytes, row.Wall = string(alg), hospitals, fi.Size(), wall.Seconds()
		row.CPU = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			row.PeakRSS = ru.Maxrss << 10 // kilobytes on Linux
		}
		rows = append(rows, row)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "algorithm\tresidents\thospitals\tinput MB\tmatched\tproposals\tload s\tsolve s\twrite s\twall s\tcpu s\tproposals/s\tpeak RSS MB\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.1fM\t%d\t\n",
			r.Algorithm, r.Residents, r.Hospitals, float64(r.InputBytes)/(1<<20), r.Matched, r.Proposals,
			r.Load, r.Solve, r.Write, r.Wall, r.CPU, r.ProposalsSec/1e6, r.PeakRSS>>20)
	}
	return tw.Flush()
}

// readFigures reads the stats and timings of a matching file.
func readFigures(path string) (matchFigures, error) {
	f, err := os.Open(path)
	if err != nil {
		return matchFigures{}, err
	}
	defer f.Close()
	var doc struct {
		Assignment map[string]*string `json:"assignment"`
		Stats      struct {
			Matched   int   `json:"matched"`
			Proposals int64 `json:"proposals"`
		} `json:"stats"`
		Timing struct {
			Load, Solve, Write float64
		} `json:"timing_s"`
	}
	if err := json.NewDecoder(f).Decode(&doc); err != nil {
		return matchFigures{}, fmt.Errorf("%s: %w", path, err)
	}
	row := matchFigures{
		Residents: len(doc.Assignment), Matched: doc.Stats.Matched, Proposals: doc.Stats.Proposals,
		Load: doc.Timing.Load, Solve: doc.Timing.Solve, Write: doc.Timing.Write,
	}
	if row.Solve > 0 {
		row.ProposalsSec = float64(row.Proposals) / row.Solve
	}
	return row, nil
}
