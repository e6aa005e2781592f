package opportunity

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
)

// Filter selects listings. The same filter drives the marketplace list,
// the API, saved searches and their feeds; it travels as URL query
// parameters (see ParseFilter and Values).
type Filter struct {
	// Query is free text in any of the six UN languages.
	Query string `json:"q,omitempty"`
	Kind  string `json:"kind,omitempty"`
	// Field keeps listings that carry the field or one of its sub-fields.
	Field string `json:"field,omitempty"`
	// Country is the owner organisation's country.
	Country string `json:"country,omitempty"`
	// Seeks keeps listings that seek partners from this country.
	Seeks string `json:"seeks,omitempty"`
	// BRIPartner keeps listings of owners in Belt and Road partner countries.
	BRIPartner bool `json:"bri,omitempty"`
	// TRLMin and TRLMax bound the readiness level (0: no bound); a bound
	// leaves out listings without a level.
	TRLMin int `json:"trl_min,omitempty"`
	TRLMax int `json:"trl_max,omitempty"`
	// DeadlineFrom keeps listings open at least until that day (those
	// without a deadline too); DeadlineTo those that close by that day.
	DeadlineFrom string `json:"deadline_from,omitempty"`
	DeadlineTo   string `json:"deadline_to,omitempty"`
	// Status is "" (open listings), AnyStatus, or one of Statuses. Who may
	// see which is Visible's to say.
	Status string `json:"status,omitempty"`
	// OwnerOrgID keeps the listings of one organisation.
	OwnerOrgID string `json:"owner,omitempty"`

	// PublishedAfter keeps listings published after this instant (new
	// matches of a saved search); zero keeps all.
	PublishedAfter time.Time `json:"-"`
	// OnlyID keeps one listing (does it match the rest of the filter?).
	OnlyID string `json:"-"`
	// Visible restricts the list to what a reader may see (see Visibility).
	Visible *Visibility `json:"-"`
	Page    int         `json:"-"`
	PerPage int         `json:"-"`
}

// Visibility says what a reader may see beyond the public listings.
type Visibility struct {
	// Officer readers (agency officers and admins) see every listing.
	Officer bool
	// Orgs are the organisations the reader manages: their listings are
	// visible in every status, anonymous or not.
	Orgs []string
}

// AnyStatus selects listings in every status (that the reader may see).
const AnyStatus = "any"

// FilterKeys are the query parameters of a filter, in display order.
var FilterKeys = []string{"q", "kind", "field", "country", "seeks", "bri", "trl_min", "trl_max", "deadline_from", "deadline_to", "status", "owner"}

// ParseFilter reads a filter from URL query parameters. Values that cannot
// be read (a TRL that is not a number, a malformed date) are EINVALID
// errors naming the parameter; whether codes exist is Validate's to check.
func ParseFilter(v url.Values) (Filter, error) {
	var p silkbridge.Problems
	f := Filter{
		Query:        strings.TrimSpace(v.Get("q")),
		Kind:         strings.TrimSpace(v.Get("kind")),
		Field:        strings.TrimSpace(v.Get("field")),
		Country:      strings.ToUpper(strings.TrimSpace(v.Get("country"))),
		Seeks:        strings.ToUpper(strings.TrimSpace(v.Get("seeks"))),
		DeadlineFrom: strings.TrimSpace(v.Get("deadline_from")),
		DeadlineTo:   strings.TrimSpace(v.Get("deadline_to")),
		Status:       strings.TrimSpace(v.Get("status")),
		OwnerOrgID:   strings.TrimSpace(v.Get("owner")),
	}
	switch strings.ToLower(strings.TrimSpace(v.Get("bri"))) {
	case "", "0", "false", "off", "no":
	case "1", "true", "on", "yes":
		f.BRIPartner = true
	default:
		p.Add("bri", "market.field.boolean", "true or false", nil)
	}
	f.TRLMin = trlParam(&p, "trl_min", v.Get("trl_min"))
	f.TRLMax = trlParam(&p, "trl_max", v.Get("trl_max"))
	if f.Status == "open" {
		f.Status = ""
	}
	return f, p.Err()
}

func trlParam(p *silkbridge.Problems, name, s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < MinTRL || n > MaxTRL {
		p.Add(name, "market.field.trl", "a technology readiness level from 1 to 9", map[string]any{"Value": s})
		return 0
	}
	return n
}

// Validate checks the codes and ranges of a filter.
func (f *Filter) Validate(ref Checker) error {
	var p silkbridge.Problems
	if f.Kind != "" && !ValidKind(f.Kind) {
		p.Add("kind", "field.kind", "choose one of the kinds listed", map[string]any{"Value": f.Kind})
	}
	if f.Field != "" && !ref.FieldExists(f.Field) {
		p.Add("field", "field.field_code", "not a field of research and development code (such as 2.2)", map[string]any{"Value": f.Field})
	}
	if f.Country != "" && !ref.CountryExists(f.Country) {
		p.Add("country", "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": f.Country})
	}
	if f.Seeks != "" && !ref.CountryExists(f.Seeks) {
		p.Add("seeks", "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": f.Seeks})
	}
	if f.TRLMin < 0 || f.TRLMin > MaxTRL {
		p.Add("trl_min", "market.field.trl", "a technology readiness level from 1 to 9", map[string]any{"Value": f.TRLMin})
	}
	if f.TRLMax < 0 || f.TRLMax > MaxTRL {
		p.Add("trl_max", "market.field.trl", "a technology readiness level from 1 to 9", map[string]any{"Value": f.TRLMax})
	}
	if f.TRLMin > 0 && f.TRLMax > 0 && f.TRLMax < f.TRLMin {
		p.Add("trl_max", "market.field.trl_range", "the highest level is below the lowest", nil)
	}
	from, okFrom := CheckDate(&p, "deadline_from", f.DeadlineFrom)
	to, okTo := CheckDate(&p, "deadline_to", f.DeadlineTo)
	if okFrom && okTo && !from.IsZero() && !to.IsZero() && to.Before(from) {
		p.Add("deadline_to", "market.field.date_range", "this date is before the first one", nil)
	}
	if f.Status != "" && f.Status != AnyStatus && !contains(Statuses, f.Status) {
		p.Add("status", "field.choice", "not one of the choices", map[string]any{"Value": f.Status})
	}
	if f.OwnerOrgID != "" && !silkbridge.ValidID(f.OwnerOrgID) {
		p.Add("owner", "field.organisation", "not an organisation on the platform", nil)
	}
	p.MaxLen("q", f.Query, 200)
	return p.Err()
}

// Values returns the filter as URL query parameters (only those set), the
// inverse of ParseFilter; paging is left out.
func (f Filter) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", f.Query)
	set("kind", f.Kind)
	set("field", f.Field)
	set("country", f.Country)
	set("seeks", f.Seeks)
	if f.BRIPartner {
		v.Set("bri", "1")
	}
	if f.TRLMin > 0 {
		v.Set("trl_min", strconv.Itoa(f.TRLMin))
	}
	if f.TRLMax > 0 {
		v.Set("trl_max", strconv.Itoa(f.TRLMax))
	}
	set("deadline_from", f.DeadlineFrom)
	set("deadline_to", f.DeadlineTo)
	set("status", f.Status)
	set("owner", f.OwnerOrgID)
	return v
}

// IsEmpty reports whether the filter selects every open listing.
func (f Filter) IsEmpty() bool { return len(f.Values()) == 0 }
