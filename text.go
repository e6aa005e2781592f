package silkbridge

import "fmt"

// invisibleControl reports whether r is a character that changes how the
// text around it is shown, or joins or splits it, without being seen:
// bidirectional embeddings, overrides, isolates and marks (U+202A-U+202E,
// U+2066-U+2069, U+200E, U+200F, U+061C) and zero-width characters
// (U+200B-U+200D, U+2060-U+2064, U+FEFF). In a name or a title they let one
// name pass for another ("Acme" and "Ac<U+200B>me") or turn the text
// around it backwards, and no name of the six languages needs them.
func invisibleControl(r rune) bool {
	switch {
	case r == 0x061C, r == 0xFEFF:
		return true
	case r >= 0x200B && r <= 0x200F:
		return true
	case r >= 0x202A && r <= 0x202E:
		return true
	case r >= 0x2060 && r <= 0x2064:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// VisibleText records that a name or title holds invisible direction or
// zero-width characters, naming the first one; every capability checks
// its names and titles with it.
func (p *Problems) VisibleText(field, value string) bool {
	for _, r := range value {
		if invisibleControl(r) {
			code := fmt.Sprintf("U+%04X", r)
			p.Add(field, "field.invisible_characters", "remove the invisible direction or zero-width characters (such as "+code+")",
				map[string]any{"Char": code})
			return false
		}
	}
	return true
}
