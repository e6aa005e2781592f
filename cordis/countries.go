package cordis

import "strings"

// ISOCountry returns the ISO 3166-1 alpha-2 code for a CORDIS country code:
// EL becomes GR and UK becomes GB; every other code is already ISO (NA is
// Namibia). The code is upper-cased and trimmed.
func ISOCountry(code string) string {
	c := strings.ToUpper(strings.TrimSpace(code))
	switch c {
	case "EL":
		return "GR"
	case "UK":
		return "GB"
	}
	return c
}

// CORDISCountry is the inverse of ISOCountry: GR becomes EL and GB becomes
// UK, as CORDIS files and countries.yml write them.
func CORDISCountry(code string) string {
	c := strings.ToUpper(strings.TrimSpace(code))
	switch c {
	case "GR":
		return "EL"
	case "GB":
		return "UK"
	}
	return c
}

// Group is the Horizon 2020 country group of a participant.
type Group string

// Country groups as in countries.yml of the participations data set.
const (
	EU15       Group = "eu15" // member states before 2004, the United Kingdom included
	EU13       Group = "eu13" // member states that joined from 2004
	Associated Group = "ac"   // countries associated to Horizon 2020
	Third      Group = "tc"   // every other country
)

// groups mirrors countries.yml (in ISO codes); a test checks it against the
// file. The United Kingdom was a member for the whole of Horizon 2020's
// record, so it counts as EU here as it does in the data.
var groups = map[string]Group{
	"AT": EU15, "BE": EU15, "DK": EU15, "FI": EU15, "FR": EU15, "DE": EU15, "GR": EU15, "IE": EU15,
	"IT": EU15, "LU": EU15, "NL": EU15, "PT": EU15, "ES": EU15, "SE": EU15, "GB": EU15,
	"BG": EU13, "HR": EU13, "CY": EU13, "CZ": EU13, "EE": EU13, "HU": EU13, "LV": EU13, "LT": EU13,
	"MT": EU13, "PL": EU13, "RO": EU13, "SK": EU13, "SI": EU13,
	"AL": Associated, "AM": Associated, "BA": Associated, "FO": Associated, "GE": Associated,
	"IS": Associated, "IL": Associated, "MD": Associated, "MK": Associated, "ME": Associated,
	"NO": Associated, "RS": Associated, "CH": Associated, "TN": Associated, "TR": Associated,
	"UA": Associated,
}

// GroupOf returns the Horizon 2020 group of a country given in CORDIS or
// ISO form; a country in no list is a third country, and an empty code has
// no group ("").
func GroupOf(code string) Group {
	iso := ISOCountry(code)
	if iso == "" {
		return ""
	}
	if g, ok := groups[iso]; ok {
		return g
	}
	return Third
}

// IsEU reports whether the country (CORDIS or ISO code) was an EU member
// state in Horizon 2020, as the data set counts them.
func IsEU(code string) bool {
	g := GroupOf(code)
	return g == EU15 || g == EU13
}

// IsInternational reports whether a participant from this country is
// outside the EU: an associated or a third country.
func IsInternational(code string) bool {
	g := GroupOf(code)
	return g == Associated || g == Third
}
