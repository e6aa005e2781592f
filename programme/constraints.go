package programme

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/match"
	"github.com/silkbridge/silkbridge/organisation"
)

// Constraints are the distributional rules of a programme, kept as data
// and shown to applicants before they apply. Targets and floors belong to
// positions (Position.Target, Position.Floor).
type Constraints struct {
	Regions       []Region       `json:"regions"`
	CountryQuotas []CountryQuota `json:"country_quotas"`
}

// Region is a group of host institutions (for example "the large
// institutions") that together take at most Cap talents. The order of
// Hosts is the turn order of flexible deferred acceptance.
type Region struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Hosts []string `json:"hosts"`
	Cap   int      `json:"cap"`
}

// CountryQuota caps the talents of one nationality, over the whole
// programme or inside one region (Region names it): quotas nest, a
// country's quota in a region sits inside its programme-wide quota.
type CountryQuota struct {
	ID      string `json:"id"`
	Country string `json:"country"`
	Region  string `json:"region,omitempty"`
	Cap     int    `json:"cap"`
}

// SeatRule sets one position's target and floor.
type SeatRule struct {
	PositionID string `json:"position_id"`
	Target     *int   `json:"target"`
	Floor      int    `json:"floor"`
}

// ConstraintSet is everything an officer sets at once on the constraints
// page or with one API call: regions, country quotas, and the targets and
// floors of positions (positions not listed keep theirs).
type ConstraintSet struct {
	Regions       []Region       `json:"regions"`
	CountryQuotas []CountryQuota `json:"country_quotas"`
	Seats         []SeatRule     `json:"seats"`
}

// maxCap bounds regional caps and quotas.
const maxCap = 10_000_000

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// Normalise trims the set, drops entries left blank, and gives regions
// and quotas without an id a new one ("region-3", "quota-2").
func (cs *ConstraintSet) Normalise() {
	regions := cs.Regions[:0]
	used := map[string]bool{}
	for _, g := range cs.Regions {
		g.ID, g.Name = strings.ToLower(strings.TrimSpace(g.ID)), strings.TrimSpace(g.Name)
		g.Hosts = organisation.CleanList(g.Hosts, 10000)
		if g.Blank() {
			continue
		}
		used[g.ID] = true
		regions = append(regions, g)
	}
	for i := range regions {
		if regions[i].ID == "" {
			regions[i].ID = freeID("region-", used)
		}
	}
	cs.Regions = regions
	quotas := cs.CountryQuotas[:0]
	used = map[string]bool{}
	for _, q := range cs.CountryQuotas {
		q.ID, q.Country = strings.ToLower(strings.TrimSpace(q.ID)), strings.ToUpper(strings.TrimSpace(q.Country))
		q.Region = strings.ToLower(strings.TrimSpace(q.Region))
		if q.Blank() {
			continue
		}
		used[q.ID] = true
		quotas = append(quotas, q)
	}
	for i := range quotas {
		if quotas[i].ID == "" {
			quotas[i].ID = freeID("quota-", used)
		}
	}
	cs.CountryQuotas = quotas
}

// freeID returns the first prefix-N not in used, and marks it used.
func freeID(prefix string, used map[string]bool) string {
	for n := 1; ; n++ {
		id := prefix + strconv.Itoa(n)
		if !used[id] {
			used[id] = true
			return id
		}
	}
}

// Blank reports whether a region typed in a form was left empty.
func (g Region) Blank() bool {
	return strings.TrimSpace(g.ID) == "" && strings.TrimSpace(g.Name) == "" && len(g.Hosts) == 0 && g.Cap == 0
}

// Blank reports whether a quota typed in a form was left empty.
func (q CountryQuota) Blank() bool {
	return strings.TrimSpace(q.ID) == "" && strings.TrimSpace(q.Country) == "" && strings.TrimSpace(q.Region) == "" && q.Cap == 0
}

// ConstraintSetOf returns the programme's constraints as a set, as the
// constraints page and API show them.
func ConstraintSetOf(p *Programme) ConstraintSet {
	cs := ConstraintSet{Regions: p.Constraints.Regions, CountryQuotas: p.Constraints.CountryQuotas, Seats: make([]SeatRule, len(p.Positions))}
	for i, pos := range p.Positions {
		cs.Seats[i] = SeatRule{PositionID: pos.ID, Target: pos.Target, Floor: pos.Floor}
	}
	return cs
}

// Apply checks the set against the programme's positions and, when it
// holds, writes it into p (constraints, targets and floors). The error
// names every entry at fault ("regions.0.cap", "seats.2.target", ...) and
// p is left unchanged.
func (cs *ConstraintSet) Apply(p *Programme, ref organisation.Checker) error {
	cs.Normalise()
	var pr silkbridge.Problems
	positions := make([]Position, len(p.Positions))
	copy(positions, p.Positions)
	byID := map[string]int{}
	for i, pos := range positions {
		byID[pos.ID] = i
	}
	for i, rule := range cs.Seats {
		j, ok := byID[rule.PositionID]
		if !ok {
			pr.Add(fmt.Sprintf("seats.%d.position_id", i), "prog.field.position", "not a position of this programme", nil)
			continue
		}
		pos := positions[j]
		pos.Target, pos.Floor = rule.Target, rule.Floor
		checkSeats(&pr, fmt.Sprintf("seats.%d.target", i), fmt.Sprintf("seats.%d.floor", i), &pos)
		positions[j] = pos
	}
	c := Constraints{Regions: cs.Regions, CountryQuotas: cs.CountryQuotas}
	if c.Regions == nil {
		c.Regions = []Region{}
	}
	if c.CountryQuotas == nil {
		c.CountryQuotas = []CountryQuota{}
	}
	checkConstraints(&pr, c, positions, ref)
	if err := pr.Err(); err != nil {
		return err
	}
	p.Constraints, p.Positions = c, positions
	return nil
}

// Validate checks the programme's constraints against its positions: a
// check the store repeats when positions change, so that a stored
// programme can always be matched.
func (c Constraints) Validate(positions []Position, ref organisation.Checker) error {
	var pr silkbridge.Problems
	checkConstraints(&pr, c, positions, ref)
	return pr.Err()
}

func checkConstraints(pr *silkbridge.Problems, c Constraints, positions []Position, ref organisation.Checker) {
	hosts := map[string]bool{}
	for _, pos := range positions {
		hosts[pos.OrgID] = true
	}
	regionOf := map[string]string{} // host -> region id
	regionIndex := map[string]int{}
	for i, g := range c.Regions {
		f := func(name string) string { return fmt.Sprintf("regions.%d.%s", i, name) }
		if !idPattern.MatchString(g.ID) {
			pr.Add(f("id"), "prog.field.slug", "lower-case letters, digits, - and _ (at most 40)", nil)
		} else if _, dup := regionIndex[g.ID]; dup {
			pr.Add(f("id"), "prog.field.duplicate_id", "another entry already has this id", map[string]any{"Value": g.ID})
		} else {
			regionIndex[g.ID] = i
		}
		if pr.Required(f("name"), g.Name) {
			pr.MaxLen(f("name"), g.Name, 200)
		}
		if g.Cap < 0 || g.Cap > maxCap {
			pr.Add(f("cap"), "prog.field.range", fmt.Sprintf("a whole number from %d to %d", 0, maxCap), map[string]any{"Min": 0, "Max": maxCap})
		}
		if len(g.Hosts) == 0 {
			pr.Add(f("hosts"), "prog.field.hosts_required", "choose at least one host institution", nil)
		}
		for _, h := range g.Hosts {
			if !hosts[h] {
				pr.Add(f("hosts"), "prog.field.not_host", "not a host institution of this programme", nil)
				break
			}
			if other, dup := regionOf[h]; dup {
				pr.Add(f("hosts"), "prog.field.host_in_two_regions", "a host institution can be in one region only", map[string]any{"Region": other})
				break
			}
			regionOf[h] = g.ID
		}
	}
	// Targets must fit under the regional cap, or no algorithm can keep it.
	if !pr.Has("regions") {
		inst := seatsInstance(c, positions, regionIndex)
		targets := match.Targets(inst)
		for i, g := range inst.Regions {
			sum := 0
			for _, h := range g.Hospitals {
				sum += int(targets[h])
			}
			if sum > g.Cap {
				pr.Add(fmt.Sprintf("regions.%d.cap", i), "prog.field.targets_above_cap", "the targets of its positions add up to more than the cap",
					map[string]any{"Sum": sum, "Cap": g.Cap})
			}
		}
	}
	seen := map[string]int{}
	byScope := map[string]int{} // country + "/" + region -> cap
	for i, q := range c.CountryQuotas {
		f := func(name string) string { return fmt.Sprintf("country_quotas.%d.%s", i, name) }
		if !idPattern.MatchString(q.ID) {
			pr.Add(f("id"), "prog.field.slug", "lower-case letters, digits, - and _ (at most 40)", nil)
		} else if _, dup := seen[q.ID]; dup {
			pr.Add(f("id"), "prog.field.duplicate_id", "another entry already has this id", map[string]any{"Value": q.ID})
		} else {
			seen[q.ID] = i
		}
		if q.Country == "" {
			pr.Required(f("country"), q.Country)
		} else if !ref.CountryExists(q.Country) {
			pr.Add(f("country"), "field.country", "not an ISO 3166-1 country code", map[string]any{"Value": q.Country})
		}
		if q.Region != "" {
			if _, ok := regionIndex[q.Region]; !ok {
				pr.Add(f("region"), "prog.field.region", "not a region of this programme", map[string]any{"Value": q.Region})
			}
		}
		if q.Cap < 0 || q.Cap > maxCap {
			pr.Add(f("cap"), "prog.field.range", fmt.Sprintf("a whole number from %d to %d", 0, maxCap), map[string]any{"Min": 0, "Max": maxCap})
		}
		key := q.Country + "/" + q.Region
		if _, dup := byScope[key]; dup {
			pr.Add(f("country"), "prog.field.quota_twice", "this country already has a quota here", nil)
		}
		byScope[key] = q.Cap
	}
	// Quotas nest: a country's quota inside a region cannot exceed its
	// quota over the whole programme.
	for i, q := range c.CountryQuotas {
		if q.Region == "" {
			continue
		}
		if outer, ok := byScope[q.Country+"/"]; ok && q.Cap > outer {
			pr.Add(fmt.Sprintf("country_quotas.%d.cap", i), "prog.field.quota_above_outer", "above the country's quota over the whole programme",
				map[string]any{"Cap": outer})
		}
	}
}

// seatsInstance builds an instance of the positions and regions alone,
// enough for match.Targets.
func seatsInstance(c Constraints, positions []Position, regionIndex map[string]int) *match.Instance {
	inst := &match.Instance{Hospitals: make([]match.Hospital, len(positions))}
	byHost := map[string][]int32{}
	for i, pos := range positions {
		inst.Hospitals[i] = match.Hospital{ID: pos.ID, Capacity: pos.Capacity, Target: pos.Target, Floor: pos.Floor}
		byHost[pos.OrgID] = append(byHost[pos.OrgID], int32(i))
	}
	for _, g := range c.Regions {
		if _, ok := regionIndex[g.ID]; !ok {
			continue
		}
		r := match.Region{ID: g.ID, Cap: g.Cap}
		for _, h := range g.Hosts {
			r.Hospitals = append(r.Hospitals, byHost[h]...)
		}
		inst.Regions = append(inst.Regions, r)
	}
	return inst
}

// Region returns the region with id, or nil.
func (c Constraints) Region(id string) *Region {
	for i := range c.Regions {
		if c.Regions[i].ID == id {
			return &c.Regions[i]
		}
	}
	return nil
}

// RegionOfHost returns the region holding host orgID, or nil.
func (c Constraints) RegionOfHost(orgID string) *Region {
	for i := range c.Regions {
		if contains(c.Regions[i].Hosts, orgID) {
			return &c.Regions[i]
		}
	}
	return nil
}

// Quota returns the country quota with id, or nil.
func (c Constraints) Quota(id string) *CountryQuota {
	for i := range c.CountryQuotas {
		if c.CountryQuotas[i].ID == id {
			return &c.CountryQuotas[i]
		}
	}
	return nil
}

// Targets returns every position's effective target, by position id: the
// explicit one or the default share of its region's cap (the engine's
// rule), for showing applicants what to expect.
func (p *Programme) Targets() map[string]int {
	regionIndex := map[string]int{}
	for i, g := range p.Constraints.Regions {
		regionIndex[g.ID] = i
	}
	inst := seatsInstance(p.Constraints, p.Positions, regionIndex)
	t := match.Targets(inst)
	out := make(map[string]int, len(p.Positions))
	for i, pos := range p.Positions {
		out[pos.ID] = int(t[i])
	}
	return out
}
