package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/openalex"
	"github.com/silkbridge/silkbridge/opportunity"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/policy"
	"github.com/silkbridge/silkbridge/ror"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// movedAccount is what a person and a machine hold of an installation:
// a password, a session cookie and an API token.
type movedAccount struct {
	email, password, session, token string
}

// demoInstallation builds a SQLite installation with records in every
// table: the demonstration data (the sample CORDIS record and every sample
// loader) and, through the store's own methods, what only people create
// (accounts, sessions, tokens, resets, invitations, interests, ...).
func demoInstallation(t *testing.T) (string, movedAccount) {
	t.Helper()
	ctx := context.WithValue(context.Background(), dataDirKey{}, "../../store/testdata/cordis-sample")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	path := filepath.Join(t.TempDir(), "silkbridge.db")
	st, err := openStore(ctx, path, log)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, l := range demoLoaders {
		if err := l.load(ctx, st, log); err != nil {
			t.Fatalf("demo %s: %v", l.name, err)
		}
	}
	acc := movedAccount{email: "moved@example.org", password: "a long moved passphrase"}
	u, err := st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: acc.email, Name: "Moved Member", Password: acc.password}, "member")
	if err != nil {
		t.Fatal(err)
	}
	manager, err := st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: "owner@example.org", Name: "Owner Manager", Password: "another long passphrase"}, "member")
	if err != nil {
		t.Fatal(err)
	}
	me := store.Actor{UserID: u.ID}
	if acc.session, err = st.CreateSession(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if acc.token, _, err = st.CreateToken(ctx, me, u.ID, "moved machine", store.ScopeRead); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.RequestPasswordReset(ctx, acc.email); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TakeAttempt(ctx, []store.AttemptLimit{{Key: "ip:192.0.2.1", Max: 5, Window: time.Hour}}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateSavedSearch(ctx, me, &opportunity.SavedSearch{Name: "solar", Filter: opportunity.Filter{Query: "solar"}, Notify: true}); err != nil {
		t.Fatal(err)
	}

	// The directory's ROR records, their names and relationships, and a
	// manager's claim waiting for review.
	rd, err := ror.Open("../../ror/testdata/ror-sample.json")
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if _, err := st.ImportROR(ctx, store.Actor{}, rd.Next, nil); err != nil {
		t.Fatal(err)
	}
	claimant := &organisation.Organisation{Name: "Satbayev University", Kind: organisation.University, Country: "KZ"}
	if err := st.CreateOrganisation(ctx, store.Actor{UserID: manager.ID}, claimant); err != nil {
		t.Fatal(err)
	}
	if err := st.ClaimROR(ctx, store.Actor{UserID: manager.ID}, claimant.ID, "020cpsb96"); err != nil {
		t.Fatal(err)
	}

	// An interest in an open listing, whose owner has a manager to tell.
	listings, _, err := st.Opportunities(ctx, opportunity.Filter{})
	if err != nil || len(listings) == 0 {
		t.Fatalf("no open sample listing (%v)", err)
	}
	x := listings[0]
	if err := st.AddManager(ctx, store.Actor{}, x.OwnerOrgID, manager.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.InviteManager(ctx, store.Actor{UserID: manager.ID}, x.OwnerOrgID, account.Invite{Email: "invited@example.org"}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateInterest(ctx, me, &opportunity.Interest{OpportunityID: x.ID, WhoWeAre: "A moved member.",
		WhatWePropose: "To test the move."}); err != nil {
		t.Fatal(err)
	}

	// An output of a cooperation and a cooperation under an agreement.
	coops, _, err := st.Cooperations(ctx, cooperation.Filter{PerPage: 5})
	if err != nil || len(coops) == 0 {
		t.Fatalf("no cooperation (%v)", err)
	}
	if err := st.AddOutput(ctx, store.Actor{}, coops[0].ID, &cooperation.Output{Kind: cooperation.OutputPublication,
		Title: "A moved paper", Date: "2020-05-01"}); err != nil {
		t.Fatal(err)
	}
	agreements, _, err := st.Agreements(ctx, cooperation.AgreementFilter{PerPage: 1})
	if err != nil || len(agreements) == 0 {
		t.Fatalf("no agreement (%v)", err)
	}
	if err := st.LinkCooperation(ctx, store.Actor{}, agreements[0].ID, coops[0].ID); err != nil {
		t.Fatal(err)
	}
	// The bibliometric record (a few pairs stand for the import) and the
	// counter of eligibility checks.
	rec := &openalex.Record{Pairs: []openalex.Pair{{Year: 2023, A: "CN", B: "PK", Works: 9601}, {Year: 2023, A: "CN", B: "RU", Works: 4596}},
		Totals: []openalex.Total{{Year: 2023, Country: "CN", Works: 200000, Partners: 180}, {Year: 2023, Country: "PK", Works: 20000, Partners: 120}}}
	if _, err := st.ImportOpenAlex(ctx, store.Actor{}, rec, nil); err != nil {
		t.Fatal(err)
	}
	policies, _, err := st.Policies(ctx, policy.Filter{})
	if err != nil || len(policies) == 0 {
		t.Fatalf("demo policies: %d, %v", len(policies), err)
	}
	if err := st.RecordIncentiveChecks(ctx, "2026-12-01", []string{policies[0].ID}, map[string]bool{policies[0].ID: true}); err != nil {
		t.Fatal(err)
	}
	// A scheduled meeting of the demo's brokerage day, held, and its outcome.
	events, _, err := st.Events(ctx, event.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var held bool
	for _, e := range events {
		sch, err := st.Schedule(ctx, e.ID)
		if err != nil || sch == nil || len(sch.Meetings) == 0 {
			continue
		}
		// One participant who can meet in no slot leaves a request
		// unplaced when the schedule runs again.
		last := sch.Meetings[len(sch.Meetings)-1]
		if err := st.SetAvailability(ctx, store.Actor{UserID: last.InviteeID}, e.ID, last.InviteeID, []string{}); err != nil {
			t.Fatal(err)
		}
		if sch, err = st.RunSchedule(ctx, store.Actor{}, e.ID); err != nil || len(sch.Unplaced) == 0 || len(sch.Meetings) == 0 {
			t.Fatalf("schedule without the unavailable participant: %v", err)
		}
		m := sch.Meetings[0]
		side := store.Actor{UserID: m.RequesterID}
		if err := st.MarkMeeting(ctx, side, e.ID, m.RequestID, event.Held); err != nil {
			t.Fatal(err)
		}
		if err := st.AnswerOutcome(ctx, side, e.ID, m.RequestID, event.FollowUp); err != nil {
			t.Fatal(err)
		}
		held = true
		break
	}
	if !held {
		t.Fatal("the demo has no scheduled meeting to hold")
	}
	// What mail leaves behind: a person's opt-out, a reminder sent, and the
	// key that signs unsubscribe links.
	if err := st.SetMailOptOuts(ctx, me, u.ID, map[string]bool{"saved_search": false}); err != nil {
		t.Fatal(err)
	}
	if err := st.ReminderSent(ctx, events[0].ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SiteKey(ctx, "unsubscribe"); err != nil {
		t.Fatal(err)
	}
	return path, acc
}

// TestMove_EveryTableArrivesIdenticalAndAccountsKeepWorking moves a
// SQLite installation with records in every table into a fresh PostgreSQL
// database, then compares every table (rows and checksum, read back
// independently of the move), signs in with the password, uses the
// session and the API token, and searches, on PostgreSQL. A second move
// is refused, and with --force replaces the first instead of adding to it.
func TestMove_EveryTableArrivesIdenticalAndAccountsKeepWorking(t *testing.T) {
	dsn := storetest.NewPostgresDSN(t)
	ctx := context.Background()
	path, acc := demoInstallation(t)

	report, err := moveInstallation(ctx, path, dsn, false, io.Discard)
	if err != nil {
		t.Fatal(err)
	}

	src, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	want, err := src.Checksums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := dst.Checksums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Tables) != len(want) || len(got) != len(want) {
		t.Fatalf("moved %d tables; the SQLite file has %d, PostgreSQL %d", len(report.Tables), len(want), len(got))
	}
	for name, w := range want {
		if w.Rows == 0 {
			t.Errorf("table %s is empty in the installation: the test does not prove it moves", name)
		}
		if got[name] != w {
			t.Errorf("table %s: SQLite %+v, PostgreSQL %+v", name, w, got[name])
		}
	}
	if report.SearchDocs == 0 {
		t.Error("no search document moved")
	}

	u, err := dst.Authenticate(ctx, acc.email, acc.password)
	if err != nil {
		t.Fatalf("sign in on PostgreSQL: %v", err)
	}
	if _, err := dst.Authenticate(ctx, acc.email, "not the password at all"); err == nil {
		t.Error("a wrong password signs in after the move")
	}
	if s, err := dst.SessionUser(ctx, acc.session); err != nil || s.ID != u.ID {
		t.Errorf("session after the move: %v, %v", s, err)
	}
	if tu, scope, err := dst.TokenUser(ctx, acc.token); err != nil || tu.ID != u.ID || scope != store.ScopeRead {
		t.Errorf("API token after the move: %v %q %v", tu, scope, err)
	}
	for _, q := range []string{"太阳能", "очистка", "solar"} {
		a, _, err := src.Opportunities(ctx, opportunity.Filter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := dst.Opportunities(ctx, opportunity.Filter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(a) == 0 || len(a) != len(b) {
			t.Errorf("search %q finds %d listings on SQLite, %d on PostgreSQL", q, len(a), len(b))
		}
	}
	orgs, _, err := dst.Organisations(ctx, organisation.Filter{Query: "solar"})
	if err != nil || len(orgs) == 0 {
		t.Errorf("organisation search on PostgreSQL: %d found (%v)", len(orgs), err)
	}

	if _, err := moveInstallation(ctx, path, dsn, false, io.Discard); !errors.Is(err, store.ErrTargetNotEmpty) {
		t.Fatalf("second move without --force: %v, want it refused", err)
	}
	again, err := moveInstallation(ctx, path, dsn, true, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if again.Rows() != report.Rows() {
		t.Errorf("forced move holds %d rows, the first %d", again.Rows(), report.Rows())
	}
	if got, err := dst.Checksums(ctx); err != nil || got["users"] != want["users"] {
		t.Errorf("users after the forced move: %+v (%v), want %+v", got["users"], err, want["users"])
	}
}
