package match_test

import (
	"bytes"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/match"
	"github.com/silkbridge/silkbridge/match/gen"
)

// benchSizes are the market sizes benchmarked: the US national residency
// match has about 50,000 applicants.
var benchSizes = []int{1_000, 50_000, 1_000_000}

var (
	benchMu        sync.Mutex
	benchInstances = map[[2]int]*match.Instance{}
	benchFiles     = map[[2]int][]byte{}
)

// benchInstance generates (once per process) a market of n residents with regions.
func benchInstance(b *testing.B, n, regions int) *match.Instance {
	benchMu.Lock()
	defer benchMu.Unlock()
	key := [2]int{n, regions}
	if in, ok := benchInstances[key]; ok {
		return in
	}
	in, err := gen.Generate(gen.Config{Residents: n, Regions: regions, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	benchInstances[key] = in
	return in
}

func benchFile(b *testing.B, n, regions int) []byte {
	in := benchInstance(b, n, regions)
	benchMu.Lock()
	defer benchMu.Unlock()
	key := [2]int{n, regions}
	if f, ok := benchFiles[key]; ok {
		return f
	}
	var buf bytes.Buffer
	if err := match.WriteInstance(&buf, in); err != nil {
		b.Fatal(err)
	}
	benchFiles[key] = buf.Bytes()
	return buf.Bytes()
}

// BenchmarkSolve times the proposal phase alone, on a prepared instance, and
// reports nanoseconds per proposal and proposals per second.
func BenchmarkSolve(b *testing.B) {
	for _, n := range benchSizes {
		for _, alg := range match.Algorithms {
			b.Run(fmt.Sprintf("alg=%s/residents=%d/regions=8", alg, n), func(b *testing.B) {
				if n >= 1_000_000 && testing.Short() {
					b.Skip("1M residents skipped in -short")
				}
				p, err := match.Prepare(benchInstance(b, n, 8))
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				var res *match.Result
				cpu := cpuTime()
				for b.Loop() {
					res, err = p.Solve(alg)
					if err != nil {
						b.Fatal(err)
					}
				}
				reportProposals(b, res, cpuTime()-cpu)
			})
		}
	}
}

// reportProposals adds the per-proposal figures of a solve benchmark, by
// wall-clock time and, as a figure that holds on a busy machine, by the
// process's CPU time.
func reportProposals(b *testing.B, res *match.Result, cpu time.Duration) {
	perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	cpuPerOp := float64(cpu.Nanoseconds()) / float64(b.N)
	props := float64(res.Proposals)
	b.ReportMetric(props, "proposals/op")
	b.ReportMetric(perOp/props, "ns/proposal")
	b.ReportMetric(props/(perOp/1e9), "proposals/s")
	b.ReportMetric(cpuPerOp/props, "cpu-ns/proposal")
	b.ReportMetric(props/(cpuPerOp/1e9), "cpu-proposals/s")
	b.ReportMetric(float64(res.Matched), "matched/op")
}

// cpuTime returns the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPrepare times building the rank tables the solvers share.
func BenchmarkPrepare(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("residents=%d", n), func(b *testing.B) {
			if n >= 1_000_000 && testing.Short() {
				b.Skip("1M residents skipped in -short")
			}
			in := benchInstance(b, n, 8)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := match.Prepare(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoad times reading and validating an instance file.
func BenchmarkLoad(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("residents=%d", n), func(b *testing.B) {
			if n >= 1_000_000 && testing.Short() {
				b.Skip("1M residents skipped in -short")
			}
			file := benchFile(b, n, 8)
			b.SetBytes(int64(len(file)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := match.ReadInstance(bytes.NewReader(file)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWrite times writing a matching file.
func BenchmarkWrite(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("residents=%d", n), func(b *testing.B) {
			if n >= 1_000_000 && testing.Short() {
				b.Skip("1M residents skipped in -short")
			}
			res, err := match.Solve(benchInstance(b, n, 8), match.DA)
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			if err := match.WriteMatching(&buf, res, match.Output{}); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := match.WriteMatching(&buf, res, match.Output{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
