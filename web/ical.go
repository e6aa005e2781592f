package web

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// An iCalendar (RFC 5545) writer for event and agenda downloads: lines end
// in CRLF and are folded at 75 octets without splitting a UTF-8 sequence;
// text values escape backslash, semicolon, comma and line breaks. Times are
// written in UTC, or as local times with a TZID whose VTIMEZONE the
// calendar carries, built from the Go time zone database for the span of
// the calendar's events.

// icalCalendar is one VCALENDAR.
type icalCalendar struct {
	// Name is shown by clients as the calendar's name (X-WR-CALNAME).
	Name   string
	Events []icalEvent
}

// icalEvent is one VEVENT.
type icalEvent struct {
	UID   string
	Stamp time.Time
	Start time.Time
	End   time.Time
	// Zone, when set and not UTC, writes Start and End as local times in
	// it; otherwise they are written in UTC.
	Zone        *time.Location
	Summary     string
	Description string
	Location    string
	URL         string
	// Status is CONFIRMED, TENTATIVE or CANCELLED; empty leaves it out.
	Status string
}

const icalProdID = "-//Silkbridge//Silkbridge events//EN"

// maxLineOctets is the longest content line RFC 5545 allows, without CRLF.
const maxLineOctets = 75

// icalWriter writes folded content lines and remembers the first error.
type icalWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (w *icalWriter) raw(s string) {
	if w.err != nil {
		return
	}
	n, err := io.WriteString(w.w, s)
	w.n += int64(n)
	w.err = err
}

// line writes one content line, folded: a line longer than 75 octets
// continues on the next line after a single space.
func (w *icalWriter) line(s string) {
	limit := maxLineOctets
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.raw(s[:cut])
		w.raw("\r\n ")
		s = s[cut:]
		// The leading space of a continuation line counts toward its 75.
		limit = maxLineOctets - 1
	}
	w.raw(s)
	w.raw("\r\n")
}

// prop writes NAME[;params]:value with value written as it is.
func (w *icalWriter) prop(name, value string, params ...string) {
	var b strings.Builder
	b.WriteString(name)
	for _, p := range params {
		b.WriteByte(';')
		b.WriteString(p)
	}
	b.WriteByte(':')
	b.WriteString(value)
	w.line(b.String())
}

// text writes a TEXT property, escaped; empty values are left out.
func (w *icalWriter) text(name, value string) {
	if value != "" {
		w.prop(name, icalEscape(value))
	}
}

var icalEscaper = strings.NewReplacer(`\`, `\\`, `;`, `\;`, `,`, `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

// icalEscape escapes a TEXT value (RFC 5545 section 3.3.11).
func icalEscape(s string) string {
	// Control characters other than line breaks are not allowed in TEXT.
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return icalEscaper.Replace(s)
}

const (
	icalUTC   = "20060102T150405Z"
	icalLocal = "20060102T150405"
)

// time writes a DATE-TIME property in UTC, or local to zone with its TZID.
func (w *icalWriter) time(name string, t time.Time, zone *time.Location) {
	if zone == nil || zone == time.UTC || zone.String() == "UTC" {
		w.prop(name, t.UTC().Format(icalUTC))
		return
	}
	w.prop(name, t.In(zone).Format(icalLocal), "TZID="+zone.String())
}

// WriteTo writes the calendar.
func (c *icalCalendar) WriteTo(out io.Writer) (int64, error) {
	w := &icalWriter{w: out}
	w.prop("BEGIN", "VCALENDAR")
	w.prop("VERSION", "2.0")
	w.prop("PRODID", icalProdID)
	w.prop("CALSCALE", "GREGORIAN")
	w.prop("METHOD", "PUBLISH")
	w.text("X-WR-CALNAME", c.Name)
	for _, z := range c.zones() {
		writeTimezone(w, z.loc, z.from, z.to)
	}
	for _, e := range c.Events {
		w.prop("BEGIN", "VEVENT")
		w.prop("UID", e.UID)
		w.prop("DTSTAMP", e.Stamp.UTC().Format(icalUTC))
		w.time("DTSTART", e.Start, e.Zone)
		w.time("DTEND", e.End, e.Zone)
		w.text("SUMMARY", e.Summary)
		w.text("DESCRIPTION", e.Description)
		w.text("LOCATION", e.Location)
		if e.URL != "" {
			w.prop("URL", e.URL)
		}
		if e.Status != "" {
			w.prop("STATUS", e.Status)
		}
		w.prop("END", "VEVENT")
	}
	w.prop("END", "VCALENDAR")
	return w.n, w.err
}

type zoneSpan struct {
	loc      *time.Location
	from, to time.Time
}

// zones lists each local time zone the events use, with the span of time
// its VTIMEZONE must cover.
func (c *icalCalendar) zones() []zoneSpan {
	var out []zoneSpan
	for _, e := range c.Events {
		if e.Zone == nil || e.Zone == time.UTC || e.Zone.String() == "UTC" {
			continue
		}
		found := false
		for i := range out {
			if out[i].loc.String() == e.Zone.String() {
				found = true
				if e.Start.Before(out[i].from) {
					out[i].from = e.Start
				}
				if e.End.After(out[i].to) {
					out[i].to = e.End
				}
			}
		}
		if !found {
			out = append(out, zoneSpan{loc: e.Zone, from: e.Start, to: e.End})
		}
	}
	return out
}

// writeTimezone writes the VTIMEZONE of loc with one observance for each
// period of constant offset between from and to: the period in force at
// from, and every change until to.
func writeTimezone(w *icalWriter, loc *time.Location, from, to time.Time) {
	w.prop("BEGIN", "VTIMEZONE")
	w.prop("TZID", loc.String())
	t := from.In(loc)
	for i := 0; i < 1000; i++ {
		start, end := t.ZoneBounds()
		name, offset := t.Zone()
		before := offset
		onset := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
		if !start.IsZero() {
			_, before = start.Add(-time.Second).In(loc).Zone()
			// The onset is written in the local time in force before it.
			onset = start.UTC().Add(time.Duration(before) * time.Second)
		}
		kind := "STANDARD"
		if t.IsDST() {
			kind = "DAYLIGHT"
		}
		w.prop("BEGIN", kind)
		w.prop("DTSTART", onset.Format(icalLocal))
		w.prop("TZOFFSETFROM", icalOffset(before))
		w.prop("TZOFFSETTO", icalOffset(offset))
		if name != "" && !strings.ContainsAny(name[:1], "+-") {
			w.text("TZNAME", name)
		}
		w.prop("END", kind)
		if end.IsZero() || !end.Before(to) {
			break
		}
		t = end.In(loc)
	}
	w.prop("END", "VTIMEZONE")
}

// icalOffset formats a UTC offset in seconds as +HHMM (or +HHMMSS).
func icalOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	h, m, s := sec/3600, sec%3600/60, sec%60
	if s != 0 {
		return fmt.Sprintf("%c%02d%02d%02d", sign, h, m, s)
	}
	return fmt.Sprintf("%c%02d%02d", sign, h, m)
}

// writeCalendar sends a calendar as a download named filename.
func (s *Server) writeCalendar(w http.ResponseWriter, filename string, c *icalCalendar) {
	var b strings.Builder
	if _, err := c.WriteTo(&b); err != nil {
		s.log.Error("write calendar", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "private, no-cache")
	io.WriteString(w, b.String())
}
