package eligible

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Marshal writes a rule in canonical JSON form, the form to store: no
// spaces, lists in the rule's order, "active" always written, open TRL bounds
// left out. Parse reads it back to an equal rule, and marshalling that rule
// again gives the same bytes.
//
// Marshal refuses a rule that Parse would refuse for its form (a nil or
// pointer rule, an empty list, a word outside the vocabulary, a TRL out of
// range, too deep or too long). Codes are checked only for their JSON
// encoding: which countries, fields and parks exist is the caller's check.
func Marshal(r Rule) ([]byte, error) {
	var b bytes.Buffer
	if err := write(&b, r, 1); err != nil {
		return nil, fmt.Errorf("eligible: marshal: %w", err)
	}
	anyCode := func(string) bool { return true }
	if _, err := Parse(b.Bytes(), WithCountries(anyCode), WithFields(anyCode), WithParks(anyCode)); err != nil {
		return nil, fmt.Errorf("eligible: marshal: invalid rule: %w", err)
	}
	return b.Bytes(), nil
}

// write appends r to b; depth guards against rules built in Go that nest
// too deep or contain themselves.
func write(b *bytes.Buffer, r Rule, depth int) error {
	if r == nil {
		return fmt.Errorf("nil rule")
	}
	if depth > MaxDepth {
		return fmt.Errorf("conditions nest deeper than %d levels", MaxDepth)
	}
	b.WriteString(`{"`)
	b.WriteString(string(r.Kind()))
	b.WriteString(`":`)
	switch r := r.(type) {
	case All:
		if err := writeRules(b, r.Rules, depth); err != nil {
			return err
		}
	case Any:
		if err := writeRules(b, r.Rules, depth); err != nil {
			return err
		}
	case Not:
		if err := write(b, r.Rule, depth+1); err != nil {
			return err
		}
	case OrgKind:
		writeStrings(b, r.Kinds)
	case Country:
		writeStrings(b, r.Codes)
	case BRIPartner:
		b.WriteString(strconv.FormatBool(r.Partner))
	case Field:
		writeStrings(b, r.Codes)
	case SizeClass:
		writeStrings(b, r.Classes)
	case ParkMember:
		if r.Park == "" {
			b.WriteString("true")
		} else {
			writeString(b, r.Park)
		}
	case CooperationStage:
		b.WriteString(`{"min":`)
		writeString(b, r.Min)
		b.WriteString(`,"active":`)
		b.WriteString(strconv.FormatBool(r.Active))
		b.WriteByte('}')
	case AchievementTRL:
		b.WriteByte('{')
		if r.Min != 0 {
			b.WriteString(`"min":`)
			b.WriteString(strconv.Itoa(r.Min))
		}
		if r.Max != 0 {
			if r.Min != 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"max":`)
			b.WriteString(strconv.Itoa(r.Max))
		}
		b.WriteByte('}')
	case CareerStage:
		writeStrings(b, r.Stages)
	case Nationality:
		writeStrings(b, r.Codes)
	default:
		return fmt.Errorf("unsupported rule type %T", r)
	}
	b.WriteByte('}')
	return nil
}

func writeRules(b *bytes.Buffer, rules []Rule, depth int) error {
	b.WriteByte('[')
	for i, r := range rules {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := write(b, r, depth+1); err != nil {
			return err
		}
	}
	b.WriteByte(']')
	return nil
}

func writeStrings(b *bytes.Buffer, list []string) {
	b.WriteByte('[')
	for i, s := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, s)
	}
	b.WriteByte(']')
}

func writeString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s) // a string always marshals
	b.Write(q)
}
