package match

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// ReadInstance reads an hr-instance/1 document and validates it. It is
// strict: a syntax error, an unknown or repeated field, a value of the wrong
// type, an unknown or duplicate id, a duplicate in a list or a number out of
// range is refused with a message naming the entry, such as
//
//	hospitals[3] "h7": duplicate resident "r2" in prefs
//
// The document is streamed: memory grows with the instance, not with the
// size of the file. Fields may come in any order.
func ReadInstance(r io.Reader) (*Instance, error) {
	d := newDecoder(r)
	in, err := d.instance()
	if err != nil {
		return nil, err
	}
	if err := in.validateEntries(); err != nil {
		return nil, err
	}
	// Preferences were checked for duplicates while reading.
	if err := in.validateConstraints(); err != nil {
		return nil, err
	}
	return in, nil
}

// A syntaxError is malformed JSON, or JSON of the wrong shape, at a byte offset.
type syntaxError struct {
	off int64
	msg string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("byte %d: %s", e.off, e.msg) }

// maxDepth bounds nesting inside "meta" so that a hostile file cannot exhaust the stack.
const maxDepth = 256

// decoder is a pull parser over a buffered stream, specialised to the
// instance schema so that a million residents cost no reflection and no
// per-value allocation beyond the ids themselves.
type decoder struct {
	r    io.Reader
	buf  []byte
	pos  int   // next unread byte
	end  int   // end of valid bytes
	base int64 // input offset of buf[0]
	mark int   // start of a span being captured, or -1
	eof  bool
	rerr error
	str  []byte // decoded string when it crosses a refill or has escapes

	res ids // resident ids, interned on first sight (definition or reference)
	hos ids // hospital ids, the same

	// stamp marks the interned ids seen in the current list, to refuse duplicates.
	stampR, stampH []int32
	list           int32
}

// ids interns the ids of one side. An id may be referenced before it is
// defined (the fields of the document may come in any order); defined maps an
// interned id to its definition's index, -1 until defined.
type ids struct {
	index   map[string]int32
	names   []string
	defined []int32
	// ref is where an id was first referenced, to name it if it is never
	// defined: a field code (refResident...) and the entry index.
	refField []uint8
	refEntry []int32
}

const (
	refNone uint8 = iota
	refResident
	refHospital
	refRegion
	refQuota
)

func (s *ids) intern(b []byte, field uint8, entry int) int32 {
	if i, ok := s.index[string(b)]; ok {
		if field != refNone && s.refField[i] == refNone && s.defined[i] < 0 {
			s.refField[i], s.refEntry[i] = field, int32(entry)
		}
		return i
	}
	i := int32(len(s.names))
	name := string(b)
	s.index[name] = i
	s.names = append(s.names, name)
	s.defined = append(s.defined, -1)
	s.refField = append(s.refField, field)
	s.refEntry = append(s.refEntry, int32(entry))
	return i
}

func newDecoder(r io.Reader) *decoder {
	return &decoder{
		r:    r,
		buf:  make([]byte, 1<<20),
		mark: -1,
		res:  ids{index: make(map[string]int32)},
		hos:  ids{index: make(map[string]int32)},
	}
}

// fill reads more input, keeping the unread bytes (and a captured span). It
// reports false at the end of input or on a read error (kept in rerr).
func (d *decoder) fill() bool {
	if d.eof {
		return false
	}
	keep := d.pos
	if d.mark >= 0 {
		keep = d.mark
	}
	if keep > 0 {
		n := copy(d.buf, d.buf[keep:d.end])
		d.base += int64(keep)
		d.pos -= keep
		if d.mark >= 0 {
			d.mark -= keep
		}
		d.end = n
	}
	if d.end == len(d.buf) {
		d.buf = append(d.buf, make([]byte, len(d.buf))...)
	}
	for {
		n, err := d.r.Read(d.buf[d.end:])
		d.end += n
		if err != nil {
			d.eof = true
			if err != io.EOF {
				d.rerr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

func (d *decoder) errorf(format string, args ...any) error {
	if d.rerr != nil {
		return d.rerr
	}
	return &syntaxError{off: d.base + int64(d.pos), msg: fmt.Sprintf(format, args...)}
}

// peek skips white space and returns the next byte without consuming it, or 0 at the end.
func (d *decoder) peek() byte {
	for {
		for d.pos < d.end {
			switch c := d.buf[d.pos]; c {
			case ' ', '\t', '\n', '\r':
				d.pos++
			default:
				return c
			}
		}
		if !d.fill() {
			return 0
		}
	}
}

func (d *decoder) describe(c byte) string {
	if c == 0 && d.pos >= d.end {
		return "end of input"
	}
	return strconv.QuoteRune(rune(c))
}

func (d *decoder) expect(c byte) error {
	if got := d.peek(); got != c {
		return d.errorf("want %q, found %s", c, d.describe(got))
	}
	d.pos++
	return nil
}

// more reports whether a list or object has another element: it consumes the
// comma or the closing byte. first is true before the first element.
func (d *decoder) more(closing byte, first bool) (bool, error) {
	c := d.peek()
	if c == closing {
		d.pos++
		return false, nil
	}
	if first {
		return true, nil
	}
	if c != ',' {
		return false, d.errorf("want ',' or %q, found %s", closing, d.describe(c))
	}
	d.pos++
	if d.peek() == closing {
		return false, d.errorf("trailing comma before %q", closing)
	}
	return true, nil
}

// stringBytes reads a JSON string and returns its decoded bytes, valid until
// the next read.
func (d *decoder) stringBytes() ([]byte, error) {
	if c := d.peek(); c != '"' {
		return nil, d.errorf("want a string, found %s", d.describe(c))
	}
	d.pos++
	start := d.pos
	ascii := true
	// Fast path: the whole string, without escapes, is in the buffer.
	for i := start; i < d.end; i++ {
		c := d.buf[i]
		if c == '"' {
			d.pos = i + 1
			s := d.buf[start:i]
			if !ascii && !utf8.Valid(s) {
				d.pos = start
				return nil, d.errorf("invalid UTF-8 in string")
			}
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	return d.slowString()
}

// slowString decodes a string with escapes or one that crosses a refill.
func (d *decoder) slowString() ([]byte, error) {
	d.str = d.str[:0]
	for {
		if d.pos >= d.end && !d.fill() {
			return nil, d.errorf("unterminated string")
		}
		c := d.buf[d.pos]
		switch {
		case c == '"':
			d.pos++
			if !utf8.Valid(d.str) {
				return nil, d.errorf("invalid UTF-8 in string")
			}
			return d.str, nil
		case c < 0x20:
			return nil, d.errorf("control character %#x in string", c)
		case c != '\\':
			d.str = append(d.str, c)
			d.pos++
			continue
		}
		d.pos++
		if d.pos >= d.end && !d.fill() {
			return nil, d.errorf("unterminated string")
		}
		e := d.buf[d.pos]
		d.pos++
		switch e {
		case '"', '\\', '/':
			d.str = append(d.str, e)
		case 'b':
			d.str = append(d.str, '\b')
		case 'f':
			d.str = append(d.str, '\f')
		case 'n':
			d.str = append(d.str, '\n')
		case 'r':
			d.str = append(d.str, '\r')
		case 't':
			d.str = append(d.str, '\t')
		case 'u':
			r, err := d.hex4()
			if err != nil {
				return nil, err
			}
			if r >= 0xD800 && r < 0xDC00 {
				// A high surrogate must be followed by an escaped low one.
				if err := d.literal(`\u`); err != nil {
					return nil, d.errorf("unpaired surrogate in string")
				}
				lo, err := d.hex4()
				if err != nil {
					return nil, err
				}
				if lo < 0xDC00 || lo > 0xDFFF {
					return nil, d.errorf("unpaired surrogate in string")
				}
				r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
			} else if r >= 0xDC00 && r <= 0xDFFF {
				return nil, d.errorf("unpaired surrogate in string")
			}
			d.str = utf8.AppendRune(d.str, r)
		default:
			d.pos--
			return nil, d.errorf("invalid escape '\\%c' in string", e)
		}
	}
}

func (d *decoder) hex4() (rune, error) {
	var r rune
	for range 4 {
		if d.pos >= d.end && !d.fill() {
			return 0, d.errorf("unterminated string")
		}
		c := d.buf[d.pos]
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, d.errorf("invalid \\u escape in string")
		}
		d.pos++
	}
	return r, nil
}

// literal consumes exactly the bytes of s.
func (d *decoder) literal(s string) error {
	for i := 0; i < len(s); i++ {
		if d.pos >= d.end && !d.fill() {
			return d.errorf("unexpected end of input")
		}
		if d.buf[d.pos] != s[i] {
			return d.errorf("invalid literal")
		}
		d.pos++
	}
	return nil
}

// null consumes a null if one comes next and reports whether it did.
func (d *decoder) null() (bool, error) {
	if d.peek() != 'n' {
		return false, nil
	}
	return true, d.literal("null")
}

// integer reads a JSON number that must be an integer in [0, maxCount].
func (d *decoder) integer() (int, error) {
	c := d.peek()
	if c == '-' {
		return 0, d.errorf("want a non-negative integer, found a negative number")
	}
	if c < '0' || c > '9' {
		return 0, d.errorf("want a non-negative integer, found %s", d.describe(c))
	}
	var v int64
	digits := 0
	for {
		if d.pos >= d.end && !d.fill() {
			break
		}
		c := d.buf[d.pos]
		if c < '0' || c > '9' {
			if c == '.' || c == 'e' || c == 'E' {
				return 0, d.errorf("want an integer, found a fraction or exponent")
			}
			break
		}
		if digits == 1 && v == 0 {
			return 0, d.errorf("leading zero in number")
		}
		v = v*10 + int64(c-'0')
		digits++
		if v > maxCount {
			return 0, d.errorf("number too large (at most %d)", maxCount)
		}
		d.pos++
	}
	return int(v), nil
}

// skipValue consumes any JSON value, checking its syntax.
func (d *decoder) skipValue(depth int) error {
	if depth > maxDepth {
		return d.errorf("nesting deeper than %d", maxDepth)
	}
	switch c := d.peek(); c {
	case '{':
		d.pos++
		seen := map[string]bool{}
		for first := true; ; first = false {
			ok, err := d.more('}', first)
			if err != nil || !ok {
				return err
			}
			k, err := d.stringBytes()
			if err != nil {
				return err
			}
			if seen[string(k)] {
				return d.errorf("duplicate key %q", k)
			}
			seen[string(k)] = true
			if err := d.expect(':'); err != nil {
				return err
			}
			if err := d.skipValue(depth + 1); err != nil {
				return err
			}
		}
	case '[':
		d.pos++
		for first := true; ; first = false {
			ok, err := d.more(']', first)
			if err != nil || !ok {
				return err
			}
			if err := d.skipValue(depth + 1); err != nil {
				return err
			}
		}
	case '"':
		_, err := d.stringBytes()
		return err
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return d.number()
		}
		return d.errorf("want a value, found %s", d.describe(c))
	}
}

// number consumes a JSON number of any form.
func (d *decoder) number() error {
	next := func() byte {
		if d.pos >= d.end && !d.fill() {
			return 0
		}
		return d.buf[d.pos]
	}
	digits := func() int {
		n := 0
		for c := next(); c >= '0' && c <= '9'; c = next() {
			d.pos++
			n++
		}
		return n
	}
	if next() == '-' {
		d.pos++
	}
	if next() == '0' {
		d.pos++
	} else if digits() == 0 {
		return d.errorf("invalid number")
	}
	if next() == '.' {
		d.pos++
		if digits() == 0 {
			return d.errorf("invalid number")
		}
	}
	if c := next(); c == 'e' || c == 'E' {
		d.pos++
		if c := next(); c == '+' || c == '-' {
			d.pos++
		}
		if digits() == 0 {
			return d.errorf("invalid number")
		}
	}
	return nil
}

// fieldSet records which fields of an object were seen, to refuse repeats
// and report missing required ones.
type fieldSet uint16

func (d *decoder) key(seen *fieldSet, names []string) (int, error) {
	k, err := d.stringBytes()
	if err != nil {
		return 0, err
	}
	for i, n := range names {
		if string(k) == n {
			if *seen&(1<<i) != 0 {
				return 0, d.errorf("repeated field %q", n)
			}
			*seen |= 1 << i
			return i, d.expect(':')
		}
	}
	return 0, d.errorf("unknown field %q", k)
}

func missing(seen fieldSet, names []string, required fieldSet) string {
	for i, n := range names {
		if required&(1<<i) != 0 && seen&(1<<i) == 0 {
			return n
		}
	}
	return ""
}

// rawInstance is the instance as read, with interned ids, before the ids are
// resolved to definition order.
type rawInstance struct {
	residents []Resident
	hospitals []Hospital
	regions   []Region
	quotas    []GroupQuota
	rPrefs    []int32 // all residents' prefs, interned hospital ids
	hPrefs    []int32 // all hospitals' prefs, interned resident ids
	rEnd      []int64 // end of each resident's prefs in rPrefs
	hEnd      []int64
}

var topFields = []string{"format", "meta", "residents", "hospitals", "regions", "group_quotas"}

func (d *decoder) instance() (*Instance, error) {
	var raw rawInstance
	var meta []byte
	if err := d.expect('{'); err != nil {
		return nil, err
	}
	var seen fieldSet
	for first := true; ; first = false {
		ok, err := d.more('}', first)
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		f, err := d.key(&seen, topFields)
		if err != nil {
			return nil, err
		}
		switch topFields[f] {
		case "format":
			s, err := d.stringBytes()
			if err != nil {
				return nil, err
			}
			if string(s) != FormatInstance {
				return nil, fmt.Errorf("format %q is not %q", s, FormatInstance)
			}
		case "meta":
			d.peek()
			d.mark = d.pos
			if err := d.skipValue(0); err != nil {
				return nil, err
			}
			meta = append([]byte(nil), d.buf[d.mark:d.pos]...)
			d.mark = -1
		case "residents":
			err = d.array(false, func(i int) error { return d.resident(&raw, i) })
		case "hospitals":
			err = d.array(false, func(i int) error { return d.hospital(&raw, i) })
		case "regions":
			err = d.array(true, func(i int) error { return d.region(&raw, i) })
		case "group_quotas":
			err = d.array(true, func(i int) error { return d.quota(&raw, i) })
		}
		if err != nil {
			return nil, err
		}
	}
	if m := missing(seen, topFields, 1<<0|1<<2|1<<3); m != "" {
		return nil, fmt.Errorf("missing field %q", m)
	}
	if c := d.peek(); c != 0 || d.pos < d.end {
		return nil, d.errorf("data after the end of the document")
	}
	if d.rerr != nil {
		return nil, d.rerr
	}
	return raw.resolve(d, meta)
}

// array reads a list of objects; nullable lets null stand for an empty list.
func (d *decoder) array(nullable bool, elem func(i int) error) error {
	if nullable {
		if ok, err := d.null(); ok || err != nil {
			return err
		}
	}
	if err := d.expect('['); err != nil {
		return err
	}
	for i, first := 0, true; ; i, first = i+1, false {
		ok, err := d.more(']', first)
		if err != nil || !ok {
			return err
		}
		if err := elem(i); err != nil {
			return err
		}
	}
}

// where names an entry in an error: `residents[3] "r3"`.
func where(field string, i int, id string) string {
	if id == "" {
		return fmt.Sprintf("%s[%d]", field, i)
	}
	return fmt.Sprintf("%s[%d] %q", field, i, id)
}

// entryError prefixes err with the entry it happened in.
func entryError(field string, i int, id string, err error) error {
	return fmt.Errorf("%s: %w", where(field, i, id), err)
}

var residentFields = []string{"id", "prefs", "group"}

func (d *decoder) resident(raw *rawInstance, i int) error {
	var r Resident
	if err := d.expect('{'); err != nil {
		return entryError("residents", i, "", err)
	}
	var seen fieldSet
	d.list++
	for first := true; ; first = false {
		ok, err := d.more('}', first)
		if err == nil && ok {
			var f int
			f, err = d.key(&seen, residentFields)
			if err == nil {
				switch f {
				case 0:
					err = d.defineID(&d.res, &r.ID, "residents", i)
				case 1:
					err = d.refList(&raw.rPrefs, &d.hos, &d.stampH, refResident, i, "hospital", "prefs")
				case 2:
					err = d.optionalString(&r.Group)
				}
			}
		}
		if err != nil {
			return entryError("residents", i, r.ID, err)
		}
		if !ok {
			break
		}
	}
	if m := missing(seen, residentFields, 1<<0|1<<1); m != "" {
		return entryError("residents", i, r.ID, fmt.Errorf("missing field %q", m))
	}
	raw.residents = append(raw.residents, r)
	raw.rEnd = append(raw.rEnd, int64(len(raw.rPrefs)))
	return nil
}

var hospitalFields = []string{"id", "capacity", "prefs", "target", "floor"}

func (d *decoder) hospital(raw *rawInstance, i int) error {
	var h Hospital
	if err := d.expect('{'); err != nil {
		return entryError("hospitals", i, "", err)
	}
	var seen fieldSet
	d.list++
	for first := true; ; first = false {
		ok, err := d.more('}', first)
		if err == nil && ok {
			var f int
			f, err = d.key(&seen, hospitalFields)
			if err == nil {
				switch f {
				case 0:
					err = d.defineID(&d.hos, &h.ID, "hospitals", i)
				case 1:
					h.Capacity, err = d.integer()
					err = fieldError("capacity", err)
				case 2:
					err = d.refList(&raw.hPrefs, &d.res, &d.stampR, refHospital, i, "resident", "prefs")
				case 3:
					var null bool
					if null, err = d.null(); err == nil && !null {
						var t int
						t, err = d.integer()
						h.Target = &t
					}
					err = fieldError("target", err)
				case 4:
					var null bool
					if null, err = d.null(); err == nil && !null {
						h.Floor, err = d.integer()
					}
					err = fieldError("floor", err)
				}
			}
		}
		if err != nil {
			return entryError("hospitals", i, h.ID, err)
		}
		if !ok {
			break
		}
	}
	if m := missing(seen, hospitalFields, 1<<0|1<<1|1<<2); m != "" {
		return entryError("hospitals", i, h.ID, fmt.Errorf("missing field %q", m))
	}
	raw.hospitals = append(raw.hospitals, h)
	raw.hEnd = append(raw.hEnd, int64(len(raw.hPrefs)))
	return nil
}

func fieldError(field string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", field, err)
}

var regionFields = []string{"id", "hospitals", "cap"}

func (d *decoder) region(raw *rawInstance, i int) error {
	var g Region
	if err := d.expect('{'); err != nil {
		return entryError("regions", i, "", err)
	}
	var seen fieldSet
	d.list++
	for first := true; ; first = false {
		ok, err := d.more('}', first)
		if err == nil && ok {
			var f int
			f, err = d.key(&seen, regionFields)
			if err == nil {
				switch f {
				case 0:
					var s []byte
					if s, err = d.stringBytes(); err == nil {
						g.ID = string(s)
					}
				case 1:
					var list []int32
					err = d.refList(&list, &d.hos, &d.stampH, refRegion, i, "hospital", "hospitals")
					g.Hospitals = list
				case 2:
					g.Cap, err = d.integer()
					err = fieldError("cap", err)
				}
			}
		}
		if err != nil {
			return entryError("regions", i, g.ID, err)
		}
		if !ok {
			break
		}
	}
	if m := missing(seen, regionFields, 1<<0|1<<1|1<<2); m != "" {
		return entryError("regions", i, g.ID, fmt.Errorf("missing field %q", m))
	}
	raw.regions = append(raw.regions, g)
	return nil
}

var quotaFields = []string{"id", "group", "hospitals", "cap"}

func (d *decoder) quota(raw *rawInstance, i int) error {
	var q GroupQuota
	if err := d.expect('{'); err != nil {
		return entryError("group_quotas", i, "", err)
	}
	var seen fieldSet
	d.list++
	for first := true; ; first = false {
		ok, err := d.more('}', first)
		if err == nil && ok {
			var f int
			f, err = d.key(&seen, quotaFields)
			if err == nil {
				var s []byte
				switch f {
				case 0:
					if s, err = d.stringBytes(); err == nil {
						q.ID = string(s)
					}
				case 1:
					if s, err = d.stringBytes(); err == nil {
						q.Group = string(s)
					}
					err = fieldError("group", err)
				case 2:
					var list []int32
					err = d.refList(&list, &d.hos, &d.stampH, refQuota, i, "hospital", "hospitals")
					q.Hospitals = list
				case 3:
					q.Cap, err = d.integer()
					err = fieldError("cap", err)
				}
			}
		}
		if err != nil {
			return entryError("group_quotas", i, q.ID, err)
		}
		if !ok {
			break
		}
	}
	if m := missing(seen, quotaFields, 1<<0|1<<1|1<<2|1<<3); m != "" {
		return entryError("group_quotas", i, q.ID, fmt.Errorf("missing field %q", m))
	}
	raw.quotas = append(raw.quotas, q)
	return nil
}

// defineID reads the id of entry i of a resident or hospital list and
// records its definition.
func (d *decoder) defineID(self *ids, dst *string, field string, i int) error {
	s, err := d.stringBytes()
	if err != nil {
		return fieldError("id", err)
	}
	if len(s) == 0 {
		return errors.New("empty id")
	}
	k := self.intern(s, refNone, 0)
	if j := self.defined[k]; j >= 0 {
		*dst = self.names[k]
		return fmt.Errorf("duplicate id (also %s[%d])", field, j)
	}
	self.defined[k] = int32(i)
	*dst = self.names[k]
	return nil
}

// refList reads a list of ids of the other side, interning them and refusing
// duplicates inside the list.
func (d *decoder) refList(dst *[]int32, side *ids, stamp *[]int32, field uint8, entry int, kind, name string) error {
	if err := d.expect('['); err != nil {
		return fieldError(name, err)
	}
	d.list++
	for first := true; ; first = false {
		ok, err := d.more(']', first)
		if err != nil {
			return fieldError(name, err)
		}
		if !ok {
			return nil
		}
		s, err := d.stringBytes()
		if err != nil {
			return fieldError(name, err)
		}
		k := side.intern(s, field, entry)
		if int(k) >= len(*stamp) {
			*stamp = append(*stamp, make([]int32, int(k)+1-len(*stamp)+len(*stamp)/2)...)
		}
		if (*stamp)[k] == d.list {
			return fmt.Errorf("duplicate %s %q in %s", kind, side.names[k], name)
		}
		(*stamp)[k] = d.list
		*dst = append(*dst, k)
	}
}

func (d *decoder) optionalString(dst *string) error {
	if null, err := d.null(); null || err != nil {
		return err
	}
	s, err := d.stringBytes()
	if err != nil {
		return err
	}
	*dst = string(s)
	return nil
}

// resolve maps interned ids to definition order and refuses ids that are
// referenced but never defined.
func (raw *rawInstance) resolve(d *decoder, meta []byte) (*Instance, error) {
	if err := undefined(&d.hos, raw, "hospital"); err != nil {
		return nil, err
	}
	if err := undefined(&d.res, raw, "resident"); err != nil {
		return nil, err
	}
	if len(raw.residents) > maxCount || len(raw.hospitals) > maxCount {
		return nil, fmt.Errorf("instance too large: %d residents, %d hospitals", len(raw.residents), len(raw.hospitals))
	}
	for i, k := range raw.rPrefs {
		raw.rPrefs[i] = d.hos.defined[k]
	}
	for i, k := range raw.hPrefs {
		raw.hPrefs[i] = d.res.defined[k]
	}
	in := &Instance{
		Residents:   raw.residents,
		Hospitals:   raw.hospitals,
		Regions:     raw.regions,
		GroupQuotas: raw.quotas,
		Meta:        meta,
	}
	var start int64
	for i := range in.Residents {
		in.Residents[i].Prefs = raw.rPrefs[start:raw.rEnd[i]:raw.rEnd[i]]
		start = raw.rEnd[i]
	}
	start = 0
	for i := range in.Hospitals {
		in.Hospitals[i].Prefs = raw.hPrefs[start:raw.hEnd[i]:raw.hEnd[i]]
		start = raw.hEnd[i]
	}
	for _, g := range in.Regions {
		for j, k := range g.Hospitals {
			g.Hospitals[j] = d.hos.defined[k]
		}
	}
	for _, q := range in.GroupQuotas {
		for j, k := range q.Hospitals {
			q.Hospitals[j] = d.hos.defined[k]
		}
	}
	return in, nil
}

// undefined names a reference to an id that no entry defines: the first one
// met in residents, then hospitals, regions and group quotas.
func undefined(s *ids, raw *rawInstance, kind string) error {
	bad := -1
	for k, def := range s.defined {
		if def >= 0 {
			continue
		}
		if bad < 0 || s.refField[k] < s.refField[bad] ||
			(s.refField[k] == s.refField[bad] && s.refEntry[k] < s.refEntry[bad]) {
			bad = k
		}
	}
	if bad < 0 {
		return nil
	}
	i := int(s.refEntry[bad])
	switch s.refField[bad] {
	case refResident:
		return fmt.Errorf("%s: unknown %s %q in prefs", where("residents", i, raw.residents[i].ID), kind, s.names[bad])
	case refHospital:
		return fmt.Errorf("%s: unknown %s %q in prefs", where("hospitals", i, raw.hospitals[i].ID), kind, s.names[bad])
	case refRegion:
		return fmt.Errorf("%s: unknown %s %q", where("regions", i, raw.regions[i].ID), kind, s.names[bad])
	default:
		return fmt.Errorf("%s: unknown %s %q", where("group_quotas", i, raw.quotas[i].ID), kind, s.names[bad])
	}
}
