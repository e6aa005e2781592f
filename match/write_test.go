package match_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/match"
)

func TestWriteMatching_SpecExampleBytes(t *testing.T) {
	in := mustRead(t, specExample)
	res := mustSolve(t, in, match.DA)
	var b bytes.Buffer
	out := match.Output{InstanceSHA256: sha256.Sum256([]byte(specExample)), Solver: "silkbridge test da"}
	if err := match.WriteMatching(&b, res, out); err != nil {
		t.Fatal(err)
	}
	want := `{
  "format": "hr-matching/1",
  "instance_sha256": "` + strings.Repeat("?", 64) + `",
  "solver": "silkbridge test da",
  "optimal_for": "residents",
  "assignment": {
    "r0": "h0",
    "r1": "h1"
  },
  "stats": {"matched": 2, "proposals": 3},
  "timing_s": {"load": 0, "solve": 0, "write": 0}
}
`
	sum := sha256.Sum256([]byte(specExample))
	want = strings.Replace(want, strings.Repeat("?", 64), hexString(sum[:]), 1)
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	var s strings.Builder
	for _, c := range b {
		s.WriteByte(digits[c>>4])
		s.WriteByte(digits[c&15])
	}
	return s.String()
}

func TestWriteMatching_NullForUnmatchedAndEscapedIDs(t *testing.T) {
	in := mustRead(t, `{"format": "hr-instance/1",
	  "residents": [{"id": "a\"b", "prefs": ["h\\1"]}, {"id": "c", "prefs": ["h\\1"]}],
	  "hospitals": [{"id": "h\\1", "capacity": 1, "prefs": ["a\"b", "c"]}]}`)
	res := mustSolve(t, in, match.FDA)
	timing := &match.Timing{Load: 1500 * time.Microsecond, Solve: 2 * time.Second}
	var b bytes.Buffer
	if err := match.WriteMatching(&b, res, match.Output{Solver: "x", Timing: timing}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Assignment map[string]*string
		Stats      struct{ Matched, Proposals int }
		Timing     map[string]float64 `json:"timing_s"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, b.String())
	}
	if h := doc.Assignment[`a"b`]; h == nil || *h != `h\1` {
		t.Errorf(`a"b assigned %v, want h\1`, h)
	}
	if h, ok := doc.Assignment["c"]; !ok || h != nil {
		t.Errorf("c assigned %v (present %v), want null", h, ok)
	}
	if doc.Timing["load"] != 0.0015 || doc.Timing["solve"] != 2 {
		t.Errorf("timing_s = %v", doc.Timing)
	}
	if timing.Write <= 0 {
		t.Error("write time not measured")
	}
}

func TestWriteMatching_SameInputSameBytes(t *testing.T) {
	in := mustRead(t, twoHosts)
	var first []byte
	for i := range 3 {
		res := mustSolve(t, in, match.FDA)
		var b bytes.Buffer
		if err := match.WriteMatching(&b, res, match.Output{Solver: "s"}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b.Bytes()
		} else if !bytes.Equal(first, b.Bytes()) {
			t.Fatal("two runs wrote different bytes")
		}
	}
}
