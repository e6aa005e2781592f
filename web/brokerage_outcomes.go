package web

import (
	"net/http"

	"github.com/silkbridge/silkbridge/event"
)

// brokerageOutcomeRoutes registers what an event's meetings led to.
func (s *Server) brokerageOutcomeRoutes() {
	s.handleAPI("GET /api/v1/events/{id}/funnel", Op{Summary: "The event's meetings from request to cooperation: requested, accepted, scheduled, held, follow-up, interests, cooperations, no-show rate and agreements per 100 meetings", Tag: "brokerage",
		Response: event.Funnel{}}, s.apiEventFunnel)
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
