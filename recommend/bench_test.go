package recommend_test

import (
	"path/filepath"
	"slices"
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
// request would. It reports the p95 beside the mean.
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
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		start := time.Now()
		if _, err := r.Recommend(queries[i%len(queries)]); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		i++
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)*95/100])/1e6, "p95-ms")
}
