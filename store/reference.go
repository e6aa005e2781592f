package store

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// Country is an ISO 3166-1 country with its names in the six UN languages.
type Country struct {
	Code       string            `json:"code"`
	Alpha3     string            `json:"alpha3"`
	Region     string            `json:"region"`
	Subregion  string            `json:"subregion"`
	Names      map[string]string `json:"names"`
	BRIStatus  string            `json:"bri_status,omitempty"`
	BRIPartner bool              `json:"bri_partner"`
	EUMember   bool              `json:"eu_member"`
	Lat        float64           `json:"lat"`
	Lng        float64           `json:"lng"`
}

// Name returns the country's name in lang, English when lang is unknown.
func (c Country) Name(lang string) string {
	if n := c.Names[lang]; n != "" {
		return n
	}
	return c.Names["en"]
}

// Field is a field of research and development (OECD FORD, two levels).
type Field struct {
	Code   string            `json:"code"`
	Parent string            `json:"parent,omitempty"`
	Names  map[string]string `json:"names"`
}

// Name returns the field's name in lang, English when lang is unknown.
func (f Field) Name(lang string) string {
	if n := f.Names[lang]; n != "" {
		return n
	}
	return f.Names["en"]
}

// Languages are the six UN languages, in the order the names are stored.
var Languages = []string{"en", "zh", "ru", "ar", "fr", "es"}

// Reference is the reference data (countries and fields), read once:
// migrations alone change it.
type Reference struct {
	Countries []Country
	Fields    []Field
	byCountry map[string]int
	byField   map[string]int
	// sorted holds SortedCountries per language.
	sorted sync.Map
}

// Reference returns the countries and fields, loaded on first use.
func (s *Store) Reference(ctx context.Context) (*Reference, error) {
	s.refMu.Lock()
	defer s.refMu.Unlock()
	if s.ref != nil {
		return s.ref, nil
	}
	ref := &Reference{byCountry: map[string]int{}, byField: map[string]int{}}
	rows, err := s.db.QueryContext(ctx, `SELECT code, alpha3, region, subregion, name_en, name_zh, name_ru, name_ar, name_fr, name_es,
		bri_status, bri_partner, eu_member, lat, lng FROM countries ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("load countries: %w", err)
	}
	err = each(rows, func(row rowScanner) error {
		var c Country
		n := make([]string, 6)
		if err := row.Scan(&c.Code, &c.Alpha3, &c.Region, &c.Subregion, &n[0], &n[1], &n[2], &n[3], &n[4], &n[5],
			&c.BRIStatus, &c.BRIPartner, &c.EUMember, &c.Lat, &c.Lng); err != nil {
			return err
		}
		c.Names = map[string]string{}
		for i, l := range Languages {
			c.Names[l] = n[i]
		}
		ref.byCountry[c.Code] = len(ref.Countries)
		ref.Countries = append(ref.Countries, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load countries: %w", err)
	}
	rows, err = s.db.QueryContext(ctx, `SELECT code, parent, name_en, name_zh, name_ru, name_ar, name_fr, name_es FROM fields`)
	if err != nil {
		return nil, fmt.Errorf("load fields: %w", err)
	}
	err = each(rows, func(row rowScanner) error {
		var f Field
		n := make([]string, 6)
		if err := row.Scan(&f.Code, &f.Parent, &n[0], &n[1], &n[2], &n[3], &n[4], &n[5]); err != nil {
			return err
		}
		f.Names = map[string]string{}
		for i, l := range Languages {
			f.Names[l] = n[i]
		}
		ref.Fields = append(ref.Fields, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load fields: %w", err)
	}
	sort.Slice(ref.Fields, func(i, j int) bool { return fieldLess(ref.Fields[i].Code, ref.Fields[j].Code) })
	for i, f := range ref.Fields {
		ref.byField[f.Code] = i
	}
	if len(ref.Countries) == 0 {
		return nil, fmt.Errorf("load countries: none in the database; run migrations")
	}
	s.ref = ref
	return ref, nil
}

// fieldLess orders FORD codes numerically: 1, 1.1, 1.2, ..., 1.10, 2.
func fieldLess(a, b string) bool {
	var a1, a2, b1, b2 int
	fmt.Sscanf(a, "%d.%d", &a1, &a2)
	fmt.Sscanf(b, "%d.%d", &b1, &b2)
	if a1 != b1 {
		return a1 < b1
	}
	return a2 < b2
}

// CountryExists reports whether code is a known ISO 3166-1 alpha-2 code.
func (r *Reference) CountryExists(code string) bool { _, ok := r.byCountry[code]; return ok }

// FieldExists reports whether code is a known FORD field code.
func (r *Reference) FieldExists(code string) bool { _, ok := r.byField[code]; return ok }

// Country returns the country with code; ok is false when there is none.
func (r *Reference) Country(code string) (Country, bool) {
	i, ok := r.byCountry[code]
	if !ok {
		return Country{}, false
	}
	return r.Countries[i], true
}

// Field returns the field with code; ok is false when there is none.
func (r *Reference) Field(code string) (Field, bool) {
	i, ok := r.byField[code]
	if !ok {
		return Field{}, false
	}
	return r.Fields[i], true
}

// SortedCountries returns the countries ordered by their name in lang.
//
// The list is sorted once per language and shared: callers only read it.
func (r *Reference) SortedCountries(lang string) []Country {
	if v, ok := r.sorted.Load(lang); ok {
		return v.([]Country)
	}
	out := append([]Country(nil), r.Countries...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name(lang) < out[j].Name(lang) })
	r.sorted.Store(lang, out)
	return out
}
