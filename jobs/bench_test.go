package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/jobs"
	"github.com/silkbridge/silkbridge/lesson"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// BenchmarkLessonCreate_SQLite measures one of the site's writes (a lesson
// with its search terms) on the embedded database: alone, beside an idle
// River client with production settings on the same file, and beside one
// working a steady stream of jobs (each a write of its own).
//
//	go test ./jobs -run '^$' -bench LessonCreate -benchtime 2000x -count 5
func BenchmarkLessonCreate_SQLite(b *testing.B) {
	for _, mode := range []string{"without_jobs", "with_jobs_idle", "with_jobs_busy"} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			st := storetest.New(b, store.SQLite)
			if err := jobs.Migrate(ctx, st, nil); err != nil {
				b.Fatal(err)
			}
			if mode != "without_jobs" {
				jc, err := jobs.New(ctx, st, nil, jobs.Config{})
				if err != nil {
					b.Fatal(err)
				}
				if err := jc.Start(ctx); err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					defer cancel()
					if err := jc.Close(ctx); err != nil {
						b.Error(err)
					}
				})
				if mode == "with_jobs_busy" {
					stop := make(chan struct{})
					done := make(chan struct{})
					go func() {
						defer close(done)
						tick := time.NewTicker(5 * time.Millisecond)
						defer tick.Stop()
						for {
							select {
							case <-stop:
								return
							case <-tick.C:
								if err := jc.Enqueue(ctx, jobs.SessionCleanupArgs{}); err != nil {
									b.Error(err)
									return
								}
							}
						}
					}()
					b.Cleanup(func() { close(stop); <-done })
				}
			}
			b.ResetTimer()
			i := 0
			for b.Loop() {
				i++
				l := &lesson.Lesson{Title: fmt.Sprintf("Dust on the panels %d", i), Fields: []string{"2.7"}, Technology: "PV",
					Tried: "cleaning by hand", WentWrong: "the dust came back in a day", Instead: "coat the glass", CostDays: 3, Country: "KZ"}
				if err := st.CreateLesson(ctx, store.Actor{}, l); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
