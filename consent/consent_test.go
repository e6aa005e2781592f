package consent

import (
	"testing"

	"github.com/silkbridge/silkbridge"
)

func TestDecide_WhoeverSpeaksForTheOrganisationAcceptsElseTheAnswerStands(t *testing.T) {
	for _, c := range []struct {
		previous string
		speaks   bool
		want     string
	}{
		{"", false, Invited},        // newly named by someone else
		{"", true, Accepted},        // newly named by its manager
		{Invited, false, Invited},   // still waiting
		{Invited, true, Accepted},   // its manager names it: that is its consent
		{Accepted, false, Accepted}, // an edit by someone else keeps the answer
	} {
		if got := Decide(c.previous, c.speaks); got != c.want {
			t.Errorf("Decide(%q, %v) = %q, want %q", c.previous, c.speaks, got, c.want)
		}
	}
}

func TestAnswer_OnlyAPendingInvitationTakesAnAnswer(t *testing.T) {
	for _, accept := range []bool{true, false} {
		if err := Answer(Invited, accept); err != nil {
			t.Errorf("answer %v to a pending invitation: %v", accept, err)
		}
		if err := Answer(Accepted, accept); silkbridge.ErrorCode(err) != silkbridge.ECONFLICT {
			t.Errorf("answer %v once accepted: %v, want a conflict", accept, err)
		}
	}
}
