package cordis

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/datatest"
)

// sharedData is the shared data folder seen from this package.
var sharedData = filepath.Join("..", "..", "shared", "data")

func realPaths(t *testing.T) Paths {
	t.Helper()
	datatest.Require(t, sharedData)
	p, err := Locate(sharedData)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRealParticipations_MatchREADMECounts(t *testing.T) {
	p := realPaths(t)
	r, err := OpenParticipations(p.Participations)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows := 0
	projects, orgs, countries := map[string]bool{}, map[string]bool{}, map[string]bool{}
	roles, types := map[Role]int{}, map[string]int{}
	namibian, undated := 0, 0
	for {
		pa, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows++
		projects[pa.RCN], orgs[pa.PIC], countries[pa.Country] = true, true, true
		roles[pa.Role]++
		types[pa.Type]++
		if pa.Country == "NA" {
			namibian++
		}
		if pa.StartYear == 0 {
			undated++
		}
		if GroupOf(pa.Country) != pa.Group {
			t.Errorf("row %d: country %s is in group %s, the file says %s", rows, pa.Country, GroupOf(pa.Country), pa.Group)
		}
	}
	checks := []struct {
		what      string
		got, want int
	}{
		{"participations", rows, 144726},
		{"projects", len(projects), 31451},
		{"organisations", len(orgs), 35871},
		// The README's 168 was counted by a reader that took Namibia's NA
		// for a missing value: the file has 168 other codes plus NA.
		{"countries besides Namibia", len(countries) - 1, 168},
		{"coordinators", roles[Coordinator], 31476},
		{"participants", roles[Participant], 106108},
		{"partners", roles[Partner], 7142},
		{"HES rows", types["HES"], 49220},
		{"PUB rows", types["PUB"], 7941},
		{"Namibian rows", namibian, 11},
		{"rows without a date", undated, 7},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %d, README says %d", c.what, c.got, c.want)
		}
	}
}

func TestRealSmallerFiles_MatchREADMECounts(t *testing.T) {
	p := realPaths(t)

	pp, err := OpenProgrammeParts(p.ProgrammeParts)
	if err != nil {
		t.Fatal(err)
	}
	defer pp.Close()
	parts := countRows(t, pp.Next)
	if parts != 37441 {
		t.Errorf("programme parts: %d rows, README says 37,441", parts)
	}

	cw, err := OpenCrosswalk(p.Crosswalk)
	if err != nil {
		t.Fatal(err)
	}
	defer cw.Close()
	byConf := map[Confidence]int{}
	links := countRows(t, func() (ProjectLink, error) {
		l, err := cw.Next()
		byConf[l.Confidence]++
		return l, err
	})
	if links != 14663 || byConf[High] != 8463 || byConf[Medium] != 1063 || byConf[Low] != 5137 {
		t.Errorf("crosswalk: %d links %v, README says 14,663 (8,463 high, 1,063 medium, 5,137 low)", links, byConf)
	}

	db, err := OpenDashboard(p.Dashboard)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := countRows(t, db.Next); n != 35381 {
		t.Errorf("dashboard: %d projects, README says 35,381", n)
	}

	nr, err := OpenNames(p.Names)
	if err != nil {
		t.Fatal(err)
	}
	defer nr.Close()
	named := countRows(t, nr.Next)
	if named+nr.Skipped() != 7588 || nr.Skipped() != 1 {
		t.Errorf("names: %d rows with a PIC and %d without, README says 7,588 in all (one lacks a PIC)", named, nr.Skipped())
	}
}

func countRows[T any](t *testing.T, next func() (T, error)) int {
	t.Helper()
	n := 0
	for {
		_, err := next()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
}

// TestGroups_MatchCountriesYML keeps the table in countries.go equal to the
// data set's countries.yml.
func TestGroups_MatchCountriesYML(t *testing.T) {
	realPaths(t)
	f, err := os.Open(filepath.Join(sharedData, ParticipationsDataSet, "countries.yml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inFile := map[string]Group{}
	var group Group
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasSuffix(line, ":"):
			group = Group(strings.TrimSuffix(line, ":"))
		case strings.HasPrefix(line, "- "):
			inFile[ISOCountry(strings.Trim(strings.TrimPrefix(line, "- "), `"`))] = group
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(inFile) != len(groups) {
		t.Errorf("countries.yml lists %d countries, the table %d", len(inFile), len(groups))
	}
	for c, g := range inFile {
		if groups[c] != g {
			t.Errorf("%s: countries.yml says %s, the table %s", c, g, groups[c])
		}
	}
}

func TestLocate_AcceptsDataFolderOrCordisFolder(t *testing.T) {
	p := realPaths(t)
	q, err := Locate(filepath.Join(sharedData, ParticipationsDataSet))
	if err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]string{{p.Participations, q.Participations}, {p.Dashboard, q.Dashboard}, {p.Names, q.Names}} {
		a, err := filepath.Abs(pair[0])
		if err != nil {
			t.Fatal(err)
		}
		b, err := filepath.Abs(pair[1])
		if err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Errorf("%s != %s", a, b)
		}
	}
	if _, err := Locate(t.TempDir()); err == nil || !strings.Contains(err.Error(), ParticipationsFile) {
		t.Errorf("empty folder: got %v, want an error naming %s", err, ParticipationsFile)
	}
}
