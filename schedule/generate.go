package schedule

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// GenerateConfig describes a random brokerage event, for tests, benchmarks
// and load trials.
type GenerateConfig struct {
	Participants int
	// MeetingsEach is the number of accepted requests every participant
	// takes part in, so the event has Participants*MeetingsEach/2 requests.
	MeetingsEach int
	Slots        int
	// Tables per slot; 0 means Participants/2, enough for everyone to sit
	// at once.
	Tables int
	// Each participant is available in a uniformly random share of the
	// slots between MinAvailable and MaxAvailable (fractions in [0, 1]);
	// both zero means 0.6 to 1.
	MinAvailable, MaxAvailable float64
	// TablesShare, when above zero, overrides Tables: each slot gets
	// tables for that share of the average demand per slot (requests
	// divided by slots), at least one.
	TablesShare float64
	// Popular is the share of participants (in [0, 1]) that others ask
	// for PopularTimes as often: they take part in MeetingsEach*PopularTimes
	// requests instead of MeetingsEach.
	Popular      float64
	PopularTimes int
	// Seed makes the event reproducible: equal configs give equal events.
	Seed uint64
}

// Family returns the configuration of one of the benchmark's families of
// events, for n participants:
//
//   - easy: 10 requests each, 16 slots, a table for everyone, each
//     participant available in 60-100% of the slots;
//   - tight: 8 requests each, the most popular tenth asked for three times
//     as often, 16 slots with tables for 70% of the average demand per
//     slot, and everyone available in 60% of the slots, as at real events;
//   - small: at most 12 participants and 6 slots, small enough for an
//     exact search; n is capped at 12 and the seed also draws the shape.
func Family(name string, n int, seed uint64) (GenerateConfig, error) {
	switch name {
	case "easy":
		return GenerateConfig{Participants: n, MeetingsEach: 10, Slots: 16,
			MinAvailable: 0.6, MaxAvailable: 1, Seed: seed}, nil
	case "tight":
		return GenerateConfig{Participants: n, MeetingsEach: 8, Slots: 16,
			MinAvailable: 0.6, MaxAvailable: 0.6, TablesShare: 0.7,
			Popular: 0.1, PopularTimes: 3, Seed: seed}, nil
	case "small":
		rng := rand.New(rand.NewPCG(seed, 0x5a11))
		n = min(max(n, 6), 12)
		n = 6 + rng.IntN(n-5)
		return GenerateConfig{Participants: n, MeetingsEach: 2 + rng.IntN(3), Slots: 3 + rng.IntN(4),
			Tables: 1 + rng.IntN(3), MinAvailable: 0.4, MaxAvailable: 1, Seed: seed}, nil
	}
	return GenerateConfig{}, fmt.Errorf("family %q: want easy, tight or small", name)
}

// Families lists the names Family knows.
var Families = []string{"easy", "tight", "small"}

// Generate builds the random event c describes. Every participant is in
// exactly MeetingsEach requests (one fewer for one participant when the
// total is odd), no pair twice; requesters and request times are random.
func Generate(c GenerateConfig) (Input, error) {
	if c.MinAvailable == 0 && c.MaxAvailable == 0 {
		c.MinAvailable, c.MaxAvailable = 0.6, 1
	}
	if c.Tables == 0 {
		c.Tables = c.Participants / 2
	}
	if c.PopularTimes == 0 {
		c.PopularTimes = 1
	}
	switch {
	case c.Participants < 0:
		return Input{}, fmt.Errorf("participants: %d is negative", c.Participants)
	case c.MeetingsEach < 0:
		return Input{}, fmt.Errorf("meetings each: %d is negative", c.MeetingsEach)
	case c.MeetingsEach > 0 && c.MeetingsEach >= c.Participants:
		return Input{}, fmt.Errorf("meetings each: %d needs more than %d participants", c.MeetingsEach, c.Participants)
	case c.Slots < 0:
		return Input{}, fmt.Errorf("slots: %d is negative", c.Slots)
	case c.Tables < 0:
		return Input{}, fmt.Errorf("tables: %d is negative", c.Tables)
	case c.TablesShare < 0:
		return Input{}, fmt.Errorf("tables share: %g is negative", c.TablesShare)
	case !(0 <= c.Popular && c.Popular <= 1) || c.PopularTimes < 1:
		return Input{}, fmt.Errorf("popular: want a share in [0, 1] (%g) asked for 1 or more times as often (%d)", c.Popular, c.PopularTimes)
	case c.Popular > 0 && c.MeetingsEach*c.PopularTimes >= c.Participants:
		return Input{}, fmt.Errorf("popular: %d meetings each needs more than %d participants", c.MeetingsEach*c.PopularTimes, c.Participants)
	case !(0 <= c.MinAvailable && c.MinAvailable <= c.MaxAvailable && c.MaxAvailable <= 1):
		return Input{}, fmt.Errorf("availability: want 0 <= min (%g) <= max (%g) <= 1", c.MinAvailable, c.MaxAvailable)
	}
	rng := rand.New(rand.NewPCG(c.Seed, 0x5eed5c4ed))

	var in Input
	in.Slots = make([]Slot, c.Slots)
	for s := range in.Slots {
		in.Slots[s] = Slot{ID: fmt.Sprintf("s%03d", s+1), Tables: c.Tables}
	}

	lo := int(math.Ceil(c.MinAvailable * float64(c.Slots)))
	hi := int(math.Floor(c.MaxAvailable * float64(c.Slots)))
	hi = max(hi, lo)
	perm := make([]int, c.Slots)
	mark := make([]bool, c.Slots)
	in.Participants = make([]Participant, c.Participants)
	for i := range in.Participants {
		k := lo + rng.IntN(hi-lo+1)
		for s := range perm {
			perm[s] = s
			mark[s] = false
		}
		// A partial Fisher-Yates shuffle picks k distinct slots.
		for j := range k {
			r := j + rng.IntN(c.Slots-j)
			perm[j], perm[r] = perm[r], perm[j]
			mark[perm[j]] = true
		}
		avail := make([]string, 0, k)
		for s, ok := range mark {
			if ok {
				avail = append(avail, in.Slots[s].ID)
			}
		}
		in.Participants[i] = Participant{ID: fmt.Sprintf("p%05d", i+1), Available: avail}
	}

	degree := make([]int, c.Participants)
	popular := int(math.Round(c.Popular * float64(c.Participants)))
	for i := range degree {
		degree[i] = c.MeetingsEach
	}
	if popular > 0 {
		// The popular ones are drawn at random, not the first IDs, so
		// that ID order says nothing about demand.
		for _, i := range rng.Perm(c.Participants)[:popular] {
			degree[i] = c.MeetingsEach * c.PopularTimes
		}
	}
	pairs, err := degreePairs(rng, degree)
	if err != nil {
		return Input{}, err
	}
	if c.TablesShare > 0 && c.Slots > 0 {
		t := max(1, int(math.Round(c.TablesShare*float64(len(pairs))/float64(c.Slots))))
		for s := range in.Slots {
			in.Slots[s].Tables = t
		}
	}
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	in.Requests = make([]Request, len(pairs))
	for i, pr := range pairs {
		a, b := pr[0], pr[1]
		if rng.IntN(2) == 0 {
			a, b = b, a
		}
		in.Requests[i] = Request{
			ID:          fmt.Sprintf("r%06d", i+1),
			Requester:   in.Participants[a].ID,
			Invitee:     in.Participants[b].ID,
			RequestedAt: start.Add(time.Duration(i) * time.Minute),
		}
	}
	return in, nil
}

// degreePairs returns distinct pairs of distinct people from
// 0..len(degree)-1 in which person i appears degree[i] times (one fewer for
// one person when the sum is odd): the configuration model (shuffle degree
// copies of everyone, pair neighbours) followed by random rewiring of
// self-pairs and repeated pairs.
func degreePairs(rng *rand.Rand, degree []int) ([][2]int, error) {
	var stubs []int
	for i, k := range degree {
		for range k {
			stubs = append(stubs, i)
		}
	}
	rng.Shuffle(len(stubs), func(i, j int) { stubs[i], stubs[j] = stubs[j], stubs[i] })
	pairs := make([][2]int, len(stubs)/2)
	count := make(map[[2]int]int, len(pairs))
	key := func(a, b int) [2]int { return [2]int{min(a, b), max(a, b)} }
	for i := range pairs {
		pairs[i] = [2]int{stubs[2*i], stubs[2*i+1]}
		count[key(pairs[i][0], pairs[i][1])]++
	}
	bad := func(i int) bool {
		a, b := pairs[i][0], pairs[i][1]
		return a == b || count[key(a, b)] > 1
	}
	for round := 0; ; round++ {
		fixed := true
		for i := range pairs {
			if !bad(i) {
				continue
			}
			fixed = false
			// Swap partners with a random other pair when that leaves
			// both pairs proper and new.
			j := rng.IntN(len(pairs))
			a, b := pairs[i][0], pairs[i][1]
			c, d := pairs[j][0], pairs[j][1]
			if rng.IntN(2) == 0 {
				c, d = d, c
			}
			if i == j || a == c || b == d {
				continue
			}
			count[key(a, b)]--
			count[key(c, d)]--
			if count[key(a, c)] == 0 && count[key(b, d)] == 0 && key(a, c) != key(b, d) {
				pairs[i], pairs[j] = [2]int{a, c}, [2]int{b, d}
			} else {
				pairs[i], pairs[j] = [2]int{a, b}, [2]int{c, d}
			}
			count[key(pairs[i][0], pairs[i][1])]++
			count[key(pairs[j][0], pairs[j][1])]++
		}
		if fixed {
			return pairs, nil
		}
		if round > 1000 {
			return nil, errors.New("meetings each: could not draw distinct pairs; use more participants")
		}
	}
}
