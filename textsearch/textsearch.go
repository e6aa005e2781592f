// Package textsearch turns multilingual text into search terms that the store
// keeps in the database (SQLite FTS5, PostgreSQL tsvector on the 'simple'
// configuration), so that every app instance searches the same data and
// Chinese, Russian, Arabic, English, French and Spanish text is found.
//
// The database engines only split on spaces and punctuation; all linguistic
// work happens here, with bleve's language analysers used as a library:
//
//   - Han, Kana and Hangul runs give overlapping bigrams (and, on the index
//     side, single characters so that one-character queries work);
//   - Cyrillic words give the lowercased word and its Russian Snowball stem;
//   - Arabic-script words give the word and its normalised Arabic stem (the
//     article and common suffixes removed), so "الجامعة" finds "جامعة";
//   - Latin words give the lowercased, ASCII-folded word and its English,
//     French and Spanish stems;
//   - numbers and letter-digit codes ("2023", "h2020") are kept whole, and
//     hyphenated or dotted compounds ("COVID-19", "U.S.A.") also give their
//     parts joined ("covid19", "usa");
//   - words of other scripts give the lowercased word without diacritics.
//
// Every term is one token of letters and digits only, lowercased, at most
// MaxTermRunes runes: it can be joined with spaces and given to FTS5's
// unicode61 tokenizer or to to_tsvector('simple', ...) and stays one token,
// and it is a valid FTS5 bareword and tsquery lexeme.
//
// Matching rule: a document matches a query when, for every group returned
// by QueryTerms, at least one alternative of the group is among the
// document's Terms.
package textsearch

// MaxTermRunes bounds the length of a term. Longer words are cut, the same
// way on the index and the query side, so they still match; the bound keeps
// every term far below PostgreSQL's 2047-byte lexeme limit.
const MaxTermRunes = 64

// Terms returns the index-side search terms of text, deduplicated, in a
// stable order. It never fails: text that holds no letters or digits gives
// no terms.
func Terms(text string) []string {
	var ix indexer
	ix.seen = make(map[string]struct{})
	splitCompounds(normalise(text), ix.addCompound)
	ix.analyse()
	return ix.terms
}

// QueryTerms analyses a search query: for each word of q it returns the
// alternative terms that word may match, so a store can search for
// (a1 OR a2) AND (b1 OR b2) .... A Chinese word gives one group per
// bigram, all of which must match. Stop words ("the", "de", "и", "في") are
// left out unless the query has nothing else. The result is nil when q
// holds no searchable word.
func QueryTerms(q string) [][]string {
	var groups []queryGroup
	splitCompounds(normalise(q), func(c compound) {
		groups = append(groups, compoundGroups(c)...)
	})
	keepStop := true
	for _, g := range groups {
		if !g.stop {
			keepStop = false
			break
		}
	}
	var out [][]string
	seen := make(map[string]struct{})
	for _, g := range groups {
		if g.stop && !keepStop {
			continue
		}
		key := joinKey(g.terms)
		if _, dup := seen[key]; dup {
			continue
		}
		seen[key] = struct{}{}
		out = append(out, g.terms)
	}
	return out
}

// joinKey identifies a group for deduplication; terms never hold a space.
func joinKey(terms []string) string {
	n := 0
	for _, t := range terms {
		n += len(t) + 1
	}
	b := make([]byte, 0, n)
	for _, t := range terms {
		b = append(b, t...)
		b = append(b, ' ')
	}
	return string(b)
}
