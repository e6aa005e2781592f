package mail

import (
	"bytes"
	"context"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one composed mail.
type Message struct {
	To, ToName string
	Subject    string
	// Text and HTML are the two alternatives of the body.
	Text, HTML string
	// Lang is the language of the body (Content-Language).
	Lang string
	// Unsubscribe, when set, is the one-click link that stops this kind of
	// notification (RFC 2369 and RFC 8058 headers).
	Unsubscribe string
	Attachments []Attachment
}

// Attachment is a file sent with a message, e.g. an iCalendar agenda.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Sender sends messages to one SMTP server.
type Sender struct {
	cfg *Config
	// Timeout bounds a connection and each command on it.
	Timeout time.Duration
}

// NewSender returns a sender for cfg.
func NewSender(cfg *Config) *Sender { return &Sender{cfg: cfg, Timeout: 30 * time.Second} }

// Build turns m into go-mail's message.
func (s *Sender) Build(m *Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return nil, fmt.Errorf("mail from: %w", err)
	}
	if m.ToName != "" {
		if err := msg.AddToFormat(m.ToName, m.To); err != nil {
			return nil, fmt.Errorf("mail to: %w", err)
		}
	} else if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("mail to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	if m.Lang != "" {
		msg.SetGenHeader(gomail.HeaderContentLang, m.Lang)
	}
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	if m.Unsubscribe != "" {
		msg.SetGenHeaderPreformatted("List-Unsubscribe", "<"+m.Unsubscribe+">")
		msg.SetGenHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	for _, a := range m.Attachments {
		ct := gomail.ContentType(a.ContentType)
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(ct)); err != nil {
			return nil, fmt.Errorf("attach %s: %w", a.Name, err)
		}
	}
	return msg, nil
}

// Send delivers m. An unreachable server is an error for the caller (a
// background job) to retry.
func (s *Sender) Send(ctx context.Context, m *Message) error {
	msg, err := s.Build(m)
	if err != nil {
		return err
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.Timeout)}
	if s.cfg.ImplicitTLS {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send mail via %s: %w", s.cfg.Addr(), err)
	}
	return nil
}
