package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/silkbridge/silkbridge/schedule"
	"github.com/silkbridge/silkbridge/schedule/exact"
)

func init() {
	registerBench(benchmark{
		name:    "schedule",
		summary: "brokerage-meeting scheduler on generated events: placed/upper bound, time, memory",
		run:     benchSchedule,
	})
}

// scheduleFigures is one line of `silkbridge bench schedule --json`.
type scheduleFigures struct {
	Family       string  `json:"family"`
	Seed         uint64  `json:"seed"`
	Participants int     `json:"participants"`
	Requests     int     `json:"requests"`
	Slots        int     `json:"slots"`
	Tables       int     `json:"tables"`
	Placed       int     `json:"placed"`
	UpperBound   int     `json:"upper_bound"`
	Ratio        float64 `json:"ratio"`
	Seconds      float64 `json:"seconds"`
	CPUSeconds   float64 `json:"cpu_seconds"`
	IdleGapsMean float64 `json:"idle_gaps_mean"`
	// The greedy baseline: requests in request order, earliest free slot.
	GreedyPlaced       int     `json:"greedy_placed"`
	GreedyIdleGapsMean float64 `json:"greedy_idle_gaps_mean"`
	// Only for the small family, from the exact search.
	OptimumPlaced   *int   `json:"optimum_placed,omitempty"`
	OptimumIdleGaps *int   `json:"optimum_idle_gaps,omitempty"`
	IdleGaps        int    `json:"idle_gaps"`
	AllocBytes      uint64 `json:"alloc_bytes"`
	Allocs          uint64 `json:"allocs"`
	PeakHeap        uint64 `json:"peak_heap_bytes"`
	GOMAXPROCS      int    `json:"gomaxprocs"`
}

func benchSchedule(ctx context.Context, args []string) error {
	fs := newFlagSet("bench schedule", "bench schedule [--family easy,tight,small] [--sizes 200,2000,10000] [--json] [flags]", `
Generate brokerage events of one or more families and schedule their
accepted meetings, one event per size:

  easy   10 requests per participant, 16 slots, a table for everyone
         (N/2 per slot), availability 60-100% of the slots;
  tight  8 requests per participant and three times as many for the most
         popular tenth, 16 slots with tables for 70% of the average demand
         per slot, everyone available in exactly 60% of the slots;
  small  --instances events of 6 to 12 participants and 3 to 6 slots, each
         also solved by an exact search (package schedule/exact), which
         gives the most meetings any schedule places and the fewest idle
         gaps among those schedules.

--meetings, --slots, --tables, --min-available and --max-available, when
given, override the family's value. Events come from a fixed seed (--seed),
so runs are comparable.

For each event it prints the requests, the meetings placed, the scheduler's
upper bound on what any schedule could place and their ratio, the time to
schedule (generation excluded) by the wall clock and in processor time, the
mean idle gaps (slots between a participant's first and last meeting in
which they do not meet, averaged over participants with meetings) beside
those of the greedy baseline (each request in request order takes its
earliest free slot), and for easy and tight the bytes allocated and the peak
heap. --improve bounds the improvement steps (fairness, fewer gaps). Set
GOMAXPROCS=1 to measure on one core.`)
	families := fs.String("family", "easy", "comma-separated `families`: easy, tight, small")
	sizes := fs.String("sizes", "200,2000,10000", "comma-separated `numbers` of participants (easy, tight)")
	instances := fs.Int("instances", 100, "events of the small family")
	meetings := fs.Int("meetings", 10, "accepted meetings per participant")
	slots := fs.Int("slots", 16, "time slots per event")
	tables := fs.Int("tables", 0, "tables per slot; 0 means half the participants, enough for everyone")
	minAvail := fs.Float64("min-available", 0.6, "least share of the slots a participant is available in")
	maxAvail := fs.Float64("max-available", 1, "greatest share of the slots a participant is available in")
	seed := fs.Uint64("seed", 1, "random seed of the generated events")
	runs := fs.Int("runs", 1, "timed runs per size; the fastest is reported, which steadies figures on a busy machine")
	improve := fs.Duration("improve", schedule.DefaultImprove, "time the improvement steps may take per event")
	asJSON := fs.Bool("json", false, "print one JSON object per event instead of a table")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	var ns []int
	for _, f := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 2 {
			return fmt.Errorf("%w: --sizes: %q is not a number of participants (2 or more)", errUsage, f)
		}
		ns = append(ns, n)
	}
	if *meetings < 0 || *tables < 0 || *slots < 1 || *runs < 1 || *instances < 1 || *improve < 0 {
		return fmt.Errorf("%w: --meetings, --tables and --improve must be 0 or more, --slots, --runs and --instances 1 or more", errUsage)
	}
	var fams []string
	for _, f := range strings.Split(*families, ",") {
		f = strings.TrimSpace(f)
		if _, err := schedule.Family(f, 2, 1); err != nil {
			return fmt.Errorf("%w: --family: %v", errUsage, err)
		}
		fams = append(fams, f)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	override := func(c *schedule.GenerateConfig) {
		if given["meetings"] {
			c.MeetingsEach = *meetings
		}
		if given["slots"] {
			c.Slots = *slots
		}
		if given["tables"] {
			c.Tables, c.TablesShare = *tables, 0
		}
		if given["min-available"] {
			c.MinAvailable = *minAvail
		}
		if given["max-available"] {
			c.MaxAvailable = *maxAvail
		}
	}

	var tw *tabwriter.Writer
	if !*asJSON {
		tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "family\tparticipants\trequests\ttables\tplaced\tupper bound\tplaced/bound\tseconds\tcpu seconds\tidle gaps\tgreedy idle gaps\tallocated\tpeak heap\t")
	}
	enc := json.NewEncoder(os.Stdout)
	opt := schedule.Options{Improve: *improve}
	for _, fam := range fams {
		if fam == "small" {
			if err := benchSmall(ctx, *instances, *seed, opt, override, enc, tw); err != nil {
				return err
			}
			continue
		}
		for _, n := range ns {
			if err := ctx.Err(); err != nil {
				return err
			}
			c, err := schedule.Family(fam, n, *seed)
			if err != nil {
				return fmt.Errorf("%w: %v", errUsage, err)
			}
			override(&c)
			in, err := schedule.Generate(c)
			if err != nil {
				return fmt.Errorf("%w: %v", errUsage, err)
			}
			fig, err := measureSchedule(in, *runs, opt, true)
			if err != nil {
				return err
			}
			fig.Family, fig.Seed = fam, *seed
			if *asJSON {
				if err := enc.Encode(fig); err != nil {
					return err
				}
				continue
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%.2f%%\t%.3f\t%.3f\t%.2f\t%.2f\t%s\t%s\t\n", fam, fig.Participants, fig.Requests, fig.Tables,
				fig.Placed, fig.UpperBound, 100*fig.Ratio, fig.Seconds, fig.CPUSeconds, fig.IdleGapsMean, fig.GreedyIdleGapsMean,
				mebibytes(fig.AllocBytes), mebibytes(fig.PeakHeap))
		}
	}
	if tw != nil {
		return tw.Flush()
	}
	return nil
}

// benchSmall schedules the small family's events and compares each with
// the exact optimum; the table shows one summary line.
func benchSmall(ctx context.Context, instances int, seed uint64, opt schedule.Options,
	override func(*schedule.GenerateConfig), enc *json.Encoder, tw *tabwriter.Writer) error {
	var atOptimum, gapsWithinOne, requests, placed, bound int
	var seconds float64
	for i := range instances {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, err := schedule.Family("small", 12, seed*1_000_003+uint64(i))
		if err != nil {
			return err
		}
		override(&c)
		in, err := schedule.Generate(c)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		fig, err := measureSchedule(in, 1, opt, false)
		if err != nil {
			return err
		}
		best, bestGaps, err := exact.Optimum(in)
		if err != nil {
			return err
		}
		fig.Family, fig.Seed = "small", c.Seed
		fig.OptimumPlaced, fig.OptimumIdleGaps = &best, &bestGaps
		if fig.Placed == best {
			atOptimum++
			if fig.IdleGaps <= bestGaps+1 {
				gapsWithinOne++
			}
		}
		requests += fig.Requests
		placed += fig.Placed
		bound += fig.UpperBound
		seconds += fig.Seconds
		if tw == nil {
			if err := enc.Encode(fig); err != nil {
				return err
			}
		}
	}
	if tw != nil {
		fmt.Fprintf(tw, "small\t%d events\t%d\t\t%d\t%d\t%.2f%%\t%.3f\t\t\t\t\t\t\n", instances, requests, placed, bound,
			100*float64(placed)/float64(max(bound, 1)), seconds)
		fmt.Fprintf(tw, "small\tat the optimum\t%d of %d\tgaps within 1 of the optimum\t%d of %d\t\t\t\t\t\t\t\t\t\n",
			atOptimum, instances, gapsWithinOne, instances)
	}
	return nil
}

// measureSchedule schedules in runs times, timed, and once more watched for
// its peak heap, so that the sampling does not take from a timed run's
// core. Every run gives the same schedule; allocation figures are the
// first run's.
func measureSchedule(in schedule.Input, runs int, opt schedule.Options, heap bool) (scheduleFigures, error) {
	var res schedule.Result
	var before, after runtime.MemStats
	elapsed, cpu := time.Duration(1<<63-1), time.Duration(1<<63-1)
	for i := range runs {
		runtime.GC()
		if i == 0 {
			runtime.ReadMemStats(&before)
		}
		user0, sys0 := cpuTime()
		start := time.Now()
		var err error
		res, err = schedule.ScheduleWith(in, opt)
		elapsed = min(elapsed, time.Since(start))
		user1, sys1 := cpuTime()
		cpu = min(cpu, user1-user0+sys1-sys0)
		if i == 0 {
			runtime.ReadMemStats(&after)
		}
		if err != nil {
			return scheduleFigures{}, fmt.Errorf("schedule: %w", err)
		}
	}
	fig := scheduleFigures{
		Placed:     res.Placed(),
		UpperBound: res.UpperBound,
		Seconds:    elapsed.Seconds(),
		CPUSeconds: cpu.Seconds(),
		AllocBytes: after.TotalAlloc - before.TotalAlloc,
		Allocs:     after.Mallocs - before.Mallocs,
		GOMAXPROCS: runtime.GOMAXPROCS(0),
	}
	if res.UpperBound > 0 {
		fig.Ratio = float64(res.Placed()) / float64(res.UpperBound)
	}
	fig.Participants, fig.Requests, fig.Slots = len(in.Participants), len(in.Requests), len(in.Slots)
	if len(in.Slots) > 0 {
		fig.Tables = in.Slots[0].Tables
	}
	var people int
	fig.IdleGaps, people = schedule.IdleGaps(in, res)
	fig.IdleGapsMean = float64(fig.IdleGaps) / float64(max(people, 1))
	greedy, err := schedule.Greedy(in)
	if err != nil {
		return scheduleFigures{}, fmt.Errorf("greedy: %w", err)
	}
	gaps, people := schedule.IdleGaps(in, greedy)
	fig.GreedyPlaced, fig.GreedyIdleGapsMean = greedy.Placed(), float64(gaps)/float64(max(people, 1))
	if heap {
		fig.PeakHeap = peakHeap(in, opt)
	}
	return fig, nil
}

// peakHeap runs the scheduler on in and returns how far the heap (live
// objects and garbage not yet swept) grew above its size before the run.
func peakHeap(in schedule.Input, opt schedule.Options) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	stop, result := make(chan struct{}), make(chan uint64)
	go func() {
		peak := base
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				result <- peak
				return
			case <-tick.C:
				peak = max(peak, read())
			}
		}
	}()
	_, _ = schedule.ScheduleWith(in, opt) // the timed run already reported any error
	last := read()
	close(stop)
	peak := max(<-result, last)
	return peak - base
}

func mebibytes(b uint64) string {
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}
