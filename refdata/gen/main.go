// Command gen derives refdata/countries.csv from the public data sets in
// ../shared/data, so the shipped country table can be rebuilt and checked:
//
//	go run ./refdata/gen                 (from the repository root)
//	go run ./refdata/gen -check          (fail if countries.csv is stale)
//
// Sources: world-countries 5.1.0 (ODbL 1.0) for codes, regions, coordinates
// and names; i18n-iso-countries 7.14.0 (MIT) for names it lacks or gets
// wrong; bri-partner-countries for Belt and Road status.
package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

func main() {
	data := flag.String("data", "../shared/data", "folder holding the shared data sets")
	out := flag.String("out", "refdata/countries.csv", "file to write")
	check := flag.Bool("check", false, "compare with -out instead of writing it")
	flag.Parse()

	rows, err := derive(*data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	var buf bytes.Buffer
	if err := write(&buf, rows); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if *check {
		have, err := os.ReadFile(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		if !bytes.Equal(have, buf.Bytes()) {
			fmt.Fprintf(os.Stderr, "gen: %s is stale: run go run ./refdata/gen\n", *out)
			os.Exit(1)
		}
		return
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s: %d countries\n", *out, len(rows))
}

// header is the column order of countries.csv.
var header = []string{
	"code", "alpha3", "numeric", "region", "subregion",
	"name_en", "name_zh", "name_ru", "name_ar", "name_fr", "name_es",
	"bri_status", "eu_member", "lat", "lng",
}

// langs maps the table's languages to world-countries translation keys and
// i18n-iso-countries locale files; English comes from name.common.
var langs = []struct{ column, wc, i18n string }{
	{"name_zh", "zho", "zh"},
	{"name_ru", "rus", "ru"},
	{"name_ar", "ara", "ar"},
	{"name_fr", "fra", "fr"},
	{"name_es", "spa", "es"},
}

// overrides lists names that world-countries 5.1.0 has wrong, which are
// taken from i18n-iso-countries instead. Keyed by language column, then
// country code; the value says why.
var overrides = map[string]map[string]string{
	"name_zh": {
		"BQ": "traditional characters (荷蘭加勒比區) in a simplified-Chinese column",
		"DM": "多米尼加 is the Chinese name of the Dominican Republic, not of Dominica",
		"DO": "多明尼加 is not the mainland form; 多米尼加 is",
		"MK": "traditional characters (北馬其頓)",
		"TW": "traditional characters (台灣)",
	},
	"name_ar": {
		"CD": "الكونغو alone does not tell the Democratic Republic from the Republic of the Congo",
		"MD": "written with ڤ, which is not a letter of standard Arabic",
		"ME": "hamza missing (الاسود)",
		"MX": "misspelt (المسكيك)",
		"PR": "misspelt (بويرتوريكو)",
		"RS": "misspelt (صيربيا)",
		"UZ": "misspelt (أوزباكستان)",
		"VI": "hamza missing (الامريكية)",
	},
	"name_ru": {
		"SZ": "Свазиленд is the name before 2018; the English column says Eswatini",
	},
	"name_fr": {
		"MF": "Saint-Martin names both the French and the Dutch part",
		"SX": "Saint-Martin names both the French and the Dutch part",
		"SZ": "Swaziland is the name before 2018; the English column says Eswatini",
	},
	"name_es": {
		"GD": "English spelling (Grenada); Spanish is Granada",
		"SL": "English spelling (Sierra Leone); Spanish is Sierra Leona",
		"SZ": "Suazilandia is the name before 2018; the English column says Eswatini",
	},
}

// euMembers are the 27 member states of the European Union since
// 2020-02-01 (ISO codes; Greece is GR here, EL in EU and CORDIS usage).
var euMembers = []string{
	"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
	"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
}

type wcCountry struct {
	CCA2         string                             `json:"cca2"`
	CCA3         string                             `json:"cca3"`
	CCN3         string                             `json:"ccn3"`
	Region       string                             `json:"region"`
	Subregion    string                             `json:"subregion"`
	Name         struct{ Common string }            `json:"name"`
	Translations map[string]struct{ Common string } `json:"translations"`
	LatLng       []float64                          `json:"latlng"`
}

type briRow struct{ status, euMember string }

// derive builds the rows of countries.csv, sorted by code.
func derive(dataDir string) ([][]string, error) {
	var wc []wcCountry
	if err := readJSON(filepath.Join(dataDir, "country-reference/world-countries/countries.json"), &wc); err != nil {
		return nil, err
	}
	i18n := make(map[string]map[string]string)
	for _, l := range langs {
		names, err := readI18n(filepath.Join(dataDir, "country-reference/i18n-iso-countries/langs", l.i18n+".json"))
		if err != nil {
			return nil, err
		}
		i18n[l.column] = names
	}
	bri, err := readBRI(filepath.Join(dataDir, "bri-partner-countries/bri_countries.csv"))
	if err != nil {
		return nil, err
	}

	var rows [][]string
	seen := make(map[string]bool)
	for i, c := range wc {
		if c.CCA2 == "" {
			continue // not an ISO 3166-1 entry
		}
		where := fmt.Sprintf("world-countries entry %d (%s)", i, c.CCA2)
		if seen[c.CCA2] {
			return nil, fmt.Errorf("%s: code repeated", where)
		}
		seen[c.CCA2] = true
		if len(c.LatLng) != 2 {
			return nil, fmt.Errorf("%s: latlng has %d values, want 2", where, len(c.LatLng))
		}
		if c.Name.Common == "" || c.CCA3 == "" || c.Region == "" {
			return nil, fmt.Errorf("%s: missing name.common, cca3 or region", where)
		}
		row := map[string]string{
			"code": c.CCA2, "alpha3": c.CCA3, "numeric": c.CCN3,
			"region": c.Region, "subregion": c.Subregion, "name_en": c.Name.Common,
			"bri_status": bri[c.CCA2].status,
			"eu_member":  strconv.FormatBool(slices.Contains(euMembers, c.CCA2)),
			"lat":        strconv.FormatFloat(c.LatLng[0], 'f', -1, 64),
			"lng":        strconv.FormatFloat(c.LatLng[1], 'f', -1, 64),
		}
		if b, ok := bri[c.CCA2]; ok && !strings.EqualFold(b.euMember, row["eu_member"]) {
			return nil, fmt.Errorf("%s: EU membership %s disagrees with bri_countries.csv (%s)", where, row["eu_member"], b.euMember)
		}
		for _, l := range langs {
			name := c.Translations[l.wc].Common
			if _, wrong := overrides[l.column][c.CCA2]; wrong || name == "" {
				name = i18n[l.column][c.CCA2]
			}
			if name == "" {
				return nil, fmt.Errorf("%s: no %s in world-countries or i18n-iso-countries", where, l.column)
			}
			row[l.column] = name
		}
		out := make([]string, len(header))
		for j, h := range header {
			out[j] = row[h]
		}
		rows = append(rows, out)
	}
	for code := range bri {
		if !seen[code] {
			return nil, fmt.Errorf("bri_countries.csv: %s is not in world-countries", code)
		}
	}
	for col, codes := range overrides {
		for code := range codes {
			if !seen[code] {
				return nil, fmt.Errorf("override %s %s: no such country", col, code)
			}
		}
	}
	slices.SortFunc(rows, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return rows, nil
}

func write(w io.Writer, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// readI18n reads one i18n-iso-countries locale; a country given several
// names (official and short) gets the first.
func readI18n(path string) (map[string]string, error) {
	var f struct {
		Countries map[string]json.RawMessage `json:"countries"`
	}
	if err := readJSON(path, &f); err != nil {
		return nil, err
	}
	names := make(map[string]string, len(f.Countries))
	for code, raw := range f.Countries {
		var one string
		if err := json.Unmarshal(raw, &one); err == nil {
			names[code] = one
			continue
		}
		var several []string
		if err := json.Unmarshal(raw, &several); err != nil || len(several) == 0 {
			return nil, fmt.Errorf("%s: country %s: want a name or a list of names", path, code)
		}
		names[code] = several[0]
	}
	return names, nil
}

func readBRI(path string) (map[string]briRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	col := make(map[string]int)
	for i, h := range head {
		col[h] = i
	}
	for _, h := range []string{"iso2", "bri_status", "eu_member"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("%s: no column %q", path, h)
		}
	}
	out := make(map[string]briRow)
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		code, status := rec[col["iso2"]], rec[col["bri_status"]]
		switch status {
		case "mou_signed", "initiator", "withdrawn_2023":
		default:
			return nil, fmt.Errorf("%s line %d: bri_status %q is not mou_signed, initiator or withdrawn_2023", path, line, status)
		}
		if _, dup := out[code]; dup {
			return nil, fmt.Errorf("%s line %d: iso2 %s repeated", path, line, code)
		}
		out[code] = briRow{status: status, euMember: rec[col["eu_member"]]}
	}
	return out, nil
}
