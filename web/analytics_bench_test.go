package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/silkbridge/silkbridge/store"
)

// BenchmarkGov_AnalyticsRequests times whole requests of the government
// analytics (routing, queries, computation, JSON or page) against a
// database holding the whole Horizon 2020 record and the OpenAlex record,
// named by SILKBRIDGE_BENCH_DB (`silkbridge import cordis` and `silkbridge
// import openalex-countries` fill one). "cold" requests find no computed
// figures kept: they measure the work itself; the target is 300 ms.
func BenchmarkGov_AnalyticsRequests(b *testing.B) {
	dsn := os.Getenv("SILKBRIDGE_BENCH_DB")
	if dsn == "" {
		b.Skip("SILKBRIDGE_BENCH_DB names no database with the imported records")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx, nil); err != nil {
		b.Fatal(err)
	}
	srv, err := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{})
	if err != nil {
		b.Fatal(err)
	}
	cold := func() {
		analyticsCache.Lock()
		clear(analyticsCache.m)
		analyticsCache.Unlock()
		depthReports.Lock()
		clear(depthReports.m)
		depthReports.Unlock()
	}
	for _, bc := range []struct {
		name, path string
		cold       bool
	}{
		{"pairs-openalex-cold", "/api/v1/analytics/country-pairs?source=openalex&country=CN&year=2023", true},
		{"pairs-openalex-bri-warm", "/api/v1/analytics/country-pairs?source=openalex&country=CN&year=2023&bri=1", false},
		{"pairs-platform-cold", "/api/v1/analytics/country-pairs?source=platform&country=CN&year=2018", true},
		{"pairs-platform-warm", "/api/v1/analytics/country-pairs?source=platform&country=DE&year=2018", false},
		{"network-cold", "/api/v1/analytics/network?year=2023&top=40", true},
		{"world-page-cold", "/analytics/world?country=CN&year=2018", true},
		{"profile-KZ-cold", "/api/v1/countries/KZ/profile", true},
		{"dashboard-cold", "/api/v1/analytics/dashboard", true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if bc.cold {
					cold()
				}
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, bc.path, nil))
				if w.Code != http.StatusOK {
					b.Fatalf("%s: status %d: %.300s", bc.path, w.Code, w.Body.String())
				}
			}
		})
	}
}
