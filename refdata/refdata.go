// Package refdata ships the platform's reference tables: the ISO 3166-1
// countries with names in the six UN languages, region and Belt and Road
// status, and the OECD Fields of Research and Development (FORD, Frascati
// Manual 2015). The tables are embedded CSV files; README.md says where
// each comes from and under which licence.
package refdata

import (
	_ "embed"
	"strings"
	"sync"
)

//go:generate go run ./gen -data ../../shared/data -out countries.csv

//go:embed countries.csv
var countriesCSV []byte

//go:embed fields.csv
var fieldsCSV []byte

// Languages are the six UN languages every name is given in, in column
// order.
var Languages = []string{"en", "zh", "ru", "ar", "fr", "es"}

// Names holds a name in the six UN languages. Country and Field embed it,
// so c.NameZH and c.Names.In("zh") both read a Chinese name.
type Names struct {
	NameEN, NameZH, NameRU, NameAR, NameFR, NameES string
}

// In returns the name in lang ("zh", "zh-Hans", "ar-EG" ...), English when
// the language is not one of the six.
func (n Names) In(lang string) string {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	switch base {
	case "zh":
		return n.NameZH
	case "ru":
		return n.NameRU
	case "ar":
		return n.NameAR
	case "fr":
		return n.NameFR
	case "es":
		return n.NameES
	}
	return n.NameEN
}

// BRIStatus is a country's standing in the Belt and Road Initiative.
type BRIStatus string

// Belt and Road statuses; the empty status means no cooperation document.
const (
	BRINone      BRIStatus = ""
	BRISigned    BRIStatus = "mou_signed"     // signed a cooperation document with China
	BRIInitiator BRIStatus = "initiator"      // China
	BRIWithdrawn BRIStatus = "withdrawn_2023" // Italy, which signed in 2019 and left in 2023
)

// Country is one row of the country table.
type Country struct {
	Code      string // ISO 3166-1 alpha-2, upper case
	Alpha3    string // ISO 3166-1 alpha-3 (Kosovo: UNK)
	Numeric   string // ISO 3166-1 numeric, three digits; empty for Kosovo
	Region    string // Africa, Americas, Antarctic, Asia, Europe, Oceania
	Subregion string // empty for a few territories
	Names
	BRIStatus BRIStatus
	EUMember  bool
	Lat, Lng  float64 // a central point, for maps
}

// BRIPartner reports whether the country has signed a Belt and Road
// cooperation document with China and not withdrawn.
func (c Country) BRIPartner() bool { return c.BRIStatus == BRISigned }

// Field is one Field of Research and Development.
type Field struct {
	Code   string // "1" to "6", or a second-level code such as "2.10"
	Parent string // the first-level code; empty for a first-level field
	Names
}

type tables struct {
	countries    []Country
	countryIndex map[string]int
	fields       []Field
	fieldIndex   map[string]int
}

// load parses the embedded tables once; a parse error is a defect of the
// shipped files, reported by every reader and caught by the package tests.
var load = sync.OnceValues(func() (*tables, error) {
	countries, err := ReadCountries(strings.NewReader(string(countriesCSV)))
	if err != nil {
		return nil, err
	}
	fields, err := ReadFields(strings.NewReader(string(fieldsCSV)))
	if err != nil {
		return nil, err
	}
	t := &tables{
		countries:    countries,
		countryIndex: make(map[string]int, len(countries)),
		fields:       fields,
		fieldIndex:   make(map[string]int, len(fields)),
	}
	for i, c := range countries {
		t.countryIndex[c.Code] = i
	}
	for i, f := range fields {
		t.fieldIndex[f.Code] = i
	}
	return t, nil
})

// Countries returns every country, ordered by code. The slice is the
// caller's own.
func Countries() ([]Country, error) {
	t, err := load()
	if err != nil {
		return nil, err
	}
	return append([]Country(nil), t.countries...), nil
}

// CountryByCode finds a country by its alpha-2 code, in any letter case.
func CountryByCode(code string) (Country, bool) {
	t, err := load()
	if err != nil {
		return Country{}, false
	}
	i, ok := t.countryIndex[strings.ToUpper(code)]
	if !ok {
		return Country{}, false
	}
	return t.countries[i], true
}

// Fields returns every field, each first-level field followed by its
// subfields. The slice is the caller's own.
func Fields() ([]Field, error) {
	t, err := load()
	if err != nil {
		return nil, err
	}
	return append([]Field(nil), t.fields...), nil
}

// FieldByCode finds a field by its code ("1", "2.10").
func FieldByCode(code string) (Field, bool) {
	t, err := load()
	if err != nil {
		return Field{}, false
	}
	i, ok := t.fieldIndex[code]
	if !ok {
		return Field{}, false
	}
	return t.fields[i], true
}

// CordisCountry maps a country code as CORDIS writes it to ISO 3166-1
// alpha-2: CORDIS follows EU usage with EL for Greece and UK for the United
// Kingdom. Other codes are returned unchanged (CORDIS's NA is Namibia).
func CordisCountry(code string) string {
	switch code {
	case "EL":
		return "GR"
	case "UK":
		return "GB"
	}
	return code
}
