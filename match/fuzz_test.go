package match_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/silkbridge/silkbridge/match"
	"github.com/silkbridge/silkbridge/match/check"
	"github.com/silkbridge/silkbridge/match/gen"
)

// FuzzReadInstance feeds the reader arbitrary bytes. It must never panic;
// whatever it accepts must be valid JSON and a valid instance that writes
// and reads back the same, and that every algorithm solves stably.
func FuzzReadInstance(f *testing.F) {
	f.Add([]byte(specExample))
	f.Add([]byte(twoHosts))
	f.Add([]byte(`{"format": "hr-instance/1", "residents": [], "hospitals": []}`))
	f.Add([]byte(`{"format": "hr-instance/1", "meta": {"a": [1, -2.5e3, true, null, "\u00e9"]}, "residents": [{"id": "r\n", "prefs": []}], "hospitals": []}`))
	f.Add([]byte(`{"format": "hr-instance/1", "residents": [{"id": "r0", "prefs": ["h0", "h0"]}], "hospitals": [{"id": "h0", "capacity": 1, "prefs": []}]}`))
	small, err := gen.Generate(gen.Config{Residents: 12, Regions: 2, Seed: 1, Groups: 2, GroupQuota: 0.5, MinList: 1, MaxList: 3})
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if err := match.WriteInstance(&buf, small); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := match.ReadInstance(bytes.NewReader(data))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON: %q", data)
		}
		if err := in.Validate(); err != nil {
			t.Fatalf("accepted an instance Validate refuses: %v", err)
		}
		var out bytes.Buffer
		if err := match.WriteInstance(&out, in); err != nil {
			t.Fatal(err)
		}
		back, err := match.ReadInstance(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("cannot read back what was written: %v\n%s", err, out.Bytes())
		}
		if dump(back) != out.String() {
			t.Fatal("instance changed on a round trip")
		}
		if len(in.Residents) > 20 || len(in.Hospitals) > 20 {
			return
		}
		for _, alg := range match.Algorithms {
			res, err := match.Solve(in, alg)
			if err != nil {
				continue // FDA refuses overlapping regions
			}
			if err := check.Matching(in, alg, res.Assignment); err != nil {
				t.Fatalf("%s: %v", alg, err)
			}
		}
	})
}
