package web

import (
	"net/http"

	"github.com/silkbridge/silkbridge/event"
	"github.com/silkbridge/silkbridge/store"
)

// brokerageOutcomeRoutes registers what an event's meetings led to.
func (s *Server) brokerageOutcomeRoutes() {
	s.handleAPI("GET /api/v1/events/{id}/funnel", Op{Summary: "The event's meetings from request to cooperation: requested, accepted, scheduled, held, follow-up, interests, cooperations, no-show rate and agreements per 100 meetings", Tag: "brokerage",
		Response: event.Funnel{}}, s.apiEventFunnel)
	s.handleAPI("POST /api/v1/events/{id}/meetings/{rid}/attendance", Op{Summary: "Mark a scheduled meeting of yours held or no-show (either side)", Tag: "brokerage",
		Request: attendanceInput{}, Auth: true, Status: http.StatusNoContent}, s.apiMarkMeeting)
	s.handleAPI("POST /api/v1/events/{id}/meetings/{rid}/outcome", Op{Summary: "Answer what a held meeting of yours led to: no_interest, follow_up, interest or agreement_likely", Tag: "brokerage",
		Request: outcomeInput{}, Auth: true, Status: http.StatusNoContent}, s.apiAnswerOutcome)
}

// attendanceInput marks a meeting held or no_show.
type attendanceInput struct {
	Status string `json:"status"`
}

// outcomeInput is one side's answer after a held meeting.
type outcomeInput struct {
	Outcome string `json:"outcome"`
}

func (s *Server) apiMarkMeeting(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	e, u, err := s.participantBrokerage(r)
	if err != nil {
		return err
	}
	var in attendanceInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.store.MarkMeeting(r.Context(), store.Actor{UserID: u.ID}, e.ID, r.PathValue("rid"), in.Status); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiAnswerOutcome(w http.ResponseWriter, r *http.Request) error {
	if err := writeAccess(r); err != nil {
		return err
	}
	e, u, err := s.participantBrokerage(r)
	if err != nil {
		return err
	}
	var in outcomeInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.store.AnswerOutcome(r.Context(), store.Actor{UserID: u.ID}, e.ID, r.PathValue("rid"), in.Outcome); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiEventFunnel(w http.ResponseWriter, r *http.Request) error {
	e, err := s.loadEvent(r)
	if err != nil {
		return err
	}
	f, err := s.store.EventFunnel(r.Context(), e.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}
