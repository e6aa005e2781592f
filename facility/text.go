package facility

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/silkbridge/silkbridge"
)

// The lists of a facility are typed in forms as lines of text; these read
// and write them, so that a person sees what they typed when a line is
// refused.

var weekdayNames = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// ParseInstruments reads one instrument a line: "name | specification |
// capacity" (specification and capacity may be left out; capacity 1).
func ParseInstruments(p *silkbridge.Problems, field, s string) []Instrument {
	var out []Instrument
	for _, l := range lines(s) {
		parts := strings.Split(l, "|")
		in := Instrument{Name: strings.TrimSpace(parts[0]), Capacity: 1}
		if len(parts) > 1 {
			in.Specification = strings.TrimSpace(parts[1])
		}
		if len(parts) > 2 {
			n, err := strconv.Atoi(strings.TrimSpace(parts[2]))
			if err != nil || len(parts) > 3 {
				p.Add(field, "facility.error.instrument_line", "one instrument a line: name | specification | capacity", map[string]any{"Line": l})
				return out
			}
			in.Capacity = n
		}
		out = append(out, in)
	}
	return out
}

// FormatInstruments writes instruments as ParseInstruments reads them.
func FormatInstruments(ins []Instrument) string {
	var b strings.Builder
	for _, in := range ins {
		fmt.Fprintf(&b, "%s | %s | %d\n", in.Name, in.Specification, in.Capacity)
	}
	return b.String()
}

// ParseHours reads one weekday a line: "Mon 09:00-18:00" (or "1
// 09:00-18:00"); "Mon-Fri 09:00-18:00" gives the same hours to each day.
func ParseHours(p *silkbridge.Problems, field, s string) []Hours {
	var out []Hours
	for _, l := range lines(s) {
		f := strings.Fields(l)
		if len(f) != 2 {
			p.Add(field, "facility.error.hours", "opening hours are one line per weekday, such as Mon 09:00-18:00, opening before closing", nil)
			return out
		}
		days, ok := weekdays(strings.ToLower(f[0]))
		from, to, ok2 := strings.Cut(f[1], "-")
		if !ok || !ok2 {
			p.Add(field, "facility.error.hours", "opening hours are one line per weekday, such as Mon 09:00-18:00, opening before closing", nil)
			return out
		}
		for _, d := range days {
			out = append(out, Hours{Weekday: d, From: from, To: to})
		}
	}
	return out
}

func weekday(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= 7 {
		return n, true
	}
	for i, w := range weekdayNames {
		if s == w {
			return i + 1, true
		}
	}
	return 0, false
}

func weekdays(s string) ([]int, bool) {
	a, b, isRange := strings.Cut(s, "-")
	first, ok := weekday(a)
	if !ok {
		return nil, false
	}
	if !isRange {
		return []int{first}, true
	}
	last, ok := weekday(b)
	if !ok || last < first {
		return nil, false
	}
	var out []int
	for d := first; d <= last; d++ {
		out = append(out, d)
	}
	return out, true
}

// FormatHours writes opening hours as ParseHours reads them.
func FormatHours(hs []Hours) string {
	var b strings.Builder
	for _, h := range hs {
		if h.Weekday >= 1 && h.Weekday <= 7 {
			fmt.Fprintf(&b, "%s %s-%s\n", strings.ToUpper(weekdayNames[h.Weekday-1][:1])+weekdayNames[h.Weekday-1][1:], h.From, h.To)
		}
	}
	return b.String()
}

// WeekdayName is the English abbreviation of weekday 1 (Monday) to 7.
func WeekdayName(d int) string {
	if d < 1 || d > 7 {
		return ""
	}
	return weekdayNames[d-1]
}

// ParseClosures reads one closure a line: "kind first-date [last-date]
// [note]", such as "maintenance 2026-03-01 2026-03-05 detector service".
func ParseClosures(p *silkbridge.Problems, field, s string) []Closure {
	var out []Closure
	for _, l := range lines(s) {
		f := strings.Fields(l)
		if len(f) < 2 {
			p.Add(field, "facility.error.closure", "a closure is a kind (holiday or maintenance) with a first and last date, such as maintenance 2026-03-01 2026-03-05", nil)
			return out
		}
		c := Closure{Kind: f[0], From: f[1], Until: f[1]}
		rest := f[2:]
		if len(rest) > 0 && len(rest[0]) == 10 && strings.Count(rest[0], "-") == 2 {
			c.Until, rest = rest[0], rest[1:]
		}
		c.Note = strings.Join(rest, " ")
		out = append(out, c)
	}
	return out
}

// FormatClosures writes closures as ParseClosures reads them.
func FormatClosures(cs []Closure) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s %s %s %s\n", c.Kind, c.From, c.Until, c.Note)
	}
	return b.String()
}
