package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/cooperation"
	"github.com/silkbridge/silkbridge/opportunity"
	"github.com/silkbridge/silkbridge/store"
)

// Expressions of interest: a member (for themselves or an organisation
// they manage) answers a listing; the owner's managers accept or decline;
// an accepted interest shows both sides each other's contacts and can
// become a cooperation in one step.

func (s *Server) interestRoutes() {
	s.page("POST /market/{id}/interests", s.createInterest)
	s.page("GET /interests/{id}", s.showInterest)
	s.page("POST /interests/{id}/accept", s.decideInterest(opportunity.DecisionAccept))
	s.page("POST /interests/{id}/decline", s.decideInterest(opportunity.DecisionDecline))
	s.page("POST /interests/{id}/cooperation", s.convertInterest)

	s.handleAPI("GET /api/v1/opportunities/{id}/interests", Op{Summary: "The interests in a listing (its owner's managers and officers)",
		Tag: "marketplace", Response: []interestView{}, Auth: true}, s.apiListingInterests)
	s.handleAPI("POST /api/v1/opportunities/{id}/interests", Op{Summary: "Express interest in an open listing, for yourself or an organisation you manage",
		Tag: "marketplace", Request: interestInput{}, Response: interestView{}, Auth: true, Status: http.StatusCreated}, s.apiCreateInterest)
	s.handleAPI("GET /api/v1/interests", Op{Summary: "Your interests: those you sent and those your organisations received",
		Tag: "marketplace", Response: myInterests{}, Auth: true}, s.apiMyInterests)
	s.handleAPI("GET /api/v1/interests/{id}", Op{Summary: "One interest (its two sides and officers); contacts once accepted",
		Tag: "marketplace", Response: interestView{}, Auth: true}, s.apiGetInterest)
	s.handleAPI("POST /api/v1/interests/{id}/accept", Op{Summary: "Accept an interest (the listing owner's managers): both sides see each other's contacts",
		Tag: "marketplace", Response: interestView{}, Auth: true}, s.apiDecideInterest(opportunity.DecisionAccept))
	s.handleAPI("POST /api/v1/interests/{id}/decline", Op{Summary: "Decline an interest (the listing owner's managers)",
		Tag: "marketplace", Response: interestView{}, Auth: true}, s.apiDecideInterest(opportunity.DecisionDecline))
	s.handleAPI("POST /api/v1/interests/{id}/cooperation", Op{Summary: "Turn an accepted interest into a cooperation (the listing owner's managers)",
		Tag: "marketplace", Response: cooperation.Cooperation{}, Auth: true, Status: http.StatusCreated}, s.apiConvertInterest)
}

// interestInput is the body of the API's interest call and what the
// interest form posts.
type interestInput struct {
	FromOrgID     string `json:"from_organisation_id"`
	WhoWeAre      string `json:"who_we_are"`
	WhatWePropose string `json:"what_we_propose"`
	WhatWeNeed    string `json:"what_we_need"`
}

// interestView is an interest as one of its readers sees it: the owner's
// contact appears for the sender once the interest is accepted.
type interestView struct {
	*opportunity.Interest
	OwnerContact *opportunity.Contact `json:"owner_contact,omitempty"`
}

// myInterests is what GET /api/v1/interests answers.
type myInterests struct {
	Sent     []interestView `json:"sent"`
	Received []interestView `json:"received"`
}

// interestSides says how the user stands to an interest.
type interestSides struct {
	Sender  bool // sent it, or manages the organisation it spoke for
	Owner   bool // manages the listing's owner
	Officer bool
}

func interestSidesOf(u *account.User, i *opportunity.Interest, x *opportunity.Opportunity) interestSides {
	if u == nil {
		return interestSides{}
	}
	return interestSides{
		Sender:  i.FromUserID == u.ID || (i.FromOrgID != "" && u.Manages(i.FromOrgID)),
		Owner:   u.Manages(x.OwnerOrgID),
		Officer: u.IsOfficer(),
	}
}

func (sd interestSides) any() bool { return sd.Sender || sd.Owner || sd.Officer }

// viewInterest returns what the user may see of an interest: contacts
// only once it is accepted (officers always see them), the owner's
// contact only to the sender's side.
func (s *Server) viewInterest(ctx context.Context, u *account.User, i *opportunity.Interest, x *opportunity.Opportunity) (interestView, error) {
	sd := interestSidesOf(u, i, x)
	v := *i
	if i.Status != opportunity.Accepted && !sd.Officer {
		v.From.HideContact()
	}
	out := interestView{Interest: &v}
	if i.Status == opportunity.Accepted && (sd.Sender || sd.Officer) {
		c, err := s.store.OwnerContact(ctx, i)
		if err != nil {
			return out, err
		}
		out.OwnerContact = c
	}
	return out, nil
}

// readableInterest loads the interest of the path for one of its sides or
// an officer; to anyone else it does not exist.
func (s *Server) readableInterest(r *http.Request) (*opportunity.Interest, *opportunity.Opportunity, interestSides, error) {
	u := currentUser(r)
	if u == nil {
		return nil, nil, interestSides{}, silkbridge.Unauthorized()
	}
	i, err := s.store.Interest(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, nil, interestSides{}, err
	}
	x, err := s.store.Opportunity(r.Context(), i.OpportunityID)
	if err != nil {
		return nil, nil, interestSides{}, err
	}
	sd := interestSidesOf(u, i, x)
	if !sd.any() {
		return nil, nil, sd, silkbridge.NotFound("interest")
	}
	return i, x, sd, nil
}

// sendInterest checks that the user may speak for the organisation named
// and stores the interest.
func (s *Server) sendInterest(r *http.Request, in interestInput) (*opportunity.Interest, error) {
	u := currentUser(r)
	x, err := s.readableListing(r)
	if err != nil {
		return nil, err
	}
	i := &opportunity.Interest{OpportunityID: x.ID, FromOrgID: strings.TrimSpace(in.FromOrgID), WhoWeAre: in.WhoWeAre,
		WhatWePropose: in.WhatWePropose, WhatWeNeed: in.WhatWeNeed}
	if i.FromOrgID != "" && silkbridge.ValidID(i.FromOrgID) && !u.Manages(i.FromOrgID) {
		return nil, silkbridge.Forbidden()
	}
	if err := s.store.CreateInterest(r.Context(), store.Actor{UserID: u.ID}, i); err != nil {
		return nil, err
	}
	s.mailInterestReceived(r.Context(), i)
	return i, nil
}

func (s *Server) createInterest(w http.ResponseWriter, r *http.Request) error {
	if currentUser(r) == nil {
		return silkbridge.Unauthorized()
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	f := r.PostForm
	i, err := s.sendInterest(r, interestInput{FromOrgID: f.Get("from_organisation_id"), WhoWeAre: f.Get("who_we_are"),
		WhatWePropose: f.Get("what_we_propose"), WhatWeNeed: f.Get("what_we_need")})
	if err != nil {
		code := silkbridge.ErrorCode(err)
		if x, lerr := s.readableListing(r); lerr == nil && (code == silkbridge.EINVALID || code == silkbridge.EMALFORMED) {
			return s.listingFormError(w, r, x, err)
		}
		return err
	}
	s.redirectFlash(w, r, "/interests/"+i.ID, s.T(r, "market.interest.sent"))
	return nil
}

func (s *Server) showInterest(w http.ResponseWriter, r *http.Request) error {
	i, x, sd, err := s.readableInterest(r)
	if err != nil {
		return err
	}
	u := currentUser(r)
	v, err := s.viewInterest(r.Context(), u, i, x)
	if err != nil {
		return err
	}
	revealed := sd.Sender && i.Status == opportunity.Accepted
	clearFlash(w, r)
	s.render(w, r, "market/interest", http.StatusOK, &Page{Title: s.T(r, "market.interest.title", "Title", x.Title), Data: map[string]any{
		"Interest": v, "Listing": viewListing(u, x, revealed), "Sides": sd,
		"CanDecide":  sd.Owner && i.Status == opportunity.Pending,
		"CanConvert": sd.Owner && i.Status == opportunity.Accepted && i.CooperationID == "" && i.FromOrgID != "",
	}})
	return nil
}

// decidingInterest loads the interest of the path for a manager of the
// listing's owner.
func (s *Server) decidingInterest(r *http.Request) (*opportunity.Interest, error) {
	i, _, sd, err := s.readableInterest(r)
	if err != nil {
		return nil, err
	}
	if !sd.Owner {
		return nil, silkbridge.Forbidden()
	}
	return i, nil
}

func (s *Server) decideInterest(decision string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		i, err := s.decidingInterest(r)
		if err != nil {
			return err
		}
		after, err := s.store.DecideInterest(r.Context(), store.Actor{UserID: currentUser(r).ID}, i.ID, decision)
		if err != nil {
			return err
		}
		s.mailInterestAccepted(r.Context(), after)
		msg := "market.interest.accepted"
		if decision == opportunity.DecisionDecline {
			msg = "market.interest.declined"
		}
		s.redirectFlash(w, r, "/interests/"+i.ID, s.T(r, msg))
		return nil
	}
}

func (s *Server) convertInterest(w http.ResponseWriter, r *http.Request) error {
	i, err := s.decidingInterest(r)
	if err != nil {
		return err
	}
	c, err := s.store.ConvertInterest(r.Context(), store.Actor{UserID: currentUser(r).ID}, i.ID)
	if err != nil {
		return err
	}
	s.redirectFlash(w, r, "/interests/"+i.ID+"?cooperation="+c.ID, s.T(r, "market.interest.converted"))
	return nil
}

func (s *Server) apiListingInterests(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	x, err := s.readableListing(r)
	if err != nil {
		return err
	}
	if !u.Manages(x.OwnerOrgID) && !u.IsOfficer() {
		return silkbridge.Forbidden()
	}
	list, err := s.store.InterestsIn(r.Context(), x.ID)
	if err != nil {
		return err
	}
	out := make([]interestView, 0, len(list))
	for _, i := range list {
		v, err := s.viewInterest(r.Context(), u, i, x)
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiCreateInterest(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	var in interestInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	i, err := s.sendInterest(r, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/interests/"+i.ID)
	writeJSON(w, http.StatusCreated, interestView{Interest: i})
	return nil
}

func (s *Server) apiMyInterests(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	sent, received, err := s.interestsOf(r, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, myInterests{Sent: sent, Received: received})
	return nil
}

// interestsOf returns the interests a member sent and those their
// organisations received, as the member may see them.
func (s *Server) interestsOf(r *http.Request, u *account.User) (sent, received []interestView, err error) {
	ctx := r.Context()
	view := func(list []*opportunity.Interest) ([]interestView, error) {
		out := make([]interestView, 0, len(list))
		for _, i := range list {
			x, err := s.store.Opportunity(ctx, i.OpportunityID)
			if err != nil {
				return nil, err
			}
			v, err := s.viewInterest(ctx, u, i, x)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	s1, err := s.store.InterestsSent(ctx, u.ID, u.Orgs)
	if err != nil {
		return nil, nil, err
	}
	if sent, err = view(s1); err != nil {
		return nil, nil, err
	}
	r1, err := s.store.InterestsReceived(ctx, u.Orgs)
	if err != nil {
		return nil, nil, err
	}
	received, err = view(r1)
	return sent, received, err
}

func (s *Server) apiGetInterest(w http.ResponseWriter, r *http.Request) error {
	i, x, _, err := s.readableInterest(r)
	if err != nil {
		return err
	}
	v, err := s.viewInterest(r.Context(), currentUser(r), i, x)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) apiDecideInterest(decision string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := writeAccess(r); err != nil {
			return err
		}
		i, err := s.decidingInterest(r)
		if err != nil {
			return err
		}
		after, err := s.store.DecideInterest(r.Context(), store.Actor{UserID: currentUser(r).ID}, i.ID, decision)
		if err != nil {
			return err
		}
		s.mailInterestAccepted(r.Context(), after)
		writeJSON(w, http.StatusOK, interestView{Interest: after})
		return nil
	}
}

func (s *Server) apiConvertInterest(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	i, err := s.decidingInterest(r)
	if err != nil {
		return err
	}
	c, err := s.store.ConvertInterest(r.Context(), store.Actor{UserID: currentUser(r).ID}, i.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cooperations/"+c.ID)
	writeJSON(w, http.StatusCreated, c)
	return nil
}

// exportMarketplace gathers what the marketplace holds of a member for
// their data download.
func exportMarketplace(ctx context.Context, st *store.Store, userID string) (string, any, error) {
	sent, err := st.InterestsSent(ctx, userID, nil)
	if err != nil {
		return "marketplace", nil, err
	}
	searches, err := st.SavedSearches(ctx, userID)
	if err != nil {
		return "marketplace", nil, err
	}
	notes, _, err := st.Notifications(ctx, userID, 200)
	if err != nil {
		return "marketplace", nil, err
	}
	return "marketplace", map[string]any{"interests_sent": sent, "saved_searches": searches, "notifications": notes}, nil
}
