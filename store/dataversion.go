package store

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"time"
)

// Counts, aggregates and candidate sets are kept in memory and recomputed
// when the data has changed. A change is seen at once by the instance that
// made it (a local counter moved after each commit) and within
// VersionCheckEvery by every other instance sharing the database (a
// counter row, data_version, moved by every write transaction). Nothing
// kept is older than MaxCacheAge in any case, which bounds the damage of a
// write whose counter move was lost with its process.
const (
	VersionCheckEvery = time.Second
	MaxCacheAge       = 30 * time.Second
)

// Version identifies a state of the data as seen by this instance.
type Version struct {
	DB    int64
	Local int64
}

// versionClock reads the shared counter at most once per VersionCheckEvery.
type versionClock struct {
	local atomic.Int64

	mu      sync.Mutex
	db      int64
	checked time.Time

	// PostgreSQL: the shared counter is moved after commit by one goroutine
	// at a time, so that concurrent writers never queue on its row lock.
	bumpMu      sync.Mutex
	bumpPending bool
	bumping     bool
}

// DataVersion returns the version of the data: it changes after every
// write transaction committed through this store at once, and after one
// committed by another instance within VersionCheckEvery.
func (s *Store) DataVersion(ctx context.Context) Version {
	c := &s.version
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.checked) >= VersionCheckEvery {
		var v int64
		// A failed read keeps the last value: the local counter and
		// MaxCacheAge still move caches on.
		if err := s.db.QueryRowContext(ctx, `SELECT version FROM data_version WHERE id = 1`).Scan(&v); err == nil {
			c.db = v
			c.checked = time.Now()
		}
	}
	return Version{DB: c.db, Local: c.local.Load()}
}

// bumpInTx moves the shared counter inside a SQLite write transaction:
// there is one writer at a time anyway, so the row costs no waiting.
func (s *Store) bumpInTx(ctx context.Context, tx *sql.Tx) error {
	if s.engine != SQLite {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE data_version SET version = version + 1 WHERE id = 1`)
	return err
}

// committed records a committed write: at once for this instance, and
// on PostgreSQL in the shared counter, coalescing the writes that commit
// while one update of the counter is under way into the next one.
func (s *Store) committed() {
	s.version.local.Add(1)
	if s.engine != Postgres {
		return
	}
	c := &s.version
	c.bumpMu.Lock()
	if c.bumping {
		c.bumpPending = true
		c.bumpMu.Unlock()
		return
	}
	c.bumping = true
	c.bumpMu.Unlock()
	go func() {
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			s.db.ExecContext(ctx, `UPDATE data_version SET version = version + 1 WHERE id = 1`)
			cancel()
			c.bumpMu.Lock()
			if !c.bumpPending {
				c.bumping = false
				c.bumpMu.Unlock()
				return
			}
			c.bumpPending = false
			c.bumpMu.Unlock()
		}
	}()
}

// Memo keeps one value computed from the database and recomputes it when
// the data version has moved or MaxCacheAge has passed. Concurrent callers
// of a stale memo wait for one computation instead of each running it.
type Memo[T any] struct {
	mu      sync.Mutex
	ok      bool
	version Version
	at      time.Time
	val     T
}

// Get returns the kept value, recomputing it with compute when stale.
func (m *Memo[T]) Get(ctx context.Context, s *Store, compute func(context.Context) (T, error)) (T, error) {
	v := s.DataVersion(ctx)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ok && m.version == v && time.Since(m.at) < MaxCacheAge {
		return m.val, nil
	}
	// The value is kept for every caller: one whose client left must not
	// waste it, or under load none would ever be kept.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	val, err := compute(cctx)
	if err != nil {
		var zero T
		return zero, err
	}
	m.val, m.version, m.at, m.ok = val, v, time.Now(), true
	return val, nil
}

// MemoMap keeps one Memo per key (a filter, an organisation), up to
// MemoMapKeys keys; past that it starts afresh, which bounds its memory.
// The zero value is ready for use.
type MemoMap[T any] struct {
	mu sync.Mutex
	m  map[string]*Memo[T]
}

// MemoMapKeys bounds the keys of a MemoMap.
const MemoMapKeys = 4096

// Get returns the value kept for key, recomputing it with compute when stale.
func (mm *MemoMap[T]) Get(ctx context.Context, s *Store, key string, compute func(context.Context) (T, error)) (T, error) {
	mm.mu.Lock()
	if mm.m == nil || len(mm.m) >= MemoMapKeys {
		if _, ok := mm.m[key]; !ok {
			mm.m = map[string]*Memo[T]{}
		}
	}
	m, ok := mm.m[key]
	if !ok {
		m = &Memo[T]{}
		mm.m[key] = m
	}
	mm.mu.Unlock()
	return m.Get(ctx, s, compute)
}
