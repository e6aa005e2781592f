package recommend_test

import (
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/cordis"
	"github.com/silkbridge/silkbridge/recommend"
	"github.com/silkbridge/silkbridge/recommend/eval"

	"github.com/silkbridge/silkbridge/datatest"
)

// BenchmarkRecommend_WholeH2020Record ranks partners, with reasons, over
// the graph of the whole H2020 record (every year), for the coordinators
// of real consortia with their context, one query at a time as a web
// request would, in the mixed and the new-partners mode. It reports the
// p95 beside the mean, and the CPU time per recommendation.
func BenchmarkRecommend_WholeH2020Record(b *testing.B) {
	data := filepath.Join("..", "..", "shared", "data")
	datatest.Require(b, data)
	paths, err := cordis.Locate(data)
	if err != nil {
		b.Fatal(err)
	}
	rec, err := eval.Load(paths)
	if err != nil {
		b.Fatal(err)
	}
	var dated []*eval.Project
	var queries []recommend.Query
	for _, p := range rec.Projects {
		if p.Year == 0 {
			continue
		}
		dated = append(dated, p)
		if q, ok := eval.QueryFor(p); ok && len(p.Members) >= eval.MinConsortium && len(queries) < 2000 {
			q.Limit = 20
			queries = append(queries, q)
		}
	}
	g, err := eval.BuildGraph(dated, eval.Countries(rec.Projects, nil))
	if err != nil {
		b.Fatal(err)
	}
	r, err := recommend.New(g, recommend.DefaultModel())
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name        string
		newPartners bool
	}{{"mixed", false}, {"new_partners", true}} {
		b.Run(mode.name, func(b *testing.B) {
			// Warm: the pooled scratch exists before the timing starts.
			for _, q := range queries[:10] {
				q.NewPartners = mode.newPartners
				if _, err := r.Recommend(q); err != nil {
					b.Fatal(err)
				}
			}
			times := make([]time.Duration, 0, b.N)
			cpu0 := cpuTime(b)
			b.ResetTimer()
			i := 0
			for b.Loop() {
				q := queries[i%len(queries)]
				q.NewPartners = mode.newPartners
				start := time.Now()
				if _, err := r.Recommend(q); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
				i++
			}
			b.StopTimer()
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)*95/100])/1e6, "p95-ms")
			// CPU of the whole process (garbage collection included) per
			// recommendation: on a shared machine, wall time also counts
			// the waits for a core.
			b.ReportMetric(float64(cpuTime(b)-cpu0)/1e6/float64(i), "cpu-ms/op")
		})
	}
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
