package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/mail"
	"github.com/silkbridge/silkbridge/opportunity"
	"github.com/silkbridge/silkbridge/store"
)

// A saved search's new matches are mailed as their owner chose for it:
// each at once, in a daily or weekly digest, or never. The digests are a
// periodic job; the matches stay in the site's notifications either way.

// DigestArgs is the periodic job that mails the saved-search digests due.
type DigestArgs struct{}

// Kind names the job in River's tables.
func (DigestArgs) Kind() string { return "saved_search_digest" }

// InsertOpts: the next hour's run tries again anyway.
func (DigestArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3} }

type digestWorker struct {
	river.WorkerDefaults[DigestArgs]
	m *Mailer
}

// Work sends each due digest and records it as sent, one at a time: when
// the mail server fails, the digests already sent stay sent and the job's
// retry sends the rest.
func (w *digestWorker) Work(ctx context.Context, job *river.Job[DigestArgs]) error {
	at := time.Now().UTC()
	due, err := w.m.st.DueDigests(ctx, at)
	if err != nil {
		return err
	}
	for _, d := range due {
		msg, skip, err := w.m.compose(ctx, mail.Args{UserID: d.UserID, Template: "saved_search",
			Data: map[string]string{"Search": d.Name, "TitlesList": strings.Join(d.Titles, "\n"), "Link": "/market/mine"}})
		if err != nil && silkbridge.ErrorCode(err) != silkbridge.ENOTFOUND {
			return err
		}
		if err == nil && skip == "" {
			if err := w.m.sender.Send(ctx, msg); err != nil {
				w.m.log.Warn("digest not sent; it will be retried", "saved_search", d.SavedSearchID, "err", err)
				return err
			}
		}
		if err := w.m.st.DigestMailed(ctx, d.SavedSearchID, at); err != nil {
			return err
		}
	}
	return nil
}

// mailMatches mails at once the matches of saved searches whose owners
// chose so; the others wait for their digest.
func (s *Server) mailMatches(ctx context.Context, made []opportunity.Notification) {
	if !s.mailOn() {
		return
	}
	for _, n := range made {
		ss, err := s.store.SavedSearch(ctx, n.SavedSearchID)
		if err != nil {
			s.log.Error("mail of a saved search match", "saved_search", n.SavedSearchID, "err", err)
			continue
		}
		every, err := s.store.SavedSearchMail(ctx, ss.UserID)
		if err != nil {
			s.log.Error("mail of a saved search match", "saved_search", n.SavedSearchID, "err", err)
			continue
		}
		if every[ss.ID] != store.MailImmediately {
			continue
		}
		s.sendMail(ctx, mail.Args{UserID: n.UserID, Template: "saved_search",
			Data: map[string]string{"Search": ss.Name, "TitlesList": n.Title, "Link": "/market/" + n.OpportunityID}})
	}
}

func (s *Server) savedSearchMailRoutes() {
	s.page("POST /saved-searches/{id}/mail", s.setSavedSearchMail)
	s.handleAPI("PUT /api/v1/saved-searches/{id}/mail", Op{Summary: "Choose how often a saved search's new matches are mailed: immediately, daily, weekly or never",
		Tag: "marketplace", Request: savedSearchMailInput{}, Response: savedSearchMailInput{}, Auth: true}, s.apiSetSavedSearchMail)
}

// savedSearchMailInput is how often a saved search is mailed.
type savedSearchMailInput struct {
	// MailEvery is immediately, daily, weekly or never.
	MailEvery string `json:"mail_every"`
}

func (s *Server) setSavedSearchMail(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.store.SetSavedSearchMail(r.Context(), store.Actor{UserID: u.ID}, u.ID, r.PathValue("id"), r.PostForm.Get("mail_every")); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/market/mine", s.T(r, "mail.every.saved"))
	return nil
}

func (s *Server) apiSetSavedSearchMail(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	var in savedSearchMailInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.store.SetSavedSearchMail(r.Context(), store.Actor{UserID: u.ID}, u.ID, r.PathValue("id"), in.MailEvery); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}
