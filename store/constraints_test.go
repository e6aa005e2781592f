package store_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// A second account on one e-mail address breaks the unique key on
// users.email; the engine's constraint error must reach the caller as the
// field error the sign-up form shows, on both engines.
func TestConstraints_UniqueViolationBecomesTheFieldError(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f := account.SignUp{Email: "twice@example.org", Name: "T", Password: "amber-lantern-42"}
		if _, err := st.CreateUser(ctx, store.Actor{}, f, account.Member); err != nil {
			t.Fatal(err)
		}
		_, err := st.CreateUser(ctx, store.Actor{}, f, account.Member)
		e, ok := errors.AsType[*silkbridge.Error](err)
		if !ok {
			t.Fatalf("second sign-up: %v, want a domain error", err)
		}
		if e.Code != silkbridge.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != "email" || e.Fields[0].MessageID != "field.email_taken" {
			t.Fatalf("second sign-up: %+v, want email taken", e)
		}
	})
}

// A token for a user who does not exist breaks the foreign key of
// api_tokens.user_id; that must read as "user not found", on both engines.
func TestConstraints_ForeignKeyViolationBecomesNotFound(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		_, _, err := st.CreateToken(ctx, store.Actor{}, silkbridge.NewID(), "ci", store.ScopeRead)
		e, ok := errors.AsType[*silkbridge.Error](err)
		if !ok {
			t.Fatalf("token for nobody: %v, want a domain error", err)
		}
		if e.Code != silkbridge.ENOTFOUND || e.Data["Kind"] != "user" {
			t.Fatalf("token for nobody: %+v, want user not found", e)
		}
	})
}

// The driver's error type and code decide, however deeply the error is
// wrapped; a message that merely reads like a constraint failure does not.
func TestConstraints_RecognisedByCodeNotByText(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("create thing: %w", err) }
	cases := []struct {
		name       string
		err        error
		unique, fk bool
	}{
		{"pg unique", wrap(&pgconn.PgError{Code: "23505"}), true, false},
		{"pg foreign key", wrap(&pgconn.PgError{Code: "23503"}), false, true},
		{"pg check", wrap(&pgconn.PgError{Code: "23514"}), false, false},
		{"text alone", errors.New("UNIQUE constraint failed: users.email (SQLSTATE 23505)"), false, false},
		{"nil", nil, false, false},
	}
	for _, c := range cases {
		if got := store.IsUniqueViolation(c.err); got != c.unique {
			t.Errorf("%s: IsUniqueViolation = %v", c.name, got)
		}
		if got := store.IsForeignKeyViolation(c.err); got != c.fk {
			t.Errorf("%s: IsForeignKeyViolation = %v", c.name, got)
		}
	}
	if !store.IsCheckViolation(&pgconn.PgError{Code: "23514"}) {
		t.Error("23514 is not a check violation")
	}
}
