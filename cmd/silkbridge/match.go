package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/silkbridge/silkbridge/match"
	"github.com/silkbridge/silkbridge/match/gen"
)

func init() {
	register(command{
		name:    "match",
		summary: "match talents to host positions from a file (match --help; match gen --help)",
		run:     runMatch,
	})
}

const matchAbout = `
Read a matching instance (format hr-instance/1: residents, that is talents,
with ranked lists of hospitals, that is host positions; hospitals with
capacities and ranked lists of residents; optional regions, targets, floors
and group quotas), solve it, and write the matching (format hr-matching/1:
each resident's hospital or null, the number matched, the proposals made,
and the time taken).

Algorithms (all resident-proposing deferred acceptance):
  da    the resident-optimal stable matching, ignoring regions and quotas
  jrmp  each hospital's capacity lowered to its target, which keeps the
        regional caps but leaves seats empty
  fda   flexible deferred acceptance (Kamada and Kojima, 2015): targets
        first, then the seats left under each regional cap handed out in
        the region's turn order; regions must be disjoint
jrmp and fda also apply group quotas, split over their hospitals in
proportion to capacity. A hospital's default target is
floor(capacity * region cap / seats of the region). Floors are never
enforced; the summary reports the deficit.

A bad file is refused with a message naming the entry, for example
  hospitals[3] "h7": duplicate resident "r2" in prefs
and nothing is written. The output is written to a temporary file and
renamed into place once complete. Everything in it but timing_s depends
only on the input, the version and the algorithm; --no-timing writes 0
there so that the same input always gives the same bytes.

Generate an instance with "silkbridge match gen".`

func runMatch(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "gen" {
		return runMatchGen(ctx, args[1:])
	}
	fs := newFlagSet("match", "match --in FILE [--out FILE] [--algorithm da|jrmp|fda] [--no-timing] [--quiet]", matchAbout)
	inPath := fs.String("in", "", "instance file (hr-instance/1), or - for standard input")
	outPath := fs.String("out", "-", "matching file to write (hr-matching/1), or - for standard output")
	algName := fs.String("algorithm", "da", "da, jrmp or fda")
	noTiming := fs.Bool("no-timing", false, "write 0 for every time in timing_s, for byte-identical output")
	quiet := fs.Bool("quiet", false, "print no summary on standard error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *inPath == "" {
		return fmt.Errorf("%w: --in is required (an hr-instance/1 file, or - for standard input)", errUsage)
	}
	alg, err := match.ParseAlgorithm(*algName)
	if err != nil {
		return fmt.Errorf("%w: --algorithm: %v", errUsage, err)
	}
	run, err := matchFile(*inPath, *outPath, alg, !*noTiming, !*quiet)
	if err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintln(os.Stderr, run.summary())
	}
	return nil
}

// parseFlags parses args, treating --help as success and anything left over as a mistake.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return nil
}

// matchRun is one run of `silkbridge match` and its figures.
type matchRun struct {
	alg                match.Algorithm
	residents          int
	hospitals          int
	res                *match.Result
	load, solve, write time.Duration
	prepare            time.Duration // part of load
	inputBytes         int64
	peakRSS            int64 // bytes, 0 if unknown
	floorDeficit       int
}

func (r *matchRun) summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: matched %d of %d residents over %d hospitals, %d proposals; load %.3fs (%d MB, prepare %.3fs), solve %.3fs, write %.3fs",
		r.alg, r.res.Matched, r.residents, r.hospitals, r.res.Proposals,
		r.load.Seconds(), r.inputBytes>>20, r.prepare.Seconds(), r.solve.Seconds(), r.write.Seconds())
	if r.floorDeficit > 0 {
		fmt.Fprintf(&b, "; floors short by %d", r.floorDeficit)
	}
	if r.peakRSS > 0 {
		fmt.Fprintf(&b, "; peak memory %d MB", r.peakRSS>>20)
	}
	return b.String()
}

// matchFile reads, solves and writes one instance.
func matchFile(inPath, outPath string, alg match.Algorithm, timing, progress bool) (*matchRun, error) {
	run := &matchRun{alg: alg}
	began := time.Now()
	f, name := os.Stdin, "standard input"
	if inPath != "-" {
		var err error
		if f, err = os.Open(inPath); err != nil {
			return nil, err
		}
		defer f.Close()
		name = inPath
	}
	sum := sha256.New()
	src := &teeFile{File: f, w: sum}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		run.inputBytes = fi.Size()
		if progress && isTerminal(os.Stderr) && fi.Size() > 64<<20 {
			bar := progressbar.DefaultBytes(fi.Size(), "reading "+filepath.Base(inPath))
			defer bar.Close()
			src.w = io.MultiWriter(sum, bar)
		}
	}
	inst, err := match.ReadInstance(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var digest [32]byte
	sum.Sum(digest[:0])
	run.residents, run.hospitals = len(inst.Residents), len(inst.Hospitals)
	prepBegan := time.Now()
	prepared, err := match.Prepare(inst)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	run.prepare = time.Since(prepBegan)
	run.load = time.Since(began)

	began = time.Now()
	res, err := prepared.Solve(alg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	run.solve = time.Since(began)
	run.res = res

	began = time.Now()
	out := match.Output{InstanceSHA256: digest, Solver: "silkbridge " + version + " " + string(alg)}
	var t *match.Timing
	if timing {
		t = &match.Timing{Load: run.load, Solve: run.solve}
		out.Timing = t
	}
	if err := writeAtomically(outPath, func(w io.Writer) error { return match.WriteMatching(w, res, out) }); err != nil {
		return nil, err
	}
	run.write = time.Since(began)
	intake := make([]int, len(inst.Hospitals))
	for _, h := range res.Assignment {
		if h >= 0 {
			intake[h]++
		}
	}
	for h := range inst.Hospitals {
		run.floorDeficit += max(inst.Hospitals[h].Floor-intake[h], 0)
	}
	run.peakRSS = peakRSS()
	return run, nil
}

// teeFile is a file whose reads are copied to w (a hash, a progress bar).
// It keeps the file's Stat, from which the reader sizes its arrays.
type teeFile struct {
	*os.File
	w io.Writer
}

func (t *teeFile) Read(p []byte) (int, error) {
	n, err := t.File.Read(p)
	if n > 0 {
		t.w.Write(p[:n]) // hashes and progress bars never fail
	}
	return n, err
}

// writeAtomically writes a file through a temporary file in the same
// folder, renamed into place only when complete; "-" writes to standard output.
func writeAtomically(path string, write func(io.Writer) error) error {
	if path == "-" {
		w := bufio.NewWriter(os.Stdout)
		if err := write(w); err != nil {
			return err
		}
		return w.Flush()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	// CreateTemp makes the file private; the result is an ordinary file.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// peakRSS returns the process's peak resident memory (VmHWM) in bytes, or 0
// where /proc is not available.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

const matchGenAbout = `
Generate a matching instance (hr-instance/1) that looks like a real,
concentrated market: hospital prestige z ~ N(0,1); capacities uniform in
[1, 12], the larger ones to the more prestigious; about 0.92 seats per
resident; each resident lists 10 to 20 distinct hospitals drawn with
probability proportional to capacity * exp(z), ranked by z + N(0,1); each
hospital ranks its applicants by a common quality plus noise. With
--regions R >= 1 the top quarter of hospitals by prestige form a "metro"
region capped at 70% of its seats and the others are spread over R-1
regions capped at their seats. The same flags always give the same file.`

func runMatchGen(_ context.Context, args []string) error {
	fs := newFlagSet("match gen", "match gen --residents N [--regions R] [--seed S] --out FILE", matchGenAbout)
	residents := fs.Int("residents", 1000, "number of residents")
	regions := fs.Int("regions", 8, "number of regions (0 for none)")
	seed := fs.Uint64("seed", 1, "random seed")
	groups := fs.Int("groups", 0, "give residents one of this many country codes as group (0 for none)")
	quota := fs.Float64("group-quota", 0, "cap each group in the metro region at this share of its cap (0 for none)")
	floors := fs.Bool("floors", false, "give the least prestigious quarter of hospitals a floor of one")
	outPath := fs.String("out", "-", "file to write, or - for standard output")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	inst, err := gen.Generate(gen.Config{Residents: *residents, Regions: *regions, Seed: *seed,
		Groups: *groups, GroupQuota: *quota, Floors: *floors})
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return writeAtomically(*outPath, func(w io.Writer) error { return match.WriteInstance(w, inst) })
}
