package programme

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/match"
)

// Run states.
const (
	RunQueued  = "queued"
	RunRunning = "running"
	RunDone    = "done"
	RunFailed  = "failed"
)

// Run is one matching of a programme in scenario mode: its input (the hash
// of the programme's data when it ran), algorithm and lottery seed, its
// progress, and its result. One run of a programme may be published.
type Run struct {
	ID          string `json:"id"`
	ProgrammeID string `json:"programme_id"`
	Algorithm   string `json:"algorithm"`
	// Seed is the published seed of the lottery that breaks ties in the
	// hosts' rankings (see LotteryNumber).
	Seed  int64  `json:"seed"`
	Label string `json:"label,omitempty"`
	// InputSHA256 is the hash of the programme's data the run read (see
	// Snapshot.Hash): two runs with the same hash, algorithm and seed have
	// the same result.
	InputSHA256 string `json:"input_sha256,omitempty"`
	// DataVersion is the programme's data version the run read.
	DataVersion int64  `json:"-"`
	Status      string `json:"status"`
	Stage       string `json:"stage,omitempty"`
	Progress    int    `json:"progress"`
	Error       string `json:"error,omitempty"`
	Applicants  int    `json:"applicants"`
	Seats       int    `json:"seats"`
	Matched     int    `json:"matched"`
	Proposals   int64  `json:"proposals"`
	// Balance is the balance report, once done.
	Balance     *Balance  `json:"balance,omitempty"`
	Published   bool      `json:"published"`
	PublishedAt time.Time `json:"published_at,omitzero"`
	CreatedBy   string    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	FinishedAt  time.Time `json:"finished_at,omitzero"`
}

// Finished reports whether the run has stopped, with a result or not.
func (r *Run) Finished() bool { return r.Status == RunDone || r.Status == RunFailed }

// StallAfter is how long a running run may go without progress before it is
// taken as interrupted (its server stopped): it can then be run again.
const StallAfter = 10 * time.Minute

// Stalled reports whether the run stopped making progress before it ended.
func (r *Run) Stalled(now time.Time) bool {
	return !r.Finished() && now.Sub(r.UpdatedAt) > StallAfter
}

// RunParams are what an officer chooses for a run.
type RunParams struct {
	Algorithm string `json:"algorithm"`
	// Seed of the lottery; nil draws one at random (and publishes it).
	Seed  *int64 `json:"seed"`
	Label string `json:"label"`
}

// Validate checks the parameters.
func (rp *RunParams) Validate() error {
	var pr silkbridge.Problems
	rp.Label = strings.TrimSpace(rp.Label)
	if _, err := match.ParseAlgorithm(rp.Algorithm); err != nil {
		pr.Add("algorithm", "prog.field.algorithm", "choose da, jrmp or fda", map[string]any{"Value": rp.Algorithm})
	}
	if rp.Seed != nil && *rp.Seed < 0 {
		pr.Add("seed", "prog.field.seed", "a whole number from 0", nil)
	}
	pr.MaxLen("label", rp.Label, 200)
	return pr.Err()
}

// ParseSeed reads a seed typed in a form: blank for a random one.
func ParseSeed(s string) (*int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return nil, silkbridge.Invalid("seed", "prog.field.seed", "a whole number from 0", nil)
	}
	return &n, nil
}

// Balance is the balance report of a run: what an officer compares
// between runs.
type Balance struct {
	Applicants int `json:"applicants"`
	Placed     int `json:"placed"`
	Seats      int `json:"seats"`
	Unfilled   int `json:"unfilled"`
	// Gini is the Gini coefficient of placements over host institutions.
	Gini float64 `json:"gini"`
	// TopDecileShare is the share of placements taken by the tenth of the
	// institutions that took most.
	TopDecileShare float64 `json:"top_decile_share"`
	// FloorDeficit is the total shortfall of positions below their floors.
	FloorDeficit int           `json:"floor_deficit"`
	Lorenz       []LorenzPoint `json:"lorenz"`
	// ChoiceRanks[i] counts the talents placed at their (i+1)-th choice.
	ChoiceRanks  []int               `json:"choice_ranks"`
	Institutions []InstitutionIntake `json:"institutions"`
	Positions    []PositionIntake    `json:"positions"`
	Countries    []CountryPlacement  `json:"countries"`
	Regions      []RegionUse         `json:"regions"`
	Quotas       []QuotaUse          `json:"quotas"`
}

// LorenzPoint is a point of the Lorenz curve: the share of placements (Y)
// taken by the least-taking share of institutions (X).
type LorenzPoint struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// InstitutionIntake is one host institution's seats and intake.
type InstitutionIntake struct {
	OrgID  string `json:"organisation_id"`
	Name   string `json:"name"`
	Seats  int    `json:"seats"`
	Intake int    `json:"intake"`
}

// PositionIntake is one position's intake against its seats, target and floor.
type PositionIntake struct {
	PositionID string `json:"position_id"`
	Title      string `json:"title"`
	OrgID      string `json:"organisation_id"`
	Capacity   int    `json:"capacity"`
	Target     int    `json:"target"`
	Floor      int    `json:"floor"`
	Intake     int    `json:"intake"`
	Deficit    int    `json:"deficit"`
}

// CountryPlacement is how many talents of one nationality applied and were placed.
type CountryPlacement struct {
	Country    string `json:"country"`
	Applicants int    `json:"applicants"`
	Placed     int    `json:"placed"`
}

// RegionUse is a region's intake against its cap.
type RegionUse struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Cap    int    `json:"cap"`
	Placed int    `json:"placed"`
}

// QuotaUse is a country quota's intake against its cap.
type QuotaUse struct {
	ID      string `json:"id"`
	Country string `json:"country"`
	Region  string `json:"region,omitempty"`
	Cap     int    `json:"cap"`
	Placed  int    `json:"placed"`
}

// Placement is one talent's result in a run: the position (or none), the
// place of that position on the talent's list, and why each position the
// talent preferred went to others.
type Placement struct {
	ApplicationID string `json:"application_id"`
	// PositionID is "" when the talent was not placed.
	PositionID string `json:"position_id"`
	// Choice is the 1-based place of PositionID on the talent's list, 0 when not placed.
	Choice   int       `json:"choice"`
	Refusals []Refusal `json:"refusals"`
	// TalentID, TalentName and Country are filled when read.
	TalentID   string `json:"talent_id,omitempty"`
	TalentName string `json:"talent_name,omitempty"`
	Country    string `json:"country,omitempty"`
}

// Refusal says why a talent was not placed at a position it preferred.
type Refusal struct {
	PositionID string `json:"position_id"`
	// Reason is one of the match package's reasons: not-acceptable,
	// no-seats, full, regional-cap, group-quota, unexplained.
	Reason string `json:"reason"`
	// Constraint is the id of the region or country quota that applied.
	Constraint string `json:"constraint,omitempty"`
}

// Snapshot is the data of a programme that a run reads.
type Snapshot struct {
	Programme *Programme
	// Version is the programme's data version when read.
	Version      int64
	Applications []Application
	// Rankings are the hosts' entries by position id.
	Rankings map[string][]RankEntry
}

// Hash returns the SHA-256 (hex) of what in the snapshot can change a
// result: positions and their seats, constraints, the talents' lists and
// nationalities, and the hosts' rankings. Titles and texts do not count.
func (s *Snapshot) Hash() string {
	type pos struct {
		ID, Org  string
		Capacity int
		Target   *int
		Floor    int
		Mode     string
	}
	type app struct {
		ID, Country string
		Choices     []string
	}
	type ranking struct {
		Position string
		Entries  []RankEntry
	}
	var c struct {
		Positions    []pos
		Constraints  Constraints
		Applications []app
		Rankings     []ranking
	}
	for _, p := range s.Programme.Positions {
		c.Positions = append(c.Positions, pos{p.ID, p.OrgID, p.Capacity, p.Target, p.Floor, p.RankMode})
		entries := slices.Clone(s.Rankings[p.ID])
		slices.SortFunc(entries, func(a, b RankEntry) int { return cmp.Compare(a.ApplicationID, b.ApplicationID) })
		c.Rankings = append(c.Rankings, ranking{p.ID, entries})
	}
	c.Constraints = s.Programme.Constraints
	for _, a := range sortedApplications(s.Applications) {
		c.Applications = append(c.Applications, app{a.ID, a.Country, a.Choices})
	}
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func sortedApplications(apps []Application) []Application {
	out := slices.Clone(apps)
	slices.SortFunc(out, func(a, b Application) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// LotteryNumber is the number that orders an application among those a host
// ranked equally: the first 8 bytes of SHA-256("seed:application id"),
// smaller first. Anyone can recompute it from the published seed.
func LotteryNumber(seed int64, applicationID string) uint64 {
	sum := sha256.Sum256([]byte(strconv.FormatInt(seed, 10) + ":" + applicationID))
	return binary.BigEndian.Uint64(sum[:8])
}

// BuildInstance turns a snapshot into a matching instance. Residents are
// the applications in id order, each in the group of its nationality;
// hospitals are the positions in programme order. A position ranks the
// talents who listed it (and whom it did not exclude): by rank or score,
// unranked ones last, ties broken by the lottery of seed. Regions hold the
// positions of their hosts in the region's turn order; a country quota
// covers its region's positions, or all of them.
func BuildInstance(s *Snapshot, seed int64) (*match.Instance, error) {
	p := s.Programme
	apps := sortedApplications(s.Applications)
	inst := &match.Instance{
		Residents: make([]match.Resident, len(apps)),
		Hospitals: make([]match.Hospital, len(p.Positions)),
	}
	posIndex := make(map[string]int32, len(p.Positions))
	byHost := map[string][]int32{}
	for i, pos := range p.Positions {
		posIndex[pos.ID] = int32(i)
		byHost[pos.OrgID] = append(byHost[pos.OrgID], int32(i))
		inst.Hospitals[i] = match.Hospital{ID: pos.ID, Capacity: pos.Capacity, Target: pos.Target, Floor: pos.Floor}
	}
	appIndex := make(map[string]int32, len(apps))
	applicants := make([][]int32, len(p.Positions))
	for r, a := range apps {
		appIndex[a.ID] = int32(r)
		res := match.Resident{ID: a.ID, Group: a.Country, Prefs: make([]int32, 0, len(a.Choices))}
		for _, c := range a.Choices {
			if h, ok := posIndex[c]; ok {
				res.Prefs = append(res.Prefs, h)
				applicants[h] = append(applicants[h], int32(r))
			}
		}
		inst.Residents[r] = res
	}
	lottery := make([]uint64, len(apps))
	for r, a := range apps {
		lottery[r] = LotteryNumber(seed, a.ID)
	}
	for h, pos := range p.Positions {
		key := make(map[int32]float64, len(applicants[h]))
		for _, r := range applicants[h] {
			key[r] = math.Inf(1)
		}
		for _, e := range s.Rankings[pos.ID] {
			r, ok := appIndex[e.ApplicationID]
			if !ok {
				continue
			}
			if _, applied := key[r]; !applied {
				continue
			}
			switch {
			case e.Excluded:
				delete(key, r)
			case e.Value != nil && pos.RankMode == RankByScore:
				key[r] = -*e.Value
			case e.Value != nil:
				key[r] = *e.Value
			}
		}
		prefs := make([]int32, 0, len(key))
		for _, r := range applicants[h] {
			if _, ok := key[r]; ok {
				prefs = append(prefs, r)
			}
		}
		slices.SortFunc(prefs, func(a, b int32) int {
			if c := cmp.Compare(key[a], key[b]); c != 0 {
				return c
			}
			if c := cmp.Compare(lottery[a], lottery[b]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		inst.Hospitals[h].Prefs = prefs
	}
	regionPositions := map[string][]int32{}
	for _, g := range p.Constraints.Regions {
		var hs []int32
		for _, host := range g.Hosts {
			hs = append(hs, byHost[host]...)
		}
		regionPositions[g.ID] = hs
		inst.Regions = append(inst.Regions, match.Region{ID: g.ID, Hospitals: hs, Cap: g.Cap})
	}
	all := make([]int32, len(p.Positions))
	for i := range all {
		all[i] = int32(i)
	}
	for _, q := range p.Constraints.CountryQuotas {
		hs := all
		if q.Region != "" {
			hs = regionPositions[q.Region]
		}
		inst.GroupQuotas = append(inst.GroupQuotas, match.GroupQuota{ID: q.ID, Group: q.Country, Hospitals: hs, Cap: q.Cap})
	}
	if err := inst.Validate(); err != nil {
		return nil, fmt.Errorf("programme %s: %w", p.ID, err)
	}
	return inst, nil
}

// Outcome is what a run produces.
type Outcome struct {
	InputSHA256 string
	// Instance is the matching instance in the hr-instance/1 format, so
	// anyone can check the result with an independent tool.
	Instance   []byte
	Matched    int
	Proposals  int64
	Balance    Balance
	Placements []Placement
}

// Progress receives a run's stage and how far it is, in percent.
type Progress func(stage string, percent int)

// Execute matches the snapshot with the algorithm and the lottery seed,
// and explains every talent's result. It is deterministic: the same
// snapshot, algorithm and seed give the same outcome. progress, when not
// nil, hears of each stage.
func Execute(s *Snapshot, alg match.Algorithm, seed int64, progress Progress) (*Outcome, error) {
	if progress == nil {
		progress = func(string, int) {}
	}
	progress("build", 5)
	out := &Outcome{InputSHA256: s.Hash()}
	inst, err := BuildInstance(s, seed)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := match.WriteInstance(&buf, inst); err != nil {
		return nil, err
	}
	out.Instance = buf.Bytes()
	progress("solve", 20)
	res, err := match.Solve(inst, alg)
	if err != nil {
		return nil, err
	}
	out.Matched, out.Proposals = res.Matched, res.Proposals
	progress("explain", 30)
	p := s.Programme
	out.Placements = make([]Placement, len(inst.Residents))
	step := max(len(inst.Residents)/20, 1)
	for r := range inst.Residents {
		pl := Placement{ApplicationID: inst.Residents[r].ID, Refusals: []Refusal{}}
		if h := res.Assignment[r]; h >= 0 {
			pl.PositionID = inst.Hospitals[h].ID
			pl.Choice = slices.Index(inst.Residents[r].Prefs, h) + 1
		}
		for _, ref := range res.Refusals(r) {
			pl.Refusals = append(pl.Refusals, Refusal{PositionID: inst.Hospitals[ref.Hospital].ID, Reason: string(ref.Reason), Constraint: ref.Constraint})
		}
		out.Placements[r] = pl
		if r%step == 0 {
			progress("explain", 30+60*r/len(inst.Residents))
		}
	}
	progress("balance", 90)
	out.Balance = balance(p, inst, res, out.Placements)
	return out, nil
}

// balance turns the engine's report into the programme's terms.
func balance(p *Programme, inst *match.Instance, res *match.Result, placements []Placement) Balance {
	rep := res.Balance(func(h int) string { return p.Positions[h].OrgID })
	b := Balance{Applicants: rep.Residents, Placed: rep.Placed, Seats: rep.Seats, Unfilled: rep.Unfilled,
		Gini: rep.Gini, TopDecileShare: rep.TopDecileShare, FloorDeficit: rep.FloorDeficit,
		ChoiceRanks: []int{}, Institutions: []InstitutionIntake{}, Positions: []PositionIntake{},
		Countries: []CountryPlacement{}, Regions: []RegionUse{}, Quotas: []QuotaUse{}}
	for _, pt := range rep.Lorenz {
		b.Lorenz = append(b.Lorenz, LorenzPoint{X: pt.Institutions, Y: pt.Placements})
	}
	for _, in := range rep.Institutions {
		b.Institutions = append(b.Institutions, InstitutionIntake{OrgID: in.Name, Name: p.HostName(in.Name), Seats: in.Seats, Intake: in.Intake})
	}
	targets := match.Targets(inst)
	for h, hb := range rep.Hospitals {
		pos := p.Positions[h]
		b.Positions = append(b.Positions, PositionIntake{PositionID: pos.ID, Title: pos.Title, OrgID: pos.OrgID, Capacity: hb.Capacity,
			Target: int(targets[h]), Floor: hb.Floor, Intake: hb.Intake, Deficit: hb.Deficit})
	}
	for _, g := range rep.Groups {
		b.Countries = append(b.Countries, CountryPlacement{Country: g.Group, Applicants: g.Applicants, Placed: g.Placed})
	}
	for _, pl := range placements {
		if pl.Choice == 0 {
			continue
		}
		for len(b.ChoiceRanks) < pl.Choice {
			b.ChoiceRanks = append(b.ChoiceRanks, 0)
		}
		b.ChoiceRanks[pl.Choice-1]++
	}
	intake := make([]int, len(inst.Hospitals))
	for _, h := range res.Assignment {
		if h >= 0 {
			intake[h]++
		}
	}
	for i, g := range inst.Regions {
		n := 0
		for _, h := range g.Hospitals {
			n += intake[h]
		}
		b.Regions = append(b.Regions, RegionUse{ID: g.ID, Name: p.Constraints.Regions[i].Name, Cap: g.Cap, Placed: n})
	}
	for i, q := range inst.GroupQuotas {
		in := make(map[int32]bool, len(q.Hospitals))
		for _, h := range q.Hospitals {
			in[h] = true
		}
		n := 0
		for r, h := range res.Assignment {
			if h >= 0 && in[h] && inst.Residents[r].Group == q.Group {
				n++
			}
		}
		cq := p.Constraints.CountryQuotas[i]
		b.Quotas = append(b.Quotas, QuotaUse{ID: q.ID, Country: cq.Country, Region: cq.Region, Cap: q.Cap, Placed: n})
	}
	return b
}
