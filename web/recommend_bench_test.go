package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// BenchmarkWarmRecommendation measures one warm partner recommendation
// through the whole handler (JSON out), without the network: the ranking
// and the cards are kept between requests, so a warm one costs the
// organisation's lookup, the reasons said in the request's language and
// the encoding.
//
// SILKBRIDGE_BENCH_DB=FILE runs it on a copy of a real installation (the
// demo: the whole Horizon 2020 record); by default on a generated record
// of 400 organisations and 1,000 cooperations.
func BenchmarkWarmRecommendation(b *testing.B) {
	ctx := context.Background()
	var st *store.Store
	var seed string
	if src := os.Getenv("SILKBRIDGE_BENCH_DB"); src != "" {
		orig, err := store.Open(ctx, src)
		if err != nil {
			b.Fatal(err)
		}
		path := b.TempDir() + "/copy.db"
		err = orig.Backup(ctx, path)
		orig.Close()
		if err != nil {
			b.Fatal(err)
		}
		if st, err = store.Open(ctx, path); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		if err := st.Migrate(ctx, nil); err != nil {
			b.Fatal(err)
		}
		orgs, _, err := st.Organisations(ctx, organisation.Filter{Query: "university", PerPage: 1})
		if err != nil || len(orgs) == 0 {
			b.Fatalf("no organisation to recommend for: %v", err)
		}
		seed = orgs[0].ID
	} else {
		st = storetest.New(b, store.SQLite)
		countries := []string{"KZ", "CN", "DE", "PK", "FR", "RU", "EG", "ES"}
		ids := make([]string, 400)
		for i := range ids {
			o := &organisation.Organisation{Name: fmt.Sprintf("Institute %d", i), Kind: organisation.ResearchInstitute, Country: countries[i%len(countries)],
				Fields: []string{"1.5"}, Keywords: []string{"solar", "water"}}
			if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
				b.Fatal(err)
			}
			ids[i] = o.ID
		}
		for i := range 1000 {
			p, q, r := ids[(i*7)%400], ids[(i*13+1)%400], ids[(i*29+2)%400]
			if p == q || q == r || p == r {
				continue
			}
			c := &cooperation.Cooperation{Title: fmt.Sprintf("Project %d", i), StartDate: "2022-01-15", Fields: []string{"1.5"},
				Partners: []cooperation.Partner{{OrgID: p, Role: cooperation.RoleCoordinator}, {OrgID: q, Role: cooperation.RoleParticipant}, {OrgID: r, Role: cooperation.RoleParticipant}}}
			if err := st.CreateCooperation(ctx, store.Actor{}, c); err != nil {
				b.Fatal(err)
			}
		}
		seed = ids[0]
	}
	srv, err := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{})
	if err != nil {
		b.Fatal(err)
	}
	get := func() *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/recommendations/organisations/"+seed, nil))
		return w
	}
	if w := get(); w.Code != http.StatusOK {
		b.Fatalf("first recommendation: %d %s", w.Code, w.Body)
	}
	b.ReportAllocs()
	cpu0 := processCPU()
	n := 0
	for b.Loop() {
		if w := get(); w.Code != http.StatusOK {
			b.Fatalf("warm recommendation: %d", w.Code)
		}
		n++
	}
	// Processor time per request: on a machine shared with other work the
	// wall clock (ns/op) says more about the neighbours.
	b.ReportMetric(float64(processCPU()-cpu0)/float64(max(n, 1)), "cpu-ns/op")
}

// processCPU is the processor time the process has used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
