package eligible_test

import (
	"slices"
	"testing"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/eligible"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/talent"
)

// TestVocabularies_EqualThePlatformsLists proves that the words a rule may
// use are exactly those the platform stores on organisations, talent
// profiles and cooperations, so a rule can neither name a value no profile
// holds nor miss one that profiles hold.
func TestVocabularies_EqualThePlatformsLists(t *testing.T) {
	cases := []struct {
		name           string
		rule, platform []string
	}{
		{"organisation kinds", eligible.OrgKinds(), organisation.Kinds},
		{"size classes", eligible.SizeClasses(), organisation.SizeClasses},
		{"career stages", eligible.CareerStages(), talent.CareerStages},
		{"cooperation stages", eligible.CooperationStages(), cooperation.Stages},
	}
	for _, c := range cases {
		if !slices.Equal(c.rule, c.platform) {
			t.Errorf("%s: eligible has %v, the platform %v", c.name, c.rule, c.platform)
		}
	}
}
