package store

import (
	"context"
	"fmt"
	"strings"
)

// memos are the aggregates a Store keeps in memory between requests
// (dataversion.go says when they are recomputed).
type memos struct {
	overview Memo[*Overview]
	counts   MemoMap[int]
	lists    MemoMap[listPage]
	verified Memo[map[string]bool]
	// The fingerprints that tell the depth reports and the recommendation
	// graph (kept in web) whether what they read has changed.
	depthVersion Memo[string]
	graphVersion Memo[string]
}

// countCached runs a COUNT query of a list once per data version: a list
// page then costs its page of rows, not a count over the whole record.
func (s *Store) countCached(ctx context.Context, dst *int, query string, args ...any) error {
	var key strings.Builder
	key.WriteString(query)
	for _, a := range args {
		fmt.Fprintf(&key, "\x00%v", a)
	}
	n, err := s.memos.counts.Get(ctx, s, key.String(), func(ctx context.Context) (int, error) {
		var n int
		err := s.db.QueryRowContext(ctx, query, args...).Scan(&n)
		return n, err
	})
	*dst = n
	return err
}

// listPage is one kept page of a list.
type listPage struct {
	items any
	page  Page
}

// memoList keeps the pages of a list per filter (and per data version):
// the main lists are asked for far more often than the record changes,
// and a page of a search or of a sorted list costs a sort of every match.
// Callers only read the items returned.
func memoList[F any, T any](ctx context.Context, s *Store, list string, f F, compute func(context.Context, F) ([]T, Page, error)) ([]T, Page, error) {
	key := fmt.Sprintf("%s\x00%#v", list, f)
	v, err := s.memos.lists.Get(ctx, s, key, func(ctx context.Context) (listPage, error) {
		items, page, err := compute(ctx, f)
		return listPage{items: items, page: page}, err
	})
	if err != nil {
		return nil, v.page, err
	}
	return v.items.([]T), v.page, nil
}
