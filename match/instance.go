package match

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// FormatInstance is the format tag of an instance file.
const FormatInstance = "hr-instance/1"

// FormatMatching is the format tag of a matching file.
const FormatMatching = "hr-matching/1"

// An Instance is a hospitals/residents problem: who applies where, who ranks
// whom, and the constraints on the distribution. Preferences are indices into
// the other side's slice, best first. Build one in code or with ReadInstance,
// and check it with Validate before solving (Solve does).
type Instance struct {
	Residents   []Resident
	Hospitals   []Hospital
	Regions     []Region
	GroupQuotas []GroupQuota
	// Meta is the instance's free-form "meta" value, kept verbatim (nil when absent).
	Meta json.RawMessage
}

// A Resident is one applicant.
type Resident struct {
	ID string
	// Group is a label such as a country code, counted by group quotas ("" for none).
	Group string
	// Prefs are indices into Instance.Hospitals, best first.
	Prefs []int32
}

// A Hospital is one host position with a number of seats.
type Hospital struct {
	ID       string
	Capacity int
	// Prefs are indices into Instance.Residents, best first.
	Prefs []int32
	// Target is the explicit target inside the hospital's region, or nil for
	// the default (see the package documentation).
	Target *int
	// Floor is the minimum number of residents wished; a shortfall is reported, never enforced.
	Floor int
}

// A Region caps the total number of residents over a set of hospitals. The
// order of Hospitals is the turn order of flexible deferred acceptance.
type Region struct {
	ID        string
	Hospitals []int32
	Cap       int
}

// A GroupQuota caps the number of residents of one group over a set of hospitals.
type GroupQuota struct {
	ID        string
	Group     string
	Hospitals []int32
	Cap       int
}

// maxCount bounds every count so that sums over an instance fit in int64 and
// single values in int32.
const maxCount = math.MaxInt32

// Validate reports the first problem that makes the instance unusable, naming
// the entry: an empty or duplicate id, an index out of range, a duplicate in a
// list, a negative or oversized number, a target above capacity, or a region
// whose targets add up to more than its cap.
func (in *Instance) Validate() error {
	if err := in.validateEntries(); err != nil {
		return err
	}
	if err := in.validatePrefs(); err != nil {
		return err
	}
	return in.validateConstraints()
}

// validateEntries checks ids and numbers of residents and hospitals.
func (in *Instance) validateEntries() error {
	if err := in.validateIDs(); err != nil {
		return err
	}
	return in.validateNumbers()
}

// validateIDs checks that ids are present and unique on each side.
func (in *Instance) validateIDs() error {
	if len(in.Residents) > maxCount || len(in.Hospitals) > maxCount {
		return fmt.Errorf("instance too large: %d residents, %d hospitals", len(in.Residents), len(in.Hospitals))
	}
	seenR := make(map[string]int, len(in.Residents))
	for i := range in.Residents {
		r := &in.Residents[i]
		if r.ID == "" {
			return fmt.Errorf("residents[%d]: empty id", i)
		}
		if j, dup := seenR[r.ID]; dup {
			return fmt.Errorf("residents[%d] %q: duplicate id (also residents[%d])", i, r.ID, j)
		}
		seenR[r.ID] = i
	}
	seenH := make(map[string]int, len(in.Hospitals))
	for i := range in.Hospitals {
		h := &in.Hospitals[i]
		if h.ID == "" {
			return fmt.Errorf("hospitals[%d]: empty id", i)
		}
		if j, dup := seenH[h.ID]; dup {
			return fmt.Errorf("hospitals[%d] %q: duplicate id (also hospitals[%d])", i, h.ID, j)
		}
		seenH[h.ID] = i
	}
	return nil
}

// validateNumbers checks capacities, targets and floors.
func (in *Instance) validateNumbers() error {
	for i := range in.Hospitals {
		h := &in.Hospitals[i]
		if h.Capacity < 0 || h.Capacity > maxCount {
			return fmt.Errorf("hospitals[%d] %q: capacity %d out of range (want 0 to %d)", i, h.ID, h.Capacity, maxCount)
		}
		if h.Target != nil && (*h.Target < 0 || *h.Target > h.Capacity) {
			return fmt.Errorf("hospitals[%d] %q: target %d out of range (want 0 to capacity %d)", i, h.ID, *h.Target, h.Capacity)
		}
		if h.Floor < 0 || h.Floor > h.Capacity {
			return fmt.Errorf("hospitals[%d] %q: floor %d out of range (want 0 to capacity %d)", i, h.ID, h.Floor, h.Capacity)
		}
	}
	return nil
}

// validatePrefs checks that every preference is in range and listed once.
func (in *Instance) validatePrefs() error {
	nR, nH := int32(len(in.Residents)), int32(len(in.Hospitals))
	// stamp[x] == list number + 1 marks x as seen in the current list, so no
	// clearing is needed between lists.
	stamp := make([]int32, max(nR, nH))
	list := int32(0)
	for i := range in.Residents {
		r := &in.Residents[i]
		list++
		for _, h := range r.Prefs {
			if h < 0 || h >= nH {
				return fmt.Errorf("residents[%d] %q: hospital index %d in prefs out of range", i, r.ID, h)
			}
			if stamp[h] == list {
				return fmt.Errorf("residents[%d] %q: duplicate hospital %q in prefs", i, r.ID, in.Hospitals[h].ID)
			}
			stamp[h] = list
		}
	}
	clear(stamp)
	list = 0
	for i := range in.Hospitals {
		h := &in.Hospitals[i]
		list++
		for _, r := range h.Prefs {
			if r < 0 || r >= nR {
				return fmt.Errorf("hospitals[%d] %q: resident index %d in prefs out of range", i, h.ID, r)
			}
			if stamp[r] == list {
				return fmt.Errorf("hospitals[%d] %q: duplicate resident %q in prefs", i, h.ID, in.Residents[r].ID)
			}
			stamp[r] = list
		}
	}
	return nil
}

// validateConstraints checks regions and group quotas.
func (in *Instance) validateConstraints() error {
	nH := int32(len(in.Hospitals))
	stamp := make([]int32, nH)
	seen := make(map[string]int, len(in.Regions))
	for i := range in.Regions {
		g := &in.Regions[i]
		if g.ID == "" {
			return fmt.Errorf("regions[%d]: empty id", i)
		}
		if j, dup := seen[g.ID]; dup {
			return fmt.Errorf("regions[%d] %q: duplicate id (also regions[%d])", i, g.ID, j)
		}
		seen[g.ID] = i
		if g.Cap < 0 || g.Cap > maxCount {
			return fmt.Errorf("regions[%d] %q: cap %d out of range (want 0 to %d)", i, g.ID, g.Cap, maxCount)
		}
		if err := checkHospitalList(in, g.Hospitals, stamp, int32(i+1), "regions", i, g.ID); err != nil {
			return err
		}
	}
	clear(stamp)
	clear(seen)
	for i := range in.GroupQuotas {
		q := &in.GroupQuotas[i]
		if q.ID == "" {
			return fmt.Errorf("group_quotas[%d]: empty id", i)
		}
		if j, dup := seen[q.ID]; dup {
			return fmt.Errorf("group_quotas[%d] %q: duplicate id (also group_quotas[%d])", i, q.ID, j)
		}
		seen[q.ID] = i
		if q.Group == "" {
			return fmt.Errorf("group_quotas[%d] %q: empty group", i, q.ID)
		}
		if q.Cap < 0 || q.Cap > maxCount {
			return fmt.Errorf("group_quotas[%d] %q: cap %d out of range (want 0 to %d)", i, q.ID, q.Cap, maxCount)
		}
		if err := checkHospitalList(in, q.Hospitals, stamp, int32(i+1), "group_quotas", i, q.ID); err != nil {
			return err
		}
	}
	// Targets inside a region must fit under its cap, or JRMP and FDA could
	// not keep it.
	targets := Targets(in)
	for i := range in.Regions {
		g := &in.Regions[i]
		var sum int64
		for _, h := range g.Hospitals {
			sum += int64(targets[h])
		}
		if sum > int64(g.Cap) {
			return fmt.Errorf("regions[%d] %q: targets of its hospitals add up to %d, above its cap %d", i, g.ID, sum, g.Cap)
		}
	}
	return nil
}

func checkHospitalList(in *Instance, list []int32, stamp []int32, mark int32, field string, i int, id string) error {
	nH := int32(len(in.Hospitals))
	for _, h := range list {
		if h < 0 || h >= nH {
			return fmt.Errorf("%s[%d] %q: hospital index %d out of range", field, i, id, h)
		}
		if stamp[h] == mark {
			return fmt.Errorf("%s[%d] %q: duplicate hospital %q", field, i, id, in.Hospitals[h].ID)
		}
		stamp[h] = mark
	}
	return nil
}

// Targets returns every hospital's target: the explicit one, or else the
// smallest floor(capacity * cap / seats) over the regions holding it, or its
// capacity when no region holds it. Indices must be in range.
func Targets(in *Instance) []int32 {
	t := make([]int32, len(in.Hospitals))
	for h := range in.Hospitals {
		t[h] = int32(in.Hospitals[h].Capacity)
	}
	for _, g := range in.Regions {
		var seats int64
		for _, h := range g.Hospitals {
			seats += int64(in.Hospitals[h].Capacity)
		}
		for _, h := range g.Hospitals {
			if in.Hospitals[h].Target != nil {
				continue
			}
			var d int64
			if seats > 0 {
				// A cap above the seats leaves the target at the capacity.
				d = min(int64(in.Hospitals[h].Capacity)*min(int64(g.Cap), seats)/seats, int64(in.Hospitals[h].Capacity))
			}
			t[h] = min(t[h], int32(d))
		}
	}
	for h := range in.Hospitals {
		if p := in.Hospitals[h].Target; p != nil {
			t[h] = int32(*p)
		}
	}
	return t
}

// GroupShares returns, for group quota q, each of its hospitals' share of the
// quota, in the order of q.Hospitals: proportional to capacity, floors
// first, then one more seat to each of the largest remainders (ties to the
// earlier hospital), never above a hospital's capacity.
func GroupShares(in *Instance, q *GroupQuota) []int32 {
	shares := make([]int32, len(q.Hospitals))
	var seats int64
	for _, h := range q.Hospitals {
		seats += int64(in.Hospitals[h].Capacity)
	}
	if seats == 0 {
		return shares
	}
	quota := min(int64(q.Cap), seats)
	rem := make([]int64, len(q.Hospitals))
	left := quota
	for i, h := range q.Hospitals {
		c := int64(in.Hospitals[h].Capacity)
		shares[i] = int32(c * quota / seats)
		rem[i] = c * quota % seats
		left -= int64(shares[i])
	}
	// left < len(q.Hospitals) since each floor loses less than one seat, and
	// a hospital with a remainder has share < capacity, so the extra seat fits.
	order := make([]int, len(q.Hospitals))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rem[b], rem[a]) })
	for _, i := range order[:left] {
		shares[i]++
	}
	return shares
}
