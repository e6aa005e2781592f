// Package openalex reads the country co-authorship record compiled from
// OpenAlex: internationally co-authored works for every pair of countries
// and every year, and each country's international output.
package openalex

import (
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Source names the record in import runs and on every page that shows it.
const Source = "openalex-countries"

// Attribution is the credit the record's README asks for, shown wherever
// its figures are.
const Attribution = "OpenAlex (CC0), compiled by V. Batagelj"

// Folder is the data set's folder name inside the shared data folder.
const Folder = "openalex-country-coauthorship"

// The files of the record.
const (
	PairsFile  = "country_pairs_1990_2023.csv.gz"
	TotalsFile = "country_intl_totals_1990_2023.csv.gz"
)

// Pair is the works co-authored by two countries in a year; A < B.
type Pair struct {
	Year  int
	A, B  string
	Works int
}

// Total is a country's internationally co-authored works in a year and
// its number of partner countries.
type Total struct {
	Year     int
	Country  string
	Works    int
	Partners int
}

// Record is the whole data set.
type Record struct {
	Pairs  []Pair
	Totals []Total
	// Dir is the folder it was read from.
	Dir string
}

// Locate finds the record's folder: dir itself, or its openalex folder
// when dir is the shared data folder.
func Locate(dir string) (string, error) {
	for _, d := range []string{dir, filepath.Join(dir, Folder)} {
		if _, err := os.Stat(filepath.Join(d, PairsFile)); err == nil {
			if _, err := os.Stat(filepath.Join(d, TotalsFile)); err != nil {
				return "", fmt.Errorf("%s has %s but not %s", d, PairsFile, TotalsFile)
			}
			return d, nil
		}
	}
	return "", fmt.Errorf("no %s in %s or %s", PairsFile, dir, filepath.Join(dir, Folder))
}

// Load reads both files of the record in dir (see Locate).
func Load(dir string) (*Record, error) {
	d, err := Locate(dir)
	if err != nil {
		return nil, err
	}
	rec := &Record{Dir: d}
	err = readCSV(filepath.Join(d, PairsFile), []string{"year", "country_a", "country_b", "intl_coauthored_works"}, func(line int, f []string) error {
		year, works, err := yearAndCount(f[0], f[3])
		if err != nil {
			return err
		}
		a, b := strings.ToUpper(f[1]), strings.ToUpper(f[2])
		if !code(a) || !code(b) || a == b {
			return fmt.Errorf("country pair %q, %q", f[1], f[2])
		}
		if b < a {
			a, b = b, a
		}
		rec.Pairs = append(rec.Pairs, Pair{Year: year, A: a, B: b, Works: works})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readCSV(filepath.Join(d, TotalsFile), []string{"year", "country", "intl_coauthored_works", "partner_countries"}, func(line int, f []string) error {
		year, works, err := yearAndCount(f[0], f[2])
		if err != nil {
			return err
		}
		partners, err := strconv.Atoi(f[3])
		if err != nil || partners < 0 {
			return fmt.Errorf("partner_countries %q", f[3])
		}
		c := strings.ToUpper(f[1])
		if !code(c) {
			return fmt.Errorf("country %q", f[1])
		}
		rec.Totals = append(rec.Totals, Total{Year: year, Country: c, Works: works, Partners: partners})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

func yearAndCount(y, n string) (int, int, error) {
	year, err := strconv.Atoi(y)
	if err != nil || year < 1900 || year > 2200 {
		return 0, 0, fmt.Errorf("year %q", y)
	}
	works, err := strconv.Atoi(n)
	if err != nil || works < 0 {
		return 0, 0, fmt.Errorf("count %q", n)
	}
	return year, works, nil
}

func code(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}

// readCSV reads a gzipped CSV whose header must be head, calling row for
// each line; a bad line stops the read with its file and line number.
func readCSV(path string, head []string, row func(line int, f []string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	r := csv.NewReader(gz)
	r.FieldsPerRecord = len(head)
	r.ReuseRecord = true
	got, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: header: %w", path, err)
	}
	if strings.Join(got, ",") != strings.Join(head, ",") {
		return fmt.Errorf("%s: header is %q, want %q", path, strings.Join(got, ","), strings.Join(head, ","))
	}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := row(line, rec); err != nil {
			return fmt.Errorf("%s line %d: %w", filepath.Base(path), line, err)
		}
	}
}
