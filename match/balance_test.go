package match_test

import (
	"math"
	"testing"

	"github.com/silkbridge/silkbridge/match"
)

// balanceOf solves an instance whose hospitals take exactly intakes[h]
// residents, and reports its balance.
func balanceOf(t *testing.T, intakes []int, institutionOf func(int) string) *match.BalanceReport {
	t.Helper()
	in := &match.Instance{}
	for h, n := range intakes {
		hp := match.Hospital{ID: string(rune('A' + h)), Capacity: n + 1, Floor: 1}
		for range n {
			r := int32(len(in.Residents))
			in.Residents = append(in.Residents, match.Resident{ID: "r" + string(rune('a'+r)), Prefs: []int32{int32(h)}})
			hp.Prefs = append(hp.Prefs, r)
		}
		in.Hospitals = append(in.Hospitals, hp)
	}
	return mustSolve(t, in, match.DA).Balance(institutionOf)
}

func TestBalance_InequalityMeasures(t *testing.T) {
	tests := []struct {
		name      string
		intakes   []int
		gini, top float64
	}{
		{"equal", []int{2, 2, 2, 2}, 0, 0.25},
		{"one takes all", []int{0, 0, 0, 4}, 0.75, 1},
		{"nobody placed", []int{0, 0}, 0, 0},
		{"mixed", []int{1, 2, 3, 4}, 0.25, 0.4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := balanceOf(t, tt.intakes, nil)
			if math.Abs(b.Gini-tt.gini) > 1e-12 || math.Abs(b.TopDecileShare-tt.top) > 1e-12 {
				t.Errorf("gini %v top-decile %v, want %v and %v", b.Gini, b.TopDecileShare, tt.gini, tt.top)
			}
			first, last := b.Lorenz[0], b.Lorenz[len(b.Lorenz)-1]
			if first != (match.LorenzPoint{}) || last != (match.LorenzPoint{Institutions: 1, Placements: 1}) {
				t.Errorf("Lorenz curve runs from %v to %v", first, last)
			}
		})
	}
}

func TestBalance_ReportsFloorsSeatsAndInstitutions(t *testing.T) {
	b := balanceOf(t, []int{0, 3, 1}, func(h int) string {
		if h == 0 {
			return "small-uni"
		}
		return "big-uni"
	})
	if b.Placed != 4 || b.Seats != 7 || b.Unfilled != 3 {
		t.Errorf("placed %d seats %d unfilled %d, want 4, 7, 3", b.Placed, b.Seats, b.Unfilled)
	}
	if b.FloorDeficit != 1 || b.Hospitals[0].Deficit != 1 {
		t.Errorf("floor deficit %d, want 1 (hospital A)", b.FloorDeficit)
	}
	if len(b.Institutions) != 2 || b.Institutions[1].Intake != 4 || b.Institutions[0].Intake != 0 {
		t.Errorf("institutions = %+v", b.Institutions)
	}
	if len(b.Groups) != 1 || b.Groups[0].Applicants != 4 || b.Groups[0].Placed != 4 {
		t.Errorf("groups = %+v", b.Groups)
	}
}

func TestBalance_LorenzCurveHasAtMost101Points(t *testing.T) {
	intakes := make([]int, 250)
	for i := range intakes {
		intakes[i] = i % 3
	}
	if b := balanceOf(t, intakes, nil); len(b.Lorenz) != 101 {
		t.Errorf("%d points, want 101", len(b.Lorenz))
	}
}
