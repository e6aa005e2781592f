package web

import "math"

// Wait says how long to wait, given in seconds, as a person says it in the
// translator's language, with its preposition ("in 5 minutes", "in about 1
// hour", "через 5 минут"): a limit that lifts in 3591 seconds is "about an
// hour" to a reader, never a count of seconds.
func (t *translator) Wait(seconds int) string {
	switch {
	case seconds < 60:
		return t.T("wait.under_minute")
	case seconds < 3600-30:
		// Rounded up: saying "in 2 minutes" for 61 seconds sends nobody back too early.
		mins := (seconds + 59) / 60
		if mins < 60 {
			return t.T("wait.minutes", "Count", mins)
		}
	}
	hours := max(1, int(math.Round(float64(seconds)/3600)))
	return t.T("wait.hours", "Count", hours)
}

// withWait adds the spoken form of data's RetryAfter (seconds) as Wait, so
// that every "try again later" message can say it in words.
func (t *translator) withWait(data map[string]any) map[string]any {
	secs, ok := data["RetryAfter"].(int)
	if !ok {
		return data
	}
	out := make(map[string]any, len(data)+1)
	for k, v := range data {
		out[k] = v
	}
	out["Wait"] = t.Wait(secs)
	return out
}
