package match_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/silkbridge/silkbridge/match"
)

// A programme with a large host capped by its region and a small one: FDA
// places the large host's favourite there and sends the next talent to the
// small host; Refusals tells the talent why.
func Example() {
	inst, err := match.ReadInstance(strings.NewReader(`{
	  "format": "hr-instance/1",
	  "residents": [
	    {"id": "amina", "prefs": ["large", "small"], "group": "KZ"},
	    {"id": "bo", "prefs": ["large", "small"], "group": "CN"},
	    {"id": "chen", "prefs": ["large"], "group": "CN"}
	  ],
	  "hospitals": [
	    {"id": "large", "capacity": 3, "prefs": ["amina", "bo", "chen"]},
	    {"id": "small", "capacity": 2, "prefs": ["bo", "amina"], "floor": 1}
	  ],
	  "regions": [{"id": "large-institutions", "hospitals": ["large"], "cap": 1}]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := match.Solve(inst, match.FDA)
	if err != nil {
		fmt.Println(err)
		return
	}
	for r, h := range res.Assignment {
		fmt.Print(inst.Residents[r].ID, ": ")
		if h < 0 {
			fmt.Print("not placed")
		} else {
			fmt.Print(inst.Hospitals[h].ID)
		}
		for _, why := range res.Refusals(r) {
			fmt.Printf("; not %s: %s (%s)", inst.Hospitals[why.Hospital].ID, why.Reason.Describe(), why.Constraint)
		}
		fmt.Println()
	}
	b := res.Balance(nil)
	fmt.Printf("placed %d of %d, %d seats empty, Gini %.2f, floor deficit %d\n", b.Placed, b.Residents, b.Unfilled, b.Gini, b.FloorDeficit)
	if err := match.WriteMatching(os.Stdout, res, match.Output{Solver: "example fda"}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// amina: large
	// bo: small; not large: the regional cap was reached (large-institutions)
	// chen: not placed; not large: the regional cap was reached (large-institutions)
	// placed 2 of 3, 3 seats empty, Gini 0.00, floor deficit 0
	// {
	//   "format": "hr-matching/1",
	//   "instance_sha256": "0000000000000000000000000000000000000000000000000000000000000000",
	//   "solver": "example fda",
	//   "optimal_for": "residents",
	//   "assignment": {
	//     "amina": "large",
	//     "bo": "small",
	//     "chen": null
	//   },
	//   "stats": {"matched": 2, "proposals": 4},
	//   "timing_s": {"load": 0, "solve": 0, "write": 0}
	// }
}
