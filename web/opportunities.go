package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/opportunity"
	"github.com/silkbridge/silkbridge/organisation"
	"github.com/silkbridge/silkbridge/store"
)

// The marketplace: listings (technology offers and requests, research
// cooperation and partner search), their review by agency officers, and
// search. Interests, saved searches and recommendations have files of
// their own.

func (s *Server) opportunityRoutes() {
	s.page("GET /market", s.listOpportunities)
	s.page("GET /market/new", s.newOpportunityForm)
	s.page("POST /market", s.createOpportunity)
	s.page("GET /market/review", s.reviewQueue)
	s.page("GET /market/{id}", s.showOpportunity)
	s.page("GET /market/{id}/edit", s.editOpportunityForm)
	s.page("POST /market/{id}", s.updateOpportunity)
	s.page("POST /market/{id}/submit", s.opportunityAction(opportunity.ActionSubmit))
	s.page("POST /market/{id}/close", s.opportunityAction(opportunity.ActionClose))
	s.page("POST /market/{id}/approve", s.opportunityAction(opportunity.ActionApprove))
	s.page("POST /market/{id}/return", s.opportunityAction(opportunity.ActionReturn))
	s.page("POST /market/{id}/delete", s.deleteOpportunity)

	filterQuery := map[string]string{
		"q": "free-text search in any of the six UN languages", "kind": "technology_offer, technology_request, research_cooperation or partner_search",
		"field": "FORD field code (sub-fields included)", "country": "owner's country (ISO 3166-1 alpha-2)",
		"seeks": "a country the listing seeks partners from", "bri": "true: only owners in Belt and Road partner countries",
		"trl_min": "lowest technology readiness level (1-9)", "trl_max": "highest technology readiness level (1-9)",
		"deadline_from": "open at least until this day (YYYY-MM-DD)", "deadline_to": "closing on or before this day (YYYY-MM-DD)",
		"status": "open (default), expired, closed; draft and in_review for owners and officers", "owner": "owner organisation id",
		"page": "page number", "per_page": "items per page (at most 100)"}
	s.handleAPI("GET /api/v1/opportunities", Op{Summary: "List and search marketplace listings", Tag: "marketplace",
		Response: List[opportunity.Opportunity]{}, Query: filterQuery}, s.apiListOpportunities)
	s.handleAPI("POST /api/v1/opportunities", Op{Summary: "Create a listing as a draft of an organisation you manage", Tag: "marketplace",
		Request: opportunityInput{}, Response: opportunity.Opportunity{}, Auth: true, Status: http.StatusCreated}, s.apiCreateOpportunity)
	s.handleAPI("GET /api/v1/opportunities/{id}", Op{Summary: "One listing (anonymous owners stay hidden)", Tag: "marketplace",
		Response: opportunity.Opportunity{}}, s.apiGetOpportunity)
	s.handleAPI("PUT /api/v1/opportunities/{id}", Op{Summary: "Replace a listing's content (its owner's managers); a published listing returns to draft",
		Tag: "marketplace", Request: opportunityInput{}, Response: opportunity.Opportunity{}, Auth: true}, s.apiUpdateOpportunity)
	s.handleAPI("DELETE /api/v1/opportunities/{id}", Op{Summary: "Delete a listing without interests (its owner's managers)", Tag: "marketplace",
		Auth: true, Status: http.StatusNoContent}, s.apiDeleteOpportunity)
	for _, a := range []struct{ action, summary string }{
		{opportunity.ActionSubmit, "Submit a draft for review (its owner's managers)"},
		{opportunity.ActionClose, "Close a published listing (its owner's managers)"},
		{opportunity.ActionApprove, "Approve and publish a listing under review (agency officers)"},
		{opportunity.ActionReturn, "Return a listing under review to draft with a comment (agency officers)"},
	} {
		s.handleAPI("POST /api/v1/opportunities/{id}/"+a.action, Op{Summary: a.summary, Tag: "marketplace", Request: reviewInput{}, OptionalBody: true,
			Response: opportunity.Opportunity{}, Auth: true}, s.apiOpportunityAction(a.action))
	}
}

// opportunityInput is the body of the API's create and update calls and
// what the listing form posts.
type opportunityInput struct {
	Kind             string   `json:"kind"`
	OwnerOrgID       string   `json:"owner_organisation_id"`
	Title            string   `json:"title"`
	Description      string   `json:"description"`
	Fields           []string `json:"fields"`
	Keywords         []string `json:"keywords"`
	TRL              int      `json:"trl"`
	PartnershipTypes []string `json:"partnership_types"`
	CountriesSought  []string `json:"countries_sought"`
	Deadline         string   `json:"deadline"`
	Anonymous        bool     `json:"anonymous"`
}

func (in opportunityInput) apply(x *opportunity.Opportunity) {
	x.Kind, x.Title, x.Description, x.Fields, x.Keywords = in.Kind, in.Title, in.Description, in.Fields, in.Keywords
	x.TRL, x.PartnershipTypes, x.CountriesSought, x.Deadline, x.Anonymous = in.TRL, in.PartnershipTypes, in.CountriesSought, in.Deadline, in.Anonymous
}

// reviewInput is the optional body of a status action; returning a
// listing needs the comment.
type reviewInput struct {
	Comment string `json:"comment"`
}

func opportunityFromForm(r *http.Request) (opportunityInput, error) {
	f := r.PostForm
	in := opportunityInput{Kind: f.Get("kind"), OwnerOrgID: f.Get("owner_organisation_id"), Title: f.Get("title"),
		Description: f.Get("description"), Fields: f["fields"], Keywords: splitList(f.Get("keywords")),
		PartnershipTypes: f["partnership_types"], CountriesSought: f["countries_sought"], Deadline: f.Get("deadline"),
		Anonymous: f.Get("anonymous") == "on"}
	if v := strings.TrimSpace(f.Get("trl")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return in, silkbridge.Invalid("trl", "market.field.trl", "a technology readiness level from 1 to 9", map[string]any{"Value": v})
		}
		in.TRL = n
	}
	return in, nil
}

// opportunityForm fills the listing form from a stored listing.
func opportunityForm(x *opportunity.Opportunity) url.Values {
	v := url.Values{"kind": {x.Kind}, "owner_organisation_id": {x.OwnerOrgID}, "title": {x.Title}, "description": {x.Description},
		"fields": x.Fields, "keywords": {strings.Join(x.Keywords, ", ")}, "partnership_types": x.PartnershipTypes,
		"countries_sought": x.CountriesSought, "deadline": {x.Deadline}}
	if x.TRL > 0 {
		v.Set("trl", strconv.Itoa(x.TRL))
	}
	if x.Anonymous {
		v.Set("anonymous", "on")
	}
	return v
}

// today is the day deadlines are read against.
func marketToday() time.Time { return time.Now().UTC() }

// visibility says which listings beyond the public ones the user may see.
func marketVisibility(u *account.User) *opportunity.Visibility {
	if u.IsOfficer() {
		return &opportunity.Visibility{Officer: true}
	}
	v := &opportunity.Visibility{}
	if u != nil {
		v.Orgs = u.Orgs
	}
	return v
}

// canReadListing reports whether the user may read a listing at all:
// everyone once it is approved, its owner's managers and officers always.
func canReadListing(u *account.User, x *opportunity.Opportunity) bool {
	return x.IsPublic() || u.Manages(x.OwnerOrgID) || u.IsOfficer()
}

// viewListing returns what the user may see of a listing: the owner's
// contact only to its managers, officers and senders of an accepted
// interest (revealed); an anonymous owner's name likewise; the officer's
// review comment only to the managers and officers. The status is the
// effective one (a published listing past its deadline reads expired).
func viewListing(u *account.User, x *opportunity.Opportunity, revealed bool) *opportunity.Opportunity {
	v := *x
	v.Status = x.EffectiveStatus(marketToday())
	insider := u.Manages(x.OwnerOrgID) || u.IsOfficer()
	if !insider {
		v.ReviewComment = ""
		if !revealed {
			v.Owner.ContactEmail = ""
		}
		if x.Anonymous && !revealed {
			v.Conceal()
		}
	}
	return &v
}

// revealedTo returns the listings whose owner the user learnt through an
// accepted interest.
func (s *Server) revealedTo(r *http.Request, u *account.User) (map[string]bool, error) {
	if u == nil {
		return map[string]bool{}, nil
	}
	return s.store.RevealedOpportunities(r.Context(), u.ID, u.Orgs)
}

func (s *Server) viewListings(r *http.Request, list []*opportunity.Opportunity) ([]*opportunity.Opportunity, error) {
	u := currentUser(r)
	revealed, err := s.revealedTo(r, u)
	if err != nil {
		return nil, err
	}
	out := make([]*opportunity.Opportunity, len(list))
	for i, x := range list {
		out[i] = viewListing(u, x, revealed[x.ID])
	}
	return out, nil
}

// marketFilter reads and checks the filter of a list request.
func (s *Server) marketFilter(r *http.Request) (opportunity.Filter, error) {
	f, err := opportunity.ParseFilter(r.URL.Query())
	if err != nil {
		return f, err
	}
	if f.Page, err = queryInt(r, "page", 1); err != nil {
		return f, err
	}
	if f.PerPage, err = queryInt(r, "per_page", 20); err != nil {
		return f, err
	}
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return f, err
	}
	if err := f.Validate(ref); err != nil {
		return f, err
	}
	f.Visible = marketVisibility(currentUser(r))
	return f, nil
}

// marketChoices are the option lists the marketplace's forms offer.
func (s *Server) marketChoices(r *http.Request) (map[string]any, error) {
	ref, err := s.store.Reference(r.Context())
	if err != nil {
		return nil, err
	}
	return map[string]any{"Kinds": opportunity.Kinds, "Statuses": opportunity.Statuses, "PartnershipTypes": opportunity.PartnershipTypes,
		"TRLs": []int{1, 2, 3, 4, 5, 6, 7, 8, 9}, "Countries": ref.SortedCountries(requestLanguage(r).Tag), "Fields": ref.Fields}, nil
}

func (s *Server) listOpportunities(w http.ResponseWriter, r *http.Request) error {
	f, ferr := s.marketFilter(r)
	data, err := s.marketChoices(r)
	if err != nil {
		return err
	}
	data["Filter"] = f
	data["Query"] = f.Values().Encode()
	p := &Page{Title: s.T(r, "market.list.title"), Data: data}
	if ferr != nil {
		// A filter that cannot be used shows the list form again with the
		// problem beside the field, and no results.
		if code := silkbridge.ErrorCode(ferr); code != silkbridge.EINVALID && code != silkbridge.EMALFORMED {
			return ferr
		}
		data["Page"] = store.Page{}
		tr := s.translator(requestLanguage(r))
		p.Errors, p.Error = tr.FieldErrors(ferr), tr.Error(ferr)
		s.render(w, r, "market/list", http.StatusUnprocessableEntity, p)
		return nil
	}
	list, page, err := s.store.Opportunities(r.Context(), f)
	if err != nil {
		return err
	}
	if data["Listings"], err = s.viewListings(r, list); err != nil {
		return err
	}
	data["Page"] = page
	clearFlash(w, r)
	s.render(w, r, "market/list", http.StatusOK, p)
	return nil
}

func (s *Server) reviewQueue(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if !u.IsOfficer() {
		return silkbridge.Forbidden()
	}
	page, err := queryInt(r, "page", 1)
	if err != nil {
		return err
	}
	list, pg, err := s.store.Opportunities(r.Context(), opportunity.Filter{Status: opportunity.InReview, Page: page, PerPage: 50})
	if err != nil {
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "market/review", http.StatusOK, &Page{Title: s.T(r, "market.review.title"), Data: map[string]any{
		"Listings": list, "Page": pg}})
	return nil
}

// listingData gathers what the listing page shows to the user.
func (s *Server) listingData(r *http.Request, x *opportunity.Opportunity) (map[string]any, error) {
	u := currentUser(r)
	ctx := r.Context()
	manages := u.Manages(x.OwnerOrgID)
	revealed, err := s.revealedTo(r, u)
	if err != nil {
		return nil, err
	}
	data := map[string]any{
		"Listing": viewListing(u, x, revealed[x.ID]), "CanManage": manages, "IsOfficer": u.IsOfficer(),
		"Open": x.IsOpen(marketToday()), "Revealed": revealed[x.ID] && x.Anonymous,
	}
	if manages || u.IsOfficer() {
		if data["Reviews"], err = s.store.OpportunityReviews(ctx, x.ID); err != nil {
			return nil, err
		}
		if data["Interests"], err = s.store.InterestsIn(ctx, x.ID); err != nil {
			return nil, err
		}
	}
	if u != nil && !manages {
		sent, err := s.store.InterestsSent(ctx, u.ID, u.Orgs)
		if err != nil {
			return nil, err
		}
		var mine []*opportunity.Interest
		for _, i := range sent {
			if i.OpportunityID == x.ID {
				mine = append(mine, i)
			}
		}
		data["MyInterests"] = mine
		var orgs []*organisation.Organisation
		for _, id := range u.Orgs {
			if id == x.OwnerOrgID {
				continue
			}
			o, err := s.store.Organisation(ctx, id)
			if err != nil {
				return nil, err
			}
			orgs = append(orgs, o)
		}
		data["SenderOrgs"] = orgs
	}
	return data, nil
}

// readableListing loads the listing of the path that the user may read;
// one they may not read is not found, so drafts are not revealed.
func (s *Server) readableListing(r *http.Request) (*opportunity.Opportunity, error) {
	x, err := s.store.Opportunity(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if !canReadListing(currentUser(r), x) {
		return nil, silkbridge.NotFound("opportunity")
	}
	return x, nil
}

func (s *Server) showOpportunity(w http.ResponseWriter, r *http.Request) error {
	x, err := s.readableListing(r)
	if err != nil {
		return err
	}
	data, err := s.listingData(r, x)
	if err != nil {
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "market/show", http.StatusOK, &Page{Title: data["Listing"].(*opportunity.Opportunity).Title, Data: data})
	return nil
}

// listingFormError shows the listing page again with the problems of a
// form posted from it (an interest, a return comment).
func (s *Server) listingFormError(w http.ResponseWriter, r *http.Request, x *opportunity.Opportunity, err error) error {
	data, derr := s.listingData(r, x)
	if derr != nil {
		return derr
	}
	return s.formError(w, r, "market/show", &Page{Title: x.Title, Data: data}, err)
}

// managedOrgs returns the organisations the user manages, by name.
func (s *Server) managedOrgs(r *http.Request, u *account.User) ([]*organisation.Organisation, error) {
	out := []*organisation.Organisation{}
	if u == nil {
		return out, nil
	}
	for _, id := range u.Orgs {
		o, err := s.store.Organisation(r.Context(), id)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

func (s *Server) opportunityFormData(r *http.Request, x *opportunity.Opportunity) (map[string]any, error) {
	data, err := s.marketChoices(r)
	if err != nil {
		return nil, err
	}
	if data["Orgs"], err = s.managedOrgs(r, currentUser(r)); err != nil {
		return nil, err
	}
	data["Listing"] = x
	return data, nil
}

func (s *Server) newOpportunityForm(w http.ResponseWriter, r *http.Request) error {
	if currentUser(r) == nil {
		return silkbridge.Unauthorized()
	}
	data, err := s.opportunityFormData(r, &opportunity.Opportunity{})
	if err != nil {
		return err
	}
	form := url.Values{"kind": {r.URL.Query().Get("kind")}}
	if u := currentUser(r); len(u.Orgs) == 1 {
		form.Set("owner_organisation_id", u.Orgs[0])
	}
	s.render(w, r, "market/form", http.StatusOK, &Page{Title: s.T(r, "market.new.title"), Data: data, Form: form})
	return nil
}

func (s *Server) createOpportunity(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	in, err := opportunityFromForm(r)
	x := &opportunity.Opportunity{OwnerOrgID: strings.TrimSpace(in.OwnerOrgID)}
	in.apply(x)
	if x.OwnerOrgID != "" && !u.Manages(x.OwnerOrgID) {
		return silkbridge.Forbidden()
	}
	if err == nil {
		err = s.store.CreateOpportunity(r.Context(), store.Actor{UserID: u.ID}, x)
	}
	if err != nil {
		data, derr := s.opportunityFormData(r, &opportunity.Opportunity{})
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "market/form", &Page{Title: s.T(r, "market.new.title"), Data: data}, err)
	}
	msg := s.T(r, "market.created")
	if r.PostForm.Get("submit") == "review" {
		if _, err := s.store.ReviewOpportunity(r.Context(), store.Actor{UserID: u.ID}, x.ID, opportunity.ActionSubmit, ""); err != nil {
			return err
		}
		msg = s.T(r, "market.submitted")
	}
	s.redirectFlash(w, r, "/market/"+x.ID, msg)
	return nil
}

// managedListing loads the listing of the path for one of its owner's
// managers.
func (s *Server) managedListing(r *http.Request) (*opportunity.Opportunity, error) {
	u := currentUser(r)
	if u == nil {
		return nil, silkbridge.Unauthorized()
	}
	x, err := s.store.Opportunity(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if !u.Manages(x.OwnerOrgID) {
		if !canReadListing(u, x) {
			return nil, silkbridge.NotFound("opportunity")
		}
		return nil, silkbridge.Forbidden()
	}
	return x, nil
}

func (s *Server) editOpportunityForm(w http.ResponseWriter, r *http.Request) error {
	x, err := s.managedListing(r)
	if err != nil {
		return err
	}
	data, err := s.opportunityFormData(r, x)
	if err != nil {
		return err
	}
	s.render(w, r, "market/form", http.StatusOK, &Page{Title: s.T(r, "market.edit.title"), Data: data, Form: opportunityForm(x)})
	return nil
}

func (s *Server) updateOpportunity(w http.ResponseWriter, r *http.Request) error {
	x, err := s.managedListing(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	u := currentUser(r)
	in, err := opportunityFromForm(r)
	if err == nil {
		_, err = s.store.UpdateOpportunity(r.Context(), store.Actor{UserID: u.ID}, x.ID, in.apply)
	}
	if err != nil {
		data, derr := s.opportunityFormData(r, x)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "market/form", &Page{Title: s.T(r, "market.edit.title"), Data: data}, err)
	}
	msg := s.T(r, "saved")
	if r.PostForm.Get("submit") == "review" {
		if _, err := s.store.ReviewOpportunity(r.Context(), store.Actor{UserID: u.ID}, x.ID, opportunity.ActionSubmit, ""); err != nil {
			return err
		}
		msg = s.T(r, "market.submitted")
	}
	s.redirectFlash(w, r, "/market/"+x.ID, msg)
	return nil
}

// mayTake reports whether the user may take a status action on a listing:
// officers review, the owner's managers submit and close.
func mayReviewListing(u *account.User, x *opportunity.Opportunity, action string) error {
	if u == nil {
		return silkbridge.Unauthorized()
	}
	switch action {
	case opportunity.ActionApprove, opportunity.ActionReturn:
		if !u.IsOfficer() {
			return silkbridge.Forbidden()
		}
	default:
		if !u.Manages(x.OwnerOrgID) {
			return silkbridge.Forbidden()
		}
	}
	return nil
}

// takeAction applies a status action for the user and, when a listing is
// published, tells the members whose saved searches it matches.
func (s *Server) takeAction(r *http.Request, id, action, comment string) (*opportunity.Opportunity, error) {
	u := currentUser(r)
	x, err := s.store.Opportunity(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if err := mayReviewListing(u, x, action); err != nil {
		if silkbridge.ErrorCode(err) == silkbridge.EFORBIDDEN && !canReadListing(u, x) {
			return nil, silkbridge.NotFound("opportunity")
		}
		return nil, err
	}
	after, err := s.store.ReviewOpportunity(r.Context(), store.Actor{UserID: u.ID}, x.ID, action, comment)
	if err != nil {
		return nil, err
	}
	if action == opportunity.ActionApprove {
		s.notifyMatches(r, after.ID)
	}
	return after, nil
}

// notifyMatches tells members of a newly published listing that matches
// their saved searches. The approval stands when this fails: the feeds
// still list the listing, and the failure is logged for the operator.
func (s *Server) notifyMatches(r *http.Request, id string) {
	made, err := s.store.MatchSavedSearches(r.Context(), id)
	if err != nil {
		s.log.Error("match saved searches", "opportunity", id, "err", err)
	}
	s.mailMatches(r.Context(), made)
}

func (s *Server) opportunityAction(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
		}
		if currentUser(r) == nil {
			return silkbridge.Unauthorized()
		}
		x, err := s.takeAction(r, r.PathValue("id"), action, r.PostForm.Get("comment"))
		if err != nil {
			if stored, lerr := s.store.Opportunity(r.Context(), r.PathValue("id")); lerr == nil && silkbridge.ErrorCode(err) == silkbridge.EINVALID {
				return s.listingFormError(w, r, stored, err)
			}
			return err
		}
		to := "/market/" + x.ID
		if action == opportunity.ActionApprove || action == opportunity.ActionReturn {
			to = "/market/review"
		}
		s.redirectFlash(w, r, to, s.T(r, "market.done."+action))
		return nil
	}
}

func (s *Server) deleteOpportunity(w http.ResponseWriter, r *http.Request) error {
	x, err := s.managedListing(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteOpportunity(r.Context(), store.Actor{UserID: currentUser(r).ID}, x.ID); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/market/mine", s.T(r, "deleted"))
	return nil
}

func (s *Server) apiListOpportunities(w http.ResponseWriter, r *http.Request) error {
	f, err := s.marketFilter(r)
	if err != nil {
		return err
	}
	list, page, err := s.store.Opportunities(r.Context(), f)
	if err != nil {
		return err
	}
	views, err := s.viewListings(r, list)
	if err != nil {
		return err
	}
	items := make([]opportunity.Opportunity, len(views))
	for i, v := range views {
		items[i] = *v
	}
	writeJSON(w, http.StatusOK, List[opportunity.Opportunity]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: page.Total})
	return nil
}

func (s *Server) apiGetOpportunity(w http.ResponseWriter, r *http.Request) error {
	x, err := s.readableListing(r)
	if err != nil {
		return err
	}
	revealed, err := s.revealedTo(r, currentUser(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewListing(currentUser(r), x, revealed[x.ID]))
	return nil
}

func (s *Server) apiCreateOpportunity(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	var in opportunityInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u := currentUser(r)
	x := &opportunity.Opportunity{OwnerOrgID: strings.TrimSpace(in.OwnerOrgID)}
	in.apply(x)
	if x.OwnerOrgID != "" && !u.Manages(x.OwnerOrgID) {
		return silkbridge.Forbidden()
	}
	if err := s.store.CreateOpportunity(r.Context(), store.Actor{UserID: u.ID}, x); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/opportunities/"+x.ID)
	writeJSON(w, http.StatusCreated, viewListing(u, x, false))
	return nil
}

func (s *Server) apiUpdateOpportunity(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	x, err := s.managedListing(r)
	if err != nil {
		return err
	}
	var in opportunityInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if o := strings.TrimSpace(in.OwnerOrgID); o != "" && o != x.OwnerOrgID {
		return silkbridge.Invalid("owner_organisation_id", "market.field.owner_fixed", "the owner of a listing cannot change", nil)
	}
	after, err := s.store.UpdateOpportunity(r.Context(), store.Actor{UserID: currentUser(r).ID}, x.ID, in.apply)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewListing(currentUser(r), after, false))
	return nil
}

func (s *Server) apiDeleteOpportunity(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	x, err := s.managedListing(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteOpportunity(r.Context(), store.Actor{UserID: currentUser(r).ID}, x.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiOpportunityAction(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := writeAccess(r); err != nil {
			return err
		}
		var in reviewInput
		if r.ContentLength != 0 {
			if err := decodeJSON(r, &in); err != nil {
				return err
			}
		}
		x, err := s.takeAction(r, r.PathValue("id"), action, in.Comment)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, viewListing(currentUser(r), x, false))
		return nil
	}
}
