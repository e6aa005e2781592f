package eligible

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Outcome is a three-valued answer, ordered NotEligible < Unknown < Eligible
// so that Kleene's "and" is the minimum and "or" the maximum.
type Outcome int8

// The answers. The zero value is Unknown.
const (
	NotEligible Outcome = -1
	Unknown     Outcome = 0
	Eligible    Outcome = 1
)

func (o Outcome) String() string {
	switch o {
	case Eligible:
		return "eligible"
	case NotEligible:
		return "not_eligible"
	}
	return "unknown"
}

// MarshalText writes the outcome as "eligible", "not_eligible" or "unknown".
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText reads an outcome written by MarshalText.
func (o *Outcome) UnmarshalText(b []byte) error {
	switch string(b) {
	case "eligible":
		*o = Eligible
	case "not_eligible":
		*o = NotEligible
	case "unknown":
		*o = Unknown
	default:
		return fmt.Errorf("eligible: %q is not an outcome", b)
	}
	return nil
}

// Message returns the outcome as a translatable word.
func (o Outcome) Message() Message { return Message{ID: MessageID("eligible.outcome." + o.String())} }

func (o Outcome) negate() Outcome { return -o }

// Verdict is the answer of Evaluate: the outcome, the conditions that decided
// it, and for Unknown the facts that, once known, decide it.
type Verdict struct {
	Outcome Outcome  `json:"outcome"`
	Reasons []Reason `json:"reasons"`
	Missing []Fact   `json:"missing,omitempty"`
}

// Reason is one condition that decided a verdict. A condition under an odd
// number of "not"s is Negated, and its Outcome and Message are those of the
// negated condition: under {"not":{"size_class":["large"]}} a large
// organisation gives "Not met: size class is not large (...)".
type Reason struct {
	Path     string   `json:"path"`              // where the condition is in the rule, such as all[2].not.size_class
	Kind     Kind     `json:"kind"`              // the kind of condition; empty for an invalid rule
	Negated  bool     `json:"negated,omitempty"` // under an odd number of "not"s
	Outcome  Outcome  `json:"outcome"`           // the condition's answer, negation applied
	Fact     Fact     `json:"fact,omitempty"`    // the fact the condition read; empty when the applicant lacks the subject
	Expected []string `json:"expected"`          // values that satisfy the condition before negation; see Expected
	Actual   []string `json:"actual,omitempty"`  // the fact's values; nil when unknown or the subject is missing
	Message  Message  `json:"message"`           // the reason in words
}

// String renders the reason in English.
func (r Reason) String() string { return r.Message.String() }

// String renders the verdict in English, one reason a line.
func (v Verdict) String() string {
	var b strings.Builder
	b.WriteString(v.Outcome.Message().String())
	for _, r := range v.Reasons {
		b.WriteString("\n- ")
		b.WriteString(r.String())
	}
	if len(v.Missing) > 0 {
		b.WriteString("\n")
		b.WriteString(v.MissingMessage().String())
	}
	return b.String()
}

// MissingMessage lists the missing facts in words: "To decide, add: ...".
func (v Verdict) MissingMessage() Message {
	items := make([]Term, len(v.Missing))
	for i, f := range v.Missing {
		items[i] = f.Term()
	}
	return Message{ID: msgMissing, Args: map[string]any{"Facts": Terms{Items: items, Join: JoinAnd}}}
}

// Expected returns the values that satisfy a condition before negation: the
// listed values of a list condition; "true" or "false" for bri_partner; the
// park id, or "true" for any park; the stages from Min on for
// cooperation_stage; the TRLs in range for achievement_trl. It returns nil
// for all, any and not.
func Expected(r Rule) []string {
	switch r := r.(type) {
	case OrgKind:
		return slices.Clone(r.Kinds)
	case Country:
		return slices.Clone(r.Codes)
	case BRIPartner:
		return []string{strconv.FormatBool(r.Partner)}
	case Field:
		return slices.Clone(r.Codes)
	case SizeClass:
		return slices.Clone(r.Classes)
	case ParkMember:
		if r.Park == "" {
			return []string{"true"}
		}
		return []string{r.Park}
	case CooperationStage:
		if i := stageRank(r.Min); i >= 0 {
			return slices.Clone(cooperationStages[i:])
		}
	case AchievementTRL:
		lo, hi := trlBounds(r)
		var trls []string
		for t := lo; t <= hi; t++ {
			trls = append(trls, strconv.Itoa(t))
		}
		return trls
	case CareerStage:
		return slices.Clone(r.Stages)
	case Nationality:
		return slices.Clone(r.Codes)
	}
	return nil
}

func trlBounds(r AchievementTRL) (lo, hi int) {
	lo, hi = r.Min, r.Max
	if lo == 0 {
		lo = MinTRL
	}
	if hi == 0 {
		hi = MaxTRL
	}
	return lo, hi
}

// Evaluate answers whether the applicant described by f meets rule r. A nil
// or invalid rule answers Unknown with a reason saying the rule is not valid.
func Evaluate(r Rule, f Facts) Verdict {
	res := eval(r, f, "", false, 1)
	v := Verdict{Outcome: res.outcome, Reasons: res.reasons}
	for _, m := range res.missing {
		if !slices.Contains(v.Missing, m) {
			v.Missing = append(v.Missing, m)
		}
	}
	return v
}

type result struct {
	outcome Outcome
	reasons []Reason
	missing []Fact
}

// eval evaluates r at path, negated when neg. Negation is pushed down to the
// conditions (not all = any not, not any = all not), which Kleene logic
// allows, so every reason is a condition that reads on its own.
func eval(r Rule, f Facts, path string, neg bool, depth int) result {
	if depth > MaxDepth {
		return invalid(path)
	}
	switch c := r.(type) {
	case All:
		return combine(c.Rules, f, join(path, string(KindAll)), neg, depth, !neg)
	case Any:
		return combine(c.Rules, f, join(path, string(KindAny)), neg, depth, neg)
	case Not:
		return eval(c.Rule, f, join(path, string(KindNot)), !neg, depth+1)
	case nil:
		return invalid(path)
	}
	lf, ok := check(r, f)
	if !ok {
		return invalid(path)
	}
	outcome := lf.outcome
	if neg {
		outcome = outcome.negate()
	}
	reasonID := msgReasonUnknown
	switch outcome {
	case Eligible:
		reasonID = msgReasonMet
	case NotEligible:
		reasonID = msgReasonUnmet
	}
	reason := Reason{
		Path:     join(path, string(r.Kind())),
		Kind:     r.Kind(),
		Negated:  neg,
		Outcome:  outcome,
		Fact:     lf.fact,
		Expected: Expected(r),
		Actual:   lf.actual,
		Message: Message{ID: reasonID, Args: map[string]any{
			"Condition": phrase(r, neg, depth),
			"Actual":    lf.statement,
		}},
	}
	res := result{outcome: outcome, reasons: []Reason{reason}}
	if outcome == Unknown {
		res.missing = []Fact{lf.fact}
	}
	return res
}

func invalid(path string) result {
	return result{outcome: Unknown, reasons: []Reason{{Path: path, Message: Message{ID: msgInvalidRule}}}}
}

// combine evaluates a conjunction (conj) or a disjunction of rules, each
// negated when neg. The answer is the lowest (conj) or highest operand
// answer, and the operands that gave it are the reasons: every unmet
// condition of a failing "all", every met condition of a passing "any".
func combine(rules []Rule, f Facts, path string, neg bool, depth int, conj bool) result {
	out := NotEligible
	if conj {
		out = Eligible
	}
	results := make([]result, len(rules))
	for i, r := range rules {
		results[i] = eval(r, f, fmt.Sprintf("%s[%d]", path, i), neg, depth+1)
		if conj {
			out = min(out, results[i].outcome)
		} else {
			out = max(out, results[i].outcome)
		}
	}
	res := result{outcome: out}
	for _, r := range results {
		if r.outcome != out {
			continue
		}
		res.reasons = append(res.reasons, r.reasons...)
		res.missing = append(res.missing, r.missing...)
	}
	return res
}

// leaf is a condition's answer before negation, with the fact it read and a
// statement of that fact.
type leaf struct {
	outcome   Outcome
	fact      Fact
	actual    []string
	statement Message
}

func answer(holds bool) Outcome {
	if holds {
		return Eligible
	}
	return NotEligible
}

func unknownFact(fact Fact) leaf {
	return leaf{outcome: Unknown, fact: fact, statement: Message{ID: msgActualUnknown, Args: map[string]any{"Fact": fact.Term()}}}
}

var (
	notOrganisation = leaf{outcome: NotEligible, statement: Message{ID: msgNotOrg}}
	notPerson       = leaf{outcome: NotEligible, statement: Message{ID: msgNotPerson}}
	noApplicant     = leaf{outcome: NotEligible, statement: Message{ID: msgNoApplicant}}
)

// check answers one condition; ok is false for a combinator or a type this
// package does not define (such as a pointer to a condition).
func check(r Rule, f Facts) (_ leaf, ok bool) {
	o, p := f.Organisation, f.Person
	switch r := r.(type) {
	case OrgKind:
		if o == nil {
			return notOrganisation, true
		}
		return oneOf(FactOrgKind, o.Kind, r.Kinds, VocabOrgKind), true
	case SizeClass:
		if o == nil {
			return notOrganisation, true
		}
		return oneOf(FactOrgSizeClass, o.SizeClass, r.Classes, VocabSizeClass), true
	case Country:
		a, ok := f.applicant()
		if !ok {
			return noApplicant, true
		}
		return oneOf(a.factCountry, a.country, r.Codes, VocabCountry), true
	case BRIPartner:
		a, ok := f.applicant()
		switch {
		case !ok:
			return noApplicant, true
		case a.briPartner == nil:
			return unknownFact(a.factBRIPartner), true
		}
		id := msgActualNo
		if *a.briPartner {
			id = msgActualYes
		}
		return leaf{
			outcome:   answer(*a.briPartner == r.Partner),
			fact:      a.factBRIPartner,
			actual:    []string{strconv.FormatBool(*a.briPartner)},
			statement: Message{ID: id, Args: map[string]any{"Fact": a.factBRIPartner.Term()}},
		}, true
	case Field:
		a, ok := f.applicant()
		if !ok {
			return noApplicant, true
		}
		return anyOf(a.factFields, a.fields, a.fieldsKnown, VocabField, msgActualAre, func(code string) bool {
			return slices.ContainsFunc(r.Codes, func(want string) bool { return fieldCovers(want, code) })
		}), true
	case ParkMember:
		if o == nil {
			return notOrganisation, true
		}
		return anyOf(FactOrgParks, o.Parks, o.ParksKnown, VocabPark, msgActualAre, func(id string) bool {
			return r.Park == "" || id == r.Park
		}), true
	case CooperationStage:
		if o == nil {
			return notOrganisation, true
		}
		return cooperation(r, o), true
	case AchievementTRL:
		if o == nil {
			return notOrganisation, true
		}
		return achievement(r, o), true
	case CareerStage:
		if p == nil {
			return notPerson, true
		}
		return oneOf(FactCareerStage, p.CareerStage, r.Stages, VocabCareerStage), true
	case Nationality:
		if p == nil {
			return notPerson, true
		}
		return anyOf(FactNationality, p.Nationalities, p.NationalitiesKnown, VocabCountry, msgActualIs, func(code string) bool {
			return slices.Contains(r.Codes, code)
		}), true
	}
	return leaf{}, false
}

// oneOf checks a single-valued fact against the allowed values.
func oneOf(fact Fact, value string, allowed []string, v Vocab) leaf {
	if value == "" {
		return unknownFact(fact)
	}
	return leaf{
		outcome:   answer(slices.Contains(allowed, value)),
		fact:      fact,
		actual:    []string{value},
		statement: Message{ID: msgActualIs, Args: map[string]any{"Fact": fact.Term(), "Value": Term{v, value}}},
	}
}

// anyOf checks a list-valued fact: it holds when some value matches. id
// states the values ("are" for plural facts, "is" for nationality).
func anyOf(fact Fact, values []string, known bool, v Vocab, id MessageID, match func(string) bool) leaf {
	if !known {
		return unknownFact(fact)
	}
	if len(values) == 0 {
		return leaf{outcome: NotEligible, fact: fact, actual: []string{},
			statement: Message{ID: msgActualNone, Args: map[string]any{"Fact": fact.Term()}}}
	}
	args := map[string]any{"Fact": fact.Term()}
	if id == msgActualAre {
		args["Values"] = terms(v, values, JoinAnd)
	} else {
		args["Value"] = terms(v, values, JoinAnd)
	}
	return leaf{
		outcome:   answer(slices.ContainsFunc(values, match)),
		fact:      fact,
		actual:    slices.Clone(values),
		statement: Message{ID: id, Args: args},
	}
}

// cooperation finds the deepest stage among the cooperations that count.
func cooperation(r CooperationStage, o *Organisation) leaf {
	if !o.CooperationsKnown {
		return unknownFact(FactOrgCooperations)
	}
	best := -1
	for _, c := range o.Cooperations {
		if c.Active || !r.Active {
			best = max(best, stageRank(c.Stage))
		}
	}
	if best < 0 {
		id := msgCoopNone
		if r.Active {
			id = msgCoopNoneActive
		}
		return leaf{outcome: NotEligible, fact: FactOrgCooperations, actual: []string{}, statement: Message{ID: id}}
	}
	id := msgCoopEver
	if r.Active {
		id = msgCoopActive
	}
	stage := cooperationStages[best]
	return leaf{
		outcome:   answer(best >= stageRank(r.Min)),
		fact:      FactOrgCooperations,
		actual:    []string{stage},
		statement: Message{ID: id, Args: map[string]any{"Stage": Term{VocabStage, stage}}},
	}
}

// achievement compares the best TRL among the achievements with the range;
// TRLs outside 1 to 9 are not TRLs and are ignored.
func achievement(r AchievementTRL, o *Organisation) leaf {
	if !o.AchievementsKnown {
		return unknownFact(FactOrgAchievements)
	}
	best := 0
	for _, t := range o.AchievementTRLs {
		if t >= MinTRL && t <= MaxTRL {
			best = max(best, t)
		}
	}
	if best == 0 {
		return leaf{outcome: NotEligible, fact: FactOrgAchievements, actual: []string{}, statement: Message{ID: msgTRLNone}}
	}
	lo, hi := trlBounds(r)
	return leaf{
		outcome:   answer(lo <= best && best <= hi),
		fact:      FactOrgAchievements,
		actual:    []string{strconv.Itoa(best)},
		statement: Message{ID: msgTRLBest, Args: map[string]any{"TRL": best}},
	}
}
