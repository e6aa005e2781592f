package web

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/silkbridge/silkbridge/store"
)

// TestProfile_ParallelFirstSavesAllSucceedAndKeepOneProfile sends a
// member's first PUT /api/v1/me/profile sixty times at once: every request
// is answered 200 and the member keeps exactly one profile.
func TestProfile_ParallelFirstSavesAllSucceedAndKeepOneProfile(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		ctx := context.Background()
		c, u := ts.user(t, "parallel@example.org", "member")
		secret, _, err := ts.st.CreateToken(ctx, store.Actor{UserID: u.ID}, u.ID, "script", store.ScopeWrite)
		if err != nil {
			t.Fatal(err)
		}
		const n = 60
		statuses := make([]int, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := strings.NewReader(`{"name": "Parallel Person", "country": "KZ"}`)
				req, err := http.NewRequest("PUT", ts.URL+"/api/v1/me/profile", body)
				if err != nil {
					errs[i] = err
					return
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+secret)
				res, err := c.http.Do(req)
				if err != nil {
					errs[i] = err
					return
				}
				res.Body.Close()
				statuses[i] = res.StatusCode
			}()
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("request %d: %v", i, errs[i])
			}
			if statuses[i] != http.StatusOK {
				t.Errorf("request %d: status %d, want 200", i, statuses[i])
			}
		}
		var count int
		if err := ts.st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM talents WHERE user_id = $1`, u.ID).Scan(&count); err != nil {
			t.Fatal(err)
		}
		if count != 1 {
			t.Fatalf("%d profiles kept, want 1", count)
		}
	})
}
