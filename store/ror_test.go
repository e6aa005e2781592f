package store_test

import (
	"path/filepath"
	"testing"

	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/ror"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

var rorSample = filepath.Join("..", "ror", "testdata", "ror-sample.json")

// importRORSample imports the sample dump, keeping only the records keep
// accepts (nil: all).
func importRORSample(t *testing.T, st *store.Store, keep func(*ror.Record) bool) *store.RORImportResult {
	t.Helper()
	rd, err := ror.Open(rorSample)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	next := func() (*ror.Record, error) {
		for {
			rec, err := rd.Next()
			if err != nil || keep == nil || keep(rec) {
				return rec, err
			}
		}
	}
	res, err := st.ImportROR(ctx, store.Actor{}, next, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestImportROR_ARerunChangesNothingAndAbsentRecordsAreWithdrawn(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		res := importRORSample(t, st, nil)
		if res.Read != 20 || res.Created != 20 || res.Refused != 0 || res.InDatabase != 20 || res.BySchema["1"] != 6 {
			t.Fatalf("first run %+v", res)
		}
		res = importRORSample(t, st, nil)
		if res.Created != 0 || res.Updated != 0 || res.Unchanged != 20 || res.Withdrawn != 0 {
			t.Fatalf("second run %+v", res)
		}
		// A dump without Nazarbayev University, and with Peking
		// University renamed.
		res = importRORSample(t, st, func(r *ror.Record) bool {
			if r.ID == "02v51f717" {
				r.Website = "https://english.pku.edu.cn"
			}
			return r.ID != "052bx8q98"
		})
		if res.Updated != 1 || res.Unchanged != 18 || res.Withdrawn != 1 || res.Created != 0 {
			t.Fatalf("third run %+v", res)
		}
		d, err := st.RORDetails(ctx, orgByROR(t, st, "052bx8q98").ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != ror.Withdrawn {
			t.Errorf("a record absent from the dump has status %q", d.Status)
		}
		if o := orgByROR(t, st, "02v51f717"); o.Website != "https://english.pku.edu.cn" {
			t.Errorf("the changed record was not rewritten: %+v", o)
		}
		// Withdrawn and inactive records stay in the directory but are not
		// offered for new links.
		orgs, _, err := st.Organisations(ctx, organisation.Filter{Query: "Nazarbayev University", LinkableOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range orgs {
			if o.RORID == "052bx8q98" {
				t.Error("a withdrawn record was offered for a new link")
			}
		}
	})
}

func orgByROR(t *testing.T, st *store.Store, id string) *organisation.Organisation {
	t.Helper()
	orgs, _, err := st.Organisations(ctx, organisation.Filter{PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if o.RORID == id {
			return o
		}
	}
	t.Fatalf("no organisation carries ROR %s", id)
	return nil
}

func TestOrganisations_FindByAnyNameInAnyScriptWithTheExactMatchFirst(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		importRORSample(t, st, nil)
		for q, want := range map[string]string{
			"北京大学": "Peking University",
			"Назарбаев Университет": "Nazarbayev University",
			"аль-Фараби":            "Al-Farabi Kazakh National University",
			"PKU":                   "Peking University",
			"peking university":     "Peking University",
		} {
			orgs, page, err := st.Organisations(ctx, organisation.Filter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			if len(orgs) == 0 || orgs[0].Name != want {
				var got []string
				for _, o := range orgs {
					got = append(got, o.Name)
				}
				t.Errorf("%q: first of %d is not %q: %q", q, page.Total, want, got)
			}
		}
	})
}

func TestRORDetails_NamesInEveryScriptAndRelationships(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		importRORSample(t, st, nil)
		hs := orgByROR(t, st, "05a2mmm74")
		d, err := st.RORDetails(ctx, hs.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Names[0].Kind != "ror_display" || d.City != "Beijing" || !d.HasLocation {
			t.Errorf("details %+v", d)
		}
		var zh bool
		for _, n := range d.Names {
			zh = zh || (n.Name == "北京大学附属中学" && n.Lang == "zh")
		}
		if !zh {
			t.Errorf("names %+v", d.Names)
		}
		pku := orgByROR(t, st, "02v51f717")
		if len(d.Relationships) != 1 || d.Relationships[0].Type != "parent" || d.Relationships[0].OrgID != pku.ID {
			t.Errorf("relationships %+v, want the parent Peking University (%s)", d.Relationships, pku.ID)
		}
	})
}
