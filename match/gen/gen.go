// Package gen generates matching instances that look like real, concentrated
// markets: a few large, prestigious hosts wanted by most applicants, short
// lists, and regions capping the large hosts. The same configuration always
// gives the same instance.
package gen

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/silkbridge/silkbridge/match"
)

// Config describes the market to generate.
type Config struct {
	Residents int
	// Regions is the number of regions: 0 for none; otherwise the top
	// quarter of hospitals by prestige form a "metro" region capped at
	// MetroCap of its seats, and the others are spread over Regions-1
	// regions capped at their seats.
	Regions int
	// Seed makes the instance; the same seed gives the same instance.
	Seed uint64
	// MinList and MaxList bound the length of a resident's list (default 10 and 20).
	MinList, MaxList int
	// SeatsPerResident is the number of seats per resident (default 0.92).
	SeatsPerResident float64
	// MetroCap is the metro region's cap as a share of its seats (default 0.7).
	MetroCap float64
	// Groups gives residents a group label (a country code) drawn from the
	// first Groups codes of a fixed list, the first ones more often; 0 for none.
	Groups int
	// GroupQuota, when above 0 and with regions, caps each group inside the
	// metro region at this share of the metro cap.
	GroupQuota float64
	// Floors gives the least prestigious quarter of hospitals a floor of one.
	Floors bool
}

// countries are the group labels, in the order they are drawn from.
var countries = []string{"CN", "KZ", "PK", "RU", "ID", "EG", "VN", "TH", "UZ", "IR", "TR", "MY", "BD", "SA", "KE", "ET"}

// Generate builds the instance described by cfg.
func Generate(cfg Config) (*match.Instance, error) {
	if cfg.Residents < 0 || cfg.Residents > math.MaxInt32/32 {
		return nil, fmt.Errorf("residents: %d out of range", cfg.Residents)
	}
	if cfg.MinList == 0 && cfg.MaxList == 0 {
		cfg.MinList, cfg.MaxList = 10, 20
	}
	if cfg.MinList < 1 || cfg.MaxList < cfg.MinList {
		return nil, fmt.Errorf("list lengths: want 1 <= min (%d) <= max (%d)", cfg.MinList, cfg.MaxList)
	}
	if cfg.SeatsPerResident == 0 {
		cfg.SeatsPerResident = 0.92
	}
	if cfg.MetroCap == 0 {
		cfg.MetroCap = 0.7
	}
	if cfg.SeatsPerResident < 0 || cfg.MetroCap < 0 || cfg.MetroCap > 1 || cfg.GroupQuota < 0 || cfg.GroupQuota > 1 {
		return nil, errors.New("seats per resident, metro cap and group quota must be non-negative shares")
	}
	if cfg.Regions < 0 {
		return nil, fmt.Errorf("regions: %d is negative", cfg.Regions)
	}
	if cfg.Groups < 0 || cfg.Groups > len(countries) {
		return nil, fmt.Errorf("groups: want 0 to %d", len(countries))
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))

	// Hospitals: capacities uniform in [1, 12] until the seats are there;
	// the larger ones go to the more prestigious.
	wantSeats := int(math.Round(cfg.SeatsPerResident * float64(cfg.Residents)))
	var caps []int
	for seats := 0; seats < wantSeats; {
		c := 1 + rng.IntN(12)
		caps = append(caps, c)
		seats += c
	}
	m := len(caps)
	if m == 0 && cfg.Residents > 0 {
		caps, m = []int{1}, 1
	}
	z := make([]float64, m)
	for h := range z {
		z[h] = rng.NormFloat64()
	}
	byPrestige := make([]int, m) // hospitals, most prestigious first
	for h := range byPrestige {
		byPrestige[h] = h
	}
	slices.SortStableFunc(byPrestige, func(a, b int) int { return cmp.Compare(z[b], z[a]) })
	slices.SortFunc(caps, func(a, b int) int { return cmp.Compare(b, a) })
	capacity := make([]int, m)
	for i, h := range byPrestige {
		capacity[h] = caps[i]
	}

	inst := &match.Instance{
		Residents: make([]match.Resident, cfg.Residents),
		Hospitals: make([]match.Hospital, m),
	}
	for h := range inst.Hospitals {
		inst.Hospitals[h].ID = "h" + strconv.Itoa(h)
		inst.Hospitals[h].Capacity = capacity[h]
	}

	// Residents: each samples a list by weight capacity*exp(z) and ranks it
	// by z plus noise.
	weights := make([]float64, m)
	for h := range weights {
		weights[h] = float64(capacity[h]) * math.Exp(z[h])
	}
	alias := newAlias(weights)
	quality := make([]float64, cfg.Residents)
	var prefs []int32
	ends := make([]int, cfg.Residents)
	stamp := make([]int32, m)
	type choice struct {
		h     int32
		score float64
	}
	var list []choice
	groupWeights := make([]float64, cfg.Groups)
	for i := range groupWeights {
		groupWeights[i] = 1 / float64(i+1)
	}
	groupAlias := newAlias(groupWeights)
	for r := range cfg.Residents {
		quality[r] = rng.NormFloat64()
		n := min(cfg.MinList+rng.IntN(cfg.MaxList-cfg.MinList+1), m)
		list = list[:0]
		if 2*n <= m {
			for len(list) < n {
				h := int32(alias.draw(rng))
				if stamp[h] == int32(r+1) {
					continue
				}
				stamp[h] = int32(r + 1)
				list = append(list, choice{h: h})
			}
		} else {
			// A list covering much of the market: weighted sampling
			// without replacement by exponential keys.
			keys := make([]choice, m)
			for h := range keys {
				keys[h] = choice{h: int32(h), score: rng.ExpFloat64() / weights[h]}
			}
			slices.SortFunc(keys, func(a, b choice) int { return cmp.Compare(a.score, b.score) })
			list = append(list, keys[:n]...)
		}
		for j := range list {
			list[j].score = z[list[j].h] + rng.NormFloat64()
		}
		slices.SortStableFunc(list, func(a, b choice) int { return cmp.Compare(b.score, a.score) })
		for _, c := range list {
			prefs = append(prefs, c.h)
		}
		ends[r] = len(prefs)
		res := &inst.Residents[r]
		res.ID = "r" + strconv.Itoa(r)
		if cfg.Groups > 0 {
			res.Group = countries[groupAlias.draw(rng)]
		}
	}
	start := 0
	for r := range inst.Residents {
		inst.Residents[r].Prefs = prefs[start:ends[r]:ends[r]]
		start = ends[r]
	}

	// Hospitals rank their applicants by a common quality plus noise.
	count := make([]int, m+1)
	for _, h := range prefs {
		count[h+1]++
	}
	for h := range m {
		count[h+1] += count[h]
	}
	applicants := make([]int32, len(prefs))
	fill := slices.Clone(count[:m])
	for r := range inst.Residents {
		for _, h := range inst.Residents[r].Prefs {
			applicants[fill[h]] = int32(r)
			fill[h]++
		}
	}
	var ranked []choice
	for h := range inst.Hospitals {
		apps := applicants[count[h]:count[h+1]:count[h+1]]
		ranked = ranked[:0]
		for _, r := range apps {
			ranked = append(ranked, choice{h: r, score: quality[r] + rng.NormFloat64()})
		}
		slices.SortStableFunc(ranked, func(a, b choice) int { return cmp.Compare(b.score, a.score) })
		for i, c := range ranked {
			apps[i] = c.h
		}
		inst.Hospitals[h].Prefs = apps
	}

	if cfg.Floors {
		for _, h := range byPrestige[m-m/4:] {
			inst.Hospitals[h].Floor = 1
		}
	}
	if cfg.Regions > 0 && m > 0 {
		addRegions(inst, cfg, byPrestige)
	}
	meta, err := json.Marshal(map[string]any{
		"generator": "silkbridge match gen", "seed": cfg.Seed, "residents": cfg.Residents,
		"regions": cfg.Regions, "groups": cfg.Groups,
	})
	if err != nil {
		return nil, err
	}
	inst.Meta = meta
	return inst, nil
}

// addRegions makes the metro region of the top quarter by prestige and
// spreads the other hospitals over the remaining regions, each region's
// hospitals in index order (their turn order).
func addRegions(inst *match.Instance, cfg Config, byPrestige []int) {
	m := len(byPrestige)
	metroSize := max(1, (m+3)/4)
	metro := make([]int32, 0, metroSize)
	for _, h := range byPrestige[:metroSize] {
		metro = append(metro, int32(h))
	}
	slices.Sort(metro)
	seats := 0
	for _, h := range metro {
		seats += inst.Hospitals[h].Capacity
	}
	metroCap := int(cfg.MetroCap * float64(seats))
	inst.Regions = append(inst.Regions, match.Region{ID: "metro", Hospitals: metro, Cap: metroCap})
	others := make([][]int32, cfg.Regions-1)
	if len(others) > 0 {
		rest := slices.Clone(byPrestige[metroSize:])
		slices.Sort(rest)
		for i, h := range rest {
			others[i%len(others)] = append(others[i%len(others)], int32(h))
		}
	}
	for i, list := range others {
		seats := 0
		for _, h := range list {
			seats += inst.Hospitals[h].Capacity
		}
		inst.Regions = append(inst.Regions, match.Region{ID: "region-" + strconv.Itoa(i+1), Hospitals: list, Cap: seats})
	}
	if cfg.GroupQuota > 0 {
		for _, g := range countries[:cfg.Groups] {
			inst.GroupQuotas = append(inst.GroupQuotas, match.GroupQuota{
				ID: "metro-" + g, Group: g, Hospitals: metro, Cap: int(cfg.GroupQuota * float64(metroCap)),
			})
		}
	}
}

// alias draws indices with probability proportional to their weights in
// constant time (Vose's alias method).
type alias struct {
	prob  []float64
	alias []int
}

func newAlias(w []float64) *alias {
	n := len(w)
	a := &alias{prob: make([]float64, n), alias: make([]int, n)}
	if n == 0 {
		return a
	}
	var sum float64
	for _, x := range w {
		sum += x
	}
	scaled := make([]float64, n)
	var small, large []int
	for i, x := range w {
		scaled[i] = x * float64(n) / sum
		if scaled[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		a.prob[s], a.alias[s] = scaled[s], l
		scaled[l] += scaled[s] - 1
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, i := range large {
		a.prob[i] = 1
	}
	for _, i := range small {
		a.prob[i] = 1
	}
	return a
}

func (a *alias) draw(rng *rand.Rand) int {
	i := rng.IntN(len(a.prob))
	if rng.Float64() < a.prob[i] {
		return i
	}
	return a.alias[i]
}
