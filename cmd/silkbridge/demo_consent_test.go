package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// TestDemo_NamedHostsAndPartiesAreAcceptedSoTheFirstStartLooksTheSame
// loads the demonstration events, agreements and programmes: the demo
// names the organisations itself, so none waits for consent and every
// event still shows its hosts.
func TestDemo_NamedHostsAndPartiesAreAcceptedSoTheFirstStartLooksTheSame(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, load := range []func(context.Context, *store.Store, *slog.Logger) error{loadEventsDemo, loadAgreementSamples, loadProgrammeDemo} {
		if err := load(ctx, st, log); err != nil {
			t.Fatal(err)
		}
	}
	events, _, err := st.Events(ctx, event.Filter{PerPage: 100})
	if err != nil || len(events) == 0 {
		t.Fatalf("demo events: %d (%v)", len(events), err)
	}
	for _, e := range events {
		if len(e.InvitedHosts()) > 0 || len(e.AcceptedHosts()) == 0 {
			t.Errorf("demo event %q: hosts %+v, want every host accepted", e.Title, e.Hosts)
		}
	}
	agreements, _, err := st.Agreements(ctx, cooperation.AgreementFilter{PerPage: 100})
	if err != nil || len(agreements) == 0 {
		t.Fatalf("demo agreements: %d (%v)", len(agreements), err)
	}
	for _, a := range agreements {
		if len(a.InvitedParties()) > 0 {
			t.Errorf("demo agreement %q: parties %+v, want every party accepted", a.Title, a.Parties)
		}
	}
	orgs, _, err := st.Organisations(ctx, organisation.Filter{PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	if pending, err := st.PendingInvitations(ctx, ids); err != nil || len(pending) != 0 {
		t.Errorf("pending invitations after the demo: %+v (%v)", pending, err)
	}
}
