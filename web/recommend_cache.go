package web

import (
	"context"
	"fmt"
	"sync"

	"github.com/silkbridge/silkbridge/recommend"
	"github.com/silkbridge/silkbridge/store"
)

// A warm recommendation is served from memory: the ranking of a query and
// the cards of the organisations it names are kept per recommender (one
// graph) and query. A rebuilt graph is a new recommender, so its rankings
// start afresh; the cards are read again when the data version moves
// (store/dataversion.go), so that a renamed organisation shows its new
// name within a second or two.

// rankingsKept bounds the kept rankings; past it they start afresh.
const rankingsKept = 4096

type rankingKey struct {
	rec   *recommend.Recommender
	query string
}

type ranking struct {
	recs    []recommend.Recommendation
	cards   map[string]store.OrgCard
	version store.Version
	// said holds the items with their reasons in words, per language.
	said sync.Map
}

// itemsIn returns the ranked items said in the language, saying them with
// say the first time. Callers only read them.
func (k *ranking) itemsIn(lang string, say func() []partnerItem) []partnerItem {
	if v, ok := k.said.Load(lang); ok {
		return v.([]partnerItem)
	}
	items := say()
	k.said.Store(lang, items)
	return items
}

var rankings = struct {
	sync.Mutex
	m map[rankingKey]*ranking
}{m: map[rankingKey]*ranking{}}

// rankPartners returns the ranking of q by rec with the cards of every
// organisation it names, computed once per graph, query and data version.
// Callers only read what it returns.
func (s *Server) rankPartners(ctx context.Context, rec *recommend.Recommender, q recommend.Query) (*ranking, error) {
	version := s.store.DataVersion(ctx)
	key := rankingKey{rec: rec, query: fmt.Sprintf("%#v", q)}
	rankings.Lock()
	kept, ok := rankings.m[key]
	rankings.Unlock()
	if ok && kept.version == version {
		return kept, nil
	}
	var recs []recommend.Recommendation
	if ok {
		recs = kept.recs // the same graph and query rank the same
	} else {
		var err error
		if recs, err = rec.Recommend(q); err != nil {
			return nil, err
		}
	}
	ids := []string{}
	for _, rc := range recs {
		ids = append(ids, rc.Org)
		for _, rs := range rc.Reasons {
			ids = append(ids, rs.Via...)
		}
	}
	cards, err := s.store.OrganisationCards(ctx, ids)
	if err != nil {
		return nil, err
	}
	fresh := &ranking{recs: recs, cards: cards, version: version}
	rankings.Lock()
	if len(rankings.m) >= rankingsKept {
		clear(rankings.m)
	}
	rankings.m[key] = fresh
	rankings.Unlock()
	return fresh, nil
}
