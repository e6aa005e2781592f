package opportunity

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
)

// MaxSavedSearches bounds the saved searches of one member.
const MaxSavedSearches = 50

// SavedSearch is a filter a member keeps: new listings that match it
// become notifications in the site (and mail, when the platform has a mail
// server), and its Atom feed lists the current matches.
type SavedSearch struct {
	ID     string `json:"id"`
	UserID string `json:"-"`
	Name   string `json:"name"`
	Filter Filter `json:"filter"`
	// Notify asks for a notification of every new match.
	Notify bool `json:"notify"`
	// FeedToken is the secret part of the feed's address: feed readers
	// cannot sign in, so whoever holds the address may read the feed.
	FeedToken string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Normalise trims the name and clears what a saved search does not keep:
// it always looks at open listings, page by page.
func (s *SavedSearch) Normalise() {
	s.Name = strings.TrimSpace(s.Name)
	s.Filter.Query = strings.TrimSpace(s.Filter.Query)
	s.Filter.Status, s.Filter.OwnerOrgID = "", ""
	s.Filter.Page, s.Filter.PerPage = 0, 0
	s.Filter.Visible, s.Filter.PublishedAfter, s.Filter.OnlyID = nil, time.Time{}, ""
}

// Validate checks the name and the filter.
func (s *SavedSearch) Validate(ref Checker) error {
	var p silkbridge.Problems
	if p.Required("name", s.Name) {
		p.MaxLen("name", s.Name, 100)
	}
	if err := s.Filter.Validate(ref); err != nil {
		return mergeProblems(&p, err)
	}
	return p.Err()
}

// mergeProblems returns one error holding the problems of p and of err.
func mergeProblems(p *silkbridge.Problems, err error) error {
	e, ok := errors.AsType[*silkbridge.Error](err)
	if !ok {
		return err
	}
	for _, f := range e.Fields {
		p.Add(f.Field, f.MessageID, f.Message, f.Data)
	}
	return p.Err()
}

// NewFeedToken returns a fresh, unguessable feed token (256 random bits).
func NewFeedToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ValidFeedToken reports whether s has the form of a feed token, so that
// malformed addresses are turned away before the database is asked.
func ValidFeedToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// Kinds of notification.
const (
	NotifyMatch            = "match"             // a new listing matches a saved search
	NotifyInterest         = "interest"          // someone expressed interest in your organisation's listing
	NotifyInterestAccepted = "interest_accepted" // your interest was accepted
	NotifyInterestDeclined = "interest_declined" // your interest was declined
	NotifyApproved         = "approved"          // an officer published your organisation's listing
	NotifyReturned         = "returned"          // an officer returned it with a comment
	NotifyCooperation      = "cooperation"       // an interest became a cooperation
)

// Notification tells a member of something in the marketplace.
type Notification struct {
	ID            string `json:"id"`
	UserID        string `json:"-"`
	Kind          string `json:"kind"`
	OpportunityID string `json:"opportunity_id,omitempty"`
	InterestID    string `json:"interest_id,omitempty"`
	SavedSearchID string `json:"saved_search_id,omitempty"`
	CooperationID string `json:"cooperation_id,omitempty"`
	// Title is the listing's title when the notification was made.
	Title     string     `json:"title"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}
