package eligible

// Describe renders a rule in plain words for a policy page, such as "Open
// to: organisation kind is enterprise; size class is not large." The top
// level "all" becomes a list of clauses; "not" is pushed down to the
// conditions (not all = any not; not any = all not), so every clause reads
// on its own.
func Describe(r Rule) Message {
	return Message{ID: msgOpenTo, Args: map[string]any{
		"Conditions": Messages{Items: clauses(r, false, 1), Join: JoinList},
	}}
}

// clauses lists the phrases of the conjunction r (negated when neg) is, or
// r's phrase alone when it is no conjunction.
func clauses(r Rule, neg bool, depth int) []Message {
	switch c := r.(type) {
	case Not:
		if depth <= MaxDepth {
			return clauses(c.Rule, !neg, depth+1)
		}
	case All:
		if !neg {
			return phrases(c.Rules, neg, depth)
		}
	case Any:
		if neg {
			return phrases(c.Rules, neg, depth)
		}
	}
	return []Message{phrase(r, neg, depth)}
}

func phrases(rules []Rule, neg bool, depth int) []Message {
	items := make([]Message, len(rules))
	for i, r := range rules {
		items[i] = phrase(r, neg, depth+1)
	}
	return items
}

// phrase renders one rule, negated when neg. depth guards against rules
// built in Go that nest too deep or contain themselves.
func phrase(r Rule, neg bool, depth int) Message {
	if depth > MaxDepth {
		return Message{ID: msgInvalidRule}
	}
	switch r := r.(type) {
	case All:
		return combination(r.Rules, neg, depth, !neg)
	case Any:
		return combination(r.Rules, neg, depth, neg)
	case Not:
		return phrase(r.Rule, !neg, depth+1)
	case OrgKind:
		return valuesPhrase(KindOrgKind, neg, VocabOrgKind, r.Kinds)
	case Country:
		return valuesPhrase(KindCountry, neg, VocabCountry, r.Codes)
	case BRIPartner:
		return Message{ID: condID(KindBRIPartner, "", neg == r.Partner)}
	case Field:
		return valuesPhrase(KindField, neg, VocabField, r.Codes)
	case SizeClass:
		return valuesPhrase(KindSizeClass, neg, VocabSizeClass, r.Classes)
	case ParkMember:
		if r.Park == "" {
			return Message{ID: condID(KindParkMember, "any", neg)}
		}
		return Message{ID: condID(KindParkMember, "", neg), Args: map[string]any{"Park": Term{VocabPark, r.Park}}}
	case CooperationStage:
		variant := "ever"
		if r.Active {
			variant = "active"
		}
		return Message{ID: condID(KindCooperationStage, variant, neg), Args: map[string]any{"Stage": Term{VocabStage, r.Min}}}
	case AchievementTRL:
		return Message{ID: condID(KindAchievementTRL, "", neg), Args: map[string]any{"Range": trlRange(r)}}
	case CareerStage:
		return valuesPhrase(KindCareerStage, neg, VocabCareerStage, r.Stages)
	case Nationality:
		return valuesPhrase(KindNationality, neg, VocabCountry, r.Codes)
	}
	return Message{ID: msgInvalidRule}
}

// combination phrases an "all" (conj) or "any" whose operands are negated
// when neg.
func combination(rules []Rule, neg bool, depth int, conj bool) Message {
	id := msgAny
	if conj {
		id = msgAll
	}
	return Message{ID: id, Args: map[string]any{"Items": Messages{Items: phrases(rules, neg, depth), Join: JoinList}}}
}

func valuesPhrase(k Kind, neg bool, v Vocab, values []string) Message {
	return Message{ID: condID(k, "", neg), Args: map[string]any{"Values": terms(v, values, JoinOr)}}
}

func terms(v Vocab, codes []string, j Join) Terms {
	items := make([]Term, len(codes))
	for i, c := range codes {
		items[i] = Term{v, c}
	}
	return Terms{Items: items, Join: j}
}

func trlRange(r AchievementTRL) Message {
	switch {
	case r.Max == 0:
		return Message{ID: msgTRLAtLeast, Args: map[string]any{"Min": r.Min}}
	case r.Min == 0:
		return Message{ID: msgTRLAtMost, Args: map[string]any{"Max": r.Max}}
	case r.Min == r.Max:
		return Message{ID: msgTRLExactly, Args: map[string]any{"Min": r.Min}}
	}
	return Message{ID: msgTRLBetween, Args: map[string]any{"Min": r.Min, "Max": r.Max}}
}
