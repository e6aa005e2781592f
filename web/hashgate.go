package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// A request that checks or sets a password waits at most hashWait for a
// hashing slot; beyond that it is told to come back after
// hashRetryAfter, which is a few hashes' time.
const (
	hashWait       = time.Second
	hashRetryAfter = 2 * time.Second
)

// hashing lets h run only while it holds one of the server's hashing
// slots: every route that checks or sets a password computes at most one
// argon2id hash at a time, so bounding these requests bounds the memory
// the hashes take. When the slots stay taken the answer is 503 with
// Retry-After, in the request's language.
func (s *Server) hashing(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		release, ok := s.hashGate.Enter(r.Context(), hashWait)
		if !ok {
			s.hashersBusy(w, r)
			return nil
		}
		defer release()
		return h(w, r)
	}
}

func (s *Server) hashersBusy(w http.ResponseWriter, r *http.Request) {
	secs := int(hashRetryAfter / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	tr := s.translator(requestLanguage(r))
	msg := tr.T("error.busy_hashing", "RetryAfter", secs)
	if isAPI(r) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("Content-Language", tr.lang.Tag)
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(Problem{Type: "https://silkbridge.example/problems/error-busy_hashing",
			Title: http.StatusText(http.StatusServiceUnavailable), Status: http.StatusServiceUnavailable, Detail: msg, Instance: r.URL.Path, Code: "busy"})
		return
	}
	s.render(w, r, "error", http.StatusServiceUnavailable, &Page{Title: tr.T("error.title"),
		Data: map[string]any{"Status": http.StatusServiceUnavailable, "Message": msg}})
}
