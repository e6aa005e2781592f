package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/consent"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// consentOrg stores an organisation managed by u.
func consentOrg(t *testing.T, ts *testServer, u *account.User, name, country string) *organisation.Organisation {
	t.Helper()
	o := &organisation.Organisation{Name: name, Kind: organisation.ResearchInstitute, Country: country}
	if err := ts.st.CreateOrganisation(context.Background(), store.Actor{UserID: u.ID}, o); err != nil {
		t.Fatal(err)
	}
	return o
}

// jsonIn sends an API call with a JSON body (nil for none) asking for an
// answer in lang.
func (c *client) jsonIn(lang, method, path string, body any) response {
	c.t.Helper()
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			c.t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, c.base+path, &buf)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept-Language", lang)
	return c.do(req)
}

func decodeBody[T any](t *testing.T, res response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(res.Body), &v); err != nil {
		t.Fatalf("decode %q: %v", res.Body, err)
	}
	return v
}

func partyConsent(a cooperation.Agreement, orgID string) string {
	for _, p := range a.Parties {
		if p.OrgID == orgID {
			return p.Consent
		}
	}
	return "absent"
}

func TestConsent_InvitedCoHostIsShownAsInvitedAndAcceptsFromTheConsentsPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		hostC, hostU := ts.user(t, "host@example.org", account.Member)
		guestC, guestU := ts.user(t, "guest@example.org", account.Member)
		host := consentOrg(t, ts, hostU, "Kazan Energy Institute", "RU")
		guest := consentOrg(t, ts, guestU, "Almaty Solar Centre", "KZ")
		visitor := ts.client(t)

		res := hostC.form("POST", "/events", url.Values{"title": {"Grid storage workshop"}, "kind": {"workshop"}, "hosts": {host.ID, guest.ID},
			"start": {"2031-05-12T09:30"}, "end": {"2031-05-12T17:00"}, "time_zone": {"Asia/Almaty"}, "place": {"Almaty"}, "country": {"KZ"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create the event: %d %.300s", res.StatusCode, res.Body)
		}
		path := res.Header.Get("Location")
		id := strings.TrimPrefix(path, "/events/")
		accept := path + "/hosts/" + guest.ID + "/accept"

		page := visitor.get(path).Body
		hosts := page[strings.Index(page, `<dd>`):strings.Index(page, `</dd>`)]
		if !strings.Contains(hosts, host.Name) || strings.Contains(hosts, guest.Name) {
			t.Errorf("the hosts shown are %q; want the creator's organisation only", hosts)
		}
		if !strings.Contains(page, "Invited co-hosts") || !strings.Contains(page, ">invited<") || !strings.Contains(page, guest.Name) {
			t.Error("the event page does not show the invited co-host as invited")
		}
		if strings.Contains(page, accept) {
			t.Error("a visitor is offered to accept for the invited organisation")
		}
		if got := visitor.get("/events?q=Almaty+Solar&when=all").Body; strings.Contains(got, "Grid storage workshop") {
			t.Error("searching for the invited organisation's name finds the event")
		}
		if res := guestC.get(path + "/edit"); res.StatusCode != http.StatusForbidden {
			t.Errorf("the invited co-host's manager opens the edit form: %d, want 403", res.StatusCode)
		}

		list := guestC.get("/account/consents")
		if list.StatusCode != http.StatusOK || !strings.Contains(list.Body, "Grid storage workshop") || !strings.Contains(list.Body, `action="`+path+"/hosts/"+guest.ID+`/accept"`) {
			t.Fatalf("the consents page of the invited organisation's manager: %d %.500s", list.StatusCode, list.Body)
		}
		if !strings.Contains(guestC.get(path).Body, accept) {
			t.Error("the event page offers the invited organisation's manager no accept button")
		}
		if strings.Contains(hostC.get("/account/consents").Body, "Grid storage workshop") {
			t.Error("the creating host's manager is asked for consent")
		}

		res = guestC.form("POST", accept, url.Values{"from": {"consents"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account/consents" {
			t.Fatalf("accept: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		if got := guestC.get("/account/consents").Body; !strings.Contains(got, "No invitation waits for an answer.") {
			t.Error("the consents page still lists the accepted invitation")
		}
		if res := guestC.get(path + "/edit"); res.StatusCode != http.StatusOK {
			t.Errorf("the accepted co-host's manager opens the edit form: %d, want 200", res.StatusCode)
		}
		page = visitor.get(path).Body
		if hosts := page[strings.Index(page, `<dd>`):strings.Index(page, `</dd>`)]; !strings.Contains(hosts, guest.Name) || strings.Contains(page, "Invited co-hosts") {
			t.Errorf("after accepting the hosts shown are %q", hosts)
		}
		audit, err := ts.st.AuditLog(context.Background(), []string{guest.ID}, "event", id, 10)
		if err != nil || len(audit) != 1 || audit[0].Action != "accept_host" || audit[0].ActorID != guestU.ID {
			t.Errorf("audit of the acceptance: %+v %v", audit, err)
		}

		// Accepting twice: a message in the reader's language, 409, nothing changed.
		res = guestC.form("POST", accept+"?lang=ru", nil)
		if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "Организация уже приняла приглашение.") {
			t.Errorf("accepting twice: %d %.300s", res.StatusCode, res.Body)
		}
		if audit, _ := ts.st.AuditLog(context.Background(), []string{guest.ID}, "event", id, 10); len(audit) != 1 {
			t.Errorf("the refused answer wrote to the audit log: %+v", audit)
		}
	})
}

func TestConsent_APIAgreementPartiesNamedByAnOfficerAnswerForThemselves(t *testing.T) {
	forEachEngine(t, func(t *testing.T, ts *testServer) {
		officer, _ := ts.user(t, "officer@example.org", account.Officer)
		aC, aU := ts.user(t, "a@example.org", account.Member)
		bC, bU := ts.user(t, "b@example.org", account.Member)
		orgA := consentOrg(t, ts, aU, "Kazan Energy Institute", "RU")
		orgB := consentOrg(t, ts, bU, "Almaty Solar Centre", "KZ")
		body := func(parties ...string) map[string]any {
			ps := []map[string]any{{"kind": "country", "country": "CN"}}
			for _, id := range parties {
				ps = append(ps, map[string]any{"kind": "organisation", "organisation_id": id})
			}
			return map[string]any{"title": "Joint lab on grid storage", "kind": "joint_lab", "signed_on": "2024-03-01", "parties": ps}
		}

		res := officer.json("POST", "/api/v1/agreements", body(orgA.ID, orgB.ID))
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("register: %d %.300s", res.StatusCode, res.Body)
		}
		a := decodeBody[cooperation.Agreement](t, res)
		if partyConsent(a, orgA.ID) != consent.Invited || partyConsent(a, orgB.ID) != consent.Invited || len(a.Countries) != 1 {
			t.Fatalf("an officer's agreement between two organisations: %+v, countries %v", a.Parties, a.Countries)
		}
		base := "/api/v1/agreements/" + a.ID + "/parties/"

		pending := decodeBody[[]consent.Invitation](t, aC.json("GET", "/api/v1/me/consents", nil))
		if len(pending) != 1 || pending[0].RecordID != a.ID || pending[0].OrgID != orgA.ID || pending[0].Kind != consent.AgreementParty {
			t.Fatalf("A's pending invitations: %+v", pending)
		}
		if res := ts.client(t).json("GET", "/api/v1/me/consents", nil); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("a visitor's consents: %d, want 401", res.StatusCode)
		}

		// B's manager may not answer for A; A's manager may not manage the agreement yet.
		res = bC.jsonIn("ru", "POST", base+orgA.ID+"/accept", nil)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, "Отвечать за организацию могут только её менеджеры.") {
			t.Errorf("B accepts for A: %d %.300s", res.StatusCode, res.Body)
		}
		if res := aC.json("PUT", "/api/v1/agreements/"+a.ID, body(orgA.ID, orgB.ID)); res.StatusCode != http.StatusForbidden {
			t.Errorf("the invited party's manager changes the agreement: %d, want 403", res.StatusCode)
		}
		if got := decodeBody[cooperation.Agreement](t, aC.json("GET", "/api/v1/agreements/"+a.ID, nil)); partyConsent(got, orgA.ID) != consent.Invited {
			t.Fatalf("after the refusals A is %q", partyConsent(got, orgA.ID))
		}

		res = aC.json("POST", base+orgA.ID+"/accept", nil)
		if res.StatusCode != http.StatusOK || partyConsent(decodeBody[cooperation.Agreement](t, res), orgA.ID) != consent.Accepted {
			t.Fatalf("A accepts: %d %.300s", res.StatusCode, res.Body)
		}
		for _, answer := range []string{"accept", "decline"} {
			res = aC.jsonIn("es", "POST", base+orgA.ID+"/"+answer, nil)
			if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "La organización ya ha aceptado") {
				t.Errorf("A answers %s once accepted: %d %.300s", answer, res.StatusCode, res.Body)
			}
		}
		res = aC.json("PUT", "/api/v1/agreements/"+a.ID, body(orgA.ID, orgB.ID))
		if res.StatusCode != http.StatusOK || partyConsent(decodeBody[cooperation.Agreement](t, res), orgB.ID) != consent.Invited {
			t.Fatalf("the accepted party's manager edits, B stays invited: %d %.300s", res.StatusCode, res.Body)
		}

		res = bC.json("POST", base+orgB.ID+"/decline", nil)
		if res.StatusCode != http.StatusOK || partyConsent(decodeBody[cooperation.Agreement](t, res), orgB.ID) != "absent" {
			t.Fatalf("B declines: %d %.300s", res.StatusCode, res.Body)
		}
		if res := bC.json("POST", base+orgB.ID+"/decline", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("B declines again: %d, want 404", res.StatusCode)
		}
		audit, err := ts.st.AuditLog(context.Background(), []string{orgB.ID}, "agreement", a.ID, 10)
		if err != nil || len(audit) != 1 || audit[0].Action != "decline_party" {
			t.Errorf("audit of B's decline: %+v %v", audit, err)
		}

		// Naming B again invites it again.
		if res := aC.json("PUT", "/api/v1/agreements/"+a.ID, body(orgA.ID, orgB.ID)); res.StatusCode != http.StatusOK {
			t.Fatalf("name B again: %d %.300s", res.StatusCode, res.Body)
		}
		if pending := decodeBody[[]consent.Invitation](t, bC.json("GET", "/api/v1/me/consents", nil)); len(pending) != 1 || pending[0].RecordID != a.ID {
			t.Errorf("B's invitations after being named again: %+v", pending)
		}
	})
}
