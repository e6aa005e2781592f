package eligible

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// ParseError is a rule that cannot be read: Path locates the offending value
// in the rule (such as all[1].any[0].country; empty for the rule as a whole)
// and Msg says what is wrong with it.
type ParseError struct {
	Path string
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Option adjusts how Parse checks codes that come from reference data the
// package does not hold.
type Option func(*options)

type options struct {
	country func(string) bool
	field   func(string) bool
	park    func(string) bool
}

// WithCountries makes Parse accept only the country and nationality codes for
// which known returns true, such as those of the platform's country table.
// The default, also used when known is nil, is IsCountryCode.
func WithCountries(known func(code string) bool) Option {
	return func(o *options) {
		if known != nil {
			o.country = known
		}
	}
}

// WithFields makes Parse accept only the field codes for which known returns
// true. The default, also used when known is nil, is IsFieldCode.
func WithFields(known func(code string) bool) Option {
	return func(o *options) {
		if known != nil {
			o.field = known
		}
	}
}

// WithParks makes Parse accept only the park ids for which known returns true,
// such as the ids of the platform's parks. The default, also used when known
// is nil, is IsParkID.
func WithParks(known func(id string) bool) Option {
	return func(o *options) {
		if known != nil {
			o.park = known
		}
	}
}

// Parse reads a rule in the JSON form described in the package documentation.
// It refuses anything else with a *ParseError naming the path and the problem.
func Parse(data []byte, opts ...Option) (Rule, error) {
	o := options{country: IsCountryCode, field: IsFieldCode, park: IsParkID}
	for _, opt := range opts {
		opt(&o)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &ParseError{Msg: "the rule is empty"}
	}
	if len(data) > MaxBytes {
		return nil, &ParseError{Msg: fmt.Sprintf("the rule is %d bytes long; the limit is %d", len(data), MaxBytes)}
	}
	p := &parser{dec: json.NewDecoder(bytes.NewReader(data)), opt: o}
	p.dec.UseNumber()
	r, err := p.rule("", 1)
	if err != nil {
		return nil, err
	}
	end := int(p.dec.InputOffset())
	if _, err := p.dec.Token(); !errors.Is(err, io.EOF) {
		for end < len(data) && strings.IndexByte(" \t\r\n", data[end]) >= 0 {
			end++
		}
		// Offsets count from 0, as in encoding/json's syntax errors.
		return nil, &ParseError{Msg: fmt.Sprintf("unexpected data after the rule at byte %d", end)}
	}
	return r, nil
}

// parser reads a rule token by token, so that it sees duplicate keys, key
// order and nesting depth, which decoding into Go values would hide.
type parser struct {
	dec *json.Decoder
	opt options
}

func errorf(path, format string, args ...any) error {
	return &ParseError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// token reads the next token, turning JSON syntax errors into ParseErrors.
func (p *parser) token(path string) (json.Token, error) {
	tok, err := p.dec.Token()
	if err == nil {
		return tok, nil
	}
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &syntax):
		return nil, errorf(path, "invalid JSON at byte %d: %s", syntax.Offset, syntax.Error())
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return nil, errorf(path, "the JSON ends too early")
	}
	return nil, errorf(path, "invalid JSON: %v", err)
}

// what names a token's JSON type for error messages.
func what(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "a list"
		}
		return "an object"
	case string:
		return fmt.Sprintf("the string %q", t)
	case json.Number:
		return "the number " + t.String()
	case bool:
		return strconv.FormatBool(t)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", tok)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func knownKinds() string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// rule reads one condition object at path, depth conditions deep.
func (p *parser) rule(path string, depth int) (Rule, error) {
	if depth > MaxDepth {
		return nil, errorf(path, "conditions nest deeper than %d levels", MaxDepth)
	}
	tok, err := p.token(path)
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, errorf(path, `want a condition, an object with one key such as {"country":["KZ"]}; found %s`, what(tok))
	}
	tok, err = p.token(path)
	if err != nil {
		return nil, err
	}
	key, ok := tok.(string)
	if !ok {
		return nil, errorf(path, "the condition is empty; name one of: %s", knownKinds())
	}
	at := join(path, key)
	var r Rule
	switch Kind(key) {
	case KindAll, KindAny:
		var rules []Rule
		rules, err = p.rules(at, depth)
		if Kind(key) == KindAll {
			r = All{Rules: rules}
		} else {
			r = Any{Rules: rules}
		}
	case KindNot:
		var inner Rule
		inner, err = p.rule(at, depth+1)
		r = Not{Rule: inner}
	case KindOrgKind:
		var v []string
		v, err = p.words(at, "an organisation kind", orgKinds)
		r = OrgKind{Kinds: v}
	case KindCountry:
		var v []string
		v, err = p.countries(at)
		r = Country{Codes: v}
	case KindNationality:
		var v []string
		v, err = p.countries(at)
		r = Nationality{Codes: v}
	case KindBRIPartner:
		r, err = p.briPartner(at)
	case KindField:
		var v []string
		v, err = p.stringList(at, func(s string) string {
			if p.opt.field(s) {
				return ""
			}
			return fmt.Sprintf(`%q is not a FORD field code (such as "2" or "2.2")`, s)
		})
		r = Field{Codes: v}
	case KindSizeClass:
		var v []string
		v, err = p.words(at, "a size class", sizeClasses)
		r = SizeClass{Classes: v}
	case KindCareerStage:
		var v []string
		v, err = p.words(at, "a career stage", careerStages)
		r = CareerStage{Stages: v}
	case KindParkMember:
		r, err = p.parkMember(at)
	case KindCooperationStage:
		r, err = p.cooperationStage(at)
	case KindAchievementTRL:
		r, err = p.achievementTRL(at)
	default:
		return nil, errorf(at, "unknown condition; known conditions are: %s", knownKinds())
	}
	if err != nil {
		return nil, err
	}
	tok, err = p.token(path)
	if err != nil {
		return nil, err
	}
	if other, ok := tok.(string); ok {
		return nil, errorf(path, `a condition has exactly one key, found %q and %q; combine conditions with "all" or "any"`, key, other)
	}
	return r, nil
}

// rules reads the non-empty list of an "all" or "any".
func (p *parser) rules(path string, depth int) ([]Rule, error) {
	tok, err := p.token(path)
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('[') {
		return nil, errorf(path, "want a list of conditions, found %s", what(tok))
	}
	var rules []Rule
	for p.dec.More() {
		r, err := p.rule(fmt.Sprintf("%s[%d]", path, len(rules)), depth+1)
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	if _, err := p.token(path); err != nil {
		return nil, err
	}
	if len(rules) == 0 {
		return nil, errorf(path, "the list is empty; give at least one condition")
	}
	return rules, nil
}

// stringList reads a non-empty list of distinct strings, each of which check
// accepts by returning "" or refuses by returning the reason.
func (p *parser) stringList(path string, check func(string) string) ([]string, error) {
	tok, err := p.token(path)
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('[') {
		return nil, errorf(path, "want a list of strings, found %s", what(tok))
	}
	var list []string
	for p.dec.More() {
		tok, err := p.token(path)
		if err != nil {
			return nil, err
		}
		s, ok := tok.(string)
		if !ok {
			return nil, errorf(fmt.Sprintf("%s[%d]", path, len(list)), "want a string, found %s", what(tok))
		}
		if msg := check(s); msg != "" {
			return nil, errorf(path, "%s", msg)
		}
		if slices.Contains(list, s) {
			return nil, errorf(path, "%q is listed twice", s)
		}
		list = append(list, s)
	}
	if _, err := p.token(path); err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errorf(path, "the list is empty; give at least one value")
	}
	return list, nil
}

// words reads a list of values from a closed vocabulary.
func (p *parser) words(path, noun string, vocabulary []string) ([]string, error) {
	return p.stringList(path, func(s string) string {
		if slices.Contains(vocabulary, s) {
			return ""
		}
		return fmt.Sprintf("%q is not %s (use one of: %s)", s, noun, strings.Join(vocabulary, ", "))
	})
}

// countries reads a list of country codes.
func (p *parser) countries(path string) ([]string, error) {
	return p.stringList(path, func(s string) string {
		if p.opt.country(s) {
			return ""
		}
		msg := fmt.Sprintf("%q is not an ISO 3166-1 country code", s)
		if up := strings.ToUpper(s); up != s && p.opt.country(up) {
			msg += fmt.Sprintf(" (codes are upper case: %q)", up)
		}
		return msg
	})
}

func (p *parser) briPartner(path string) (Rule, error) {
	tok, err := p.token(path)
	if err != nil {
		return nil, err
	}
	b, ok := tok.(bool)
	if !ok {
		return nil, errorf(path, "want true or false, found %s", what(tok))
	}
	return BRIPartner{Partner: b}, nil
}

func (p *parser) parkMember(path string) (Rule, error) {
	tok, err := p.token(path)
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case bool:
		if v {
			return ParkMember{}, nil
		}
		return nil, errorf(path, `want true or a park id, found false; to exclude park members write {"not":{"park_member":true}}`)
	case string:
		if !p.opt.park(v) {
			return nil, errorf(path, "%q is not a park id", v)
		}
		return ParkMember{Park: v}, nil
	}
	return nil, errorf(path, "want true or a park id, found %s", what(tok))
}

// object reads an object of options, calling field for each key after
// refusing keys outside known and keys given twice.
func (p *parser) object(path string, known []string, field func(key, at string) error) error {
	tok, err := p.token(path)
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return errorf(path, "want an object with keys %s, found %s", strings.Join(known, " and "), what(tok))
	}
	var seen []string
	for p.dec.More() {
		tok, err := p.token(path)
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok { // the decoder yields only string keys here; stay safe if that changes
			return errorf(path, "want a key, found %s", what(tok))
		}
		at := join(path, key)
		if !slices.Contains(known, key) {
			return errorf(at, "unknown key; known keys are: %s", strings.Join(known, ", "))
		}
		if slices.Contains(seen, key) {
			return errorf(at, "given twice")
		}
		seen = append(seen, key)
		if err := field(key, at); err != nil {
			return err
		}
	}
	_, err = p.token(path)
	return err
}

func (p *parser) cooperationStage(path string) (Rule, error) {
	r := CooperationStage{Active: true}
	err := p.object(path, []string{"min", "active"}, func(key, at string) error {
		tok, err := p.token(at)
		if err != nil {
			return err
		}
		switch key {
		case "min":
			s, ok := tok.(string)
			if !ok {
				return errorf(at, "want a cooperation stage, found %s", what(tok))
			}
			if stageRank(s) < 0 {
				return errorf(at, "%q is not a cooperation stage (stages, shallowest first: %s)", s, strings.Join(cooperationStages, ", "))
			}
			r.Min = s
		case "active":
			b, ok := tok.(bool)
			if !ok {
				return errorf(at, "want true or false, found %s", what(tok))
			}
			r.Active = b
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if r.Min == "" {
		return nil, errorf(path, `"min" is required: the shallowest stage that counts`)
	}
	return r, nil
}

func (p *parser) achievementTRL(path string) (Rule, error) {
	var r AchievementTRL
	err := p.object(path, []string{"min", "max"}, func(key, at string) error {
		tok, err := p.token(at)
		if err != nil {
			return err
		}
		num, ok := tok.(json.Number)
		if !ok {
			return errorf(at, "want a whole number from %d to %d, found %s", MinTRL, MaxTRL, what(tok))
		}
		n, err := strconv.Atoi(num.String())
		if err != nil {
			return errorf(at, "want a whole number from %d to %d, found %s", MinTRL, MaxTRL, num)
		}
		if n < MinTRL || n > MaxTRL {
			return errorf(at, "TRL %d is outside %d to %d", n, MinTRL, MaxTRL)
		}
		if key == "min" {
			r.Min = n
		} else {
			r.Max = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	switch {
	case r.Min == 0 && r.Max == 0:
		return nil, errorf(path, `give "min", "max" or both`)
	case r.Max != 0 && r.Min > r.Max:
		return nil, errorf(path, "min %d is above max %d", r.Min, r.Max)
	}
	return r, nil
}
