package web

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/silkbridge/silkbridge"
	"github.com/silkbridge/silkbridge/opportunity"
	"github.com/silkbridge/silkbridge/store"
)

// Saved searches, their Atom feeds, the member's notifications, and the
// member's marketplace page that gathers them with their listings and
// interests.

func (s *Server) savedSearchRoutes() {
	s.page("GET /market/mine", s.myMarketplace)
	s.page("POST /saved-searches", s.createSavedSearch)
	s.page("POST /saved-searches/{id}", s.updateSavedSearch)
	s.page("POST /saved-searches/{id}/feed", s.renewFeed)
	s.page("POST /saved-searches/{id}/delete", s.deleteSavedSearch)
	s.page("POST /market/notifications/read", s.readNotifications)
	s.page("GET /feeds/market", s.feed)

	s.handleAPI("GET /api/v1/saved-searches", Op{Summary: "Your saved marketplace searches, with their feed addresses", Tag: "marketplace",
		Response: []savedSearchView{}, Auth: true}, s.apiListSavedSearches)
	s.handleAPI("POST /api/v1/saved-searches", Op{Summary: "Save a marketplace search: new matches become notifications and feed entries",
		Tag: "marketplace", Request: savedSearchInput{}, Response: savedSearchView{}, Auth: true, Status: http.StatusCreated}, s.apiCreateSavedSearch)
	s.handleAPI("GET /api/v1/saved-searches/{id}", Op{Summary: "One of your saved searches", Tag: "marketplace",
		Response: savedSearchView{}, Auth: true}, s.apiGetSavedSearch)
	s.handleAPI("PUT /api/v1/saved-searches/{id}", Op{Summary: "Replace one of your saved searches", Tag: "marketplace",
		Request: savedSearchInput{}, Response: savedSearchView{}, Auth: true}, s.apiUpdateSavedSearch)
	s.handleAPI("DELETE /api/v1/saved-searches/{id}", Op{Summary: "Delete one of your saved searches", Tag: "marketplace",
		Auth: true, Status: http.StatusNoContent}, s.apiDeleteSavedSearch)
	s.handleAPI("POST /api/v1/saved-searches/{id}/feed", Op{Summary: "Give a saved search a new feed address (the old one stops working)",
		Tag: "marketplace", Response: savedSearchView{}, Auth: true}, s.apiRenewFeed)
	s.handleAPI("GET /api/v1/notifications", Op{Summary: "Your marketplace notifications, newest first", Tag: "marketplace",
		Response: notificationList{}, Auth: true}, s.apiNotifications)
	s.handleAPI("POST /api/v1/notifications/read", Op{Summary: "Mark all your marketplace notifications read", Tag: "marketplace",
		Response: notificationList{}, Auth: true}, s.apiReadNotifications)
}

// savedFilter is the filter of a saved search in the API: the listing
// filter without status, owner and paging, which a saved search does not keep.
type savedFilter struct {
	Query        string `json:"q"`
	Kind         string `json:"kind"`
	Field        string `json:"field"`
	Country      string `json:"country"`
	Seeks        string `json:"seeks"`
	BRIPartner   bool   `json:"bri"`
	TRLMin       int    `json:"trl_min"`
	TRLMax       int    `json:"trl_max"`
	DeadlineFrom string `json:"deadline_from"`
	DeadlineTo   string `json:"deadline_to"`
}

func (f savedFilter) filter() opportunity.Filter {
	return opportunity.Filter{Query: f.Query, Kind: f.Kind, Field: f.Field, Country: strings.ToUpper(strings.TrimSpace(f.Country)),
		Seeks: strings.ToUpper(strings.TrimSpace(f.Seeks)), BRIPartner: f.BRIPartner, TRLMin: f.TRLMin, TRLMax: f.TRLMax,
		DeadlineFrom: strings.TrimSpace(f.DeadlineFrom), DeadlineTo: strings.TrimSpace(f.DeadlineTo)}
}

// savedSearchInput is the body of the API's saved search calls.
type savedSearchInput struct {
	Name   string      `json:"name"`
	Filter savedFilter `json:"filter"`
	Notify *bool       `json:"notify"`
}

func (in savedSearchInput) apply(ss *opportunity.SavedSearch) {
	ss.Name, ss.Filter = in.Name, in.Filter.filter()
	ss.Notify = in.Notify == nil || *in.Notify
}

// savedSearchView is a saved search as its member sees it, with the
// address of its list page and of its feed.
type savedSearchView struct {
	*opportunity.SavedSearch
	Query   string `json:"query"`
	ListURL string `json:"list_url"`
	FeedURL string `json:"feed_url"`
}

func (s *Server) viewSaved(r *http.Request, ss *opportunity.SavedSearch) savedSearchView {
	q := ss.Filter.Values().Encode()
	list := "/market"
	if q != "" {
		list += "?" + q
	}
	return savedSearchView{SavedSearch: ss, Query: q, ListURL: s.absoluteURL(list), FeedURL: s.absoluteURL(feedPath(ss))}
}

// notificationList is what the notification calls answer.
type notificationList struct {
	Items  []opportunity.Notification `json:"items"`
	Unread int                        `json:"unread"`
}

// ownSavedSearch loads the saved search of the path for its member; to
// anyone else it does not exist.
func (s *Server) ownSavedSearch(r *http.Request) (*opportunity.SavedSearch, error) {
	u := currentUser(r)
	if u == nil {
		return nil, silkbridge.Unauthorized()
	}
	ss, err := s.store.SavedSearch(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if ss.UserID != u.ID {
		return nil, silkbridge.NotFound("saved search")
	}
	return ss, nil
}

func (s *Server) myMarketplace(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	data, err := s.myMarketData(r)
	if err != nil {
		return err
	}
	clearFlash(w, r)
	s.render(w, r, "market/mine", http.StatusOK, &Page{Title: s.T(r, "market.mine.title"), Data: data})
	return nil
}

func (s *Server) myMarketData(r *http.Request) (map[string]any, error) {
	u := currentUser(r)
	ctx := r.Context()
	notes, unread, err := s.store.Notifications(ctx, u.ID, 50)
	if err != nil {
		return nil, err
	}
	searches, err := s.store.SavedSearches(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	mailEvery, err := s.store.SavedSearchMail(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	views := make([]savedSearchView, len(searches))
	for i, ss := range searches {
		views[i] = s.viewSaved(r, ss)
	}
	var listings []*opportunity.Opportunity
	for _, org := range u.Orgs {
		list, _, err := s.store.Opportunities(ctx, opportunity.Filter{OwnerOrgID: org, Status: opportunity.AnyStatus, Visible: marketVisibility(u), PerPage: 100})
		if err != nil {
			return nil, err
		}
		for _, x := range list {
			listings = append(listings, viewListing(u, x, true))
		}
	}
	sent, received, err := s.interestsOf(r, u)
	if err != nil {
		return nil, err
	}
	orgs, err := s.managedOrgs(r, u)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Notifications": notes, "Unread": unread, "Searches": views, "Listings": listings,
		"Sent": sent, "Received": received, "Orgs": orgs, "IsOfficer": u.IsOfficer(),
		"MailEvery": mailEvery, "MailFrequencies": store.MailFrequencies}, nil
}

func (s *Server) createSavedSearch(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	f, err := opportunity.ParseFilter(r.PostForm)
	ss := &opportunity.SavedSearch{Name: r.PostForm.Get("name"), Filter: f, Notify: true}
	if err == nil {
		err = s.store.CreateSavedSearch(r.Context(), store.Actor{UserID: u.ID}, ss)
	}
	if err != nil {
		return s.savedSearchFormError(w, r, err)
	}
	s.redirectFlash(w, r, "/market/mine#searches", s.T(r, "market.search.saved"))
	return nil
}

// savedSearchFormError shows the marketplace list of the posted filter
// again with the problem beside the save form.
func (s *Server) savedSearchFormError(w http.ResponseWriter, r *http.Request, err error) error {
	if code := silkbridge.ErrorCode(err); code != silkbridge.EINVALID && code != silkbridge.EMALFORMED {
		return err
	}
	data, derr := s.marketChoices(r)
	if derr != nil {
		return derr
	}
	f, _ := opportunity.ParseFilter(r.PostForm)
	f.Status, f.OwnerOrgID = "", ""
	data["Filter"], data["Query"], data["Page"] = f, f.Values().Encode(), store.Page{}
	data["SaveOpen"] = true
	return s.formError(w, r, "market/list", &Page{Title: s.T(r, "market.list.title"), Data: data}, err)
}

func (s *Server) updateSavedSearch(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.ownSavedSearch(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return silkbridge.Malformed("body", "error.form", "the form could not be read", nil)
	}
	_, err = s.store.UpdateSavedSearch(r.Context(), store.Actor{UserID: currentUser(r).ID}, ss.ID, func(x *opportunity.SavedSearch) {
		x.Name = r.PostForm.Get("name")
		x.Notify = r.PostForm.Get("notify") == "on"
	})
	if err != nil {
		if code := silkbridge.ErrorCode(err); code != silkbridge.EINVALID {
			return err
		}
		data, derr := s.myMarketData(r)
		if derr != nil {
			return derr
		}
		data["EditedSearch"] = ss.ID
		return s.formError(w, r, "market/mine", &Page{Title: s.T(r, "market.mine.title"), Data: data}, err)
	}
	s.redirectFlash(w, r, "/market/mine#searches", s.T(r, "saved"))
	return nil
}

func (s *Server) renewFeed(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.ownSavedSearch(r)
	if err != nil {
		return err
	}
	if _, err := s.store.RenewFeedToken(r.Context(), store.Actor{UserID: currentUser(r).ID}, ss.ID); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/market/mine#searches", s.T(r, "market.search.feed_renewed"))
	return nil
}

func (s *Server) deleteSavedSearch(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.ownSavedSearch(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteSavedSearch(r.Context(), store.Actor{UserID: currentUser(r).ID}, ss.ID); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/market/mine#searches", s.T(r, "deleted"))
	return nil
}

func (s *Server) readNotifications(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	if _, err := s.store.MarkNotificationsRead(r.Context(), store.Actor{UserID: u.ID}, u.ID); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/market/mine", s.T(r, "market.notifications.marked"))
	return nil
}

// Atom (RFC 4287) documents.
type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr,omitempty"`
	Type     string `xml:"type,attr,omitempty"`
	Href     string `xml:"href,attr"`
	HrefLang string `xml:"hreflang,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Links      []atomLink     `xml:"link"`
	Author     *atomPerson    `xml:"author,omitempty"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
}

// feedEntries bounds a feed: readers poll, so the newest matches suffice.
const feedEntries = 50

// feedPath is the address of a saved search's feed. The token travels in
// the query string, not the path, because the request log records paths.
func feedPath(ss *opportunity.SavedSearch) string {
	return "/feeds/market?token=" + url.QueryEscape(ss.FeedToken)
}

// feed serves the Atom feed of a saved search. Feed readers cannot sign
// in, so the address's token is the only key; the feed shows what any
// visitor may see (anonymous owners stay hidden).
func (s *Server) feed(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.store.SavedSearchByFeedToken(r.Context(), r.URL.Query().Get("token"))
	if err != nil {
		return err
	}
	f := ss.Filter
	f.Visible, f.PerPage = &opportunity.Visibility{}, feedEntries
	list, _, err := s.store.Opportunities(r.Context(), f)
	if err != nil {
		return err
	}
	tr := s.translator(requestLanguage(r))
	updated := ss.UpdatedAt
	doc := atomFeed{
		ID:        "urn:uuid:" + ss.ID,
		Title:     tr.T("market.feed.title", "Name", ss.Name),
		Subtitle:  tr.T("market.feed.subtitle"),
		Links:     []atomLink{{Rel: "self", Type: "application/atom+xml", Href: s.absoluteURL(feedPath(ss))}, {Rel: "alternate", Type: "text/html", Href: s.absoluteURL("/market?" + ss.Filter.Values().Encode())}},
		Author:    atomPerson{Name: "Silkbridge"},
		Generator: "Silkbridge",
	}
	for _, x := range list {
		v := viewListing(nil, x, false)
		stamp := x.UpdatedAt
		if x.PublishedAt != nil && x.PublishedAt.After(stamp) {
			stamp = *x.PublishedAt
		}
		if stamp.After(updated) {
			updated = stamp
		}
		e := atomEntry{
			ID:         "urn:uuid:" + x.ID,
			Title:      v.Title,
			Updated:    stamp.UTC().Format(time.RFC3339),
			Links:      []atomLink{{Rel: "alternate", Type: "text/html", Href: s.absoluteURL("/market/" + x.ID)}},
			Categories: []atomCategory{{Term: x.Kind, Label: tr.T("market.kind." + x.Kind)}},
			Summary:    atomText{Type: "text", Body: marketTruncate(v.Description, 600)},
		}
		if x.PublishedAt != nil {
			e.Published = x.PublishedAt.UTC().Format(time.RFC3339)
		}
		if v.Owner.Hidden {
			e.Author = &atomPerson{Name: tr.T("market.owner.anonymous_short", "Kind", tr.T("org.kind."+v.Owner.Kind), "Country", s.marketCountryName(r, v.Owner.Country))}
		} else {
			e.Author = &atomPerson{Name: v.Owner.Name}
		}
		for _, fc := range x.Fields {
			e.Categories = append(e.Categories, atomCategory{Term: fc, Label: s.marketFieldName(r, fc)})
		}
		doc.Entries = append(doc.Entries, e)
	}
	doc.Updated = updated.UTC().Format(time.RFC3339)
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Write([]byte(xml.Header))
	w.Write(out)
	w.Write([]byte("\n"))
	return nil
}

func marketTruncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func (s *Server) marketCountryName(r *http.Request, code string) string {
	if ref, err := s.store.Reference(r.Context()); err == nil {
		if c, ok := ref.Country(code); ok {
			return c.Name(requestLanguage(r).Tag)
		}
	}
	return code
}

func (s *Server) marketFieldName(r *http.Request, code string) string {
	if ref, err := s.store.Reference(r.Context()); err == nil {
		if f, ok := ref.Field(code); ok {
			return f.Name(requestLanguage(r).Tag)
		}
	}
	return code
}

func (s *Server) apiListSavedSearches(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	list, err := s.store.SavedSearches(r.Context(), u.ID)
	if err != nil {
		return err
	}
	out := make([]savedSearchView, len(list))
	for i, ss := range list {
		out[i] = s.viewSaved(r, ss)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiCreateSavedSearch(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	var in savedSearchInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var ss opportunity.SavedSearch
	in.apply(&ss)
	if err := s.store.CreateSavedSearch(r.Context(), store.Actor{UserID: currentUser(r).ID}, &ss); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/saved-searches/"+ss.ID)
	writeJSON(w, http.StatusCreated, s.viewSaved(r, &ss))
	return nil
}

func (s *Server) apiGetSavedSearch(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.ownSavedSearch(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.viewSaved(r, ss))
	return nil
}

func (s *Server) apiUpdateSavedSearch(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	ss, err := s.ownSavedSearch(r)
	if err != nil {
		return err
	}
	var in savedSearchInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	after, err := s.store.UpdateSavedSearch(r.Context(), store.Actor{UserID: currentUser(r).ID}, ss.ID, in.apply)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.viewSaved(r, after))
	return nil
}

func (s *Server) apiDeleteSavedSearch(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	ss, err := s.ownSavedSearch(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteSavedSearch(r.Context(), store.Actor{UserID: currentUser(r).ID}, ss.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiRenewFeed(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	ss, err := s.ownSavedSearch(r)
	if err != nil {
		return err
	}
	after, err := s.store.RenewFeedToken(r.Context(), store.Actor{UserID: currentUser(r).ID}, ss.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.viewSaved(r, after))
	return nil
}

func (s *Server) apiNotifications(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		return silkbridge.Unauthorized()
	}
	notes, unread, err := s.store.Notifications(r.Context(), u.ID, 100)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notificationList{Items: notes, Unread: unread})
	return nil
}

func (s *Server) apiReadNotifications(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	u := currentUser(r)
	if _, err := s.store.MarkNotificationsRead(r.Context(), store.Actor{UserID: u.ID}, u.ID); err != nil {
		return err
	}
	notes, unread, err := s.store.Notifications(r.Context(), u.ID, 100)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notificationList{Items: notes, Unread: unread})
	return nil
}
