package programme

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/match"
	"github.com/silkbridge/silkbridge/match/check"
	"github.com/silkbridge/silkbridge/talent"
)

// ref knows a few countries and fields, enough for validation.
type ref struct{}

func (ref) CountryExists(c string) bool {
	return map[string]bool{"CN": true, "KZ": true, "PK": true, "FR": true}[c]
}
func (ref) FieldExists(f string) bool {
	return map[string]bool{"1": true, "1.2": true, "2": true, "2.2": true, "3": true}[f]
}

func ptr[T any](v T) *T { return &v }

// fields returns the field names of an EINVALID error.
func fields(err error) []string {
	e, ok := errors.AsType[*silkbridge.Error](err)
	if !ok {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func validProgramme() *Programme {
	return &Programme{AgreementID: "a1", Title: "Silk Road fellowships", MaxChoices: 3,
		OpensAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ClosesAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
}

func TestProgrammeValidate_NamesEveryFieldAtFault(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(p *Programme)
		field string
	}{
		{"no title", func(p *Programme) { p.Title = " " }, "title"},
		{"no agreement", func(p *Programme) { p.AgreementID = "" }, "agreement_id"},
		{"closes before opens", func(p *Programme) { p.ClosesAt = p.OpensAt.Add(-time.Hour) }, "closes_at"},
		{"no window", func(p *Programme) { p.OpensAt = time.Time{} }, "opens_at"},
		{"list too long", func(p *Programme) { p.MaxChoices = 51 }, "max_choices"},
		{"list empty", func(p *Programme) { p.MaxChoices = 0 }, "max_choices"},
		{"unknown nationality", func(p *Programme) { p.Eligibility.Nationalities = []string{"xx"} }, "nationalities"},
		{"unknown career stage", func(p *Programme) { p.Eligibility.CareerStages = []string{"emeritus"} }, "career_stages"},
		{"unknown field", func(p *Programme) { p.Eligibility.Fields = []string{"9.9"} }, "fields"},
		{"policy link not a URL", func(p *Programme) { p.Policies = []Policy{{Title: "Visa", URL: "ftp://x"}} }, "policies"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := validProgramme()
			tc.edit(p)
			p.Normalise()
			err := p.Validate(ref{})
			if got := fields(err); !reflect.DeepEqual(got, []string{tc.field}) {
				t.Fatalf("fields at fault %v, want [%s] (%v)", got, tc.field, err)
			}
		})
	}
	p := validProgramme()
	p.Eligibility.Nationalities = []string{"kz", " pk"}
	p.Normalise()
	if err := p.Validate(ref{}); err != nil {
		t.Fatalf("a valid programme was refused: %v", err)
	}
	if !reflect.DeepEqual(p.Eligibility.Nationalities, []string{"KZ", "PK"}) {
		t.Fatalf("nationalities not normalised: %v", p.Eligibility.Nationalities)
	}
}

func TestProgrammeState_FollowsTheWindowAndPublication(t *testing.T) {
	p := validProgramme()
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{p.OpensAt.Add(-time.Second), Upcoming},
		{p.OpensAt, Open},
		{p.ClosesAt.Add(-time.Second), Open},
		{p.ClosesAt, Closed},
	} {
		if got := p.State(tc.at); got != tc.want {
			t.Errorf("state at %v = %s, want %s", tc.at, got, tc.want)
		}
	}
	p.PublishedRunID = "r1"
	if got := p.State(p.OpensAt); got != Published {
		t.Errorf("state after publication = %s", got)
	}
}

func TestParsePolicies_ReadsTitlesAndLinksOneALine(t *testing.T) {
	got := ParsePolicies("Visa fast track https://example.org/visa\n\nhttps://example.org/tax\nStipend top-up\n")
	want := []Policy{{"Visa fast track", "https://example.org/visa"}, {"", "https://example.org/tax"}, {"Stipend top-up", ""}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
	p := validProgramme()
	p.Policies = got
	p.Normalise()
	if p.Policies[1].Title != "https://example.org/tax" {
		t.Fatalf("a bare link is not its own title: %+v", p.Policies[1])
	}
	if again := ParsePolicies(FormatPolicies(p.Policies)); !reflect.DeepEqual(again[0], p.Policies[0]) || again[2] != p.Policies[2] {
		t.Fatalf("format then parse changed the list: %+v", again)
	}
}

func TestPositionValidate_ChecksSeatsAndRanking(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(p *Position)
		field string
	}{
		{"no capacity", func(p *Position) { p.Capacity = 0 }, "capacity"},
		{"target above capacity", func(p *Position) { p.Target = ptr(5) }, "target"},
		{"negative floor", func(p *Position) { p.Floor = -1 }, "floor"},
		{"floor above capacity", func(p *Position) { p.Floor = 4 }, "floor"},
		{"unknown rank mode", func(p *Position) { p.RankMode = "vibes" }, "rank_mode"},
		{"no host", func(p *Position) { p.OrgID = "" }, "organisation_id"},
		{"unknown field", func(p *Position) { p.Fields = []string{"7.7"} }, "fields"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pos := Position{OrgID: "o1", Title: "Fellow", Capacity: 3}
			tc.edit(&pos)
			pos.Normalise()
			if got := fields(pos.Validate(ref{})); !reflect.DeepEqual(got, []string{tc.field}) {
				t.Fatalf("fields at fault %v, want [%s]", got, tc.field)
			}
		})
	}
}

// twoHosts is the programme of the end-to-end story: a large host with
// two seats under a regional cap of one, and a small host with one seat.
func twoHosts() *Programme {
	p := validProgramme()
	p.ID = "p1"
	p.Positions = []Position{
		{ID: "big", OrgID: "large-u", OrgName: "Large University", Title: "Fellow", Capacity: 2, RankMode: RankByOrder},
		{ID: "small", OrgID: "small-i", OrgName: "Small Institute", Title: "Fellow", Capacity: 1, RankMode: RankByScore},
	}
	p.Constraints = Constraints{Regions: []Region{{ID: "large", Name: "Large institutions", Hosts: []string{"large-u"}, Cap: 1}}}
	return p
}

func TestConstraintSet_RefusesEveryBadEntryAndChangesNothing(t *testing.T) {
	cases := []struct {
		name  string
		set   ConstraintSet
		field string
	}{
		{"host not in programme", ConstraintSet{Regions: []Region{{Name: "R", Hosts: []string{"elsewhere"}, Cap: 1}}}, "regions.0.hosts"},
		{"region without hosts", ConstraintSet{Regions: []Region{{Name: "R", Cap: 1}}}, "regions.0.hosts"},
		{"region without name", ConstraintSet{Regions: []Region{{Hosts: []string{"large-u"}, Cap: 1}}}, "regions.0.name"},
		{"negative cap", ConstraintSet{Regions: []Region{{Name: "R", Hosts: []string{"large-u"}, Cap: -1}}}, "regions.0.cap"},
		{"host in two regions", ConstraintSet{Regions: []Region{{Name: "A", Hosts: []string{"large-u"}, Cap: 2}, {Name: "B", Hosts: []string{"large-u"}, Cap: 2}}}, "regions.1.hosts"},
		{"bad region id", ConstraintSet{Regions: []Region{{ID: "Big Ones!", Name: "R", Hosts: []string{"large-u"}, Cap: 2}}}, "regions.0.id"},
		{"targets above cap", ConstraintSet{Regions: []Region{{Name: "R", Hosts: []string{"large-u"}, Cap: 1}},
			Seats: []SeatRule{{PositionID: "big", Target: ptr(2)}}}, "regions.0.cap"},
		{"target above capacity", ConstraintSet{Seats: []SeatRule{{PositionID: "small", Target: ptr(2)}}}, "seats.0.target"},
		{"floor above capacity", ConstraintSet{Seats: []SeatRule{{PositionID: "small", Floor: 2}}}, "seats.0.floor"},
		{"unknown position", ConstraintSet{Seats: []SeatRule{{PositionID: "nowhere"}}}, "seats.0.position_id"},
		{"unknown country", ConstraintSet{CountryQuotas: []CountryQuota{{Country: "XX", Cap: 1}}}, "country_quotas.0.country"},
		{"unknown region", ConstraintSet{CountryQuotas: []CountryQuota{{Country: "KZ", Region: "mars", Cap: 1}}}, "country_quotas.0.region"},
		{"quota twice", ConstraintSet{CountryQuotas: []CountryQuota{{Country: "KZ", Cap: 1}, {Country: "KZ", Cap: 2}}}, "country_quotas.1.country"},
		{"inner quota above outer", ConstraintSet{Regions: []Region{{ID: "large", Name: "R", Hosts: []string{"large-u"}, Cap: 2}},
			CountryQuotas: []CountryQuota{{Country: "KZ", Cap: 1}, {Country: "KZ", Region: "large", Cap: 2}}}, "country_quotas.1.cap"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := twoHosts()
			before := *p
			before.Positions = append([]Position(nil), p.Positions...)
			err := tc.set.Apply(p, ref{})
			if got := fields(err); !reflect.DeepEqual(got, []string{tc.field}) {
				t.Fatalf("fields at fault %v, want [%s] (%v)", got, tc.field, err)
			}
			if !reflect.DeepEqual(*p, before) {
				t.Fatal("a refused set changed the programme")
			}
		})
	}
}

func TestConstraintSet_AppliesNestedQuotasTargetsAndFloors(t *testing.T) {
	p := twoHosts()
	cs := ConstraintSet{
		Regions:       []Region{{ID: "large", Name: "Large institutions", Hosts: []string{"large-u"}, Cap: 2}},
		CountryQuotas: []CountryQuota{{Country: "kz", Cap: 2}, {Country: "KZ", Region: "large", Cap: 1}},
		Seats:         []SeatRule{{PositionID: "big", Target: ptr(1), Floor: 1}, {PositionID: "small", Floor: 1}},
	}
	if err := cs.Apply(p, ref{}); err != nil {
		t.Fatal(err)
	}
	if got := p.Constraints.CountryQuotas; got[0].ID != "quota-1" || got[0].Country != "KZ" || got[1].Region != "large" {
		t.Fatalf("quotas %+v", got)
	}
	if *p.Positions[0].Target != 1 || p.Positions[0].Floor != 1 || p.Positions[1].Floor != 1 {
		t.Fatalf("seats not applied: %+v", p.Positions)
	}
	if got := p.Targets(); got["big"] != 1 || got["small"] != 1 {
		t.Fatalf("targets %v", got)
	}
}

func TestCheckEligibility_GivesEveryReason(t *testing.T) {
	bri := func(c string) bool { return c == "PK" }
	cases := []struct {
		name    string
		elig    Eligibility
		profile talent.Profile
		want    []string
	}{
		{"anyone", Eligibility{}, talent.Profile{Country: "FR"}, nil},
		{"listed nationality", Eligibility{Nationalities: []string{"KZ"}}, talent.Profile{Country: "KZ"}, nil},
		{"BRI partner", Eligibility{Nationalities: []string{"KZ"}, BRIPartners: true}, talent.Profile{Country: "PK"}, nil},
		{"other nationality", Eligibility{Nationalities: []string{"KZ"}, BRIPartners: true}, talent.Profile{Country: "FR"}, []string{"nationality"}},
		{"stage missing", Eligibility{CareerStages: []string{"doctoral"}}, talent.Profile{Country: "FR"}, []string{"career_stage"}},
		{"other stage", Eligibility{CareerStages: []string{"doctoral"}}, talent.Profile{Country: "FR", CareerStage: "senior"}, []string{"career_stage"}},
		{"sub-field matches", Eligibility{Fields: []string{"2"}}, talent.Profile{Country: "FR", Fields: []string{"2.2"}}, nil},
		{"broad field matches", Eligibility{Fields: []string{"2.2"}}, talent.Profile{Country: "FR", Fields: []string{"2"}}, nil},
		{"other field", Eligibility{Fields: []string{"2.2"}}, talent.Profile{Country: "FR", Fields: []string{"1.2"}}, []string{"fields"}},
		{"everything wrong", Eligibility{Nationalities: []string{"KZ"}, CareerStages: []string{"early"}, Fields: []string{"3"}},
			talent.Profile{Country: "FR", CareerStage: "senior"}, []string{"nationality", "career_stage", "fields"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := validProgramme()
			p.Eligibility = tc.elig
			err := p.CheckEligibility(&tc.profile, bri)
			if got := fields(err); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("reasons %v, want %v", got, tc.want)
			}
			if e, ok := errors.AsType[*silkbridge.Error](err); err != nil && (!ok || e.MessageID != "prog.not_eligible") {
				t.Fatalf("error %v, want prog.not_eligible", err)
			}
		})
	}
}

func TestApplicationValidate_EnforcesTheListRules(t *testing.T) {
	p := twoHosts()
	p.MaxChoices = 1
	cases := []struct {
		name    string
		choices []string
		stmt    string
		want    []string
	}{
		{"good", []string{"big"}, "I want to learn.", nil},
		{"too long", []string{"big", "small"}, "x", []string{"choices"}},
		{"empty", []string{" ", ""}, "x", []string{"choices"}},
		{"unknown position", []string{"nowhere"}, "x", []string{"choices.0"}},
		{"no statement", []string{"big"}, " ", []string{"statement"}},
		{"statement too long", []string{"big"}, strings.Repeat("é", MaxStatementLen+1), []string{"statement"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := Application{Choices: tc.choices, Statement: tc.stmt}
			a.Normalise()
			if got := fields(a.Validate(p)); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("fields at fault %v, want %v", got, tc.want)
			}
		})
	}
	p.MaxChoices = 3
	a := Application{Choices: []string{"big", "small", "big"}, Statement: "x"}
	if got := fields(a.Validate(p)); !reflect.DeepEqual(got, []string{"choices.2"}) {
		t.Fatalf("a repeated position: fields %v", got)
	}
}

func TestValidateRanking_RefusesStrangersRepeatsAndBadValues(t *testing.T) {
	applicants := map[string]bool{"a": true, "b": true}
	cases := []struct {
		name    string
		mode    string
		entries []RankEntry
		want    []string
	}{
		{"good ranks with a tie", RankByOrder, []RankEntry{{"a", ptr(1.0), false}, {"b", ptr(1.0), false}}, nil},
		{"unranked and excluded", RankByOrder, []RankEntry{{"a", nil, false}, {"b", nil, true}}, nil},
		{"not an applicant", RankByOrder, []RankEntry{{"z", ptr(1.0), false}}, []string{"entries.0.application_id"}},
		{"twice", RankByOrder, []RankEntry{{"a", ptr(1.0), false}, {"a", ptr(2.0), false}}, []string{"entries.1.application_id"}},
		{"rank zero", RankByOrder, []RankEntry{{"a", ptr(0.0), false}}, []string{"entries.0.value"}},
		{"fractional rank", RankByOrder, []RankEntry{{"a", ptr(1.5), false}}, []string{"entries.0.value"}},
		{"fractional score", RankByScore, []RankEntry{{"a", ptr(-1.5), false}}, nil},
		{"huge score", RankByScore, []RankEntry{{"a", ptr(2e9), false}}, []string{"entries.0.value"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := fields(ValidateRanking(tc.mode, tc.entries, applicants)); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("fields at fault %v, want %v", got, tc.want)
			}
		})
	}
}

// story is the snapshot of the end-to-end story: three talents all want
// the large host first; the large host ranks them t1, t2, t3; the small
// host scores t3 above t2 above t1. Under the cap of one on the large
// host, t2 loses both places.
func story() *Snapshot {
	return &Snapshot{
		Programme: twoHosts(),
		Applications: []Application{
			{ID: "t1", Country: "KZ", Choices: []string{"big", "small"}},
			{ID: "t2", Country: "PK", Choices: []string{"big", "small"}},
			{ID: "t3", Country: "KZ", Choices: []string{"big", "small"}},
		},
		Rankings: map[string][]RankEntry{
			"big":   {{"t1", ptr(1.0), false}, {"t2", ptr(2.0), false}, {"t3", ptr(3.0), false}},
			"small": {{"t1", ptr(1.0), false}, {"t2", ptr(5.0), false}, {"t3", ptr(9.0), false}},
		},
	}
}

func TestBuildInstance_OrdersByRankOrScoreThenLottery(t *testing.T) {
	s := story()
	s.Rankings["big"] = []RankEntry{{"t3", ptr(1.0), false}, {"t2", nil, true}} // t1 unranked, t2 excluded
	inst, err := BuildInstance(s, 7)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(prefs []int32) (out []string) {
		for _, r := range prefs {
			out = append(out, inst.Residents[r].ID)
		}
		return out
	}
	if got := ids(inst.Hospitals[0].Prefs); !reflect.DeepEqual(got, []string{"t3", "t1"}) {
		t.Fatalf("large host ranks %v, want ranked t3, then unranked t1, without excluded t2", got)
	}
	if got := ids(inst.Hospitals[1].Prefs); !reflect.DeepEqual(got, []string{"t3", "t2", "t1"}) {
		t.Fatalf("small host (by score) ranks %v", got)
	}
	if inst.Residents[0].Group != "KZ" || len(inst.Regions) != 1 || inst.Regions[0].Cap != 1 {
		t.Fatalf("groups or regions lost: %+v %+v", inst.Residents[0], inst.Regions)
	}
}

func TestBuildInstance_BreaksTiesByThePublishedLottery(t *testing.T) {
	s := story()
	s.Rankings = map[string][]RankEntry{} // every applicant tied everywhere
	for _, seed := range []int64{1, 2, 3, 42} {
		inst, err := BuildInstance(s, seed)
		if err != nil {
			t.Fatal(err)
		}
		prefs := inst.Hospitals[0].Prefs
		for i := 1; i < len(prefs); i++ {
			a, b := inst.Residents[prefs[i-1]].ID, inst.Residents[prefs[i]].ID
			if LotteryNumber(seed, a) > LotteryNumber(seed, b) {
				t.Fatalf("seed %d: %s before %s against their lottery numbers", seed, a, b)
			}
		}
	}
	orders := map[string]bool{}
	for seed := int64(0); seed < 20; seed++ {
		inst, err := BuildInstance(s, seed)
		if err != nil {
			t.Fatal(err)
		}
		orders[strings.Join(func() (o []string) {
			for _, r := range inst.Hospitals[0].Prefs {
				o = append(o, inst.Residents[r].ID)
			}
			return
		}(), ",")] = true
	}
	if len(orders) < 3 {
		t.Fatalf("twenty seeds gave only %d orders of three tied applicants", len(orders))
	}
}

func TestExecute_FDAKeepsTheCapAndExplainsRefusals(t *testing.T) {
	s := story()
	da, err := Execute(s, match.DA, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	fda, err := Execute(s, match.FDA, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	placed := func(o *Outcome) map[string]string {
		m := map[string]string{}
		for _, p := range o.Placements {
			m[p.ApplicationID] = p.PositionID
		}
		return m
	}
	if got := placed(da); !reflect.DeepEqual(got, map[string]string{"t1": "big", "t2": "big", "t3": "small"}) {
		t.Fatalf("da placed %v", got)
	}
	if got := placed(fda); !reflect.DeepEqual(got, map[string]string{"t1": "big", "t2": "", "t3": "small"}) {
		t.Fatalf("fda placed %v", got)
	}
	if da.Balance.Regions[0].Placed != 2 || fda.Balance.Regions[0].Placed != 1 {
		t.Fatalf("region intake da %d, fda %d", da.Balance.Regions[0].Placed, fda.Balance.Regions[0].Placed)
	}
	// t3 wanted the large host first: FDA refused it there for the cap.
	t3 := fda.Placements[2]
	if t3.Choice != 2 || len(t3.Refusals) != 1 || t3.Refusals[0] != (Refusal{PositionID: "big", Reason: "regional-cap", Constraint: "large"}) {
		t.Fatalf("t3's result %+v", t3)
	}
	// t2 was placed nowhere: the large host's cap, and the small host full with t3 scored higher.
	t2 := fda.Placements[1]
	want := []Refusal{{PositionID: "big", Reason: "regional-cap", Constraint: "large"}, {PositionID: "small", Reason: "full"}}
	if t2.Choice != 0 || !reflect.DeepEqual(t2.Refusals, want) {
		t.Fatalf("t2's result %+v", t2)
	}
	if da.Balance.Gini <= fda.Balance.Gini {
		t.Fatalf("the cap did not spread talents: Gini da %.3f, fda %.3f", da.Balance.Gini, fda.Balance.Gini)
	}
	if da.InputSHA256 != fda.InputSHA256 {
		t.Fatal("the same snapshot hashed differently")
	}
	if !strings.HasPrefix(string(fda.Instance), "{") {
		t.Fatal("the instance was not kept")
	}
	if _, err := match.ReadInstance(strings.NewReader(string(fda.Instance))); err != nil {
		t.Fatalf("the kept instance does not read back: %v", err)
	}
}

func TestExecute_IsDeterministic(t *testing.T) {
	s := story()
	s.Rankings = map[string][]RankEntry{}
	for _, alg := range match.Algorithms {
		a, err := Execute(s, alg, 99, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The same data in another order is the same snapshot.
		s2 := story()
		s2.Rankings = map[string][]RankEntry{}
		s2.Applications[0], s2.Applications[2] = s2.Applications[2], s2.Applications[0]
		b, err := Execute(s2, alg, 99, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: two runs of the same input differ", alg)
		}
	}
}

func TestSnapshotHash_SeesListsAndRankingsButNotTexts(t *testing.T) {
	base := story().Hash()
	s := story()
	s.Programme.Title, s.Programme.Positions[0].Title = "Another title", "Another position"
	if s.Hash() != base {
		t.Fatal("a title changed the hash")
	}
	for name, edit := range map[string]func(s *Snapshot){
		"list":        func(s *Snapshot) { s.Applications[0].Choices = []string{"small", "big"} },
		"nationality": func(s *Snapshot) { s.Applications[0].Country = "FR" },
		"ranking":     func(s *Snapshot) { s.Rankings["big"][0].Excluded = true },
		"capacity":    func(s *Snapshot) { s.Programme.Positions[1].Capacity = 2 },
		"cap":         func(s *Snapshot) { s.Programme.Constraints.Regions[0].Cap = 2 },
	} {
		s := story()
		edit(s)
		if s.Hash() == base {
			t.Errorf("a change of %s left the hash as it was", name)
		}
	}
}

func TestExecute_ReportsProgressUpTo90Percent(t *testing.T) {
	var stages []string
	last := -1
	_, err := Execute(story(), match.FDA, 1, func(stage string, pct int) {
		if pct < last {
			t.Errorf("progress went back from %d to %d", last, pct)
		}
		last = pct
		if len(stages) == 0 || stages[len(stages)-1] != stage {
			stages = append(stages, stage)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(stages, []string{"build", "solve", "explain", "balance"}) || last != 90 {
		t.Fatalf("stages %v, last %d", stages, last)
	}
}

func TestExecute_AnEmptyProgrammeGivesAnEmptyReport(t *testing.T) {
	for name, s := range map[string]*Snapshot{
		"no positions":    {Programme: &Programme{ID: "p"}},
		"no applications": {Programme: twoHosts()},
	} {
		for _, alg := range match.Algorithms {
			out, err := Execute(s, alg, 1, nil)
			if err != nil {
				t.Fatalf("%s, %s: %v", name, alg, err)
			}
			if out.Matched != 0 || out.Balance.Placed != 0 || len(out.Placements) != 0 || out.Balance.Gini != 0 {
				t.Fatalf("%s, %s: %+v", name, alg, out.Balance)
			}
		}
	}
}

// TestExecute_ResultsPassTheIndependentChecker runs a concentrated
// programme with a capped region and nested country quotas, and has the
// match/check package judge every algorithm's result on the instance the
// run kept.
func TestExecute_ResultsPassTheIndependentChecker(t *testing.T) {
	s := benchSnapshot(500, 60)
	inner := s.Programme.Constraints.CountryQuotas[0]
	s.Programme.Constraints.CountryQuotas = append(s.Programme.Constraints.CountryQuotas,
		CountryQuota{ID: "kz-all", Country: "KZ", Cap: inner.Cap + 10})
	for _, alg := range match.Algorithms {
		out, err := Execute(s, alg, 11, nil)
		if err != nil {
			t.Fatal(err)
		}
		inst, err := match.ReadInstance(strings.NewReader(string(out.Instance)))
		if err != nil {
			t.Fatal(err)
		}
		hospital := map[string]int32{}
		for h := range inst.Hospitals {
			hospital[inst.Hospitals[h].ID] = int32(h)
		}
		asg := make([]int32, len(inst.Residents))
		for r, pl := range out.Placements {
			if inst.Residents[r].ID != pl.ApplicationID {
				t.Fatalf("placement %d is of %s, resident %s", r, pl.ApplicationID, inst.Residents[r].ID)
			}
			asg[r] = -1
			if pl.PositionID != "" {
				asg[r] = hospital[pl.PositionID]
			}
		}
		if err := check.Matching(inst, alg, asg); err != nil {
			t.Errorf("%s: %v", alg, err)
		}
		if alg != match.DA {
			for _, f := range []func(*match.Instance, []int32) error{check.RegionalCaps, check.GroupQuotas} {
				if err := f(inst, asg); err != nil {
					t.Errorf("%s: %v", alg, err)
				}
			}
		}
		for _, pl := range out.Placements {
			for _, ref := range pl.Refusals {
				if ref.Reason == string(match.ReasonUnexplained) {
					t.Fatalf("%s: %s refused at %s without a reason", alg, pl.ApplicationID, ref.PositionID)
				}
			}
		}
	}
}
