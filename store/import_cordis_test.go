package store_test

import (
	"path/filepath"
	"testing"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/cooperation/h2020"
	"github.com/silkbridge/silkbridge/cordis"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"

	"github.com/silkbridge/silkbridge/datatest"
)

// sampleCounts are the counts stated in testdata/cordis-sample/README.md.
var sampleCounts = store.ImportCounts{Projects: 21, Cooperations: 15, SingleGrants: 6, Organisations: 192, Participations: 197, Countries: 59}

func loadSample(t testing.TB, st *store.Store) *h2020.Record {
	t.Helper()
	paths, err := cordis.Locate(filepath.Join("testdata", "cordis-sample"))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := st.Reference(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := h2020.Load(paths, ref.CountryExists)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestImportH2020_SampleCountsEqualTheREADMEAndARerunAddsNothing(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		for run := 1; run <= 2; run++ {
			rec := loadSample(t, st)
			phases := map[string]int{}
			res, err := st.ImportH2020(ctx, store.Actor{}, rec, func(phase string, done, total int) { phases[phase] = done })
			if err != nil {
				t.Fatal(err)
			}
			if res.InDatabase != sampleCounts {
				t.Errorf("run %d: in the database %+v, want %+v", run, res.InDatabase, sampleCounts)
			}
			if res.Refused != 0 || res.Rows != 197 || res.Titles != 8 || res.RolesAdjusted != 1 {
				t.Errorf("run %d: report %+v", run, res)
			}
			if phases["organisations"] != 192 || phases["projects"] != 21 {
				t.Errorf("run %d: progress reached %v", run, phases)
			}
			wantCreated := map[int][2]int{1: {192, 21}, 2: {0, 0}}[run]
			if res.OrganisationsCreated != wantCreated[0] || res.ProjectsCreated != wantCreated[1] {
				t.Errorf("run %d created %d organisations and %d projects, want %v", run, res.OrganisationsCreated, res.ProjectsCreated, wantCreated)
			}
		}
		// One audit entry per run, not one per row.
		if n := countRows(t, st, "audit_log"); n != 2 {
			t.Errorf("%d audit entries for two runs, want 2", n)
		}
		if n := countRows(t, st, "stage_changes"); n != sampleCounts.Cooperations {
			t.Errorf("%d stage changes, want one first stage per cooperation (%d)", n, sampleCounts.Cooperations)
		}
		last, err := st.LastImport(ctx, h2020.Source)
		if err != nil || last == nil || last.InDatabase != sampleCounts {
			t.Errorf("last import report = %+v, %v", last, err)
		}
	})
}

func TestImportH2020_RecordsReadAsCooperationsWithAttributionNamesAndCountries(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	if _, err := st.ImportH2020(ctx, store.Actor{}, loadSample(t, st), nil); err != nil {
		t.Fatal(err)
	}
	list, page, err := st.Cooperations(ctx, cooperation.Filter{Country: "NA", PerPage: 100})
	if err != nil || page.Total == 0 {
		t.Fatalf("no cooperation with a Namibian partner: %v", err)
	}
	c, err := st.Cooperation(ctx, list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Attribution != cooperation.CORDISAttribution || c.Source.Kind != cooperation.SourceImport || !cooperation.ValidStage(c.Stage) {
		t.Errorf("imported cooperation %+v", c)
	}
	if _, ok := c.Coordinator(); !ok || len(c.History) != 1 || c.History[0].To != c.Stage {
		t.Errorf("coordinator or first stage missing: %+v", c.History)
	}
	unnamed := 0
	for _, p := range c.Partners {
		if !p.Named {
			unnamed++
			if p.Name != h2020.UnnamedOrganisation(mustPIC(t, st, p.OrgID)) {
				t.Errorf("unnamed partner called %q", p.Name)
			}
		}
	}
	t.Logf("%s: %d partners, %d without a published name", c.Title, len(c.Partners), unnamed)
	// EL and UK become GR and GB.
	for _, code := range []string{"GR", "GB"} {
		_, p, err := st.Cooperations(ctx, cooperation.Filter{Country: code})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total == 0 {
			t.Errorf("no cooperation with a partner in %s", code)
		}
	}
	grants, p, err := st.Cooperations(ctx, cooperation.Filter{Grants: true, PerPage: 100})
	if err != nil || p.Total != sampleCounts.SingleGrants || grants[0].Stage != "" {
		t.Errorf("single-beneficiary grants: %d, %v", p.Total, err)
	}
	_, p, err = st.Cooperations(ctx, cooperation.Filter{Query: "PIC"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 0 {
		t.Errorf("a search for PIC finds %d cooperations", p.Total)
	}
}

func mustPIC(t *testing.T, st *store.Store, orgID string) string {
	t.Helper()
	o, err := st.Organisation(ctx, orgID)
	if err != nil {
		t.Fatal(err)
	}
	return o.PIC
}

// BenchmarkImportH2020 times the whole real record into a fresh SQLite
// database (and PostgreSQL when SILKBRIDGE_TEST_POSTGRES is set): reading
// and joining the files, then writing. `silkbridge bench import` times the
// same from the command line.
func BenchmarkImportH2020(b *testing.B) {
	dir := filepath.Join("..", "..", "shared", "data")
	datatest.Require(b, dir)
	paths, err := cordis.Locate(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, engine := range storetest.Engines(b) {
		b.Run(string(engine), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				st := storetest.New(b, engine)
				ref, err := st.Reference(ctx)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				rec, err := h2020.Load(paths, ref.CountryExists)
				if err != nil {
					b.Fatal(err)
				}
				res, err := st.ImportH2020(ctx, store.Actor{}, rec, nil)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(res.Rows)/b.Elapsed().Seconds(), "rows/s")
			}
		})
	}
}
