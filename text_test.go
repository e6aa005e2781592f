package silkbridge

import "testing"

// TestVisibleText_RefusesEveryBidiAndZeroWidthControlAndKeepsRealNames
// walks every character the check refuses, and names in the six
// languages (with Arabic and Chinese punctuation) that must pass.
func TestVisibleText_RefusesEveryBidiAndZeroWidthControlAndKeepsRealNames(t *testing.T) {
	var refused []rune
	refused = append(refused, 0x061C, 0xFEFF)
	for _, r := range [][2]rune{{0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064}, {0x2066, 0x2069}} {
		for c := r[0]; c <= r[1]; c++ {
			refused = append(refused, c)
		}
	}
	for _, r := range refused {
		var p Problems
		if p.VisibleText("name", "Acme"+string(r)+"Lab") {
			t.Errorf("U+%04X passed", r)
		}
		e, ok := p.Err().(*Error)
		if !ok || len(e.Fields) != 1 || e.Fields[0].Field != "name" || e.Fields[0].MessageID != "field.invisible_characters" {
			t.Errorf("U+%04X: problems %v", r, p.Err())
		}
	}
	for _, name := range []string{"Kazakh National University", "清华大学（深圳）", "جامعة القاهرة، مصر", "Московский университет",
		"École polytechnique", "Universidad de Chile", "R&D — «Lab» 2.0"} {
		var p Problems
		if !p.VisibleText("name", name) || p.Err() != nil {
			t.Errorf("%q refused: %v", name, p.Err())
		}
	}
}
