package refdata

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/datatest"
)

// sharedData is ../shared/data seen from this package's folder.
const sharedData = "../../shared/data"

func mustCountries(t *testing.T) []Country {
	t.Helper()
	cs, err := Countries()
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestCountriesAreEveryWorldCountriesEntryWithAnAlpha2Code(t *testing.T) {
	b, err := os.ReadFile(datatest.Require(t, filepath.Join(sharedData, "country-reference/world-countries/countries.json")))
	if err != nil {
		t.Fatal(err)
	}
	var entries []struct {
		CCA2, Status string
	}
	if err := json.Unmarshal(b, &entries); err != nil {
		t.Fatal(err)
	}
	want, official := map[string]bool{}, 0
	for _, e := range entries {
		if e.CCA2 != "" {
			want[e.CCA2] = true
			if e.Status == "officially-assigned" {
				official++
			}
		}
	}
	cs := mustCountries(t)
	if len(cs) != len(want) {
		t.Errorf("%d countries, world-countries has %d entries with an alpha-2 code", len(cs), len(want))
	}
	withNumeric := 0
	for _, c := range cs {
		if !want[c.Code] {
			t.Errorf("country %s is not in world-countries", c.Code)
		}
		if c.Numeric != "" {
			withNumeric++
		}
	}
	if withNumeric != official {
		t.Errorf("%d countries have a numeric code, world-countries has %d officially assigned", withNumeric, official)
	}
}

func TestCountriesAre249ISOCodesAndKosovo(t *testing.T) {
	cs := mustCountries(t)
	if len(cs) != 250 {
		t.Errorf("%d countries, want 250 (249 ISO 3166-1 codes and XK)", len(cs))
	}
	xk, ok := CountryByCode("XK")
	if !ok || xk.Numeric != "" || xk.NameEN != "Kosovo" {
		t.Errorf("XK = %+v, %v; want Kosovo without a numeric code", xk, ok)
	}
}

func TestEveryCountryHasSixNames(t *testing.T) {
	for _, c := range mustCountries(t) {
		for _, lang := range Languages {
			if strings.TrimSpace(c.Names.In(lang)) == "" {
				t.Errorf("country %s has no %s name", c.Code, lang)
			}
		}
	}
}

func TestCountryNamesAreUniqueInEachLanguage(t *testing.T) {
	for _, lang := range Languages {
		seen := map[string]string{}
		for _, c := range mustCountries(t) {
			name := c.Names.In(lang)
			if other, dup := seen[name]; dup {
				t.Errorf("%s name %q used by %s and %s", lang, name, other, c.Code)
			}
			seen[name] = c.Code
		}
	}
}

func TestBeltAndRoadStatus(t *testing.T) {
	count := map[BRIStatus]int{}
	partners := 0
	for _, c := range mustCountries(t) {
		count[c.BRIStatus]++
		if c.BRIPartner() {
			partners++
		}
	}
	if count[BRISigned] != 151 || partners != 151 {
		t.Errorf("%d mou_signed, %d partners; want 151", count[BRISigned], partners)
	}
	for code, want := range map[string]BRIStatus{"CN": BRIInitiator, "IT": BRIWithdrawn, "KZ": BRISigned, "RU": BRINone, "US": BRINone} {
		if c, _ := CountryByCode(code); c.BRIStatus != want {
			t.Errorf("%s status %q, want %q", code, c.BRIStatus, want)
		}
	}
	if count[BRIInitiator] != 1 || count[BRIWithdrawn] != 1 {
		t.Errorf("%d initiators and %d withdrawn, want 1 each", count[BRIInitiator], count[BRIWithdrawn])
	}
}

func TestEUMembers(t *testing.T) {
	members, signatories := 0, 0
	for _, c := range mustCountries(t) {
		if c.EUMember {
			members++
			if c.BRIPartner() {
				signatories++
			}
		}
	}
	if members != 27 {
		t.Errorf("%d EU members, want 27", members)
	}
	// bri-partner-countries README: 17 signatories are EU members.
	if signatories != 17 {
		t.Errorf("%d EU members are BRI partners, want 17", signatories)
	}
}

func TestCountryByCodeIgnoresCase(t *testing.T) {
	tests := []struct {
		code   string
		wantZH string
		ok     bool
	}{
		{"CN", "中国", true},
		{"kz", "哈萨克斯坦", true},
		{"Gr", "希腊", true},
		{"EL", "", false},
		{"", "", false},
		{"CHN", "", false},
	}
	for _, tc := range tests {
		c, ok := CountryByCode(tc.code)
		if ok != tc.ok || c.NameZH != tc.wantZH {
			t.Errorf("CountryByCode(%q) = %q, %v; want %q, %v", tc.code, c.NameZH, ok, tc.wantZH, tc.ok)
		}
	}
}

func TestCountryColumnsAreFilled(t *testing.T) {
	c, ok := CountryByCode("EG")
	if !ok {
		t.Fatal("no EG")
	}
	want := Country{
		Code: "EG", Alpha3: "EGY", Numeric: "818", Region: "Africa", Subregion: "Northern Africa",
		Names:     Names{NameEN: "Egypt", NameZH: "埃及", NameRU: "Египет", NameAR: "مصر", NameFR: "Égypte", NameES: "Egipto"},
		BRIStatus: BRISigned, EUMember: false, Lat: 27, Lng: 30,
	}
	if c != want {
		t.Errorf("EG = %+v\nwant %+v", c, want)
	}
}

func TestNamesInFallsBackToEnglish(t *testing.T) {
	n := Names{NameEN: "China", NameZH: "中国", NameRU: "Китай", NameAR: "الصين", NameFR: "Chine", NameES: "China"}
	tests := map[string]string{
		"en": "China", "zh": "中国", "zh-Hans": "中国", "ZH-cn": "中国", "ru": "Китай",
		"ar-EG": "الصين", "fr": "Chine", "es-419": "China", "de": "China", "": "China",
	}
	for lang, want := range tests {
		if got := n.In(lang); got != want {
			t.Errorf("In(%q) = %q, want %q", lang, got, want)
		}
	}
}

func TestFieldsAre42SubfieldsUnderSixFields(t *testing.T) {
	fs, err := Fields()
	if err != nil {
		t.Fatal(err)
	}
	subfields := map[string]int{}
	var top []string
	for _, f := range fs {
		if f.Parent == "" {
			top = append(top, f.Code)
		} else {
			subfields[f.Parent]++
		}
		for _, lang := range Languages {
			if f.Names.In(lang) == "" {
				t.Errorf("field %s has no %s name", f.Code, lang)
			}
		}
	}
	if strings.Join(top, ",") != "1,2,3,4,5,6" {
		t.Errorf("first-level fields %q, want 1 to 6", top)
	}
	want := map[string]int{"1": 7, "2": 11, "3": 5, "4": 5, "5": 9, "6": 5}
	total := 0
	for code, n := range want {
		total += subfields[code]
		if subfields[code] != n {
			t.Errorf("field %s has %d subfields, want %d", code, subfields[code], n)
		}
	}
	if total != 42 {
		t.Errorf("%d subfields, want 42", total)
	}
}

func TestFieldByCode(t *testing.T) {
	tests := []struct {
		code, wantEN string
		ok           bool
	}{
		{"1", "Natural sciences", true},
		{"1.1", "Mathematics", true},
		{"2.10", "Nano-technology", true},
		{"6", "Humanities and the arts", true},
		{"6.5", "Other humanities", true},
		{"1.8", "", false},
		{"7", "", false},
		{"2.1.1", "", false},
	}
	for _, tc := range tests {
		f, ok := FieldByCode(tc.code)
		if ok != tc.ok || f.NameEN != tc.wantEN {
			t.Errorf("FieldByCode(%q) = %q, %v; want %q, %v", tc.code, f.NameEN, ok, tc.wantEN, tc.ok)
		}
	}
}

func TestCordisCountry(t *testing.T) {
	tests := map[string]string{"EL": "GR", "UK": "GB", "NA": "NA", "DE": "DE", "CN": "CN", "": ""}
	for in, want := range tests {
		if got := CordisCountry(in); got != want {
			t.Errorf("CordisCountry(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadCountriesRejectsBadRows(t *testing.T) {
	const head = "code,alpha3,numeric,region,subregion,name_en,name_zh,name_ru,name_ar,name_fr,name_es,bri_status,eu_member,lat,lng\n"
	const good = "EG,EGY,818,Africa,Northern Africa,Egypt,埃及,Египет,مصر,Égypte,Egipto,mou_signed,false,27,30\n"
	tests := []struct {
		name, csv, wantErr string
	}{
		{"wrong header", "code,name\nEG,Egypt\n", "header"},
		{"lower-case code", head + "eg,EGY,818,Africa,,Egypt,埃及,Египет,مصر,Égypte,Egipto,,false,27,30\n", `line 2: code "eg"`},
		{"repeated code", head + good + good, `line 3: code "EG" is repeated`},
		{"two-digit numeric", head + "EG,EGY,81,Africa,,Egypt,埃及,Египет,مصر,Égypte,Egipto,,false,27,30\n", "numeric"},
		{"missing chinese name", head + "EG,EGY,818,Africa,,Egypt,,Египет,مصر,Égypte,Egipto,,false,27,30\n", "name_zh"},
		{"unknown status", head + "EG,EGY,818,Africa,,Egypt,埃及,Египет,مصر,Égypte,Egipto,member,false,27,30\n", "bri_status"},
		{"bad flag", head + "EG,EGY,818,Africa,,Egypt,埃及,Египет,مصر,Égypte,Egipto,,yes,27,30\n", "eu_member"},
		{"latitude out of range", head + "EG,EGY,818,Africa,,Egypt,埃及,Египет,مصر,Égypte,Egipto,,false,97,30\n", "lat"},
		{"short row", head + "EG,EGY\n", "line 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCountries(strings.NewReader(tc.csv))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %v, want one naming %q", err, tc.wantErr)
			}
		})
	}
	if cs, err := ReadCountries(strings.NewReader(head + good)); err != nil || len(cs) != 1 {
		t.Errorf("good row: %v, %v", cs, err)
	}
}

func TestReadFieldsRejectsBadRows(t *testing.T) {
	const head = "code,parent,name_en,name_zh,name_ru,name_ar,name_fr,name_es\n"
	const one = "1,,Natural sciences,自然科学,Естественные науки,العلوم الطبيعية,Sciences naturelles,Ciencias naturales\n"
	tests := []struct {
		name, csv, wantErr string
	}{
		{"subfield before its field", head + "1.1,1,Mathematics,数学,Математика,الرياضيات,Mathématiques,Matemáticas\n", "not listed before"},
		{"wrong parent", head + one + "1.1,2,Mathematics,数学,Математика,الرياضيات,Mathématiques,Matemáticas\n", "parent"},
		{"third level", head + one + "1.1.1,1,Algebra,代数,Алгебра,الجبر,Algèbre,Álgebra\n", "FORD code"},
		{"empty arabic name", head + "1,,Natural sciences,自然科学,Естественные науки,,Sciences naturelles,Ciencias naturales\n", "name_ar"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadFields(strings.NewReader(tc.csv))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %v, want one naming %q", err, tc.wantErr)
			}
		})
	}
}
