package refdata

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
)

var (
	countryColumns = []string{
		"code", "alpha3", "numeric", "region", "subregion",
		"name_en", "name_zh", "name_ru", "name_ar", "name_fr", "name_es",
		"bri_status", "eu_member", "lat", "lng",
	}
	fieldColumns = []string{"code", "parent", "name_en", "name_zh", "name_ru", "name_ar", "name_fr", "name_es"}

	alpha2Pattern  = regexp.MustCompile(`^[A-Z]{2}$`)
	alpha3Pattern  = regexp.MustCompile(`^[A-Z]{3}$`)
	numericPattern = regexp.MustCompile(`^([0-9]{3})?$`)
	fieldPattern   = regexp.MustCompile(`^[1-6](\.[1-9][0-9]?)?$`)
)

// ReadCountries parses a country table in the format of countries.csv and
// checks every value; an error names the line and column.
func ReadCountries(r io.Reader) ([]Country, error) {
	var out []Country
	seen := make(map[string]bool)
	err := readTable(r, "countries", countryColumns, func(line int, v map[string]string) error {
		bad := func(col, why string) error {
			return fmt.Errorf("countries line %d: %s %q %s", line, col, v[col], why)
		}
		c := Country{
			Code: v["code"], Alpha3: v["alpha3"], Numeric: v["numeric"],
			Region: v["region"], Subregion: v["subregion"],
			Names:     Names{NameEN: v["name_en"], NameZH: v["name_zh"], NameRU: v["name_ru"], NameAR: v["name_ar"], NameFR: v["name_fr"], NameES: v["name_es"]},
			BRIStatus: BRIStatus(v["bri_status"]),
		}
		switch {
		case !alpha2Pattern.MatchString(c.Code):
			return bad("code", "is not two capital letters")
		case seen[c.Code]:
			return bad("code", "is repeated")
		case !alpha3Pattern.MatchString(c.Alpha3):
			return bad("alpha3", "is not three capital letters")
		case !numericPattern.MatchString(c.Numeric):
			return bad("numeric", "is not three digits")
		case c.Region == "":
			return bad("region", "is empty")
		}
		seen[c.Code] = true
		if col, ok := emptyName(v); ok {
			return bad(col, "is empty")
		}
		switch c.BRIStatus {
		case BRINone, BRISigned, BRIInitiator, BRIWithdrawn:
		default:
			return bad("bri_status", "is not mou_signed, initiator, withdrawn_2023 or empty")
		}
		var err error
		if c.EUMember, err = strconv.ParseBool(v["eu_member"]); err != nil {
			return bad("eu_member", "is not true or false")
		}
		if c.Lat, err = strconv.ParseFloat(v["lat"], 64); err != nil || math.Abs(c.Lat) > 90 {
			return bad("lat", "is not a latitude")
		}
		if c.Lng, err = strconv.ParseFloat(v["lng"], 64); err != nil || math.Abs(c.Lng) > 180 {
			return bad("lng", "is not a longitude")
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// ReadFields parses a field table in the format of fields.csv: every
// subfield's parent is a first-level field listed before it.
func ReadFields(r io.Reader) ([]Field, error) {
	var out []Field
	seen := make(map[string]bool)
	err := readTable(r, "fields", fieldColumns, func(line int, v map[string]string) error {
		bad := func(col, why string) error {
			return fmt.Errorf("fields line %d: %s %q %s", line, col, v[col], why)
		}
		f := Field{
			Code: v["code"], Parent: v["parent"],
			Names: Names{NameEN: v["name_en"], NameZH: v["name_zh"], NameRU: v["name_ru"], NameAR: v["name_ar"], NameFR: v["name_fr"], NameES: v["name_es"]},
		}
		if !fieldPattern.MatchString(f.Code) {
			return bad("code", `is not a FORD code such as "1" or "2.10"`)
		}
		if seen[f.Code] {
			return bad("code", "is repeated")
		}
		top, isSub := f.Code[:1], len(f.Code) > 1
		switch {
		case !isSub && f.Parent != "":
			return bad("parent", "is set on a first-level field")
		case isSub && f.Parent != top:
			return bad("parent", "is not the first part of the code")
		case isSub && !seen[top]:
			return bad("parent", "is not listed before its subfield")
		}
		if col, ok := emptyName(v); ok {
			return bad(col, "is empty")
		}
		seen[f.Code] = true
		out = append(out, f)
		return nil
	})
	return out, err
}

// emptyName returns the first name column left empty.
func emptyName(v map[string]string) (string, bool) {
	for _, l := range Languages {
		if col := "name_" + l; v[col] == "" {
			return col, true
		}
	}
	return "", false
}

// readTable reads a CSV file with exactly the given header and calls row
// for each record with its 1-based line number.
func readTable(r io.Reader, name string, columns []string, row func(line int, v map[string]string) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(columns)
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: header: %w", name, err)
	}
	if !slices.Equal(head, columns) {
		return fmt.Errorf("%s: header is %q, want %q", name, head, columns)
	}
	v := make(map[string]string, len(columns))
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		for i, c := range columns {
			v[c] = rec[i]
		}
		if err := row(line, v); err != nil {
			return err
		}
	}
}
