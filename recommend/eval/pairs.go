package eval

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

// CountryPairsDataSet is the folder of the OpenAlex co-authorship counts
// beside the CORDIS folders, and CountryPairsFile its file of pairs.
const (
	CountryPairsDataSet = "openalex-country-coauthorship"
	CountryPairsFile    = "country_pairs_1990_2023.csv.gz"
)

// CountryPair is the number of works co-authored by two countries in a
// year: evidence, from outside the consortia, of which countries work
// together.
type CountryPair struct {
	Year  int
	A, B  string // ISO 3166-1 alpha-2
	Works float64
}

// LoadCountryPairs reads the OpenAlex country pairs
// (year,country_a,country_b,intl_coauthored_works).
func LoadCountryPairs(path string) ([]CountryPair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	cr := csv.NewReader(zr)
	cr.FieldsPerRecord = 4
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if strings.Join(header, ",") != "year,country_a,country_b,intl_coauthored_works" {
		return nil, fmt.Errorf("%s: header %q, expected year,country_a,country_b,intl_coauthored_works", path, strings.Join(header, ","))
	}
	var out []CountryPair
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := cr.FieldPos(0)
		year, err := strconv.Atoi(rec[0])
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: year %q", path, line, rec[0])
		}
		works, err := strconv.ParseFloat(rec[3], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: intl_coauthored_works %q", path, line, rec[3])
		}
		out = append(out, CountryPair{Year: year, A: rec[1], B: rec[2], Works: works})
	}
}

// countryPairsBeside returns the path of the country pairs file in the
// data folder that holds the CORDIS folder of participations, and whether
// it exists.
func countryPairsBeside(participations string) (string, bool) {
	p := filepath.Join(filepath.Dir(filepath.Dir(participations)), CountryPairsDataSet, CountryPairsFile)
	st, err := os.Stat(p)
	return p, err == nil && !st.IsDir()
}

// pairsUntil returns the pairs of the years up to and including year: a
// graph of training years learns nothing of later years.
func pairsUntil(pairs []CountryPair, year int) []CountryPair {
	var out []CountryPair
	for _, p := range pairs {
		if p.Year <= year {
			out = append(out, p)
		}
	}
	return out
}
