package match_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/silkbridge/silkbridge/match"
	"github.com/silkbridge/silkbridge/match/gen"
)

func TestReadInstance_SpecExample(t *testing.T) {
	in := mustRead(t, specExample)
	if len(in.Residents) != 2 || len(in.Hospitals) != 2 || len(in.Regions) != 1 || len(in.GroupQuotas) != 1 {
		t.Fatalf("read %d residents, %d hospitals, %d regions, %d quotas", len(in.Residents), len(in.Hospitals), len(in.Regions), len(in.GroupQuotas))
	}
	r0 := in.Residents[0]
	if r0.ID != "r0" || r0.Group != "KZ" || len(r0.Prefs) != 2 || r0.Prefs[0] != 1 || r0.Prefs[1] != 0 {
		t.Errorf("r0 = %+v", r0)
	}
	h0 := in.Hospitals[0]
	if h0.Target == nil || *h0.Target != 1 || in.Hospitals[1].Target != nil {
		t.Errorf("targets: h0 %v, h1 %v", h0.Target, in.Hospitals[1].Target)
	}
	if g := in.Regions[0]; g.Cap != 2 || g.Hospitals[0] != 1 || g.Hospitals[1] != 0 {
		t.Errorf("region = %+v", g)
	}
	if string(in.Meta) != `{"seed": 1, "note": "free-form"}` {
		t.Errorf("meta = %s", in.Meta)
	}
}

// TestReadInstance_RefusesBadFiles names each kind of mistake and the
// message that must name its entry.
func TestReadInstance_RefusesBadFiles(t *testing.T) {
	doc := func(residents, hospitals, extra string) string {
		return `{"format": "hr-instance/1", "residents": [` + residents + `], "hospitals": [` + hospitals + `]` + extra + `}`
	}
	ok := `{"id": "r0", "prefs": ["h0"]}, {"id": "r1", "prefs": ["h0"]}`
	okH := `{"id": "h0", "capacity": 1, "prefs": ["r0", "r1"]}`
	tests := []struct {
		name, doc, want string
	}{
		{"duplicate resident in hospital prefs",
			doc(ok, okH+`, {"id": "h1", "capacity": 1, "prefs": []}, {"id": "h2", "capacity": 1, "prefs": []}, {"id": "h7", "capacity": 1, "prefs": ["r1", "r0", "r1"]}`, ""),
			`hospitals[3] "h7": duplicate resident "r1" in prefs`},
		{"duplicate hospital in resident prefs", doc(`{"id": "r0", "prefs": ["h0", "h0"]}`, okH, ""),
			`residents[0] "r0": duplicate hospital "h0" in prefs`},
		{"unknown hospital", doc(`{"id": "r0", "prefs": ["h0"]}, {"id": "r1", "prefs": ["h0", "h9"]}`, okH, ""),
			`residents[1] "r1": unknown hospital "h9" in prefs`},
		{"unknown resident", doc(ok, `{"id": "h0", "capacity": 1, "prefs": ["r0", "r5"]}`, ""),
			`hospitals[0] "h0": unknown resident "r5" in prefs`},
		{"duplicate resident id", doc(`{"id": "r0", "prefs": []}, {"id": "r0", "prefs": []}`, okH[:len(okH)-14]+`[]}`, ""),
			`residents[1] "r0": duplicate id (also residents[0])`},
		{"negative capacity", doc(ok, `{"id": "h0", "capacity": -1, "prefs": []}`, ""),
			`hospitals[0] "h0": capacity: byte`},
		{"fractional capacity", doc(ok, `{"id": "h0", "capacity": 1.5, "prefs": []}`, ""),
			`hospitals[0] "h0": capacity: byte`},
		{"capacity as string", doc(ok, `{"id": "h0", "capacity": "1", "prefs": []}`, ""),
			`hospitals[0] "h0": capacity: byte`},
		{"target above capacity", doc(ok, `{"id": "h0", "capacity": 1, "target": 2, "prefs": ["r0"]}`, ""),
			`hospitals[0] "h0": target 2 out of range (want 0 to capacity 1)`},
		{"floor above capacity", doc(ok, `{"id": "h0", "capacity": 1, "floor": 3, "prefs": ["r0"]}`, ""),
			`hospitals[0] "h0": floor 3 out of range`},
		{"missing capacity", doc(ok, `{"id": "h0", "prefs": ["r0"]}`, ""),
			`hospitals[0] "h0": missing field "capacity"`},
		{"missing prefs", doc(`{"id": "r0"}`, okH, ""),
			`residents[0] "r0": missing field "prefs"`},
		{"unknown field", doc(`{"id": "r0", "prefs": [], "pref": []}`, okH, ""),
			`residents[0] "r0": byte`},
		{"repeated field", doc(`{"id": "r0", "prefs": [], "prefs": []}`, okH, ""),
			`repeated field "prefs"`},
		{"empty id", doc(`{"id": "", "prefs": []}`, okH, ""),
			`residents[0]: empty id`},
		{"region with unknown hospital", doc(ok, okH, `, "regions": [{"id": "g", "hospitals": ["h0", "hx"], "cap": 1}]`),
			`regions[0] "g": unknown hospital "hx"`},
		{"region with duplicate hospital", doc(ok, okH, `, "regions": [{"id": "g", "hospitals": ["h0", "h0"], "cap": 1}]`),
			`regions[0] "g": duplicate hospital "h0" in hospitals`},
		{"region targets above cap", doc(ok, `{"id": "h0", "capacity": 2, "target": 2, "prefs": []}`, `, "regions": [{"id": "g", "hospitals": ["h0"], "cap": 1}]`),
			`regions[0] "g": targets of its hospitals add up to 2, above its cap 1`},
		{"quota without group", doc(ok, okH, `, "group_quotas": [{"id": "q", "hospitals": ["h0"], "cap": 1}]`),
			`group_quotas[0] "q": missing field "group"`},
		{"wrong format", strings.Replace(doc(ok, okH, ""), "hr-instance/1", "hr-instance/2", 1),
			`format "hr-instance/2" is not "hr-instance/1"`},
		{"missing format", `{"residents": [], "hospitals": []}`, `missing field "format"`},
		{"trailing comma", doc(ok+",", okH, ""), `trailing comma`},
		{"data after the document", doc(ok, okH, "") + `{}`, `data after the end of the document`},
		{"truncated", doc(ok, okH, "")[:40], `byte`},
		{"invalid UTF-8", doc("{\"id\": \"r\xff\", \"prefs\": []}", okH, ""), `invalid UTF-8`},
		{"control character in string", doc("{\"id\": \"r\x01\", \"prefs\": []}", okH, ""), `control character`},
		{"lone surrogate", doc(`{"id": "r\ud800", "prefs": []}`, okH, ""), `unpaired surrogate`},
		{"residents null", `{"format": "hr-instance/1", "residents": null, "hospitals": []}`, `want '['`},
		{"deep meta", `{"format": "hr-instance/1", "meta": ` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `, "residents": [], "hospitals": []}`, `nesting deeper`},
		{"duplicate key in meta", `{"format": "hr-instance/1", "meta": {"a": 1, "a": 2}, "residents": [], "hospitals": []}`, `duplicate key "a"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := match.ReadInstance(strings.NewReader(tt.doc))
			if err == nil {
				t.Fatalf("accepted:\n%s", tt.doc)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestReadInstance_AcceptsAnyFieldOrderNullsAndEscapes(t *testing.T) {
	doc := `{"hospitals": [{"prefs": ["r\u00e9", "r1"], "floor": null, "target": null, "capacity": 1, "id": "h\"0"}],
	 "group_quotas": null, "regions": [],
	 "residents": [{"group": null, "prefs": ["h\"0"], "id": "r\u00e9"}, {"id": "r1", "prefs": ["h\"0"], "group": "\u4e2d"}],
	 "format": "hr-instance/1"}`
	in := mustRead(t, doc)
	if in.Residents[0].ID != "ré" || in.Hospitals[0].ID != `h"0` || in.Residents[1].Group != "中" {
		t.Fatalf("ids %q %q group %q", in.Residents[0].ID, in.Hospitals[0].ID, in.Residents[1].Group)
	}
	if in.Hospitals[0].Prefs[0] != 0 || in.Hospitals[0].Prefs[1] != 1 || in.Hospitals[0].Target != nil {
		t.Fatalf("hospital = %+v", in.Hospitals[0])
	}
}

func TestReadInstance_OneByteReadsGiveTheSameInstance(t *testing.T) {
	// Every token then crosses a refill of the buffer.
	want := dump(mustRead(t, specExample))
	in, err := match.ReadInstance(iotest.OneByteReader(strings.NewReader(specExample)))
	if err != nil {
		t.Fatal(err)
	}
	if got := dump(in); got != want {
		t.Fatalf("one-byte reads gave\n%s\nwant\n%s", got, want)
	}
}

func TestReadInstance_ReportsReadErrors(t *testing.T) {
	r := io.MultiReader(strings.NewReader(specExample[:50]), iotest.ErrReader(io.ErrUnexpectedEOF))
	if _, err := match.ReadInstance(r); err == nil || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Fatalf("err = %v, want the read error", err)
	}
}

func TestWriteInstance_RoundTripsGeneratedMarket(t *testing.T) {
	in, err := gen.Generate(gen.Config{Residents: 2000, Regions: 3, Seed: 9, Groups: 3, GroupQuota: 0.5, Floors: true})
	if err != nil {
		t.Fatal(err)
	}
	var first bytes.Buffer
	if err := match.WriteInstance(&first, in); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(first.Bytes()) {
		t.Fatal("WriteInstance wrote invalid JSON")
	}
	back, err := match.ReadInstance(bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var second bytes.Buffer
	if err := match.WriteInstance(&second, back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatal("instance written, read and written again differs")
	}
}

func TestGenerate_SameSeedSameInstance(t *testing.T) {
	cfg := gen.Config{Residents: 500, Regions: 8, Seed: 42}
	a, err := gen.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := gen.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if dump(a) != dump(b) {
		t.Fatal("same seed gave different instances")
	}
	cfg.Seed = 43
	c, err := gen.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if dump(a) == dump(c) {
		t.Fatal("different seeds gave the same instance")
	}
}

// Numbered ids ("r0", "h17", ...) resolve without a hash lookup; ids that
// only look numbered, or that break the pattern, must resolve exactly.
func TestReadInstance_NumberedLookingIDsResolveExactly(t *testing.T) {
	tests := []struct {
		name, residents, prefs, want string
	}{
		{"positional", `"r0", "r1", "r2"`, `"r2", "r0"`, "r2 r0"},
		{"leading zero is another id", `"r0", "r1", "r2"`, `"r01"`, `unknown resident "r01"`},
		{"beyond the count", `"r0", "r1"`, `"r2"`, `unknown resident "r2"`},
		{"pattern broken midway", `"r0", "r1", "x", "r3", "r4"`, `"r3", "x", "r4", "r0"`, "r3 x r4 r0"},
		{"empty prefix", `"0", "1", "2"`, `"2", "1"`, "2 1"},
		{"first id not zero", `"r1", "r0"`, `"r0", "r1"`, "r0 r1"},
		{"digits in the prefix", `"a10", "a11"`, `"a11", "a10"`, "a11 a10"},
		{"numbers out of order", `"r7", "r3", "r5"`, `"r5", "r7", "r3"`, "r5 r7 r3"},
		{"number far beyond the count", `"r0", "r999999999", "r1"`, `"r1", "r999999999", "r0"`, "r1 r999999999 r0"},
		{"other prefix", `"r0", "s1", "r1"`, `"s1", "r1"`, "s1 r1"},
		{"no number", `"alice", "bob"`, `"bob", "alice"`, "bob alice"},
		{"long ids sharing a prefix", `"participant-000000001", "participant-000000002", "participant-00000000"`,
			`"participant-000000002", "participant-00000000", "participant-000000001"`,
			"participant-000000002 participant-00000000 participant-000000001"},
		{"sixteen bytes differing last", `"abcdefghijklmnop", "abcdefghijklmnoq"`, `"abcdefghijklmnoq", "abcdefghijklmnop"`,
			"abcdefghijklmnoq abcdefghijklmnop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rs []string
			for _, id := range strings.Split(tt.residents, ", ") {
				rs = append(rs, `{"id": `+id+`, "prefs": []}`)
			}
			// The hospital comes last, so its references meet the pattern.
			doc := `{"format": "hr-instance/1", "residents": [` + strings.Join(rs, ", ") +
				`], "hospitals": [{"id": "h", "capacity": 1, "prefs": [` + tt.prefs + `]}]}`
			in, err := match.ReadInstance(strings.NewReader(doc))
			if err != nil {
				if !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("error %v, want %q", err, tt.want)
				}
				return
			}
			var got []string
			for _, r := range in.Hospitals[0].Prefs {
				got = append(got, in.Residents[r].ID)
			}
			if strings.Join(got, " ") != tt.want {
				t.Fatalf("prefs resolve to %v, want %s", got, tt.want)
			}
		})
	}
}

func TestWriteInstance_RoundTripsArbitraryIDs(t *testing.T) {
	// Ids of every length from 1 to 40 bytes, many sharing long prefixes,
	// enough to grow the id table several times.
	in, err := gen.Generate(gen.Config{Residents: 5000, Regions: 2, Seed: 4, MinList: 2, MaxList: 6})
	if err != nil {
		t.Fatal(err)
	}
	name := func(prefix string, i int) string {
		s := fmt.Sprintf("%s%x", prefix, i*7919)
		return (s + strings.Repeat("-", 40))[:1+i%40]
	}
	seen := map[string]bool{}
	for i := range in.Residents {
		id := name("resident/", i)
		for seen[id] {
			id += "+"
		}
		seen[id] = true
		in.Residents[i].ID = id
	}
	for i := range in.Hospitals {
		in.Hospitals[i].ID = fmt.Sprintf("hôte %d \"%d\" 医院\\", i, i)
	}
	first := dump(in)
	back, err := match.ReadInstance(strings.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	if dump(back) != first {
		t.Fatal("arbitrary ids changed on a round trip")
	}
}
