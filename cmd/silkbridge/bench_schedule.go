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
	Participants int     `json:"participants"`
	Requests     int     `json:"requests"`
	Slots        int     `json:"slots"`
	Tables       int     `json:"tables_per_slot"`
	Placed       int     `json:"placed"`
	UpperBound   int     `json:"upper_bound"`
	Ratio        float64 `json:"ratio"`
	Seconds      float64 `json:"seconds"`
	CPUSeconds   float64 `json:"cpu_seconds"`
	AllocBytes   uint64  `json:"alloc_bytes"`
	Allocs       uint64  `json:"allocs"`
	PeakHeap     uint64  `json:"peak_heap_bytes"`
	GOMAXPROCS   int     `json:"gomaxprocs"`
}

func benchSchedule(ctx context.Context, args []string) error {
	fs := newFlagSet("bench schedule", "bench schedule [--sizes 200,2000,10000] [--json] [flags]", `
Generate brokerage events and schedule their accepted meetings, one event
per size. An event of N participants has N*M/2 accepted requests (M =
--meetings, default 10), so that every participant takes part in exactly M
of them; S slots (--slots, default 16); N/2 tables per slot, enough for
everyone to sit at once (--tables); and each participant is available in a
random share of the slots between 60% and 100% (--min-available,
--max-available). Events come from a fixed seed (--seed), so runs are
comparable.

For each size it prints the requests, the meetings placed, the scheduler's
upper bound on what any schedule could place and their ratio, the time to
schedule (generation excluded) by the wall clock and in processor time
(which a busy machine disturbs less), the bytes and objects allocated, and the
peak heap: the most the heap grew above its size before the run, sampled
every millisecond in a second, untimed run. Set GOMAXPROCS=1 to measure on
one core.`)
	sizes := fs.String("sizes", "200,2000,10000", "comma-separated `numbers` of participants")
	meetings := fs.Int("meetings", 10, "accepted meetings per participant")
	slots := fs.Int("slots", 16, "time slots per event")
	tables := fs.Int("tables", 0, "tables per slot; 0 means half the participants, enough for everyone")
	minAvail := fs.Float64("min-available", 0.6, "least share of the slots a participant is available in")
	maxAvail := fs.Float64("max-available", 1, "greatest share of the slots a participant is available in")
	seed := fs.Uint64("seed", 1, "random seed of the generated events")
	runs := fs.Int("runs", 1, "timed runs per size; the fastest is reported, which steadies figures on a busy machine")
	asJSON := fs.Bool("json", false, "print one JSON object per size instead of a table")
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
	if *meetings < 0 || *tables < 0 || *slots < 1 || *runs < 1 {
		return fmt.Errorf("%w: --meetings and --tables must be 0 or more, --slots and --runs 1 or more", errUsage)
	}

	var tw *tabwriter.Writer
	if !*asJSON {
		tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "participants\trequests\tplaced\tupper bound\tplaced/bound\tseconds\tcpu seconds\tallocated\tpeak heap\t")
	}
	enc := json.NewEncoder(os.Stdout)
	for _, n := range ns {
		if err := ctx.Err(); err != nil {
			return err
		}
		in, err := schedule.Generate(schedule.GenerateConfig{
			Participants: n, MeetingsEach: *meetings, Slots: *slots, Tables: *tables,
			MinAvailable: *minAvail, MaxAvailable: *maxAvail, Seed: *seed,
		})
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		fig, err := measureSchedule(in, *runs)
		if err != nil {
			return err
		}
		fig.Participants, fig.Requests, fig.Slots = n, len(in.Requests), *slots
		fig.Tables = in.Slots[0].Tables
		if *asJSON {
			if err := enc.Encode(fig); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%.2f%%\t%.3f\t%.3f\t%s\t%s\t\n", fig.Participants, fig.Requests,
			fig.Placed, fig.UpperBound, 100*fig.Ratio, fig.Seconds, fig.CPUSeconds, mebibytes(fig.AllocBytes), mebibytes(fig.PeakHeap))
	}
	if tw != nil {
		return tw.Flush()
	}
	return nil
}

// measureSchedule schedules in runs times, timed, and once more watched for
// its peak heap, so that the sampling does not take from a timed run's
// core. Every run gives the same schedule; allocation figures are the
// first run's.
func measureSchedule(in schedule.Input, runs int) (scheduleFigures, error) {
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
		res, err = schedule.Schedule(in)
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
	fig.PeakHeap = peakHeap(in)
	return fig, nil
}

// peakHeap runs the scheduler on in and returns how far the heap (live
// objects and garbage not yet swept) grew above its size before the run.
func peakHeap(in schedule.Input) uint64 {
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
	_, _ = schedule.Schedule(in) // the timed run already reported any error
	last := read()
	close(stop)
	peak := max(<-result, last)
	return peak - base
}

func mebibytes(b uint64) string {
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}
