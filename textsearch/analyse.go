package textsearch

import (
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/registry"
)

// A chain is the token filters of one bleve language analyser. The
// analyser's own tokenizer is not used: words are cut by splitCompounds so
// that every script is cut the same way and mixed-script text is split
// before analysis.
type chain []analysis.TokenFilter

// chains holds the analysers; bleve's filters keep no state between calls,
// so one set serves all goroutines.
var chains = mustChains()

type chainSet struct {
	en, fr, es, ru, ar chain
	cjkIndex, cjkQuery chain // cjkIndex also emits single characters
}

func mustChains() chainSet {
	c, err := newChains()
	if err != nil {
		// Only a bleve upgrade that renames an analyser gets here; the
		// package tests fail first.
		panic(err)
	}
	return c
}

func newChains() (chainSet, error) {
	cache := registry.NewCache()
	get := func(name string) (chain, error) {
		a, err := cache.AnalyzerNamed(name)
		if err != nil {
			return nil, fmt.Errorf("textsearch: analyser %q: %w", name, err)
		}
		da, ok := a.(*analysis.DefaultAnalyzer)
		if !ok {
			return nil, fmt.Errorf("textsearch: analyser %q is a %T, not a filter chain", name, a)
		}
		return chain(da.TokenFilters), nil
	}
	var s chainSet
	var err error
	for _, x := range []struct {
		name string
		dst  *chain
	}{
		{en.AnalyzerName, &s.en}, {fr.AnalyzerName, &s.fr}, {es.AnalyzerName, &s.es},
		{ru.AnalyzerName, &s.ru}, {ar.AnalyzerName, &s.ar}, {cjk.AnalyzerName, &s.cjkQuery},
	} {
		if *x.dst, err = get(x.name); err != nil {
			return chainSet{}, err
		}
	}
	s.cjkIndex = make(chain, len(s.cjkQuery))
	copy(s.cjkIndex, s.cjkQuery)
	replaced := false
	for i, f := range s.cjkIndex {
		if _, ok := f.(*cjk.CJKBigramFilter); ok {
			s.cjkIndex[i] = cjk.NewCJKBigramFilter(true)
			replaced = true
		}
	}
	if !replaced {
		return chainSet{}, fmt.Errorf("textsearch: analyser %q has no bigram filter", cjk.AnalyzerName)
	}
	return s, nil
}

// words analyses each word as one token and returns, per word, the terms
// the filters produced: none when a stop filter removed the word.
func (c chain) words(words []string) [][]string {
	toks := make([]analysis.Token, len(words))
	ts := make(analysis.TokenStream, len(words))
	for i, w := range words {
		toks[i] = analysis.Token{
			Term:     []byte(w), // filters rewrite terms in place
			End:      len(w),
			Position: i + 1,
			Type:     analysis.AlphaNumeric,
		}
		ts[i] = &toks[i]
	}
	for _, f := range c {
		ts = f.Filter(ts)
	}
	out := make([][]string, len(words))
	for _, t := range ts {
		if i := t.Position - 1; i >= 0 && i < len(out) && len(t.Term) > 0 {
			out[i] = append(out[i], string(t.Term))
		}
	}
	return out
}

// ideographs analyses one CJK run into its bigrams (and unigrams for the
// index chain).
func (c chain) ideographs(text string) []string {
	ts := analysis.TokenStream{{
		Term:     []byte(text),
		End:      len(text),
		Position: 1,
		Type:     analysis.Ideographic,
	}}
	for _, f := range c {
		ts = f.Filter(ts)
	}
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, string(t.Term))
	}
	return out
}

// plain is the unstemmed form of a run as stored and searched.
func (r run) plain() string {
	switch r.script {
	case scriptLatin, scriptOther:
		return fold(r.text)
	case scriptCyrillic:
		return strings.ReplaceAll(r.text, "ё", "е")
	case scriptArabic:
		return strings.ReplaceAll(r.text, "\u0640", "") // tatweel only stretches the line
	}
	return r.text
}

// stemmed reports whether a run goes through a language analyser: letter
// words of the three analysed alphabets, not codes.
func (r run) stemmed() bool {
	switch r.script {
	case scriptLatin, scriptCyrillic, scriptArabic:
		return !r.hasDigit
	}
	return false
}

// concat returns the parts of a compound written together ("covid19",
// "usa", "санктпетербург"), or "" when the compound has one part or mixes
// scripts or contains CJK, where joining would invent a word.
func (c compound) concat() string {
	if len(c.parts) < 2 {
		return ""
	}
	letters := scriptDigit
	var b strings.Builder
	for _, p := range c.parts {
		for _, r := range p {
			switch {
			case r.script == scriptCJK:
				return ""
			case r.script == scriptDigit:
			case letters == scriptDigit:
				letters = r.script
			case letters != r.script:
				return ""
			}
			b.WriteString(r.plain())
		}
	}
	return b.String()
}

// indexer collects the terms of one text.
type indexer struct {
	seen  map[string]struct{}
	terms []string
	// distinct words per analyser, analysed in one batch at the end
	latin, cyrillic, arabic, cjk wordSet
}

type wordSet struct {
	seen  map[string]struct{}
	words []string
}

func (w *wordSet) add(s string) {
	if w.seen == nil {
		w.seen = make(map[string]struct{})
	}
	if _, ok := w.seen[s]; ok {
		return
	}
	w.seen[s] = struct{}{}
	w.words = append(w.words, s)
}

func (ix *indexer) add(t string) {
	if t = clean(t); t == "" {
		return
	}
	if _, ok := ix.seen[t]; ok {
		return
	}
	ix.seen[t] = struct{}{}
	ix.terms = append(ix.terms, t)
}

func (ix *indexer) addCompound(c compound) {
	for _, p := range c.parts {
		for _, r := range p {
			if r.script == scriptCJK {
				ix.cjk.add(r.text)
				continue
			}
			ix.add(r.plain())
			if !r.stemmed() {
				continue
			}
			switch r.script {
			case scriptLatin:
				ix.latin.add(r.text)
			case scriptCyrillic:
				ix.cyrillic.add(r.plain())
			case scriptArabic:
				ix.arabic.add(r.plain())
			}
		}
	}
	if s := c.concat(); s != "" {
		ix.add(s)
	}
}

// analyse runs the queued words through their analysers.
func (ix *indexer) analyse() {
	for _, ch := range []chain{chains.en, chains.fr, chains.es} {
		for _, ts := range ch.words(ix.latin.words) {
			for _, t := range ts {
				ix.add(fold(t))
			}
		}
	}
	for _, x := range []struct {
		ch    chain
		words []string
	}{{chains.ru, ix.cyrillic.words}, {chains.ar, ix.arabic.words}} {
		for _, ts := range x.ch.words(x.words) {
			for _, t := range ts {
				ix.add(t)
			}
		}
	}
	for _, w := range ix.cjk.words {
		for _, t := range chains.cjkIndex.ideographs(w) {
			ix.add(t)
		}
	}
}

// queryGroup is the alternatives for one query word.
type queryGroup struct {
	terms []string
	stop  bool // a stop word in one of the word's languages
}

func (g *queryGroup) add(t string) {
	if t = clean(t); t == "" {
		return
	}
	for _, have := range g.terms {
		if have == t {
			return
		}
	}
	g.terms = append(g.terms, t)
}

// compoundGroups returns the query groups of one compound. When the parts
// can also be written together, every group accepts that joined form too:
// (a AND b) OR ab is (a OR ab) AND (b OR ab).
func compoundGroups(c compound) []queryGroup {
	var groups []queryGroup
	for _, p := range c.parts {
		for _, r := range p {
			groups = append(groups, runGroups(r)...)
		}
	}
	if s := c.concat(); s != "" {
		for i := range groups {
			groups[i].add(s)
		}
	}
	return groups
}

func runGroups(r run) []queryGroup {
	if r.script == scriptCJK {
		var groups []queryGroup
		for _, t := range chains.cjkQuery.ideographs(r.text) {
			var g queryGroup
			g.add(t)
			if len(g.terms) > 0 {
				groups = append(groups, g)
			}
		}
		return groups
	}
	var g queryGroup
	g.add(r.plain())
	if r.stemmed() {
		word := []string{r.plain()}
		switch r.script {
		case scriptLatin:
			word[0] = r.text // the stemmers know the accents
			for _, ch := range []chain{chains.en, chains.fr, chains.es} {
				ts := ch.words(word)[0]
				g.stop = g.stop || len(ts) == 0
				for _, t := range ts {
					g.add(fold(t))
				}
			}
		case scriptCyrillic:
			ts := chains.ru.words(word)[0]
			g.stop = len(ts) == 0
			for _, t := range ts {
				g.add(t)
			}
		case scriptArabic:
			ts := chains.ar.words(word)[0]
			g.stop = len(ts) == 0
			for _, t := range ts {
				g.add(t)
			}
		}
	}
	if len(g.terms) == 0 {
		return nil
	}
	return []queryGroup{g}
}
