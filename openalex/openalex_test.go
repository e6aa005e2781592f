package openalex

import (
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoad_RealRecordHasTheREADMECounts reads the shared data set: the
// row counts and the 2023 figures its README states.
func TestLoad_RealRecordHasTheREADMECounts(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "data")
	if _, err := Locate(dir); err != nil {
		t.Skipf("no record: %v", err)
	}
	rec, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Pairs) != 265281 || len(rec.Totals) != 8534 {
		t.Fatalf("%d pairs, %d totals; README: 265,281 and 8,534", len(rec.Pairs), len(rec.Totals))
	}
	want := map[string]int{"CN-PK": 9601, "CN-RU": 4596, "CN-US": 72794}
	for _, p := range rec.Pairs {
		if p.Year == 2023 {
			if w, ok := want[p.A+"-"+p.B]; ok && w != p.Works {
				t.Errorf("%s-%s 2023: %d, want %d", p.A, p.B, p.Works, w)
			}
			delete(want, p.A+"-"+p.B)
		}
	}
	if len(want) > 0 {
		t.Errorf("pairs not found: %v", want)
	}
}

// TestLoad_RefusesAWrongHeaderAndBadRows names the file and line.
func TestLoad_RefusesAWrongHeaderAndBadRows(t *testing.T) {
	for name, pairs := range map[string]string{
		"header":   "year,a,b,works\n2020,CN,PK,1\n",
		"same":     "year,country_a,country_b,intl_coauthored_works\n2020,CN,CN,1\n",
		"negative": "year,country_a,country_b,intl_coauthored_works\n2020,CN,PK,-4\n",
	} {
		dir := t.TempDir()
		write(t, filepath.Join(dir, PairsFile), pairs)
		write(t, filepath.Join(dir, TotalsFile), "year,country,intl_coauthored_works,partner_countries\n2020,CN,1,1\n")
		_, err := Load(dir)
		if err == nil || !strings.Contains(err.Error(), PairsFile[:13]) {
			t.Errorf("%s: error %v, want one naming the pair file", name, err)
		}
	}
}

func write(t *testing.T, path, body string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	gz := gzip.NewWriter(f)
	if _, err := gz.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
