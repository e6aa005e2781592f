package cordis

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/datatest"
)

// collect gathers the refusals of a reader.
type collect struct{ errs []error }

func (c *collect) refuse(err error) error { c.errs = append(c.errs, err); return nil }

func TestOfficial_RealHorizonEuropeTopicsAndLegalBasisCover15341Projects(t *testing.T) {
	dir := filepath.Join(sharedData, "cordis-official-export-partial")
	datatest.Require(t, dir)
	e, err := OpenOfficial(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	// The folder holds both programmes' topics; HE_ is Horizon Europe.
	var bad collect
	topics := map[string]string{}
	lb := map[string]int{}
	main := map[string]int{}
	sub, err := openHE(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if err := sub.EachTopic(func(x OfficialTopic) error { topics[x.ProjectID] = x.Topic; return nil }, bad.refuse); err != nil {
		t.Fatal(err)
	}
	rows := 0
	if err := sub.EachLegalBasis(func(x OfficialLegalBasis) error {
		rows++
		lb[x.ProjectID]++
		if x.Main {
			main[strings.SplitN(x.LegalBasis, ".", 3)[0]+"."+strings.SplitN(x.LegalBasis+".", ".", 3)[1]]++
		}
		return nil
	}, bad.refuse); err != nil {
		t.Fatal(err)
	}
	if len(bad.errs) != 0 || len(topics) != 15341 || rows != 20512 || len(lb) != 15341 {
		t.Errorf("topics of %d projects, %d legal-basis rows of %d projects, refused %v; the README says 15,341, 20,512, 15,341", len(topics), rows, len(lb), bad.errs)
	}
	if topics["101116741"] != "ERC-2023-STG" || topics["101192901"] != "HORIZON-CL5-2024-D5-01-12" {
		t.Errorf("topics of 101116741 and 101192901 (a title with unescaped quotes) = %q, %q", topics["101116741"], topics["101192901"])
	}
	if main["HORIZON.1"] != 9189 || main["HORIZON.2"] != 4017 || main["HORIZON.3"] != 1404 || main["HORIZON.4"] != 672 {
		t.Errorf("main programme parts %v, the README says HORIZON.1 9,189, HORIZON.2 4,017, HORIZON.3 1,404, HORIZON.4 672", main)
	}
}

// openHE opens the Horizon Europe files of the partial export as an
// export of their own, as the official zip would hold them.
func openHE(dir string) (*OfficialExport, error) {
	tmp, err := os.MkdirTemp("", "he-export")
	if err != nil {
		return nil, err
	}
	for _, f := range []string{"HE_topics.csv.gz", "HE_legalBasis.csv.gz"} {
		if err := os.Symlink(filepath.Join(mustAbs(dir), f), filepath.Join(tmp, f)); err != nil {
			return nil, err
		}
	}
	return OpenOfficial(tmp)
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		panic(err)
	}
	return a
}

func TestOfficial_ProjectsFixtureReadsColumnsByNameAndRefusesBadRows(t *testing.T) {
	e, err := OpenOfficial(filepath.Join("testdata", "official"))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var bad collect
	var got []OfficialProject
	if err := e.EachProject(func(p OfficialProject) error { got = append(got, p); return nil }, bad.refuse); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(bad.errs) != 2 {
		t.Fatalf("%d projects, refused %v; want 1 and 2", len(got), bad.errs)
	}
	p := got[0]
	if p.ID != "101000001" || p.RCN != "239001" || p.Title != "Soil carbon in the Kazakh steppe" || p.ECMaxContribution != 2500000.5 ||
		p.StartDate.Format("2006-01-02") != "2022-01-01" || p.LegalBasis != "HORIZON.2.6" || !strings.Contains(p.Objective, `"quoted"`) {
		t.Errorf("project %+v", p)
	}
	for i, col := range []string{"endDate", "title"} {
		var re *RowError
		if !errors.As(bad.errs[i], &re) || re.Column != col {
			t.Errorf("refusal %d = %v, want one naming %s", i, bad.errs[i], col)
		}
	}
}

func TestOfficial_OrganisationsFixtureGivesNamesCitiesAndRoles(t *testing.T) {
	dir := filepath.Join("testdata", "official")
	// The same files, zipped as the Commission distributes them.
	zp := filepath.Join(t.TempDir(), "cordis-HORIZONprojects-csv.zip")
	f, err := os.Create(zp)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, name := range []string{"project.csv", "organization.csv"} {
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{dir, zp} {
		e, err := OpenOfficial(src)
		if err != nil {
			t.Fatal(err)
		}
		var bad collect
		byPIC := map[string]OfficialParticipant{}
		if err := e.EachParticipant(func(p OfficialParticipant) error { byPIC[p.PIC] = p; return nil }, bad.refuse); err != nil {
			t.Fatal(err)
		}
		e.Close()
		if len(byPIC) != 3 || len(bad.errs) != 2 {
			t.Fatalf("%s: %d participants, refused %v", src, len(byPIC), bad.errs)
		}
		if p := byPIC["999991111"]; p.Name != "AL-FARABI KAZAKH NATIONAL UNIVERSITY" || p.City != "Almaty" || p.Country != "KZ" || p.Role != "coordinator" || p.ECContribution != 1200000.5 {
			t.Errorf("coordinator %+v", p)
		}
		if p := byPIC["999992222"]; p.Name != `UNIVERSITATEA "ALEXANDRU IOAN CUZA" DIN IASI` {
			t.Errorf("quoted name read as %q", p.Name)
		}
		if p := byPIC["999993333"]; p.Country != "GR" || p.Role != "partner" || !p.SME {
			t.Errorf("third party %+v", p)
		}
		for i, col := range []string{"organisationID", "role"} {
			var re *RowError
			if !errors.As(bad.errs[i], &re) || re.Column != col {
				t.Errorf("refusal %d = %v, want one naming %s", i, bad.errs[i], col)
			}
		}
	}
}

func TestOfficial_MissingRequiredColumnIsNamed(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "topics.csv"), []byte("\"projectID\";\"title\"\n\"1\";\"x\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := OpenOfficial(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	err = e.EachTopic(func(OfficialTopic) error { return nil }, func(err error) error { return err })
	if err == nil || !strings.Contains(err.Error(), `"topic"`) {
		t.Errorf("a file without the topic column gave %v", err)
	}
}
