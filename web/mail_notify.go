package web

import (
	"context"

	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/mail"
	"github.com/silkbridge/silkbridge/opportunity"
)

// The notifications sent by mail, each after the change it tells of has
// committed. They say no more than the site shows the recipient: an
// interest's sender stays unnamed to the listing's owner until accepted,
// so the mail names only the listing, and both sides read each other's
// contacts on the site once it is accepted.

// mailInterestReceived tells the managers of the listing's owner that
// someone expressed interest.
func (s *Server) mailInterestReceived(ctx context.Context, i *opportunity.Interest) {
	if !s.mailOn() {
		return
	}
	x, err := s.store.Opportunity(ctx, i.OpportunityID)
	if err != nil {
		s.log.Error("mail of a new interest", "interest", i.ID, "err", err)
		return
	}
	managers, err := s.store.Managers(ctx, x.OwnerOrgID)
	if err != nil {
		s.log.Error("mail of a new interest", "interest", i.ID, "err", err)
		return
	}
	for _, m := range managers {
		s.sendMail(ctx, mail.Args{UserID: m.UserID, Template: "interest_received",
			Data: map[string]string{"Title": x.Title, "Link": "/interests/" + i.ID}})
	}
}

// mailInterestAccepted tells the sender of an accepted interest, and the
// managers of the organisation it spoke for.
func (s *Server) mailInterestAccepted(ctx context.Context, i *opportunity.Interest) {
	if !s.mailOn() || i.Status != opportunity.Accepted {
		return
	}
	x, err := s.store.Opportunity(ctx, i.OpportunityID)
	if err != nil {
		s.log.Error("mail of an accepted interest", "interest", i.ID, "err", err)
		return
	}
	users := []string{i.FromUserID}
	if i.FromOrgID != "" {
		managers, err := s.store.Managers(ctx, i.FromOrgID)
		if err != nil {
			s.log.Error("mail of an accepted interest", "interest", i.ID, "err", err)
			return
		}
		for _, m := range managers {
			users = append(users, m.UserID)
		}
	}
	told := map[string]bool{}
	for _, u := range users {
		if u == "" || told[u] {
			continue
		}
		told[u] = true
		s.sendMail(ctx, mail.Args{UserID: u, Template: "interest_accepted",
			Data: map[string]string{"Title": x.Title, "Link": "/interests/" + i.ID}})
	}
}

// mailProgrammeResults tells each applicant the published result: where
// they are placed, or that they are not; the reasons for each choice are
// on the programme's page.
func (s *Server) mailProgrammeResults(ctx context.Context, programmeID, title, runID string) {
	if !s.mailOn() {
		return
	}
	notices, err := s.store.PlacementNotices(ctx, runID)
	if err != nil {
		s.log.Error("mail of programme results", "programme", programmeID, "err", err)
		return
	}
	for _, n := range notices {
		data := map[string]string{"Programme": title, "Link": "/programmes/" + programmeID}
		if n.PositionTitle != "" {
			data["Position"] = n.PositionTitle + " (" + n.HostName + ")"
		}
		s.sendMail(ctx, mail.Args{UserID: n.UserID, Template: "programme_result", Data: data})
	}
}

// mailMeetingRequest tells a participant that another asks to meet them.
func (s *Server) mailMeetingRequest(ctx context.Context, e *event.Event, m *event.MeetingRequest) {
	s.sendMail(ctx, mail.Args{UserID: m.InviteeID, Template: "meeting_request",
		Data: map[string]string{"Event": e.Title, "Requester": m.RequesterName, "Link": "/events/" + e.ID + "/meetings"}})
}

// mailAgendas sends every participant with a meeting in the schedule
// their agenda, with its calendar attached (made when the mail is sent,
// in the recipient's language).
func (s *Server) mailAgendas(ctx context.Context, e *event.Event, sc *event.Schedule) {
	told := map[string]bool{}
	for _, m := range sc.Meetings {
		for _, u := range []string{m.RequesterID, m.InviteeID} {
			if u == "" || told[u] {
				continue
			}
			told[u] = true
			s.sendMail(ctx, mail.Args{UserID: u, Template: "agenda",
				Data: map[string]string{"EventID": e.ID, "Event": e.Title, "Link": "/events/" + e.ID + "/agenda"}})
		}
	}
}
