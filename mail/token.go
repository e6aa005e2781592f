package mail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// ErrBadToken is the one answer for a token that is forged, altered,
// meant for something else or expired.
var ErrBadToken = errors.New("mail: the link is not valid or has expired")

// SignToken makes a token that proves, to whoever holds key, that the
// site wrote subject for purpose (an unsubscribe link, an address to
// verify) until expires. It needs no row in the database, so a link works
// on every instance and without signing in.
func SignToken(key []byte, purpose, subject string, expires time.Time) string {
	payload := purpose + "\x00" + subject + "\x00" + strconv.FormatInt(expires.Unix(), 10)
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(sign(key, payload))
}

// VerifyToken returns the subject of a token made by SignToken for
// purpose, when it has not expired at now.
func VerifyToken(key []byte, purpose, token string, now time.Time) (string, error) {
	enc := base64.RawURLEncoding
	p, sig, ok := strings.Cut(token, ".")
	if !ok {
		return "", ErrBadToken
	}
	payload, err := enc.DecodeString(p)
	if err != nil {
		return "", ErrBadToken
	}
	mac, err := enc.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, sign(key, string(payload))) {
		return "", ErrBadToken
	}
	parts := strings.Split(string(payload), "\x00")
	if len(parts) != 3 || parts[0] != purpose {
		return "", ErrBadToken
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || !now.Before(time.Unix(exp, 0)) {
		return "", ErrBadToken
	}
	return parts[1], nil
}

func sign(key []byte, payload string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(payload))
	return h.Sum(nil)
}
