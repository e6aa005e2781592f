package web

import (
	"reflect"
	"testing"

	"github.com/silkbridge/silkbridge/cooperation"
)

// TestLadder_TellsReachedSkippedCurrentAndAhead: a cooperation that began
// with exchanges and jumped to a joint lab shows exchange reached, joint
// research skipped, joint lab current and the rest ahead.
func TestLadder_TellsReachedSkippedCurrentAndAhead(t *testing.T) {
	c := &cooperation.Cooperation{Stage: cooperation.JointLab, History: []cooperation.StageChange{
		{To: cooperation.Exchange}, {From: cooperation.Exchange, To: cooperation.JointLab},
	}}
	got := map[string]string{}
	for _, r := range ladderRungs(c) {
		got[r.Stage] = r.State
	}
	want := map[string]string{cooperation.Exchange: "reached", cooperation.JointResearch: "skipped",
		cooperation.JointLab: "current", cooperation.TechnologyTransfer: "ahead", cooperation.Commercialisation: "ahead"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	// A climb that reached every rung skips none.
	c = &cooperation.Cooperation{Stage: cooperation.JointResearch, History: []cooperation.StageChange{
		{To: cooperation.Exchange}, {From: cooperation.Exchange, To: cooperation.JointResearch},
	}}
	if r := ladderRungs(c); r[0].State != "reached" || r[1].State != "current" {
		t.Fatalf("climb: %v", r)
	}
}
