package match

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"slices"
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
	size := d.sizeHint(r)
	if size == 0 || size >= 4<<20 {
		d.readAhead()
		defer d.stopReading()
	}
	in, err := d.instance()
	if err != nil {
		return nil, err
	}
	// Ids were checked for duplicates and preferences for duplicates and
	// unknown ids while reading.
	if err := in.validateNumbers(); err != nil {
		return nil, err
	}
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

	// batch holds the ids of one list back to back, with their ends, their
	// hashes (when the hash table is in use) and their indices once found.
	batch     []byte
	batchEnd  []int
	batchHash []uint64
	batchKey  []int32

	res ids // resident ids, interned on first sight (definition or reference)
	hos ids // hospital ids, the same

	groups     []string
	groupIndex map[string]int32

	refHint int // room to reserve for each side's preferences

	// Read-ahead (see readAhead): chunks read, buffers free for reading,
	// and the rest of the chunk being consumed.
	chunks     chan chunk
	free       chan []byte
	done       chan struct{}
	pending    []byte
	pendingBuf []byte
	pendingErr error

	seen    set    // ids of the current list
	touched uint32 // keeps the slot-touching loads of refList from being optimised away
}

// ids interns the ids of one side. An id may be referenced before it is
// defined (the fields of the document may come in any order); defined maps an
// interned id to its definition's index, -1 until defined. The names live
// back to back in one arena, so a million ids cost a few allocations and
// nothing for the garbage collector to trace.
//
// Ids are often a prefix and a number ("r0", "h17"). While every id seen so
// far is the same prefix followed by a canonical decimal number not much
// larger than the count of ids, byNum maps the number to the id directly:
// an array access in place of a hash lookup, which for a million ids is a
// cache miss. The first id that breaks the pattern moves every id into the
// hash table, which serves from then on.
type ids struct {
	seed    maphash.Seed
	arena   []byte
	starts  []int32 // name k is arena[starts[k]:starts[k+1]]
	defined []int32

	numeric   bool
	prefixSet bool
	prefix    []byte
	byNum     []int32 // number -> index + 1, or 0

	// table is open addressing with linear probing, used once numeric is
	// off. A slot carries what a lookup needs (hash bits, where the name is,
	// a short name itself) so that a probe costs one cache miss.
	table []slot
}

// A slot of the id table; k is the interned index + 1, or 0 when empty.
// Names of up to 16 bytes are kept in the slot too, so that comparing them
// touches no other memory.
type slot struct {
	hash       uint32
	k          int32
	start, end int32
	short      [2]uint64
}

// shortName packs a name of up to 16 bytes into two integers; longer names
// give zeros and are compared in the arena.
func shortName(b []byte) [2]uint64 {
	var x [2]uint64
	if len(b) > 16 {
		return x
	}
	for i, c := range b {
		x[i/8] |= uint64(c) << (8 * (i % 8))
	}
	return x
}

func newIDs() ids {
	return ids{seed: maphash.MakeSeed(), starts: []int32{0}, numeric: true}
}

func (s *ids) name(k int32) string { return string(s.nameBytes(k)) }

func (s *ids) nameBytes(k int32) []byte { return s.arena[s.starts[k]:s.starts[k+1]] }

// numberOf returns n when b is the prefix followed by the canonical decimal n.
func (s *ids) numberOf(b []byte) (int, bool) {
	if len(b) <= len(s.prefix) || string(b[:len(s.prefix)]) != string(s.prefix) {
		return 0, false
	}
	digits := b[len(s.prefix):]
	if len(digits) > 9 || (digits[0] == '0' && len(digits) > 1) {
		return 0, false
	}
	n := 0
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// intern returns the index of id b, adding it if new.
func (s *ids) intern(b []byte) (int32, error) {
	if s.numeric {
		if !s.prefixSet {
			// The prefix is all but the final run of digits.
			p := len(b)
			for p > 0 && b[p-1] >= '0' && b[p-1] <= '9' {
				p--
			}
			s.prefix, s.prefixSet = append([]byte(nil), b[:p]...), true
		}
		if n, ok := s.numberOf(b); ok {
			if n < len(s.byNum) && s.byNum[n] != 0 {
				return s.byNum[n] - 1, nil
			}
			if n < 16*len(s.defined)+1<<20 {
				k, err := s.add(b)
				if err == nil {
					if n >= len(s.byNum) {
						s.byNum = append(s.byNum, make([]int32, n+1-len(s.byNum)+len(s.byNum)/2)...)
					}
					s.byNum[n] = k + 1
				}
				return k, err
			}
		}
		s.leaveNumeric()
	}
	return s.internHashed(b, maphash.Bytes(s.seed, b))
}

// add appends a new id and returns its index.
func (s *ids) add(b []byte) (int32, error) {
	if len(s.arena)+len(b) > maxCount {
		return 0, errors.New("ids too long in total")
	}
	k := int32(len(s.defined))
	s.arena = append(s.arena, b...)
	s.starts = append(s.starts, int32(len(s.arena)))
	s.defined = append(s.defined, -1)
	return k, nil
}

// leaveNumeric moves every id into the hash table.
func (s *ids) leaveNumeric() {
	s.numeric = false
	s.byNum = nil
	size := 1024
	for size < 2*len(s.defined) {
		size *= 2
	}
	s.rehash(size)
}

func (s *ids) internHashed(b []byte, h uint64) (int32, error) {
	mask := uint64(len(s.table) - 1)
	short := shortName(b)
	n := int32(len(b))
	for i := h & mask; ; i = (i + 1) & mask {
		t := &s.table[i]
		if t.k == 0 {
			k, err := s.add(b)
			if err != nil {
				return 0, err
			}
			*t = slot{hash: uint32(h), k: k + 1, start: s.starts[k], end: s.starts[k+1], short: short}
			if 2*len(s.defined) > len(s.table) {
				s.rehash(2 * len(s.table))
			}
			return k, nil
		}
		if t.hash != uint32(h) || t.end-t.start != n || t.short != short {
			continue
		}
		if n <= 16 || string(s.arena[t.start:t.end]) == string(b) {
			return t.k - 1, nil
		}
	}
}

// rehash places every id in a table of size slots (a power of two).
func (s *ids) rehash(size int) {
	s.table = make([]slot, size)
	adviseHugePages(s.table)
	mask := uint64(size - 1)
	for k := range int32(len(s.defined)) {
		name := s.nameBytes(k)
		h := maphash.Bytes(s.seed, name)
		i := h & mask
		for s.table[i].k != 0 {
			i = (i + 1) & mask
		}
		s.table[i] = slot{hash: uint32(h), k: k + 1, start: s.starts[k], end: s.starts[k+1], short: shortName(name)}
	}
}

func newDecoder(r io.Reader) *decoder {
	return &decoder{
		r:    r,
		buf:  make([]byte, 1<<20),
		mark: -1,
		res:  newIDs(),
		hos:  newIDs(),

		groupIndex: map[string]int32{},
	}
}

// sizeHint reserves room for the preference lists when the input's size is
// known (a file, or a bytes or strings reader): a reference takes at least
// three bytes and most take about ten, so an eighth of the size per side
// rarely needs to grow, and the pages of room never used are never touched.
func (d *decoder) sizeHint(r io.Reader) int64 {
	var size int64
	switch v := r.(type) {
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	case interface{ Len() int }:
		size = int64(v.Len())
	}
	if size <= 0 || size/8 > maxCount {
		return size
	}
	d.refHint = int(size / 8)
	return size
}

// A chunk is what one read returned.
type chunk struct {
	data []byte
	err  error
}

// readAhead starts a goroutine that reads the input into a few rotating
// buffers, so that reading (and whatever the reader does, such as hashing)
// runs beside the parsing.
func (d *decoder) readAhead() {
	const chunkSize, buffers = 1 << 20, 4
	d.chunks = make(chan chunk, buffers-2)
	d.free = make(chan []byte, buffers)
	d.done = make(chan struct{})
	for range buffers {
		d.free <- make([]byte, chunkSize)
	}
	go func() {
		defer close(d.chunks)
		for {
			var buf []byte
			select {
			case buf = <-d.free:
			case <-d.done:
				return
			}
			n, err := io.ReadAtLeast(d.r, buf, 1)
			select {
			case d.chunks <- chunk{buf[:n], err}:
			case <-d.done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
}

// stopReading ends the read-ahead goroutine once the decoder is done.
func (d *decoder) stopReading() { close(d.done) }

// read reads into p, from the read-ahead buffers when they run.
func (d *decoder) read(p []byte) (int, error) {
	if d.chunks == nil {
		return d.r.Read(p)
	}
	if len(d.pending) == 0 {
		c, ok := <-d.chunks
		if !ok {
			return 0, io.EOF
		}
		if len(c.data) == 0 {
			d.free <- c.data[:cap(c.data)]
			return 0, c.err
		}
		d.pending, d.pendingErr, d.pendingBuf = c.data, c.err, c.data[:cap(c.data)]
	}
	n := copy(p, d.pending)
	d.pending = d.pending[n:]
	if len(d.pending) > 0 {
		return n, nil
	}
	d.free <- d.pendingBuf
	err := d.pendingErr
	d.pendingErr = nil
	return n, err
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
		n, err := d.read(d.buf[d.end:])
		d.end += n
		if err != nil {
			d.eof = true
			if !errors.Is(err, io.EOF) {
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

// quickString consumes the next element of a list of strings when it is
// the common case, lying wholly in the buffer: optional white space, a comma
// unless first, white space, and a string of printable ASCII without
// escapes. Otherwise it consumes nothing and reports false, and the general
// path takes over (the end of the list included).
func (d *decoder) quickString(first bool) ([]byte, bool) {
	buf := d.buf[d.pos:d.end]
	i := 0
	for i < len(buf) && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\t' || buf[i] == '\r') {
		i++
	}
	if !first {
		if i >= len(buf) || buf[i] != ',' {
			return nil, false
		}
		i++
		for i < len(buf) && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\t' || buf[i] == '\r') {
			i++
		}
	}
	if i >= len(buf) || buf[i] != '"' {
		return nil, false
	}
	i++
	// Ids are short: one pass finds the closing quote and checks the bytes.
	for j := i; j < len(buf); j++ {
		switch c := buf[j]; {
		case c == '"':
			d.pos += j + 1
			return buf[i:j], true
		case c < 0x20 || c == '\\' || c >= 0x80:
			return nil, false
		}
	}
	return nil, false
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
	residents []Resident // made once all are read
	hospitals []Hospital
	regions   []Region
	quotas    []GroupQuota
	rPrefs    []int32 // all residents' prefs, interned hospital ids
	hPrefs    []int32 // all hospitals' prefs, interned resident ids
	rEnd      []int64 // end of each resident's prefs in rPrefs
	hEnd      []int64
	rKey      []int32 // each resident's interned id
	rGroup    []int32 // each resident's group in decoder.groups, or -1
	hKey      []int32
}

var topFields = []string{"format", "meta", "residents", "hospitals", "regions", "group_quotas"}

func (d *decoder) instance() (*Instance, error) {
	var raw rawInstance
	raw.rPrefs = make([]int32, 0, d.refHint)
	raw.hPrefs = make([]int32, 0, d.refHint)
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
	group := int32(-1)
	key := int32(-1)
	if err := d.expect('{'); err != nil {
		return entryError("residents", i, "", err)
	}
	var seen fieldSet
	for first := true; ; first = false {
		ok, err := d.more('}', first)
		if err == nil && ok {
			var f int
			f, err = d.key(&seen, residentFields)
			if err == nil {
				switch f {
				case 0:
					key, err = d.defineID(&d.res, "residents", i)
				case 1:
					err = d.refList(&raw.rPrefs, &d.hos, "hospital", "prefs")
				case 2:
					err = d.group(&group)
				}
			}
		}
		if err != nil {
			return entryError("residents", i, d.res.nameOf(key), err)
		}
		if !ok {
			break
		}
	}
	if m := missing(seen, residentFields, 1<<0|1<<1); m != "" {
		return entryError("residents", i, d.res.nameOf(key), fmt.Errorf("missing field %q", m))
	}
	raw.rKey = append(raw.rKey, key)
	raw.rGroup = append(raw.rGroup, group)
	raw.rEnd = append(raw.rEnd, int64(len(raw.rPrefs)))
	return nil
}

var hospitalFields = []string{"id", "capacity", "prefs", "target", "floor"}

func (d *decoder) hospital(raw *rawInstance, i int) error {
	var h Hospital
	key := int32(-1)
	if err := d.expect('{'); err != nil {
		return entryError("hospitals", i, "", err)
	}
	var seen fieldSet
	for first := true; ; first = false {
		ok, err := d.more('}', first)
		if err == nil && ok {
			var f int
			f, err = d.key(&seen, hospitalFields)
			if err == nil {
				switch f {
				case 0:
					key, err = d.defineID(&d.hos, "hospitals", i)
				case 1:
					h.Capacity, err = d.integer()
					err = fieldError("capacity", err)
				case 2:
					err = d.refList(&raw.hPrefs, &d.res, "resident", "prefs")
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
			return entryError("hospitals", i, d.hos.nameOf(key), err)
		}
		if !ok {
			break
		}
	}
	if m := missing(seen, hospitalFields, 1<<0|1<<1|1<<2); m != "" {
		return entryError("hospitals", i, d.hos.nameOf(key), fmt.Errorf("missing field %q", m))
	}
	raw.hospitals = append(raw.hospitals, h)
	raw.hKey = append(raw.hKey, key)
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
					err = d.refList(&list, &d.hos, "hospital", "hospitals")
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
					err = d.refList(&list, &d.hos, "hospital", "hospitals")
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

// defineID reads the id of entry i of a resident or hospital list, records
// its definition and returns its interned index (also on a duplicate, to
// name it).
func (d *decoder) defineID(self *ids, field string, i int) (int32, error) {
	s, err := d.stringBytes()
	if err != nil {
		return -1, fieldError("id", err)
	}
	if len(s) == 0 {
		return -1, errors.New("empty id")
	}
	k, err := self.intern(s)
	if err != nil {
		return -1, err
	}
	if j := self.defined[k]; j >= 0 {
		return k, fmt.Errorf("duplicate id (also %s[%d])", field, j)
	}
	self.defined[k] = int32(i)
	return k, nil
}

// nameOf returns the name of interned id k, or "" for -1.
func (s *ids) nameOf(k int32) string {
	if k < 0 {
		return ""
	}
	return s.name(k)
}

// refList reads a list of ids of the other side, interning them and refusing
// duplicates inside the list. The whole list is parsed first, then looked
// up in a tight loop of loads that do not depend on each other, which the
// processor overlaps: each is otherwise a cache miss in the index of a
// million ids. With the hash table, a first pass touches every id's slot,
// and a second the name of every long id in the arena.
func (d *decoder) refList(dst *[]int32, side *ids, kind, name string) error {
	if err := d.expect('['); err != nil {
		return fieldError(name, err)
	}
	d.batch = d.batch[:0]
	d.batchEnd = d.batchEnd[:0]
	for first := true; ; first = false {
		if s, ok := d.quickString(first); ok {
			d.batch = append(d.batch, s...)
			d.batchEnd = append(d.batchEnd, len(d.batch))
			continue
		}
		ok, err := d.more(']', first)
		if err != nil {
			return fieldError(name, err)
		}
		if !ok {
			break
		}
		s, err := d.stringBytes()
		if err != nil {
			return fieldError(name, err)
		}
		d.batch = append(d.batch, s...)
		d.batchEnd = append(d.batchEnd, len(d.batch))
	}
	n := len(d.batchEnd)
	d.batchKey = slices.Grow(d.batchKey[:0], n)[:n]
	d.batchHash = d.batchHash[:0]
	keys := d.batchKey
	start := 0
	if side.numeric {
		for j, end := range d.batchEnd {
			keys[j] = -1
			if num, ok := side.numberOf(d.batch[start:end]); ok {
				keys[j] = int32(num)
			}
			start = end
		}
		byNum := side.byNum
		for j, num := range keys {
			k := int32(-1)
			if num >= 0 && int(num) < len(byNum) {
				k = byNum[num] - 1
			}
			keys[j] = k
		}
	} else {
		for _, end := range d.batchEnd {
			d.batchHash = append(d.batchHash, maphash.Bytes(side.seed, d.batch[start:end]))
			start = end
		}
		mask := uint64(len(side.table) - 1)
		var touched uint32
		for j, h := range d.batchHash {
			touched += side.table[h&mask].hash
			keys[j] = -1
		}
		// Then the names of long ids, compared in the arena: same again.
		table, arena := side.table, side.arena
		for _, h := range d.batchHash {
			if t := &table[h&mask]; t.hash == uint32(h) && t.end-t.start > 16 {
				touched += uint32(arena[t.start])
			}
		}
		d.touched += touched
	}
	d.seen.reset(n)
	start = 0
	for j, end := range d.batchEnd {
		k := keys[j]
		if k < 0 {
			var err error
			if len(d.batchHash) > 0 && !side.numeric {
				k, err = side.internHashed(d.batch[start:end], d.batchHash[j])
			} else {
				k, err = side.intern(d.batch[start:end])
			}
			if err != nil {
				return err
			}
		}
		start = end
		if !d.seen.add(k) {
			return fmt.Errorf("duplicate %s %q in %s", kind, side.name(k), name)
		}
		*dst = append(*dst, k)
	}
	return nil
}

// set is a small set of non-negative indices, for finding duplicates in one
// list without touching memory sized by the whole instance.
type set struct {
	slots []int32 // index + 1, or 0
}

// reset empties the set and sizes it for n members.
func (s *set) reset(n int) {
	size := 16
	for size < 2*n {
		size *= 2
	}
	if cap(s.slots) < size {
		s.slots = make([]int32, size)
	}
	s.slots = s.slots[:size]
	clear(s.slots)
}

// add inserts k and reports whether it was new.
func (s *set) add(k int32) bool {
	mask := uint32(len(s.slots) - 1)
	for i := uint32(k) * 0x9e3779b1 & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			s.slots[i] = k + 1
			return true
		case k + 1:
			return false
		}
	}
}

// group reads a resident's group, a string or null, as an index into d.groups.
func (d *decoder) group(dst *int32) error {
	if null, err := d.null(); null || err != nil {
		return err
	}
	s, err := d.stringBytes()
	if err != nil {
		return err
	}
	if len(s) == 0 {
		return nil
	}
	g, ok := d.groupIndex[string(s)]
	if !ok {
		g = int32(len(d.groups))
		d.groups = append(d.groups, string(s))
		d.groupIndex[d.groups[g]] = g
	}
	*dst = g
	return nil
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
	raw.residents = make([]Resident, len(raw.rKey))
	for i, g := range raw.rGroup {
		if g >= 0 {
			raw.residents[i].Group = d.groups[g]
		}
	}
	// Every id becomes a substring of one string per side.
	for _, side := range []struct {
		ids  *ids
		keys []int32
		set  func(i int, id string)
	}{
		{&d.res, raw.rKey, func(i int, id string) { raw.residents[i].ID = id }},
		{&d.hos, raw.hKey, func(i int, id string) { raw.hospitals[i].ID = id }},
	} {
		all := string(side.ids.arena)
		for i, k := range side.keys {
			side.set(i, all[side.ids.starts[k]:side.ids.starts[k+1]])
		}
	}
	if err := undefined(&d.hos, raw, "hospital"); err != nil {
		return nil, err
	}
	if err := undefined(&d.res, raw, "resident"); err != nil {
		return nil, err
	}
	if len(raw.residents) > maxCount || len(raw.hospitals) > maxCount {
		return nil, fmt.Errorf("instance too large: %d residents, %d hospitals", len(raw.residents), len(raw.hospitals))
	}
	remap(raw.rPrefs, d.hos.defined)
	remap(raw.hPrefs, d.res.defined)
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

// remap replaces interned ids by definition indices, unless they are the
// same (ids defined before any reference to them, as when residents come
// before hospitals in the file).
func remap(list, defined []int32) {
	identity := true
	for k, def := range defined {
		if def != int32(k) {
			identity = false
			break
		}
	}
	if identity {
		return
	}
	for i, k := range list {
		list[i] = defined[k]
	}
}

// undefined names the first reference to an id that no entry defines:
// searched in residents' prefs, then hospitals' prefs, regions and group
// quotas. It costs a pass over the lists only when such an id exists.
func undefined(s *ids, raw *rawInstance, kind string) error {
	missing := false
	for _, def := range s.defined {
		missing = missing || def < 0
	}
	if !missing {
		return nil
	}
	bad := func(list []int32) int {
		for j, k := range list {
			if s.defined[k] < 0 {
				return j
			}
		}
		return -1
	}
	var start int64
	if kind == "hospital" {
		for i, end := range raw.rEnd {
			if j := bad(raw.rPrefs[start:end]); j >= 0 {
				return fmt.Errorf("%s: unknown %s %q in prefs", where("residents", i, raw.residents[i].ID), kind, s.name(raw.rPrefs[start+int64(j)]))
			}
			start = end
		}
		for i, g := range raw.regions {
			if j := bad(g.Hospitals); j >= 0 {
				return fmt.Errorf("%s: unknown %s %q", where("regions", i, g.ID), kind, s.name(g.Hospitals[j]))
			}
		}
		for i, q := range raw.quotas {
			if j := bad(q.Hospitals); j >= 0 {
				return fmt.Errorf("%s: unknown %s %q", where("group_quotas", i, q.ID), kind, s.name(q.Hospitals[j]))
			}
		}
	} else {
		for i, end := range raw.hEnd {
			if j := bad(raw.hPrefs[start:end]); j >= 0 {
				return fmt.Errorf("%s: unknown %s %q in prefs", where("hospitals", i, raw.hospitals[i].ID), kind, s.name(raw.hPrefs[start+int64(j)]))
			}
			start = end
		}
	}
	return fmt.Errorf("unknown %s", kind) // not reached: every id comes from some list
}
