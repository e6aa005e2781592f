// Package mail composes and sends Silkbridge's mail over SMTP: a message
// rendered from templates in the recipient's language, with a plain-text
// and an HTML alternative, and the headers that let a mail client offer
// unsubscribing. It holds no SQL: who receives what is decided by the
// caller, and sending happens in a background job, never in a request.
package mail

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
)

// Config is where and as whom mail is sent.
type Config struct {
	Host     string
	Port     int
	Username string
	Password string
	// ImplicitTLS speaks TLS from the first byte (smtps://); otherwise
	// STARTTLS is used when the server offers it.
	ImplicitTLS bool
	// From is the sender's address, with an optional display name.
	From string
}

// ParseConfig reads an SMTP URL (smtp://user:pass@host:port, or smtps://
// for implicit TLS) and the sender's address. An empty URL is no mail: it
// returns nil and no error.
func ParseConfig(rawURL, from string) (*Config, error) {
	if strings.TrimSpace(rawURL) == "" {
		return nil, nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		// url's error repeats the URL, password included.
		return nil, fmt.Errorf("smtp url: not a URL of the form smtp://user:password@host:port")
	}
	c := &Config{}
	switch u.Scheme {
	case "smtp":
		c.Port = 587
	case "smtps":
		c.ImplicitTLS, c.Port = true, 465
	default:
		return nil, fmt.Errorf("smtp url: scheme %q: use smtp:// (STARTTLS when offered) or smtps:// (implicit TLS)", u.Scheme)
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return nil, fmt.Errorf("smtp url: no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("smtp url: port %q is not a port number", p)
		}
		c.Port = n
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("smtp url: unexpected path %q", u.Path)
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if strings.TrimSpace(from) == "" {
		return nil, fmt.Errorf("mail from: a sender address is needed with an SMTP URL")
	}
	a, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail from: %q is not an e-mail address", from)
	}
	c.From = a.String()
	return c, nil
}

// Addr is the server's host:port.
func (c *Config) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }
