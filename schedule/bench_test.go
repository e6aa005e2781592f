package schedule

import (
	"fmt"
	"testing"
)

// BenchmarkSchedule times whole runs on generated events: the sizes of
// `silkbridge bench schedule` with 16 slots, enough tables and 60-100%
// availability ("roomy"), and the same with 30-70% availability ("tight"),
// where most people have about as many requests as free slots and the
// search runs until its budget is spent. It reports placed/bound.
func BenchmarkSchedule(b *testing.B) {
	for _, shape := range []struct {
		name     string
		min, max float64
	}{{"roomy", 0.6, 1}, {"tight", 0.3, 0.7}} {
		for _, n := range []int{200, 2000, 10000} {
			b.Run(fmt.Sprintf("%s/participants=%d", shape.name, n), func(b *testing.B) {
				in, err := Generate(GenerateConfig{
					Participants: n, MeetingsEach: 10, Slots: 16,
					MinAvailable: shape.min, MaxAvailable: shape.max, Seed: 1,
				})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				var res Result
				for b.Loop() {
					if res, err = Schedule(in); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(res.Placed())/float64(res.UpperBound), "placed/bound")
			})
		}
	}
}
