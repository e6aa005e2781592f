package store_test

import (
	"testing"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/consent"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// consentWorld is two organisations, each managed by its own user, and an
// agency officer who manages neither.
type consentWorld struct {
	own, other         string // organisation ids
	ownMgr, otherMgr   store.Actor
	officer            store.Actor
	ownUser, otherUser *account.User
}

func newConsentWorld(t *testing.T, st *store.Store) consentWorld {
	t.Helper()
	var w consentWorld
	w.ownUser = newUser(t, st, "own@example.org", account.Member)
	w.otherUser = newUser(t, st, "other@example.org", account.Member)
	officer := newUser(t, st, "officer@example.org", account.Officer)
	w.ownMgr, w.otherMgr, w.officer = store.Actor{UserID: w.ownUser.ID}, store.Actor{UserID: w.otherUser.ID}, store.Actor{UserID: officer.ID}
	own, other := newOrg("Kazan Energy Institute", "RU"), newOrg("Almaty Solar Centre", "KZ")
	if err := st.CreateOrganisation(ctx, w.ownMgr, own); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateOrganisation(ctx, w.otherMgr, other); err != nil {
		t.Fatal(err)
	}
	w.own, w.other = own.ID, other.ID
	return w
}

func consentEvent(hosts ...string) *event.Event {
	start := time.Now().Add(40 * 24 * time.Hour).UTC().Truncate(time.Hour)
	e := &event.Event{Title: "Grid storage workshop", Kind: event.Workshop, Start: start, End: start.Add(6 * time.Hour), TimeZone: "Asia/Almaty",
		Place: "Almaty", Country: "KZ"}
	for _, h := range hosts {
		e.Hosts = append(e.Hosts, event.Host{OrgID: h})
	}
	return e
}

func hostConsent(e *event.Event, orgID string) string {
	for _, h := range e.Hosts {
		if h.OrgID == orgID {
			return h.Consent
		}
	}
	return "absent"
}

func wantCode(t *testing.T, err error, code, what string) {
	t.Helper()
	if silkbridge.ErrorCode(err) != code {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

func TestConsent_CoHostIsInvitedAndOrganisesOnlyOnceItAccepts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		w := newConsentWorld(t, st)
		e := consentEvent(w.own, w.other)
		if err := st.CreateEvent(ctx, w.ownMgr, e); err != nil {
			t.Fatal(err)
		}
		got, err := st.Event(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if hostConsent(got, w.own) != consent.Accepted || hostConsent(got, w.other) != consent.Invited {
			t.Fatalf("hosts after creation: %+v; want own accepted, other invited", got.Hosts)
		}
		if got.HostedBy(w.other) {
			t.Error("an invited host counts as hosting the event")
		}
		if ok, err := st.EventOrganisedBy(ctx, e.ID, w.otherUser.ID); err != nil || ok {
			t.Errorf("invited host's manager organises the event: %v %v", ok, err)
		}
		hosted, _, err := st.Events(ctx, event.Filter{HostID: w.other})
		if err != nil || len(hosted) != 0 {
			t.Errorf("events hosted by the invited organisation: %d %v, want none", len(hosted), err)
		}
		mine, err := st.UserEvents(ctx, w.otherUser.ID)
		if err != nil || len(mine) != 0 {
			t.Errorf("the invited host's manager's events: %d %v, want none", len(mine), err)
		}
		if found, _, err := st.Events(ctx, event.Filter{Query: "Almaty Solar"}); err != nil || len(found) != 0 {
			t.Errorf("search by the invited host's name: %d %v, want none", len(found), err)
		}
		pending, err := st.PendingInvitations(ctx, []string{w.other})
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 1 || pending[0].Kind != consent.EventHost || pending[0].RecordID != e.ID || pending[0].Title != e.Title || pending[0].InvitedAt.IsZero() {
			t.Fatalf("pending invitations of the other organisation: %+v", pending)
		}
		if own, err := st.PendingInvitations(ctx, []string{w.own}); err != nil || len(own) != 0 {
			t.Errorf("the creating host has pending invitations: %+v %v", own, err)
		}

		after, err := st.AnswerHostInvitation(ctx, w.otherMgr, e.ID, w.other, true)
		if err != nil {
			t.Fatal(err)
		}
		if hostConsent(after, w.other) != consent.Accepted || !after.HostedBy(w.other) {
			t.Fatalf("after accepting: %+v", after.Hosts)
		}
		if ok, err := st.EventOrganisedBy(ctx, e.ID, w.otherUser.ID); err != nil || !ok {
			t.Errorf("accepted host's manager does not organise the event: %v %v", ok, err)
		}
		if hosted, _, err := st.Events(ctx, event.Filter{HostID: w.other}); err != nil || len(hosted) != 1 {
			t.Errorf("events hosted by the accepted organisation: %d %v, want 1", len(hosted), err)
		}
		if found, _, err := st.Events(ctx, event.Filter{Query: "Almaty Solar"}); err != nil || len(found) != 1 {
			t.Errorf("search by the accepted host's name: %d %v, want 1", len(found), err)
		}
		audit, err := st.AuditLog(ctx, []string{w.other}, "event", e.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(audit) != 1 || audit[0].Action != "accept_host" || audit[0].ActorID != w.otherUser.ID {
			t.Errorf("audit of the other organisation for the event: %+v, want one accept_host by its manager", audit)
		}

		// Accepting twice, or declining once accepted, is refused and changes nothing.
		before := countRows(t, st, "audit_log")
		_, err = st.AnswerHostInvitation(ctx, w.otherMgr, e.ID, w.other, true)
		wantCode(t, err, silkbridge.ECONFLICT, "accepting twice")
		_, err = st.AnswerHostInvitation(ctx, w.otherMgr, e.ID, w.other, false)
		wantCode(t, err, silkbridge.ECONFLICT, "declining once accepted")
		if n := countRows(t, st, "audit_log"); n != before {
			t.Errorf("refused answers wrote %d audit entries", n-before)
		}
		if got, _ := st.Event(ctx, e.ID); hostConsent(got, w.other) != consent.Accepted {
			t.Errorf("refused answers changed the host: %+v", got.Hosts)
		}
		// An organisation the event does not name has nothing to answer.
		_, err = st.AnswerHostInvitation(ctx, w.ownMgr, e.ID, silkbridge.NewID(), true)
		wantCode(t, err, silkbridge.ENOTFOUND, "answering for an organisation not named")
	})
}

func TestConsent_DeclineTakesTheHostOffAndNamingItAgainInvitesAgain(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		w := newConsentWorld(t, st)
		e := consentEvent(w.own, w.other)
		if err := st.CreateEvent(ctx, w.ownMgr, e); err != nil {
			t.Fatal(err)
		}
		after, err := st.AnswerHostInvitation(ctx, w.otherMgr, e.ID, w.other, false)
		if err != nil {
			t.Fatal(err)
		}
		if hostConsent(after, w.other) != "absent" || len(after.Hosts) != 1 {
			t.Fatalf("after declining the hosts are %+v, want the creator alone", after.Hosts)
		}
		audit, err := st.AuditLog(ctx, []string{w.other}, "event", e.ID, 10)
		if err != nil || len(audit) != 1 || audit[0].Action != "decline_host" {
			t.Errorf("audit of the decline: %+v %v", audit, err)
		}
		_, err = st.AnswerHostInvitation(ctx, w.otherMgr, e.ID, w.other, true)
		wantCode(t, err, silkbridge.ENOTFOUND, "accepting after declining")

		// The organisers name it again: a new invitation.
		renamed, err := st.UpdateEvent(ctx, w.ownMgr, e.ID, func(x *event.Event) {
			x.Hosts = []event.Host{{OrgID: w.own}, {OrgID: w.other}}
		})
		if err != nil {
			t.Fatal(err)
		}
		if hostConsent(renamed, w.other) != consent.Invited {
			t.Fatalf("named again, the other host is %q, want invited", hostConsent(renamed, w.other))
		}
		if pending, err := st.PendingInvitations(ctx, []string{w.other}); err != nil || len(pending) != 1 {
			t.Errorf("pending after naming again: %+v %v", pending, err)
		}
	})
}

func TestConsent_EditingKeepsEachHostsAnswerAndTheManagerOfANewHostSpeaksForIt(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		w := newConsentWorld(t, st)
		third := newOrg("Tashkent Water Institute", "UZ")
		if err := st.CreateOrganisation(ctx, w.otherMgr, third); err != nil {
			t.Fatal(err)
		}
		e := consentEvent(w.own, w.other)
		if err := st.CreateEvent(ctx, w.ownMgr, e); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AnswerHostInvitation(ctx, w.otherMgr, e.ID, w.other, true); err != nil {
			t.Fatal(err)
		}
		// The other manager, now an organiser, adds a host it also manages:
		// accepted from the start, and the earlier answers stay.
		got, err := st.UpdateEvent(ctx, w.otherMgr, e.ID, func(x *event.Event) {
			x.Title = "Grid storage workshop, second edition"
			x.Hosts = append(x.Hosts, event.Host{OrgID: third.ID})
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{w.own, w.other, third.ID} {
			if c := hostConsent(got, id); c != consent.Accepted {
				t.Errorf("host %s is %q after the edit, want accepted", id, c)
			}
		}
		// An officer who manages none of them names one more: invited.
		fourth := newOrg("Baku Grid Lab", "AZ")
		if err := st.CreateOrganisation(ctx, store.Actor{}, fourth); err != nil {
			t.Fatal(err)
		}
		got, err = st.UpdateEvent(ctx, w.officer, e.ID, func(x *event.Event) { x.Hosts = append(x.Hosts, event.Host{OrgID: fourth.ID}) })
		if err != nil {
			t.Fatal(err)
		}
		if c := hostConsent(got, fourth.ID); c != consent.Invited {
			t.Errorf("a host named by an officer who does not manage it is %q, want invited", c)
		}
	})
}

func TestConsent_AgreementPartiesNamedByAnOfficerAreInvitedCountriesNeedNone(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		w := newConsentWorld(t, st)
		a := &cooperation.Agreement{Title: "Joint lab on grid storage", Kind: cooperation.AgreementJointLab, SignedOn: "2024-03-01",
			Parties: []cooperation.Party{{Kind: cooperation.PartyCountry, Country: "CN"}, {Kind: cooperation.PartyOrganisation, OrgID: w.own},
				{Kind: cooperation.PartyOrganisation, OrgID: w.other}}}
		if err := st.CreateAgreement(ctx, w.officer, a); err != nil {
			t.Fatal(err)
		}
		got, err := st.Agreement(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.AcceptedParties()) != 1 || got.AcceptedParties()[0].Kind != cooperation.PartyCountry || len(got.InvitedParties()) != 2 {
			t.Fatalf("parties registered by an officer: %+v; want the country accepted and both organisations invited", got.Parties)
		}
		if len(got.Countries) != 1 || got.Countries[0] != "CN" {
			t.Errorf("countries %v, want only the country party's until the organisations accept", got.Countries)
		}
		if list, _, err := st.Agreements(ctx, cooperation.AgreementFilter{OrgID: w.own}); err != nil || len(list) != 0 {
			t.Errorf("agreements of an invited party: %d %v, want none", len(list), err)
		}
		if list, _, err := st.Agreements(ctx, cooperation.AgreementFilter{Country: "RU"}); err != nil || len(list) != 0 {
			t.Errorf("agreements with a party from the invited organisation's country: %d %v, want none", len(list), err)
		}
		pending, err := st.PendingInvitations(ctx, []string{w.own, w.other})
		if err != nil || len(pending) != 2 || pending[0].Kind != consent.AgreementParty {
			t.Fatalf("pending invitations: %+v %v", pending, err)
		}

		after, err := st.AnswerPartyInvitation(ctx, w.ownMgr, a.ID, w.own, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(after.AcceptedParties()) != 2 || len(after.Countries) != 2 {
			t.Errorf("after one accepts: parties %+v countries %v", after.Parties, after.Countries)
		}
		if list, _, err := st.Agreements(ctx, cooperation.AgreementFilter{OrgID: w.own}); err != nil || len(list) != 1 {
			t.Errorf("agreements of the accepted party: %d %v, want 1", len(list), err)
		}
		if after, err = st.AnswerPartyInvitation(ctx, w.otherMgr, a.ID, w.other, false); err != nil {
			t.Fatal(err)
		}
		if len(after.Parties) != 2 || len(after.InvitedParties()) != 0 {
			t.Errorf("after the other declines: %+v, want the country and the accepted organisation", after.Parties)
		}
		_, err = st.AnswerPartyInvitation(ctx, w.ownMgr, a.ID, w.own, true)
		wantCode(t, err, silkbridge.ECONFLICT, "accepting an agreement twice")
		audit, err := st.AuditLog(ctx, []string{w.own, w.other}, "agreement", a.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]string{}
		for _, e := range audit {
			actions[e.OrgID] = e.Action
		}
		if actions[w.own] != "accept_party" || actions[w.other] != "decline_party" {
			t.Errorf("audit of the answers: %v", actions)
		}

		// The manager who registers an agreement speaks for its own organisation.
		b := &cooperation.Agreement{Title: "Training exchange", Kind: cooperation.AgreementTalentTraining, SignedOn: "2024-04-01",
			Parties: []cooperation.Party{{Kind: cooperation.PartyOrganisation, OrgID: w.own}, {Kind: cooperation.PartyOrganisation, OrgID: w.other}}}
		if err := st.CreateAgreement(ctx, w.ownMgr, b); err != nil {
			t.Fatal(err)
		}
		if b.Parties[0].Consent != consent.Accepted || b.Parties[1].Consent != consent.Invited {
			t.Errorf("parties registered by the first's manager: %+v", b.Parties)
		}
	})
}

func TestConsent_RecordsLoadedFromTheCommandLineNameOrganisationsAsAccepted(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		w := newConsentWorld(t, st)
		e := consentEvent(w.own, w.other)
		if err := st.CreateEvent(ctx, store.Actor{}, e); err != nil {
			t.Fatal(err)
		}
		a := &cooperation.Agreement{Title: "Sample agreement", Kind: cooperation.AgreementSTCooperation, SignedOn: "2020-01-01",
			Parties: []cooperation.Party{{Kind: cooperation.PartyOrganisation, OrgID: w.own}, {Kind: cooperation.PartyOrganisation, OrgID: w.other}}}
		if err := st.CreateAgreement(ctx, store.Actor{}, a); err != nil {
			t.Fatal(err)
		}
		gotE, err := st.Event(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		gotA, err := st.Agreement(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(gotE.InvitedHosts()) != 0 || len(gotA.InvitedParties()) != 0 {
			t.Errorf("demo-style records invite: hosts %+v parties %+v", gotE.Hosts, gotA.Parties)
		}
		if pending, err := st.PendingInvitations(ctx, []string{w.own, w.other}); err != nil || len(pending) != 0 {
			t.Errorf("pending invitations: %+v %v", pending, err)
		}
	})
}

func TestConsent_AnInvitedOrganisationCanStillBeDeleted(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		w := newConsentWorld(t, st)
		e := consentEvent(w.own, w.other)
		if err := st.CreateEvent(ctx, w.ownMgr, e); err != nil {
			t.Fatal(err)
		}
		a := &cooperation.Agreement{Title: "Joint lab", Kind: cooperation.AgreementJointLab, SignedOn: "2024-03-01",
			Parties: []cooperation.Party{{Kind: cooperation.PartyOrganisation, OrgID: w.own}, {Kind: cooperation.PartyOrganisation, OrgID: w.other}}}
		if err := st.CreateAgreement(ctx, w.ownMgr, a); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteOrganisation(ctx, w.otherMgr, w.other); err != nil {
			t.Fatalf("deleting an organisation that others only invited: %v", err)
		}
		got, err := st.Event(ctx, e.ID)
		if err != nil || len(got.Hosts) != 1 || got.Hosts[0].OrgID != w.own {
			t.Errorf("the event after the invited host went: %+v %v", got, err)
		}
		// The creating host accepted from the start: it stays in use.
		err = st.DeleteOrganisation(ctx, w.ownMgr, w.own)
		wantCode(t, err, silkbridge.ECONFLICT, "deleting an organisation that hosts an event")
	})
}
