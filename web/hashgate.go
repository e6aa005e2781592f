package web

import (
	"net/http"
	"time"

	"github.com/silkbridge/silkbridge"
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
			return errHashersBusy()
		}
		defer release()
		return h(w, r)
	}
}

// errHashersBusy is the answer when every hashing slot stays taken: 503,
// try again in a moment.
func errHashersBusy() error {
	return &silkbridge.Error{Code: silkbridge.EUNAVAILABLE, MessageID: "error.busy_hashing",
		Message: "the server is busy checking passwords; try again in a moment",
		Data:    map[string]any{"RetryAfter": int(hashRetryAfter / time.Second)}}
}
