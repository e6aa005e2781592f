package mail

import "github.com/riverqueue/river"

// Args is the background job that renders and sends one mail: to a user
// (in their chosen language, at their verified address) or to an address
// without an account (an invitation), in Lang.
type Args struct {
	UserID   string            `json:"user_id,omitempty"`
	To       string            `json:"to,omitempty"`
	Template string            `json:"template"`
	Lang     string            `json:"lang,omitempty"`
	Data     map[string]string `json:"data,omitempty"`
}

// Kind names the job in River's tables.
func (Args) Kind() string { return "mail" }

// InsertOpts: an SMTP server that is down is tried again with River's
// growing back-off (attempt⁴ seconds), for about a day and a half.
func (Args) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 12} }
