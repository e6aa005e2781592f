package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/jobs"
	"github.com/silkbridge/silkbridge/mail"
	"github.com/silkbridge/silkbridge/mail/mailtest"
	"github.com/silkbridge/silkbridge/opportunity"
	"github.com/silkbridge/silkbridge/programme"
	"github.com/silkbridge/silkbridge/store"
	"github.com/silkbridge/silkbridge/store/storetest"
)

// mailWait bounds the wait for a mail: the job is picked up within
// milliseconds; the bound only keeps a broken test from hanging.
const mailWait = 30 * time.Second

// newMailTestServer is a test server that sends its mail, through the
// job queue, to a real SMTP server in the test's process.
func newMailTestServer(t *testing.T, e store.Engine) (*testServer, *mailtest.Server) {
	t.Helper()
	st := storetest.New(t, e)
	smtp := mailtest.Start(t)
	var srv *Server
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { srv.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	cfg, err := mail.ParseConfig(smtp.URL(), "Silkbridge <noreply@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mailer, err := NewMailer(st, log, cfg, ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	jc := newTestJobs(t, st, jobs.Config{Register: []func(*river.Workers){mailer.Register}})
	if srv, err = New(st, log, Config{BaseURL: ts.URL, MaxBodyBytes: 64 << 10, Jobs: jc, Mail: mailer}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return &testServer{Server: ts, st: st, srv: srv}, smtp
}

// mailLink finds the site's link to path in both alternatives of a mail,
// and fails unless they agree and it is absolute on the site's address.
func mailLink(t *testing.T, ts *testServer, m *mailtest.Received, path string) string {
	t.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(ts.URL+path) + `[^\s"<>]*`)
	text := re.FindString(m.Text)
	html := strings.ReplaceAll(re.FindString(m.HTML), "&amp;", "&")
	if text == "" || text != html {
		t.Fatalf("link to %s: text %q, html %q\ntext:\n%s\nhtml:\n%s", path, text, html, m.Text, m.HTML)
	}
	return strings.TrimPrefix(text, ts.URL)
}

// checkMail checks what every mail carries: the language, the link to the
// notification settings in both alternatives, and the unsubscribe headers
// exactly on notifications.
func checkMail(t *testing.T, ts *testServer, m *mailtest.Received, subject, lang string, notification bool) {
	t.Helper()
	if m.Subject != subject {
		t.Errorf("subject %q, want %q", m.Subject, subject)
	}
	if got := m.Header.Get("Content-Language"); got != lang {
		t.Errorf("Content-Language %q, want %q", got, lang)
	}
	if !strings.Contains(m.HTML, `lang="`+lang+`"`) {
		t.Errorf("the HTML part is not marked %s", lang)
	}
	mailLink(t, ts, m, "/account/notifications")
	unsub := m.Header.Get("List-Unsubscribe")
	if notification != (unsub != "") || notification != (m.Header.Get("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click") {
		t.Errorf("notification %v, List-Unsubscribe %q, List-Unsubscribe-Post %q", notification, unsub, m.Header.Get("List-Unsubscribe-Post"))
	}
	if notification && !strings.HasPrefix(unsub, "<"+ts.URL+"/unsubscribe?token=") {
		t.Errorf("List-Unsubscribe %q is not the site's unsubscribe link", unsub)
	}
}

// verifyByMail follows the verification link of the newest verification
// mail to the address.
func verifyByMail(t *testing.T, ts *testServer, smtp *mailtest.Server, c *client, email string) {
	t.Helper()
	m := smtp.Wait(t, mailWait, "with a verification link to "+email, func(m *mailtest.Received) bool {
		return m.To[0] == email && strings.Contains(m.Text, "/account/verify?token=")
	})
	link := mailLink(t, ts, m, "/account/verify?token=")
	page := c.get(link)
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `id="verify-button"`) {
		t.Fatalf("verification page: %d", page.StatusCode)
	}
	token, err := url.ParseQuery(strings.TrimPrefix(link, "/account/verify?"))
	if err != nil {
		t.Fatal(err)
	}
	if r := c.form("POST", "/account/verify", url.Values{"token": {token.Get("token")}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify: %d %s", r.StatusCode, r.Body)
	}
}

func TestMail_SignUpVerificationAndResetArriveInTheRecipientsLanguage(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ts, smtp := newMailTestServer(t, e)
			ctx := context.Background()

			// Sign-up in French: the verification mail is French.
			c := ts.client(t)
			res := c.form("POST", "/signup?lang=fr", url.Values{"name": {"Amélie Roux"}, "email": {"amelie@example.fr"}, "password": {"a-long-password-9"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign up: %d", res.StatusCode)
			}
			u, err := ts.st.UserByEmail(ctx, "amelie@example.fr")
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := ts.st.EmailVerified(ctx, u.ID); err != nil || ok {
				t.Fatalf("a new address is verified before its link is followed: %v %v", ok, err)
			}
			m := smtp.WaitFor(t, "amelie@example.fr", mailWait)
			checkMail(t, ts, m, "Confirmez votre adresse électronique pour Silkbridge", "fr", false)
			if !strings.Contains(m.Text, "Bonjour Amélie Roux") {
				t.Errorf("the mail does not greet its recipient:\n%s", m.Text)
			}
			if r := c.form("POST", "/account/verify", url.Values{"token": {"forged.token"}}); r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("a forged verification link: %d", r.StatusCode)
			}
			verifyByMail(t, ts, smtp, c, "amelie@example.fr")
			if ok, err := ts.st.EmailVerified(ctx, u.ID); err != nil || !ok {
				t.Fatalf("the address is not verified after its link: %v %v", ok, err)
			}

			// A reset asked in Spanish reaches her in French, the language
			// she chose; its link sets a new password.
			visitor := ts.client(t)
			if r := visitor.form("POST", "/password/forgot?lang=es", url.Values{"email": {"amelie@example.fr"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("forgot: %d", r.StatusCode)
			}
			reset := smtp.Wait(t, mailWait, "with a reset link", func(m *mailtest.Received) bool {
				return strings.Contains(m.Text, "/password/reset?token=")
			})
			checkMail(t, ts, reset, "Définir un nouveau mot de passe Silkbridge", "fr", false)
			link := mailLink(t, ts, reset, "/password/reset?token=")
			if r := visitor.get(link); r.StatusCode != http.StatusOK {
				t.Fatalf("the reset link from the mail: %d", r.StatusCode)
			}
			token := strings.TrimPrefix(link, "/password/reset?token=")
			tok, err := url.QueryUnescape(token)
			if err != nil {
				t.Fatal(err)
			}
			if r := visitor.form("POST", "/password/reset", url.Values{"token": {tok}, "password": {"new-amber-lantern-7"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("reset: %d", r.StatusCode)
			}
			if _, err := ts.st.Authenticate(ctx, "amelie@example.fr", "new-amber-lantern-7"); err != nil {
				t.Fatalf("the new password does not work: %v", err)
			}
			// The reset page no longer tells the person to ask the operator.
			if r := visitor.get("/password/forgot"); strings.Contains(r.Body, `id="no-mail"`) {
				t.Error("the reset page says there is no mail server")
			}
		})
	}
}

// verifiedUser makes an account, signed in, whose address is verified
// and whose mail is in lang.
func verifiedUser(t *testing.T, ts *testServer, email, role, lang string) (*client, *account.User) {
	t.Helper()
	ctx := context.Background()
	c, u := ts.user(t, email, role)
	if err := ts.st.SetUserLanguage(ctx, u.ID, lang); err != nil {
		t.Fatal(err)
	}
	if err := ts.st.VerifyEmail(ctx, u.ID, u.Email); err != nil {
		t.Fatal(err)
	}
	return c, u
}

func TestMail_InvitationNeedsAVerifiedAddressAndInterestsNotifyWithoutRevealing(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ts, smtp := newMailTestServer(t, e)
			ctx := context.Background()

			// An invitation is mailed in the inviter's language to an
			// address that has no account yet.
			manager, mu := verifiedUser(t, ts, "li.na@example.cn", account.Member, "zh")
			org := marketOrg(t, ts.st, mu, "Xinjiang Solar Institute", "CN", "contact@xsi.example.cn")
			if r := manager.form("POST", "/organisations/"+org.ID+"/invitations?lang=zh", url.Values{"email": {"deputy@example.kz"}}); r.StatusCode != http.StatusCreated {
				t.Fatalf("invite: %d", r.StatusCode)
			}
			inv := smtp.WaitFor(t, "deputy@example.kz", mailWait)
			checkMail(t, ts, inv, "邀请您在 Silkbridge 上管理 Xinjiang Solar Institute", "zh", false)
			link := mailLink(t, ts, inv, "/invitation?token=")
			token, err := url.ParseQuery(strings.TrimPrefix(link, "/invitation?"))
			if err != nil {
				t.Fatal(err)
			}

			// The invitee signs up; until the address is verified the
			// invitation cannot be accepted.
			deputy := ts.client(t)
			if r := deputy.form("POST", "/signup?lang=ru", url.Values{"name": {"Айгуль"}, "email": {"deputy@example.kz"}, "password": {"a-long-password-9"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign up: %d", r.StatusCode)
			}
			if r := deputy.form("POST", "/invitation/accept", url.Values{"token": {token.Get("token")}}); r.StatusCode != http.StatusForbidden {
				t.Fatalf("an unverified address accepts an invitation: %d", r.StatusCode)
			}
			verify := smtp.Wait(t, mailWait, "verification to the deputy", func(m *mailtest.Received) bool {
				return m.To[0] == "deputy@example.kz" && strings.Contains(m.Text, "/account/verify?token=")
			})
			checkMail(t, ts, verify, "Подтвердите адрес электронной почты для Silkbridge", "ru", false)
			verifyByMail(t, ts, smtp, deputy, "deputy@example.kz")
			if r := deputy.form("POST", "/invitation/accept", url.Values{"token": {token.Get("token")}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("a verified address cannot accept: %d %s", r.StatusCode, r.Body)
			}

			// An anonymous listing: its owner is told of an interest without
			// the sender's name; the sender is told of the acceptance.
			x := marketListing(t, ts.st, org.ID, "published", func(x *opportunity.Opportunity) { x.Anonymous = true })
			partner, pu := verifiedUser(t, ts, "nurlan@agro.example.kz", account.Member, "ar")
			pOrg := marketOrg(t, ts.st, pu, "Almaty Agro Machines", "KZ", "info@agro.example.kz")
			res := partner.form("POST", "/market/"+x.ID+"/interests", url.Values{"from_organisation_id": {pOrg.ID},
				"who_we_are": {"An agricultural technology firm."}, "what_we_propose": {"Licensing."}, "what_we_need": {"Training."}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("express interest: %d", res.StatusCode)
			}
			interestID := marketLocationID(t, res, "/interests/")
			got := smtp.Wait(t, mailWait, "of the interest to the owner", func(m *mailtest.Received) bool {
				return m.To[0] == "li.na@example.cn" && strings.Contains(m.Text, "/interests/"+interestID)
			})
			checkMail(t, ts, got, "您的信息“Solar dryer for apricots”收到新的意向", "zh", true)
			for _, secret := range []string{"Almaty Agro Machines", "nurlan", "agro.example.kz"} {
				if strings.Contains(string(got.Raw), secret) {
					t.Errorf("the owner's mail reveals the interested party before acceptance: %q", secret)
				}
			}
			// The deputy manages the owner too, with a verified address.
			smtp.Wait(t, mailWait, "of the interest to the deputy", func(m *mailtest.Received) bool {
				return m.To[0] == "deputy@example.kz" && strings.Contains(m.Text, "/interests/"+interestID)
			})
			if r := manager.form("POST", "/interests/"+interestID+"/accept", nil); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("accept: %d", r.StatusCode)
			}
			acc := smtp.Wait(t, mailWait, "of the acceptance", func(m *mailtest.Received) bool {
				return m.To[0] == "nurlan@agro.example.kz"
			})
			checkMail(t, ts, acc, "تم قبول اهتمامك بـ «Solar dryer for apricots»", "ar", true)
			if !strings.Contains(acc.HTML, `dir="rtl"`) {
				t.Error("the Arabic mail is not right-to-left")
			}
			mailLink(t, ts, acc, "/interests/"+interestID)

			// One click from the mail client, without a session, stops
			// that kind of mail and no other.
			unsub := strings.Trim(acc.Header.Get("List-Unsubscribe"), "<>")
			req, err := http.NewRequest("POST", unsub, strings.NewReader("List-Unsubscribe=One-Click"))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			if r.StatusCode != http.StatusOK {
				t.Fatalf("one-click unsubscribe: %d", r.StatusCode)
			}
			off, err := ts.st.MailOptOuts(ctx, pu.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !off["interest_accepted"] || off["interest_received"] {
				t.Fatalf("opt-outs after unsubscribing: %v", off)
			}
			api := partner.get("/api/v1/me/notifications")
			if !strings.Contains(api.Body, `"interest_accepted":false`) || !strings.Contains(api.Body, `"interest_received":true`) {
				t.Fatalf("the settings do not show the unsubscription: %s", api.Body)
			}
		})
	}
}

// TestMail_ArrivesAfterTheSMTPServerComesBack: a mail whose server is down
// fails its job, not the request; River tries again and it arrives once
// the server is back.
func TestMail_ArrivesAfterTheSMTPServerComesBack(t *testing.T) {
	ts, smtp := newMailTestServer(t, store.SQLite)
	ctx := context.Background()
	_, u := verifiedUser(t, ts, "omar@example.eg", account.Member, "ar")
	smtp.Stop()

	visitor := ts.client(t)
	if r := visitor.form("POST", "/password/forgot", url.Values{"email": {u.Email}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("forgot while the mail server is down: %d, want the usual answer", r.StatusCode)
	}
	// Wait for the failed attempt, recorded on the job.
	deadline := time.Now().Add(mailWait)
	for {
		list, err := ts.srv.cfg.Jobs.Recent(ctx, 20)
		if err != nil {
			t.Fatal(err)
		}
		failed := false
		for _, j := range list {
			if j.Kind == "mail" && len(j.Errors) > 0 {
				failed = true
			}
		}
		if failed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the mail job did not fail while the server was down")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(smtp.Received()); n != 0 {
		t.Fatalf("%d mails arrived at a stopped server", n)
	}

	smtp.Restart(t)
	m := smtp.WaitFor(t, u.Email, mailWait)
	checkMail(t, ts, m, "تعيين كلمة مرور جديدة لـ Silkbridge", "ar", false)
	link := mailLink(t, ts, m, "/password/reset?token=")
	if r := visitor.get(link); r.StatusCode != http.StatusOK {
		t.Fatalf("the link of the retried mail: %d", r.StatusCode)
	}
}

// TestMail_ProgrammeResultsTellEachApplicantWhereOrWhyNot: publishing a
// run mails every applicant their own result, in their language, with a
// link to the page that gives the reasons.
func TestMail_ProgrammeResultsTellEachApplicantWhereOrWhyNot(t *testing.T) {
	ts, smtp := newMailTestServer(t, store.SQLite)
	ctx := context.Background()
	w := newProgWorld(t, ts)
	langs := []string{"ru", "en", "es"}
	for i, pr := range w.profiles {
		if err := ts.st.SetUserLanguage(ctx, pr.UserID, langs[i]); err != nil {
			t.Fatal(err)
		}
		u, err := ts.st.User(ctx, pr.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if err := ts.st.VerifyEmail(ctx, u.ID, u.Email); err != nil {
			t.Fatal(err)
		}
	}
	p, big, small := w.programme(t)
	for i, c := range w.talents {
		res := c.json("PUT", "/api/v1/programmes/"+p.ID+"/application", map[string]any{"choices": []string{big.ID, small.ID}, "statement": "Hello"})
		progMustStatus(t, res, http.StatusOK, "apply "+w.profiles[i].Name)
	}
	progMustStatus(t, w.officer.json("POST", "/api/v1/programmes/"+p.ID+"/close", nil), http.StatusOK, "close")
	res := w.officer.json("POST", "/api/v1/programmes/"+p.ID+"/runs", map[string]any{"algorithm": "fda", "seed": 3})
	progMustStatus(t, res, http.StatusAccepted, "run")
	var run programme.Run
	if err := json.Unmarshal([]byte(res.Body), &run); err != nil {
		t.Fatal(err)
	}
	run = awaitRun(t, w.officer, "/api/v1/programmes/"+p.ID+"/runs/"+run.ID, run)
	if n := len(smtp.Received()); n != 0 {
		t.Fatalf("%d mails before the result is published", n)
	}
	progMustStatus(t, w.officer.json("POST", "/api/v1/programmes/"+p.ID+"/runs/"+run.ID+"/publish", nil), http.StatusOK, "publish")

	subjects := map[string]string{"ru": "Результат программы «Silk Road engineering fellowships»",
		"en": "Result of the programme “Silk Road engineering fellowships”", "es": "Resultado del programa «Silk Road engineering fellowships»"}
	notPlaced := map[string]string{"ru": "на этот раз вы не распределены", "en": "you are not placed this time", "es": "esta vez no ha sido asignado"}
	placed, unplaced := 0, 0
	for i, c := range w.talents {
		u, err := ts.st.User(ctx, w.profiles[i].UserID)
		if err != nil {
			t.Fatal(err)
		}
		m := smtp.WaitFor(t, u.Email, mailWait)
		checkMail(t, ts, m, subjects[langs[i]], langs[i], true)
		mailLink(t, ts, m, "/programmes/"+p.ID)
		var out programmeResultOutput
		if err := json.Unmarshal([]byte(c.json("GET", "/api/v1/programmes/"+p.ID+"/result", nil).Body), &out); err != nil {
			t.Fatal(err)
		}
		switch out.PositionID {
		case "":
			unplaced++
			if !strings.Contains(m.Text, notPlaced[langs[i]]) {
				t.Errorf("%s is not placed, and the mail does not say so:\n%s", u.Email, m.Text)
			}
		default:
			placed++
			pos := p.Position(out.PositionID)
			if !strings.Contains(m.Text, pos.Title) || strings.Contains(m.Text, notPlaced[langs[i]]) {
				t.Errorf("%s is placed at %s, and the mail says otherwise:\n%s", u.Email, pos.Title, m.Text)
			}
		}
	}
	if placed == 0 || unplaced == 0 {
		t.Fatalf("the case should have both outcomes: %d placed, %d not", placed, unplaced)
	}
}

func TestMail_SettingsRefuseBadInputNamingTheFieldAndSaveGoodInput(t *testing.T) {
	ts := newTestServer(t, store.SQLite)
	ctx := context.Background()
	c, u := ts.user(t, "settings@example.org", account.Member)

	page := c.get("/account/notifications")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `id="mail-off"`) {
		t.Fatalf("without a mail server the settings page does not say so: %d", page.StatusCode)
	}
	if r := c.form("POST", "/account/notifications", url.Values{"lang": {"xx"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("an unknown language: %d", r.StatusCode)
	}
	res := c.json("PUT", "/api/v1/me/notifications", map[string]any{"mail": map[string]bool{"spam": false}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"mail"`) {
		t.Fatalf("an unknown kind: %d %s", res.StatusCode, res.Body)
	}
	if off, err := ts.st.MailOptOuts(ctx, u.ID); err != nil || len(off) != 0 {
		t.Fatalf("refused input changed the settings: %v %v", off, err)
	}
	if r := c.form("POST", "/account/notifications", url.Values{"lang": {"zh"}, "interest_received": {"on"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	off, err := ts.st.MailOptOuts(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if off["interest_received"] || !off["interest_accepted"] || !off["programme_result"] {
		t.Fatalf("opt-outs %v, want all but interest_received", off)
	}
	rec, err := ts.st.MailRecipient(ctx, u.ID)
	if err != nil || rec.Lang != "zh" {
		t.Fatalf("language %q, %v", rec.Lang, err)
	}
	// Without a mail server the reset page sends the person to the operator.
	if r := ts.client(t).get("/password/forgot"); !strings.Contains(r.Body, `id="no-mail"`) {
		t.Error("the reset page does not say that there is no mail server")
	}
	// A forged unsubscribe link is refused and changes nothing.
	if r := ts.client(t).form("POST", "/unsubscribe", url.Values{"token": {"bad"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a forged unsubscribe link: %d", r.StatusCode)
	}
}

// TestMail_AnUnverifiedAddressGetsNoNotifications: the job for a
// notification to an unverified address sends nothing; account mail
// (verification itself) still goes.
func TestMail_AnUnverifiedAddressGetsNoNotifications(t *testing.T) {
	ts, smtp := newMailTestServer(t, store.SQLite)
	owner, ou := ts.user(t, "unverified@example.org", account.Member)
	org := marketOrg(t, ts.st, ou, "Unverified Institute", "KZ", "info@unverified.example.org")
	x := marketListing(t, ts.st, org.ID, "published")
	partner, _ := verifiedUser(t, ts, "partner@example.org", account.Member, "en")
	res := partner.form("POST", "/market/"+x.ID+"/interests", url.Values{"who_we_are": {"A lab."}, "what_we_propose": {"Tests."}, "what_we_need": {"Data."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("express interest: %d", res.StatusCode)
	}
	if r := owner.form("POST", "/account/verify/send", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send verification: %d", r.StatusCode)
	}
	smtp.WaitFor(t, ou.Email, mailWait)
	waitMailJobsDone(t, ts)
	for _, m := range smtp.Received() {
		if m.To[0] == ou.Email && strings.Contains(m.Text, "/interests/") {
			t.Fatalf("an unverified address received a notification:\n%s", m.Text)
		}
	}
}

// waitMailJobsDone waits until no mail job is left to run.
func waitMailJobsDone(t *testing.T, ts *testServer) {
	t.Helper()
	deadline := time.Now().Add(mailWait)
	for {
		list, err := ts.srv.cfg.Jobs.Recent(context.Background(), 100)
		if err != nil {
			t.Fatal(err)
		}
		pending := 0
		for _, j := range list {
			if j.Kind == "mail" && j.FinalizedAt == nil {
				pending++
			}
		}
		if pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d mail jobs still pending", pending)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestMail_MeetingRequestsAndTheAgendaWithItsCalendar: a participant is
// told of a request; after the schedule runs, each participant with a
// meeting receives their agenda with the .ics attached, in their language.
func TestMail_MeetingRequestsAndTheAgendaWithItsCalendar(t *testing.T) {
	ts, smtp := newMailTestServer(t, store.SQLite)
	ctx := context.Background()
	b := newBrokerage(t, ts, 2, 1)
	langs := map[string]string{"aigerim": "ru", "bilal": "en"}
	for _, name := range []string{"aigerim", "bilal"} {
		b.join(t, name, 0, 1)
		u := b.users[name]
		if err := ts.st.SetUserLanguage(ctx, u.ID, langs[name]); err != nil {
			t.Fatal(err)
		}
		if err := ts.st.VerifyEmail(ctx, u.ID, u.Email); err != nil {
			t.Fatal(err)
		}
	}
	b.meet(t, "aigerim", "bilal", true)
	req := smtp.Wait(t, mailWait, "of the meeting request", func(m *mailtest.Received) bool {
		return m.To[0] == b.users["bilal"].Email && strings.Contains(m.Text, "/meetings")
	})
	checkMail(t, ts, req, b.users["aigerim"].Name+" asks to meet you at "+b.e.Title, "en", true)
	mailLink(t, ts, req, "/events/"+b.e.ID+"/meetings")

	sc := b.schedule(t)
	if sc.Placed != 1 {
		t.Fatalf("placed %d", sc.Placed)
	}
	for name, subject := range map[string]string{"aigerim": "Ваши встречи на " + b.e.Title, "bilal": "Your meetings at " + b.e.Title} {
		m := smtp.Wait(t, mailWait, "of the agenda to "+name, func(m *mailtest.Received) bool {
			return m.To[0] == b.users[name].Email && len(m.Attachments) > 0
		})
		checkMail(t, ts, m, subject, langs[name], true)
		mailLink(t, ts, m, "/events/"+b.e.ID+"/agenda")
		ics := string(m.Attachments["agenda.ics"])
		if m.AttachmentTypes["agenda.ics"] != "text/calendar" || !strings.Contains(ics, "BEGIN:VEVENT") || strings.Count(ics, "BEGIN:VEVENT") != 1 {
			t.Errorf("%s's calendar (%s):\n%s", name, m.AttachmentTypes["agenda.ics"], ics)
		}
		if !strings.Contains(ics, sc.Meetings[0].RequestID+"@silkbridge") {
			t.Errorf("%s's calendar does not hold the scheduled meeting:\n%s", name, ics)
		}
	}
}

// TestMail_SavedSearchMatchesAtOnceOrInADigest: a saved search mailed
// immediately sends each match when it is published; one mailed daily
// waits for the digest job, which tells its matches once.
func TestMail_SavedSearchMatchesAtOnceOrInADigest(t *testing.T) {
	ts, smtp := newMailTestServer(t, store.SQLite)
	ctx := context.Background()
	_, ownerUser := ts.user(t, "owner@example.org", account.Member)
	officer, _ := ts.user(t, "officer@example.org", account.Officer)
	now, nu := verifiedUser(t, ts, "now@example.org", account.Member, "en")
	daily, du := verifiedUser(t, ts, "daily@example.org", account.Member, "fr")
	org := marketOrg(t, ts.st, ownerUser, "Dushanbe Hydro", "TJ", "")
	for _, c := range []*client{now, daily} {
		marketStatus(t, c.form("POST", "/saved-searches", url.Values{"name": {"Hydro"}, "q": {"hydropower"}}), http.StatusSeeOther, "save search")
	}
	nowSearches, err := ts.st.SavedSearches(ctx, nu.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := now.form("POST", "/saved-searches/"+nowSearches[0].ID+"/mail", url.Values{"mail_every": {"sometimes"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("an unknown frequency: %d", r.StatusCode)
	}
	if r := daily.form("POST", "/saved-searches/"+nowSearches[0].ID+"/mail", url.Values{"mail_every": {"never"}}); r.StatusCode != http.StatusNotFound {
		t.Fatalf("another's saved search: %d", r.StatusCode)
	}
	marketStatus(t, now.form("POST", "/saved-searches/"+nowSearches[0].ID+"/mail", url.Values{"mail_every": {"immediately"}}), http.StatusSeeOther, "mail at once")

	match := marketListing(t, ts.st, org.ID, opportunity.InReview, func(x *opportunity.Opportunity) {
		x.Title, x.Description = "Small hydropower research", "Small hydropower stations"
	})
	marketStatus(t, officer.form("POST", "/market/"+match.ID+"/approve", nil), http.StatusSeeOther, "approve")
	m := smtp.WaitFor(t, nu.Email, mailWait)
	checkMail(t, ts, m, "New matches for your saved search “Hydro”", "en", true)
	if !strings.Contains(m.Text, "- Small hydropower research") {
		t.Errorf("the mail does not name the match:\n%s", m.Text)
	}
	mailLink(t, ts, m, "/market/"+match.ID)
	waitMailJobsDone(t, ts)
	for _, x := range smtp.Received() {
		if x.To[0] == du.Email {
			t.Fatal("a daily saved search was mailed at once")
		}
	}

	digest := func() {
		t.Helper()
		if err := ts.srv.cfg.Jobs.Enqueue(ctx, DigestArgs{}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(mailWait)
		for {
			list, err := ts.srv.cfg.Jobs.Recent(ctx, 50)
			if err != nil {
				t.Fatal(err)
			}
			done := true
			for _, j := range list {
				if j.Kind == "saved_search_digest" && j.FinalizedAt == nil {
					done = false
				}
			}
			if done {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("the digest job did not finish")
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	digest()
	d := smtp.WaitFor(t, du.Email, mailWait)
	checkMail(t, ts, d, "Nouveaux résultats pour votre recherche « Hydro »", "fr", true)
	if !strings.Contains(d.HTML, "<li>Small hydropower research</li>") {
		t.Errorf("the digest does not list the match:\n%s", d.HTML)
	}
	digest()
	n := 0
	for _, x := range smtp.Received() {
		if x.To[0] == du.Email {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d digests, want the match told once", n)
	}
}

// runJob enqueues a job and waits until every job of its kind has ended.
func runJob(t *testing.T, ts *testServer, args river.JobArgs) {
	t.Helper()
	ctx := context.Background()
	if err := ts.srv.cfg.Jobs.Enqueue(ctx, args); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(mailWait)
	for {
		list, err := ts.srv.cfg.Jobs.Recent(ctx, 50)
		if err != nil {
			t.Fatal(err)
		}
		done := true
		for _, j := range list {
			if j.Kind == args.Kind() && j.FinalizedAt == nil {
				done = false
			}
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the %s job did not finish", args.Kind())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestMail_EventReminderTheDayBeforeOnce: the reminder job tells the
// registered participants of an event that starts within a day, once;
// an event a week away waits.
func TestMail_EventReminderTheDayBeforeOnce(t *testing.T) {
	ts, smtp := newMailTestServer(t, store.SQLite)
	ctx := context.Background()
	fx := newEventFixture(t, ts)
	later := fx.event(t, event.Conference, 0)
	start := time.Now().Add(12 * time.Hour).Truncate(time.Minute)
	soon := &event.Event{Title: "Almaty Water Workshop", Kind: event.Workshop, Hosts: []event.Host{{OrgID: fx.org.ID}},
		Start: start, End: start.Add(8 * time.Hour), TimeZone: "Asia/Almaty", Place: "Almaty", Country: "KZ", Fields: []string{"2.7"}}
	if err := ts.st.CreateEvent(ctx, store.Actor{UserID: fx.orgUser.ID}, soon); err != nil {
		t.Fatal(err)
	}
	_, u := fx.participant(t, soon, "gulnara")
	if _, err := ts.st.Register(ctx, store.Actor{UserID: u.ID}, later.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := ts.st.SetUserLanguage(ctx, u.ID, "ru"); err != nil {
		t.Fatal(err)
	}
	if err := ts.st.VerifyEmail(ctx, u.ID, u.Email); err != nil {
		t.Fatal(err)
	}
	runJob(t, ts, ReminderArgs{})
	m := smtp.WaitFor(t, u.Email, mailWait)
	checkMail(t, ts, m, "Завтра: Almaty Water Workshop", "ru", true)
	mailLink(t, ts, m, "/events/"+soon.ID)
	almaty, err := time.LoadLocation("Asia/Almaty")
	if err != nil {
		t.Fatal(err)
	}
	if when := start.In(almaty).Format("2006-01-02 15:04"); !strings.Contains(m.Text, when) {
		t.Errorf("the reminder does not say when (%s) in the event's zone:\n%s", when, m.Text)
	}
	runJob(t, ts, ReminderArgs{})
	waitMailJobsDone(t, ts)
	if n := len(smtp.Received()); n != 1 {
		t.Fatalf("%d mails, want one reminder of the event within a day", n)
	}
}
