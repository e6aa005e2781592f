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
