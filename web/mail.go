package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/riverqueue/river"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/mail"
	"github.com/silkbridge/silkbridge/store"
)

// Mail leaves the site only from a background job (kind "mail"): a
// request records its change, then enqueues the mail, which the job
// renders in the recipient's language and sends; an unreachable server
// fails the job, which River retries with back-off, never the request.

// Notification kinds a person can choose to receive by mail (each is a
// mail template of the same name). Account mails (reset, verification,
// invitation) answer the person's own request and are always sent.
var mailKinds = []string{"interest_received", "interest_accepted", "saved_search", "programme_result", "meeting_request", "agenda", "event_reminder"}

func isMailKind(name string) bool {
	for _, k := range mailKinds {
		if k == name {
			return true
		}
	}
	return false
}

const (
	// unsubscribeFor is how long an unsubscribe link works: a person
	// may act on an old mail.
	unsubscribeFor = 400 * 24 * time.Hour
	// verifyFor is how long an address verification link works.
	verifyFor = 7 * 24 * time.Hour
	// mailKeyName names the key that signs mail links (store.SiteKey).
	mailKeyName = "mail_links"
)

// Mailer renders and sends the site's mail; its worker is registered
// with the job client (Register) before the server exists.
type Mailer struct {
	st      *store.Store
	log     *slog.Logger
	sender  *mail.Sender
	tmpl    *mail.Templates
	i18n    *i18n.Bundle
	baseURL string
}

// NewMailer returns the mailer that sends through cfg's server, with
// links built from baseURL.
func NewMailer(st *store.Store, log *slog.Logger, cfg *mail.Config, baseURL string) (*Mailer, error) {
	if cfg == nil {
		return nil, errors.New("mail: no SMTP server configured")
	}
	b, err := loadCatalogues()
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	t, err := mail.ParseTemplates(sub, "mail")
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Mailer{st: st, log: log, sender: mail.NewSender(cfg), tmpl: t, i18n: b, baseURL: baseURL}, nil
}

// Register adds the mail workers to the job client's workers.
func (m *Mailer) Register(w *river.Workers) {
	river.AddWorker(w, &mailWorker{m: m})
	river.AddWorker(w, &digestWorker{m: m})
	river.AddWorker(w, &reminderWorker{m: m})
}

// PeriodicJobs are the mailer's jobs on a schedule, looked for every
// hour: the saved-search digests and the reminders of tomorrow's events.
func (m *Mailer) PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return DigestArgs{}, nil },
			&river.PeriodicJobOpts{ID: "saved_search_digest", RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return ReminderArgs{}, nil },
			&river.PeriodicJobOpts{ID: "event_reminders", RunOnStart: true}),
	}
}

type mailWorker struct {
	river.WorkerDefaults[mail.Args]
	m *Mailer
}

// Work composes the mail at the time of sending, so that it says what is
// true then (the recipient's language, preferences and verified address)
// and so that the secrets of its links are made here, never kept in the
// job's arguments.
func (w *mailWorker) Work(ctx context.Context, job *river.Job[mail.Args]) error {
	msg, skip, err := w.m.compose(ctx, job.Args)
	if silkbridge.ErrorCode(err) == silkbridge.ENOTFOUND {
		// The recipient's account was deleted since.
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if skip != "" {
		w.m.log.Info("mail not sent", "template", job.Args.Template, "user", job.Args.UserID, "reason", skip)
		return nil
	}
	if err := w.m.sender.Send(ctx, msg); err != nil {
		w.m.log.Warn("mail not sent; it will be retried", "template", job.Args.Template, "attempt", job.Attempt, "err", err)
		return err
	}
	w.m.log.Info("mail sent", "template", job.Args.Template, "user", job.Args.UserID)
	return nil
}

// compose renders the mail of a; skip says why it is not to be sent.
func (m *Mailer) compose(ctx context.Context, a mail.Args) (msg *mail.Message, skip string, err error) {
	if !m.tmpl.Has(a.Template) {
		return nil, "", river.JobCancel(fmt.Errorf("mail: no template %q", a.Template))
	}
	data := map[string]any{"Name": "", "UnsubscribeLink": ""}
	for k, v := range a.Data {
		switch {
		case strings.HasSuffix(k, "Link"):
			data[k] = absoluteURL(m.baseURL, v)
		case strings.HasSuffix(k, "List"):
			// Lists travel as lines: the job's data are strings.
			data[k] = strings.Split(v, "\n")
		default:
			data[k] = v
		}
	}
	msg = &mail.Message{To: a.To}
	lang := a.Lang
	if a.UserID != "" {
		rec, err := m.st.MailRecipient(ctx, a.UserID)
		if err != nil {
			return nil, "", err
		}
		if rec.Lang != "" {
			lang = rec.Lang
		}
		msg.To, msg.ToName, data["Name"] = rec.Email, rec.Name, rec.Name
		if isMailKind(a.Template) {
			if !rec.Verified {
				return nil, "the address is not verified", nil
			}
			off, err := m.st.MailOptOuts(ctx, rec.ID)
			if err != nil {
				return nil, "", err
			}
			if off[a.Template] {
				return nil, "the person chose not to receive it by mail", nil
			}
			key, err := m.st.SiteKey(ctx, mailKeyName)
			if err != nil {
				return nil, "", err
			}
			tok := mail.SignToken(key, "unsubscribe", rec.ID+"|"+a.Template, time.Now().Add(unsubscribeFor))
			msg.Unsubscribe = absoluteURL(m.baseURL, "/unsubscribe?token="+url.QueryEscape(tok))
			data["UnsubscribeLink"] = msg.Unsubscribe
		}
		switch a.Template {
		case "reset":
			// The secret is made now, and only its hash is kept: a new
			// attempt makes a new link and the old one dies.
			secret, u, err := m.st.RequestPasswordReset(ctx, rec.Email)
			if err != nil {
				return nil, "", err
			}
			if u == nil {
				return nil, "", silkbridge.NotFound("user")
			}
			data["Link"] = absoluteURL(m.baseURL, "/password/reset?token="+url.QueryEscape(secret))
		case "verify":
			if rec.Verified {
				return nil, "the address is verified already", nil
			}
			key, err := m.st.SiteKey(ctx, mailKeyName)
			if err != nil {
				return nil, "", err
			}
			tok := mail.SignToken(key, "verify", rec.ID+"|"+rec.Email, time.Now().Add(verifyFor))
			data["Link"] = absoluteURL(m.baseURL, "/account/verify?token="+url.QueryEscape(tok))
		}
	}
	if msg.To == "" {
		return nil, "", river.JobCancel(errors.New("mail: no recipient"))
	}
	l, ok := languageByTag(lang)
	if !ok {
		l = Languages[0]
	}
	tr := &translator{lang: l, loc: i18n.NewLocalizer(m.i18n, l.Tag, "en")}
	data["Lang"], data["Dir"] = l.Tag, "ltr"
	if l.RTL {
		data["Dir"] = "rtl"
	}
	data["SettingsLink"] = absoluteURL(m.baseURL, "/account/notifications")
	msg.Lang = l.Tag
	msg.Subject = tr.tmap("mail."+a.Template+".subject", data, a.Template)
	data["Subject"] = msg.Subject
	if a.Template == "agenda" {
		if err := m.attachAgenda(ctx, msg, tr, a, data); err != nil {
			return nil, "", err
		}
	}
	msg.Text, msg.HTML, err = m.tmpl.Render(a.Template, tr.T, data)
	if err != nil {
		return nil, "", river.JobCancel(err)
	}
	return msg, "", nil
}

// mailOn reports whether this site sends mail.
func (s *Server) mailOn() bool { return s.cfg.Mail != nil }

// sendMail enqueues a mail after the change it tells of has committed.
// Without a mail server it does nothing. A queue that refuses the job is
// logged, not answered: the change is made, and the site shows it.
func (s *Server) sendMail(ctx context.Context, a mail.Args) {
	if !s.mailOn() {
		return
	}
	if err := s.enqueue(ctx, a); err != nil {
		s.log.Error("mail not queued", "template", a.Template, "user", a.UserID, "err", err)
	}
}

// mailKey is the key that signs unsubscribe and verification links.
func (s *Server) mailKey(ctx context.Context) ([]byte, error) {
	return s.store.SiteKey(ctx, mailKeyName)
}

// attachAgenda attaches the recipient's agenda at the event as an
// iCalendar, and counts its meetings for the body.
func (m *Mailer) attachAgenda(ctx context.Context, msg *mail.Message, tr *translator, a mail.Args, data map[string]any) error {
	e, err := m.st.Event(ctx, a.Data["EventID"])
	if err != nil {
		return err
	}
	items, err := agendaItems(ctx, m.st, e.ID, a.UserID)
	if err != nil {
		return err
	}
	stamp := e.UpdatedAt
	if sc, err := m.st.Schedule(ctx, e.ID); err == nil {
		stamp = sc.RunAt
	}
	var b bytes.Buffer
	cal := agendaCalendarOf(tr.T, e, items, stamp, absoluteURL(m.baseURL, "/events/"+e.ID+"/agenda"))
	if _, err := cal.WriteTo(&b); err != nil {
		return err
	}
	msg.Attachments = append(msg.Attachments, mail.Attachment{Name: "agenda.ics", ContentType: "text/calendar", Data: b.Bytes()})
	data["Meetings"] = len(items)
	return nil
}
