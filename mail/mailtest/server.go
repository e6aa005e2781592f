// Package mailtest runs a real SMTP server (emersion/go-smtp) inside a
// test's process and keeps the mail it receives, parsed from its MIME
// form, so that tests check what a recipient's mail client would show.
package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Received is one delivered mail.
type Received struct {
	From    string
	To      []string
	Header  mail.Header
	Subject string
	// Text and HTML are the decoded bodies of the two alternatives.
	Text, HTML string
	// Attachments by file name, decoded, with their content types.
	Attachments     map[string][]byte
	AttachmentTypes map[string]string
	Raw             []byte
}

// Server is an SMTP server on a loopback port.
type Server struct {
	addr string
	mu   sync.Mutex
	srv  *smtp.Server
	ln   net.Listener
	got  []*Received
	// arrived is signalled on every delivery.
	arrived chan struct{}
}

// Start starts a server on a free loopback port; it stops with the test.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{addr: ln.Addr().String(), arrived: make(chan struct{}, 1000)}
	s.serve(ln)
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) serve(ln net.Listener) {
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	srv.MaxMessageBytes = 10 << 20
	s.mu.Lock()
	s.srv, s.ln = srv, ln
	s.mu.Unlock()
	go srv.Serve(ln)
}

// URL is the server's address as --smtp-url takes it.
func (s *Server) URL() string { return "smtp://" + s.addr }

// Stop closes the server: connections are refused until Restart.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		// The listener is closed here too: Serve may not have taken it yet.
		ln.Close()
		srv.Close()
	}
}

// Restart listens again on the same address.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	s.serve(ln)
}

// Received returns the mail delivered so far.
func (s *Server) Received() []*Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Received(nil), s.got...)
}

// WaitFor waits until a mail to the address has arrived, and returns it;
// it fails the test when none has come within limit.
func (s *Server) WaitFor(t testing.TB, to string, limit time.Duration) *Received {
	t.Helper()
	return s.Wait(t, limit, "to "+to, func(m *Received) bool {
		for _, rcpt := range m.To {
			if strings.EqualFold(rcpt, to) {
				return true
			}
		}
		return false
	})
}

// Wait waits until a mail that match accepts has arrived, and returns the
// first such; it fails the test when none has come within limit.
func (s *Server) Wait(t testing.TB, limit time.Duration, what string, match func(*Received) bool) *Received {
	t.Helper()
	deadline := time.After(limit)
	for {
		for _, m := range s.Received() {
			if match(m) {
				return m
			}
		}
		select {
		case <-s.arrived:
		case <-deadline:
			t.Fatalf("no mail %s within %s (received %d)", what, limit, len(s.Received()))
			return nil
		}
	}
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}
func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := Parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: err.Error()}
	}
	m.From, m.To = x.from, x.to
	x.s.mu.Lock()
	x.s.got = append(x.s.got, m)
	x.s.mu.Unlock()
	x.s.arrived <- struct{}{}
	return nil
}

// Parse reads a mail in its MIME form.
func Parse(raw []byte) (*Received, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return nil, fmt.Errorf("subject: %w", err)
	}
	m := &Received{Header: msg.Header, Subject: subject, Raw: raw, Attachments: map[string][]byte{}, AttachmentTypes: map[string]string{}}
	if err := m.walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), "", msg.Body); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Received) walk(contentType, encoding, disposition string, body io.Reader) error {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := m.walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p); err != nil {
				return err
			}
		}
	}
	var r io.Reader = body
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if disposition != "" {
		if _, dp, err := mime.ParseMediaType(disposition); err == nil && dp["filename"] != "" {
			m.Attachments[dp["filename"]] = data
			m.AttachmentTypes[dp["filename"]] = mt
			return nil
		}
	}
	switch mt {
	case "text/plain":
		m.Text = string(data)
	case "text/html":
		m.HTML = string(data)
	}
	return nil
}
