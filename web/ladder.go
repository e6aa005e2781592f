package web

import "github.com/silkbridge/silkbridge/cooperation"

// Rung is one step of a cooperation's depth ladder as the page draws it.
type Rung struct {
	Stage string
	// State is "reached" (a recorded change reached it), "skipped" (below
	// the current stage but never reached: the cooperation jumped over it),
	// "current" or "ahead".
	State string
}

// ladderRungs says, for each stage of the ladder, whether c reached it,
// jumped over it, stands on it or has it still ahead: a jump from exchange
// straight to a joint lab is a different story from a climb, and the
// graphic must not draw both alike.
func ladderRungs(c *cooperation.Cooperation) []Rung {
	cur := cooperation.StageIndex(c.Stage)
	reached := map[string]bool{}
	for _, h := range c.History {
		reached[h.To] = true
	}
	out := make([]Rung, len(cooperation.Stages))
	for i, st := range cooperation.Stages {
		state := "ahead"
		switch {
		case i == cur:
			state = "current"
		case i < cur && (reached[st] || len(c.History) == 0):
			// Without any recorded history there is nothing to tell a
			// jump from a climb: the rungs below count as reached.
			state = "reached"
		case i < cur:
			state = "skipped"
		}
		out[i] = Rung{Stage: st, State: state}
	}
	return out
}
