package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
	"github.com/silkbridge/silkbridge/talent"
)

var ctx = context.Background()

func TestMigrate_LoadsEveryCountryAndField(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ref, err := st.Reference(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(ref.Countries); n < 249 {
			t.Fatalf("%d countries, want every ISO 3166-1 country (249+)", n)
		}
		bri := 0
		for _, c := range ref.Countries {
			for _, l := range store.Languages {
				if c.Names[l] == "" {
					t.Errorf("%s has no name in %s", c.Code, l)
				}
			}
			if c.BRIPartner {
				bri++
			}
		}
		if bri < 150 {
			t.Errorf("%d BRI partner countries, want the 151 signatories and China", bri)
		}
		kz, _ := ref.Country("KZ")
		if !kz.BRIPartner || kz.Name("zh") != "哈萨克斯坦" {
			t.Errorf("Kazakhstan wrong: %+v", kz)
		}
		top, sub := 0, 0
		for _, f := range ref.Fields {
			if f.Parent == "" {
				top++
			} else {
				sub++
			}
		}
		if top != 6 || sub != 42 {
			t.Errorf("FORD has %d fields and %d sub-fields, want 6 and 42", top, sub)
		}
		// Migrating again changes nothing.
		if err := st.Migrate(ctx, nil); err != nil {
			t.Fatal(err)
		}
	})
}

func newOrg(name, country string, fields ...string) *organisation.Organisation {
	return &organisation.Organisation{Name: name, Kind: organisation.University, Country: country, Fields: fields}
}

func TestOrganisations_CreateReadUpdateDelete(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		u, err := st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: "m@example.org", Name: "M", Password: "amber-lantern-42"}, account.Member)
		if err != nil {
			t.Fatal(err)
		}
		actor := store.Actor{UserID: u.ID}
		o := newOrg("Al-Farabi Kazakh National University", "KZ", "1.1")
		o.RORID = "https://ror.org/05dxps055"
		if err := st.CreateOrganisation(ctx, actor, o); err != nil {
			t.Fatal(err)
		}
		if o.RORID != "05dxps055" {
			t.Errorf("ROR id not normalised: %q", o.RORID)
		}
		ok, err := st.ManagesOrganisation(ctx, u.ID, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			t.Error("creator does not manage the organisation")
		}
		got, err := st.Organisation(ctx, o.ID)
		if err != nil || got.Name != o.Name || got.Fields[0] != "1.1" {
			t.Fatalf("read back %+v, %v", got, err)
		}
		after, err := st.UpdateOrganisation(ctx, actor, o.ID, func(o *organisation.Organisation) { o.Name = "KazNU"; o.Fields = []string{"2.2"} })
		if err != nil || after.Name != "KazNU" {
			t.Fatalf("update: %+v %v", after, err)
		}
		list, page, err := st.Organisations(ctx, organisation.Filter{Field: "2"})
		if err != nil || page.Total != 1 || list[0].ID != o.ID {
			t.Fatalf("filter by parent field: %d %v", page.Total, err)
		}
		if err := st.DeleteOrganisation(ctx, actor, o.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Organisation(ctx, o.ID); silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND {
			t.Fatalf("deleted organisation still found: %v", err)
		}
	})
}

func TestOrganisations_BadInputChangesNothing(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		bad := []*organisation.Organisation{
			{Name: "", Kind: organisation.University, Country: "CN"},
			{Name: "X", Kind: "castle", Country: "CN"},
			{Name: "X", Kind: organisation.University, Country: "XX"},
			{Name: "X", Kind: organisation.University, Country: "CN", RORID: "05dxps056"},
			{Name: "X", Kind: organisation.University, Country: "CN", Fields: []string{"7.1"}},
			{Name: "X", Kind: organisation.University, Country: "CN", ParkID: silkbridge.NewID()},
		}
		for i, o := range bad {
			err := st.CreateOrganisation(ctx, store.Actor{}, o)
			if silkbridge.ErrorCode(err) != silkbridge.EINVALID {
				t.Errorf("case %d: got %v, want a validation error", i, err)
			}
		}
		_, page, err := st.Organisations(ctx, organisation.Filter{})
		if err != nil || page.Total != 0 {
			t.Fatalf("bad input stored something: %d %v", page.Total, err)
		}
	})
}

// TestSearch_FindsChineseRussianArabicAndEnglish proves that the index finds
// text in each script on both engines, by a word inside a longer text.
func TestSearch_FindsChineseRussianArabicAndEnglish(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		docs := map[string]*organisation.Organisation{
			"zh": {Name: "中国科学院人工智能研究所", Kind: organisation.ResearchInstitute, Country: "CN", Description: "从事人工智能与机器人研究"},
			"ru": {Name: "Новосибирский государственный университет", Kind: organisation.University, Country: "RU", Description: "Исследования в области физики и математики"},
			"ar": {Name: "جامعة القاهرة", Kind: organisation.University, Country: "EG", Description: "أبحاث الطاقة المتجددة والمياه"},
			"en": {Name: "Serbian Institute of Renewable Energies", Kind: organisation.ResearchInstitute, Country: "RS", Description: "Solar and wind power research"},
		}
		for _, o := range docs {
			if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
				t.Fatal(err)
			}
		}
		cases := []struct {
			query string
			want  string
		}{
			{"人工智能", "zh"},
			{"机器人", "zh"},
			{"университета", "ru"},
			{"физика", "ru"},
			{"الجامعة", "ar"},
			{"المياه", "ar"},
			{"energy", "en"},
			{"solar power", "en"},
		}
		for _, c := range cases {
			list, _, err := st.Organisations(ctx, organisation.Filter{Query: c.query})
			if err != nil {
				t.Fatalf("%q: %v", c.query, err)
			}
			if len(list) != 1 || list[0].ID != docs[c.want].ID {
				names := []string{}
				for _, o := range list {
					names = append(names, o.Name)
				}
				t.Errorf("search %q found %v, want only %q", c.query, names, docs[c.want].Name)
			}
		}
		list, _, err := st.Organisations(ctx, organisation.Filter{Query: "\"' OR 1=1 --"})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 0 {
			t.Errorf("query syntax leaked into the search: %d results", len(list))
		}
	})
}

func TestTalents_PrivateProfilesAndHiddenFieldsStayHidden(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		pub := &talent.Profile{Name: "Aigerim Bekova", Country: "KZ", Public: true, Bio: "secret-bio-word", Email: "a@example.org"}
		priv := &talent.Profile{Name: "Hidden Person", Country: "PK", Public: false}
		for _, p := range []*talent.Profile{pub, priv} {
			if err := st.CreateTalent(ctx, store.Actor{}, p); err != nil {
				t.Fatal(err)
			}
		}
		list, _, err := st.Talents(ctx, talent.Filter{})
		if err != nil || len(list) != 1 || list[0].ID != pub.ID {
			t.Fatalf("visitor list: %d %v", len(list), err)
		}
		list, _, err = st.Talents(ctx, talent.Filter{Query: "secret-bio-word"})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 0 {
			t.Error("search reveals a field the talent did not make public")
		}
		all, _, err := st.Talents(ctx, talent.Filter{IncludePrivate: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 {
			t.Errorf("officer list has %d profiles, want 2", len(all))
		}
	})
}

func TestSessions_EndOnSignOutAndPasswordChange(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		u, err := st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: "s@example.org", Name: "S", Password: "amber-lantern-42"}, account.Member)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Authenticate(ctx, "S@example.org ", "amber-lantern-42"); err != nil {
			t.Fatalf("right password refused: %v", err)
		}
		if _, err := st.Authenticate(ctx, "s@example.org", "wrong-password"); silkbridge.ErrorCode(err) != silkbridge.EUNAUTHORIZED {
			t.Fatalf("wrong password: %v", err)
		}
		secret, err := st.CreateSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := st.SessionUser(ctx, secret); err != nil || got.ID != u.ID {
			t.Fatalf("session: %v", err)
		}
		if err := st.DeleteSession(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SessionUser(ctx, secret); err == nil {
			t.Fatal("session lives after sign-out")
		}
		secret, err = st.CreateSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetPassword(ctx, store.Actor{UserID: u.ID}, u.ID, "another-password"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SessionUser(ctx, secret); err == nil {
			t.Fatal("session lives after password change")
		}
	})
}

func TestAudit_RecordsBeforeAndAfterOfAnUpdate(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		o := newOrg("Before Name", "RS")
		if err := st.CreateOrganisation(ctx, store.Actor{}, o); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpdateOrganisation(ctx, store.Actor{}, o.ID, func(o *organisation.Organisation) { o.Name = "After Name" }); err != nil {
			t.Fatal(err)
		}
		log, err := st.AuditLog(ctx, []string{o.ID}, "organisation", o.ID, 10)
		if err != nil || len(log) != 2 {
			t.Fatalf("audit entries: %d %v", len(log), err)
		}
		upd := log[0]
		if upd.Action != "update" || !strings.Contains(upd.Before, "Before Name") || !strings.Contains(upd.After, "After Name") {
			t.Fatalf("update entry: %+v", upd)
		}
	})
}
