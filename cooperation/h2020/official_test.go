package h2020

import (
	"path/filepath"
	"testing"
)

func TestLoadOfficial_FixtureGivesNamedOrganisationsAndATitledCooperation(t *testing.T) {
	rec, err := LoadOfficial(filepath.Join("..", "..", "cordis", "testdata", "official"), func(c string) bool { return len(c) == 2 })
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Projects) != 1 || len(rec.Organisations) != 3 || rec.NamedOrganisations != 3 || len(rec.Refused) != 4 {
		t.Fatalf("%d projects, %d organisations (%d named), refused %+v", len(rec.Projects), len(rec.Organisations), rec.NamedOrganisations, rec.Refused)
	}
	p := rec.Projects[0]
	if p.RCN != "239001" || p.ProjectID != "101000001" || p.Title != "Soil carbon in the Kazakh steppe" || !p.Titled || p.Single ||
		p.Stage == "" || len(p.Parts) != 1 || p.Parts[0] != "SC2" || p.StartDate != "2022-01-01" {
		t.Errorf("project %+v", p)
	}
	for _, o := range rec.Organisations {
		if o.PIC == "999992222" && o.Name != `UNIVERSITATEA "ALEXANDRU IOAN CUZA" DIN IASI` {
			t.Errorf("name %q", o.Name)
		}
	}
}
