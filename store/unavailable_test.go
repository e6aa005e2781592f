package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// TestTokenUser_TellsAnUnknownTokenFromAnUnreachableDatabase: an unknown
// token is not found, while a good token asked of a closed database is
// EUNAVAILABLE, not "not found" (which the web answers with 401).
func TestTokenUser_TellsAnUnknownTokenFromAnUnreachableDatabase(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := newUser(t, st, "token-down@example.org", "member")
		secret, _, err := st.CreateToken(ctx, store.Actor{UserID: u.ID}, u.ID, "script", store.ScopeRead)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.TokenUser(ctx, "sb_unknown-secret"); silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND {
			t.Fatalf("unknown token: %v, want not found", err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.TokenUser(ctx, secret); silkbridge.ErrorCode(err) != silkbridge.EUNAVAILABLE {
			t.Fatalf("good token, closed database: %v, want unavailable", err)
		}
		if _, err := st.SessionUser(ctx, "any-secret"); silkbridge.ErrorCode(err) != silkbridge.EUNAVAILABLE {
			t.Fatalf("session, closed database: %v, want unavailable", err)
		}
	})
}

// TestClassify_OnlyUnreachableDatabaseErrorsBecomeUnavailable checks the
// driver errors Classify recognises, and that others pass unchanged.
func TestClassify_OnlyUnreachableDatabaseErrorsBecomeUnavailable(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("list: %w", &pgconn.PgError{Code: "57P01"}), silkbridge.EUNAVAILABLE},
		{&pgconn.PgError{Code: "3D000"}, silkbridge.EUNAVAILABLE},
		{&pgconn.PgError{Code: "08006"}, silkbridge.EUNAVAILABLE},
		{&pgconn.PgError{Code: "23505"}, silkbridge.EINTERNAL},
		{errors.New("sql: database is closed"), silkbridge.EUNAVAILABLE},
		{errors.New("syntax error"), silkbridge.EINTERNAL},
		{silkbridge.NotFound("token"), silkbridge.ENOTFOUND},
	}
	for _, c := range cases {
		if got := silkbridge.ErrorCode(store.Classify(c.err)); got != c.want {
			t.Errorf("Classify(%v) has code %s, want %s", c.err, got, c.want)
		}
	}
	if store.Classify(nil) != nil {
		t.Error("Classify(nil) is not nil")
	}
}
