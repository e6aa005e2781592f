package mail_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/silkbridge/silkbridge/mail"
	"github.com/silkbridge/silkbridge/mail/mailtest"
)

func TestParseConfig_ReadsTheSchemesAndRefusesBadURLs(t *testing.T) {
	for _, tc := range []struct {
		url, from string
		want      *mail.Config
		err       string
	}{
		{url: "", want: nil},
		{url: "smtp://u:p%40ss@mail.example.org:2525", from: "Silkbridge <noreply@example.org>",
			want: &mail.Config{Host: "mail.example.org", Port: 2525, Username: "u", Password: "p@ss", From: `"Silkbridge" <noreply@example.org>`}},
		{url: "smtp://mail.example.org", from: "noreply@example.org",
			want: &mail.Config{Host: "mail.example.org", Port: 587, From: "<noreply@example.org>"}},
		{url: "smtps://mail.example.org", from: "noreply@example.org",
			want: &mail.Config{Host: "mail.example.org", Port: 465, ImplicitTLS: true, From: "<noreply@example.org>"}},
		{url: "http://mail.example.org", from: "a@b.org", err: "scheme"},
		{url: "smtp://mail.example.org:99999", from: "a@b.org", err: "port"},
		{url: "smtp://:25", from: "a@b.org", err: "no host"},
		{url: "smtp://mail.example.org", from: "", err: "sender"},
		{url: "smtp://mail.example.org", from: "not an address", err: "not an e-mail"},
		{url: "smtp://u:secret@[::1", from: "a@b.org", err: "not a URL"},
	} {
		got, err := mail.ParseConfig(tc.url, tc.from)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one saying %q", tc.url, err, tc.err)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("%q: the error repeats the password: %v", tc.url, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.url, err)
			continue
		}
		if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
			t.Errorf("%q: got %+v, want %+v", tc.url, got, tc.want)
		}
	}
}

func TestToken_VerifiesOnlyItsOwnPurposeKeyAndTime(t *testing.T) {
	key, other := []byte("k1"), []byte("k2")
	now := time.Now()
	tok := mail.SignToken(key, "unsubscribe", "user|kind", now.Add(time.Hour))
	if sub, err := mail.VerifyToken(key, "unsubscribe", tok, now); err != nil || sub != "user|kind" {
		t.Fatalf("own token: %q, %v", sub, err)
	}
	for name, check := range map[string]func() error{
		"other key":     func() error { _, err := mail.VerifyToken(other, "unsubscribe", tok, now); return err },
		"other purpose": func() error { _, err := mail.VerifyToken(key, "verify", tok, now); return err },
		"expired":       func() error { _, err := mail.VerifyToken(key, "unsubscribe", tok, now.Add(2*time.Hour)); return err },
		"altered": func() error {
			_, err := mail.VerifyToken(key, "unsubscribe", "x"+tok, now)
			return err
		},
		"empty": func() error { _, err := mail.VerifyToken(key, "unsubscribe", "", now); return err },
	} {
		if err := check(); err != mail.ErrBadToken {
			t.Errorf("%s: %v, want ErrBadToken", name, err)
		}
	}
}

var templates = fstest.MapFS{
	"mail/layout.txt":  {Data: []byte(`{{define "layout"}}{{T "hello"}} {{.Name}}` + "\n" + `{{template "body" .}}` + "\n" + `{{.SettingsLink}}{{end}}`)},
	"mail/layout.html": {Data: []byte(`{{define "layout"}}<p>{{T "hello"}} {{.Name}}</p>{{template "body" .}}<a href="{{.SettingsLink}}">s</a>{{end}}`)},
	"mail/note.txt":    {Data: []byte(`{{define "body"}}{{.Link}}{{end}}`)},
	"mail/note.html":   {Data: []byte(`{{define "body"}}<a href="{{.Link}}">{{.Name}}</a>{{end}}`)},
}

func TestRender_BindsTheLanguageOfEachRenderAndEscapesHTML(t *testing.T) {
	tm, err := mail.ParseTemplates(templates, "mail")
	if err != nil {
		t.Fatal(err)
	}
	fr := func(id string, kv ...any) string { return "Bonjour" }
	zh := func(id string, kv ...any) string { return "您好" }
	data := map[string]any{"Name": "<b>Ana</b>", "Link": "https://x.example/a?b=1&c=2", "SettingsLink": "https://x.example/s"}
	text, html, err := tm.Render("note", fr, data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, "Bonjour <b>Ana</b>\nhttps://x.example/a?b=1&c=2") {
		t.Errorf("text: %q", text)
	}
	if !strings.Contains(html, "&lt;b&gt;Ana&lt;/b&gt;") || !strings.Contains(html, `href="https://x.example/a?b=1&amp;c=2"`) {
		t.Errorf("html not escaped: %q", html)
	}
	if text, _, _ := tm.Render("note", zh, data); !strings.HasPrefix(text, "您好") {
		t.Errorf("second render kept the first language: %q", text)
	}
	if _, _, err := tm.Render("missing", fr, data); err == nil {
		t.Error("an unknown template rendered")
	}
	broken := fstest.MapFS{"mail/layout.txt": templates["mail/layout.txt"], "mail/layout.html": templates["mail/layout.html"],
		"mail/half.txt": {Data: []byte(`{{define "body"}}x{{end}}`)}}
	if _, err := mail.ParseTemplates(broken, "mail"); err == nil {
		t.Error("a text template without its HTML version was accepted")
	}
}

func TestSend_DeliversBothAlternativesHeadersAndAttachment(t *testing.T) {
	srv := mailtest.Start(t)
	cfg, err := mail.ParseConfig(srv.URL(), "Silkbridge <noreply@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	m := &mail.Message{To: "ana@example.org", ToName: "Ana Pérez", Subject: "Résultat — 结果", Lang: "fr",
		Text: "Bonjour Ana, voici le lien : https://x.example/a", HTML: "<p>Bonjour <a href=\"https://x.example/a\">Ana</a></p>",
		Unsubscribe: "https://x.example/unsubscribe?token=abc",
		Attachments: []mail.Attachment{{Name: "agenda.ics", ContentType: "text/calendar", Data: []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")}}}
	if err := mail.NewSender(cfg).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, "ana@example.org", 10*time.Second)
	if got.Subject != m.Subject {
		t.Errorf("subject %q", got.Subject)
	}
	if got.From != "noreply@example.org" {
		t.Errorf("envelope from %q", got.From)
	}
	if !strings.Contains(got.Text, "https://x.example/a") || !strings.Contains(got.HTML, `<a href="https://x.example/a">`) {
		t.Errorf("bodies: text %q html %q", got.Text, got.HTML)
	}
	if h := got.Header.Get("List-Unsubscribe"); h != "<https://x.example/unsubscribe?token=abc>" {
		t.Errorf("List-Unsubscribe %q", h)
	}
	if h := got.Header.Get("List-Unsubscribe-Post"); h != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post %q", h)
	}
	if h := got.Header.Get("Content-Language"); h != "fr" {
		t.Errorf("Content-Language %q", h)
	}
	if string(got.Attachments["agenda.ics"]) != "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n" || got.AttachmentTypes["agenda.ics"] != "text/calendar" {
		t.Errorf("attachment %q (%s)", got.Attachments["agenda.ics"], got.AttachmentTypes["agenda.ics"])
	}
}

func TestSend_AnUnreachableServerIsAnError(t *testing.T) {
	srv := mailtest.Start(t)
	cfg, err := mail.ParseConfig(srv.URL(), "noreply@example.org")
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	err = mail.NewSender(cfg).Send(context.Background(), &mail.Message{To: "a@example.org", Subject: "s", Text: "t", HTML: "<p>t</p>"})
	if err == nil {
		t.Fatal("sending to a stopped server succeeded")
	}
}
