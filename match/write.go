package match

import (
	"bufio"
	"encoding/hex"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Output is what a matching file says besides the assignment.
type Output struct {
	// InstanceSHA256 is the SHA-256 of the instance file's bytes.
	InstanceSHA256 [32]byte
	// Solver names the program, its version and the algorithm,
	// e.g. "silkbridge 1.4.0 fda".
	Solver string
	// Timing, when not nil, is written to timing_s, with the time taken to
	// write the file measured by WriteMatching itself. When nil every time
	// is written as 0, and the file depends on nothing but the instance,
	// the solver and the algorithm.
	Timing *Timing
}

// Timing is the time taken by each stage of a run.
type Timing struct {
	Load, Solve, Write time.Duration
}

// WriteMatching writes res in the hr-matching/1 format: the assignment of
// every resident in instance order, the number matched and the proposals
// made. The bytes depend only on res and out. On return out.Timing.Write,
// if Timing is set, holds the time the writing took.
func WriteMatching(w io.Writer, res *Result, out Output) error {
	began := time.Now()
	inst := res.prep.inst
	bw := bufio.NewWriterSize(w, 1<<20)
	b := make([]byte, 0, 4096)
	b = append(b, "{\n  \"format\": "...)
	b = appendString(b, FormatMatching)
	b = append(b, ",\n  \"instance_sha256\": \""...)
	b = hex.AppendEncode(b, out.InstanceSHA256[:])
	b = append(b, "\",\n  \"solver\": "...)
	b = appendString(b, out.Solver)
	b = append(b, ",\n  \"optimal_for\": \"residents\",\n  \"assignment\": {"...)
	for i, h := range res.Assignment {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    "...)
		b = appendString(b, inst.Residents[i].ID)
		b = append(b, ": "...)
		if h < 0 {
			b = append(b, "null"...)
		} else {
			b = appendString(b, inst.Hospitals[h].ID)
		}
		if len(b) > 64<<10 {
			if _, err := bw.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	if len(res.Assignment) > 0 {
		b = append(b, "\n  "...)
	}
	b = append(b, "},\n  \"stats\": {\"matched\": "...)
	b = strconv.AppendInt(b, int64(res.Matched), 10)
	b = append(b, ", \"proposals\": "...)
	b = strconv.AppendInt(b, res.Proposals, 10)
	b = append(b, "},\n  \"timing_s\": {\"load\": "...)
	var t Timing
	if out.Timing != nil {
		out.Timing.Write = time.Since(began)
		t = *out.Timing
	}
	b = appendSeconds(b, t.Load)
	b = append(b, ", \"solve\": "...)
	b = appendSeconds(b, t.Solve)
	b = append(b, ", \"write\": "...)
	b = appendSeconds(b, t.Write)
	b = append(b, "}\n}\n"...)
	if _, err := bw.Write(b); err != nil {
		return err
	}
	return bw.Flush()
}

// appendSeconds writes d in seconds to the microsecond.
func appendSeconds(b []byte, d time.Duration) []byte {
	return strconv.AppendFloat(b, math.Round(d.Seconds()*1e6)/1e6, 'f', -1, 64)
}

// WriteInstance writes inst in the hr-instance/1 format, one resident or
// hospital per line. Reading the result back gives an equal instance.
func WriteInstance(w io.Writer, inst *Instance) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	b := make([]byte, 0, 1<<16)
	flush := func() error {
		if len(b) < 60<<10 {
			return nil
		}
		_, err := bw.Write(b)
		b = b[:0]
		return err
	}
	b = append(b, "{\n  \"format\": \"hr-instance/1\""...)
	if len(inst.Meta) > 0 {
		b = append(b, ",\n  \"meta\": "...)
		b = append(b, inst.Meta...)
	}
	b = append(b, ",\n  \"residents\": ["...)
	for i := range inst.Residents {
		r := &inst.Residents[i]
		b = appendSep(b, i)
		b = append(b, "{\"id\": "...)
		b = appendString(b, r.ID)
		b = append(b, ", \"prefs\": "...)
		b = appendIDs(b, r.Prefs, func(h int32) string { return inst.Hospitals[h].ID })
		if r.Group != "" {
			b = append(b, ", \"group\": "...)
			b = appendString(b, r.Group)
		}
		b = append(b, '}')
		if err := flush(); err != nil {
			return err
		}
	}
	b = appendEnd(b, len(inst.Residents), ']')
	b = append(b, ",\n  \"hospitals\": ["...)
	for i := range inst.Hospitals {
		h := &inst.Hospitals[i]
		b = appendSep(b, i)
		b = append(b, "{\"id\": "...)
		b = appendString(b, h.ID)
		b = append(b, ", \"capacity\": "...)
		b = strconv.AppendInt(b, int64(h.Capacity), 10)
		if h.Target != nil {
			b = append(b, ", \"target\": "...)
			b = strconv.AppendInt(b, int64(*h.Target), 10)
		}
		if h.Floor != 0 {
			b = append(b, ", \"floor\": "...)
			b = strconv.AppendInt(b, int64(h.Floor), 10)
		}
		b = append(b, ", \"prefs\": "...)
		b = appendIDs(b, h.Prefs, func(r int32) string { return inst.Residents[r].ID })
		b = append(b, '}')
		if err := flush(); err != nil {
			return err
		}
	}
	b = appendEnd(b, len(inst.Hospitals), ']')
	hospitalID := func(h int32) string { return inst.Hospitals[h].ID }
	if len(inst.Regions) > 0 {
		b = append(b, ",\n  \"regions\": ["...)
		for i, g := range inst.Regions {
			b = appendSep(b, i)
			b = append(b, "{\"id\": "...)
			b = appendString(b, g.ID)
			b = append(b, ", \"cap\": "...)
			b = strconv.AppendInt(b, int64(g.Cap), 10)
			b = append(b, ", \"hospitals\": "...)
			b = appendIDs(b, g.Hospitals, hospitalID)
			b = append(b, '}')
			if err := flush(); err != nil {
				return err
			}
		}
		b = appendEnd(b, len(inst.Regions), ']')
	}
	if len(inst.GroupQuotas) > 0 {
		b = append(b, ",\n  \"group_quotas\": ["...)
		for i, q := range inst.GroupQuotas {
			b = appendSep(b, i)
			b = append(b, "{\"id\": "...)
			b = appendString(b, q.ID)
			b = append(b, ", \"group\": "...)
			b = appendString(b, q.Group)
			b = append(b, ", \"cap\": "...)
			b = strconv.AppendInt(b, int64(q.Cap), 10)
			b = append(b, ", \"hospitals\": "...)
			b = appendIDs(b, q.Hospitals, hospitalID)
			b = append(b, '}')
			if err := flush(); err != nil {
				return err
			}
		}
		b = appendEnd(b, len(inst.GroupQuotas), ']')
	}
	b = append(b, "\n}\n"...)
	if _, err := bw.Write(b); err != nil {
		return err
	}
	return bw.Flush()
}

func appendSep(b []byte, i int) []byte {
	if i > 0 {
		b = append(b, ',')
	}
	return append(b, "\n    "...)
}

func appendEnd(b []byte, n int, closing byte) []byte {
	if n > 0 {
		b = append(b, "\n  "...)
	}
	return append(b, closing)
}

func appendIDs(b []byte, list []int32, id func(int32) string) []byte {
	b = append(b, '[')
	for j, x := range list {
		if j > 0 {
			b = append(b, ", "...)
		}
		b = appendString(b, id(x))
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Valid UTF-8 passes through;
// quotes, backslashes and control characters are escaped, and invalid bytes
// become U+FFFD, so the output is always valid JSON.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, s[start:i]...)
				b = append(b, "\ufffd"...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
