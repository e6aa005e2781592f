// Package link proposes links from organisations of the cooperation record
// to records of the Research Organization Registry by their names and
// countries, with a confidence and the evidence a reviewer needs. It does
// no I/O: the store gives it the names and writes what it proposes.
package link

import (
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Confidence levels of a proposed link. High links are made at once;
// medium and low ones wait for a reviewer.
const (
	High   = "high"
	Medium = "medium"
	Low    = "low"
)

// legalForms are words of company and association law that one source
// writes and another leaves out ("Fraunhofer-Gesellschaft ... e.V.").
var legalForms = map[string]bool{
	"gmbh": true, "ag": true, "sa": true, "sas": true, "sarl": true, "srl": true, "spa": true, "sl": true, "slu": true,
	"ltd": true, "limited": true, "plc": true, "inc": true, "llc": true, "corp": true, "co": true, "bv": true, "nv": true,
	"oy": true, "oyj": true, "ab": true, "as": true, "asa": true, "aps": true, "kg": true, "ev": true, "ev.": true,
	"ggmbh": true, "mbh": true, "sro": true, "spzoo": true, "zoo": true, "sp": true, "doo": true, "ad": true, "ltda": true,
	"se": true, "z": true, "oo": true, "scrl": true, "asbl": true, "vzw": true, "ry": true, "kft": true, "zrt": true, "ou": true, "uab": true,
	"the": true, "of": true, "and": true, "de": true, "la": true, "le": true, "del": true, "der": true, "des": true,
	"di": true, "du": true, "et": true, "for": true, "y": true, "e": true, "und": true, "fur": true, "van": true,
}

var germanUmlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss")

var fold = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// Normalise folds a name for comparison: lower case, accents removed,
// punctuation as spaces, legal-form and linking words dropped.
func Normalise(name string) string {
	return strings.Join(Tokens(name), " ")
}

// Tokens returns the words of a normalised name.
func Tokens(name string) []string {
	s, _, err := transform.String(fold, strings.ToLower(name))
	if err != nil {
		s = strings.ToLower(name)
	}
	// "e.V.", "S.p.A." and "sp. z o.o." lose their dots before splitting.
	s = strings.NewReplacer(".", "", "'", "", "’", "").Replace(s)
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	out := words[:0]
	for _, w := range words {
		if !legalForms[w] {
			out = append(out, w)
		}
	}
	return out
}

// Org is an organisation to link.
type Org struct {
	ID, Name, ShortName, Country, City string
}

// Record is a linkable (active) ROR record with all its names.
type Record struct {
	ID, Country, City string
	Names             []string
	Acronyms          []string
}

// Proposal is one proposed link.
type Proposal struct {
	OrgID, RORID string
	Confidence   string
	Score        float64
	// Evidence says in words what agreed.
	Evidence string
}

// Matcher finds ROR records for organisations.
type Matcher struct {
	byName    map[string][]int // country + normalised name -> records
	byAcronym map[string][]int // country + lower acronym -> records
	byToken   map[string][]int // country + token -> records, for the fuzzy pass
	recs      []Record
	tokens    [][][]string // tokens of each name of each record
}

// NewMatcher indexes the records.
func NewMatcher(recs []Record) *Matcher {
	m := &Matcher{byName: map[string][]int{}, byAcronym: map[string][]int{}, byToken: map[string][]int{}, recs: recs,
		tokens: make([][][]string, len(recs))}
	for i, r := range recs {
		seenTok := map[string]bool{}
		var names []string
		for _, n := range r.Names {
			names = append(names, n)
			// CORDIS writes German umlauts out ("MUENCHEN"), Turkish
			// ones not ("UNIVERSITESI"): both spellings are indexed.
			if g := germanUmlauts.Replace(n); g != n {
				names = append(names, g)
			}
		}
		for _, n := range names {
			toks := Tokens(n)
			if len(toks) == 0 {
				continue
			}
			m.tokens[i] = append(m.tokens[i], toks)
			key := r.Country + "|" + strings.Join(toks, " ")
			m.byName[key] = appendOnce(m.byName[key], i)
			for _, t := range toks {
				if !seenTok[t] {
					seenTok[t] = true
					m.byToken[r.Country+"|"+t] = append(m.byToken[r.Country+"|"+t], i)
				}
			}
		}
		for _, a := range r.Acronyms {
			key := r.Country + "|" + strings.ToLower(a)
			m.byAcronym[key] = appendOnce(m.byAcronym[key], i)
		}
	}
	return m
}

func appendOnce(list []int, i int) []int {
	if len(list) > 0 && list[len(list)-1] == i {
		return list
	}
	return append(list, i)
}

// Match proposes at most one record for o:
//   - high: the normalised name equals a name of exactly one record in the
//     same country (and the cities agree when both are known);
//   - medium: the same, but with several records or disagreeing cities
//     (the best is proposed), or the acronym and most words agree;
//   - low: most words of the names agree (Jaccard 0.6 or more).
//
// ok is false when nothing comes near.
func (m *Matcher) Match(o Org) (Proposal, bool) {
	toks := Tokens(o.Name)
	if len(toks) == 0 {
		return Proposal{}, false
	}
	name := strings.Join(toks, " ")
	p := Proposal{OrgID: o.ID}
	if hits := m.byName[o.Country+"|"+name]; len(hits) > 0 {
		r := m.recs[hits[0]]
		p.RORID, p.Score = r.ID, 1
		p.Evidence = "name \"" + name + "\" equals a ROR name; country " + o.Country
		switch {
		case len(hits) > 1:
			p.Confidence = Medium
			p.Evidence += "; " + strconv.Itoa(len(hits)) + " ROR records share this name"
		case o.City != "" && r.City != "" && Normalise(o.City) != Normalise(r.City):
			p.Confidence = Medium
			p.Evidence += "; cities differ (" + o.City + " / " + r.City + ")"
		default:
			p.Confidence = High
			if o.City != "" && r.City != "" {
				p.Evidence += "; city " + r.City
			}
		}
		return p, true
	}
	// Fuzzy: the record of the same country sharing the most words.
	best, bestScore, second := -1, 0.0, 0.0
	cands := map[int]bool{}
	for _, t := range toks {
		for _, i := range m.byToken[o.Country+"|"+t] {
			cands[i] = true
		}
	}
	ids := make([]int, 0, len(cands))
	for i := range cands {
		ids = append(ids, i)
	}
	sort.Ints(ids)
	for _, i := range ids {
		score := 0.0
		for _, nt := range m.tokens[i] {
			score = max(score, jaccard(toks, nt))
		}
		if score > bestScore {
			best, second, bestScore = i, bestScore, score
		} else if score > second {
			second = score
		}
	}
	if best < 0 || bestScore < 0.6 {
		return Proposal{}, false
	}
	r := m.recs[best]
	p.RORID, p.Score = r.ID, bestScore
	p.Evidence = "names share " + strconv.Itoa(int(bestScore*100+0.5)) + "% of their words; country " + o.Country
	acronym := false
	if o.ShortName != "" {
		for _, i := range m.byAcronym[o.Country+"|"+strings.ToLower(o.ShortName)] {
			acronym = acronym || i == best
		}
	}
	switch {
	case acronym && bestScore >= 0.6:
		p.Confidence = Medium
		p.Evidence += "; acronym " + o.ShortName + " agrees"
	case bestScore >= 0.8 && bestScore-second >= 0.1:
		p.Confidence = Medium
	default:
		p.Confidence = Low
	}
	if o.City != "" && r.City != "" && Normalise(o.City) == Normalise(r.City) {
		p.Evidence += "; city " + r.City
	}
	return p, true
}

func jaccard(a, b []string) float64 {
	set := map[string]int{}
	for _, t := range a {
		set[t] |= 1
	}
	for _, t := range b {
		set[t] |= 2
	}
	both := 0
	for _, v := range set {
		if v == 3 {
			both++
		}
	}
	if len(set) == 0 {
		return 0
	}
	return float64(both) / float64(len(set))
}
