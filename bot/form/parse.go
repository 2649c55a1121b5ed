package form

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/textnorm"
)

// Message keys in the bot's locale files. Tests spell them out as literals
// on purpose, so that renaming one here fails loudly instead of silently
// pointing at a message the locale files do not have.
const (
	keyPhone          = "form.invalid.phone"
	keyDate           = "form.invalid.date"
	keyDateImpossible = "form.invalid.date_impossible"
	keyEmail          = "form.invalid.email"
	keyEmpty          = "form.invalid.empty"
	keyTooLong        = "form.invalid.too_long"
)

// Invalid reports an answer that cannot be accepted. Key names a message in
// the bot's locale files (the bot translates it, so the applicant reads the
// reason in her own language); Data holds the message's placeholders and is
// nil when the message has none.
type Invalid struct {
	Key  string
	Data map[string]any
}

// Refusal is the message key and data that say why, for the dialogue
// engine.
func (e *Invalid) Refusal() (string, map[string]any) { return e.Key, e.Data }

// Error returns the key rather than a sentence: the text shown to the
// applicant comes from the locale files, this string is for logs.
func (e *Invalid) Error() string {
	if e == nil {
		return "invalid answer"
	}
	return "invalid answer: " + e.Key
}

func invalid(key string) error { return &Invalid{Key: key} }

// ---- phone ----------------------------------------------------------------

const (
	countryCode    = "996"
	nationalDigits = 9
	intlDigits     = len(countryCode) + nationalDigits
)

// ParsePhone accepts a Kyrgyz phone number as people type it and returns it
// as +996XXXXXXXXX (9 national digits), so that one person typing her number
// two ways is still one person.
//
// Accepted: "+996 700 123 456", "996700123456", "0700123456",
// "0 (700) 12-34-56", "700123456", "+996-555-12-34-56" and landlines such as
// "0312 976530". Spaces of any kind (including non-breaking), dashes, dots,
// parentheses and invisible characters ([textnorm.IsPhoneSeparator]) are
// ignored; a "+" may only open the number. Only ASCII digits count.
//
// Rejected with Key "form.invalid.phone": other country codes (+7..., +998...),
// a wrong number of digits, a national number starting with 0 or 1, any other
// character, and empty input.
func ParsePhone(s string) (string, error) {
	var d [intlDigits]byte
	n, plus, ok := phoneDigits(s, &d)
	if !ok {
		return "", invalid(keyPhone)
	}
	national, ok := nationalPart(d[:n], plus)
	if !ok || national[0] < '2' {
		return "", invalid(keyPhone)
	}
	var out [1 + intlDigits]byte
	out[0] = '+'
	copy(out[1:], countryCode)
	copy(out[1+len(countryCode):], national)
	return string(out[:]), nil
}

// phoneDigits copies the digits of s into d. It stops at the first byte that
// cannot belong to a typed phone number, or as soon as there are more digits
// than any accepted shape has, so a 100 KB message costs nothing.
func phoneDigits(s string, d *[intlDigits]byte) (n int, plus, ok bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case '0' <= r && r <= '9':
			if n == len(d) {
				return 0, false, false
			}
			d[n] = byte(r)
			n++
		case r == '+':
			if plus || n > 0 {
				return 0, false, false
			}
			plus = true
		case isPhoneSeparator(r):
		default:
			return 0, false, false
		}
	}
	return n, plus, n > 0
}

// isPhoneSeparator reports the characters that phone keyboards, contact apps
// and copy-paste put between digit groups: the ones the masking of
// applications also reads through, and line breaks around the number.
// RuneError (invalid UTF-8) is none of them.
func isPhoneSeparator(r rune) bool {
	return textnorm.IsPhoneSeparator(r) || unicode.IsSpace(r)
}

// nationalPart strips the country or trunk prefix from the digits. A "+"
// demands the full international form, because "+700..." is Kazakhstan or
// Russia, not a Kyrgyz number missing its prefix.
func nationalPart(d []byte, plus bool) ([]byte, bool) {
	switch {
	case len(d) == intlDigits && string(d[:len(countryCode)]) == countryCode:
		return d[len(countryCode):], true
	case plus:
		return nil, false
	case len(d) == nationalDigits+1 && d[0] == '0':
		return d[1:], true
	case len(d) == nationalDigits:
		return d, true
	}
	return nil, false
}

// ---- date -----------------------------------------------------------------

// maxDateLen bounds the text worth looking at: the longest accepted shape,
// "05 . 03 . 1990 -жылы" with generous spacing, is far below it.
const maxDateLen = 64

// ParseDate reads a calendar date typed day first, as dates are written in
// Kyrgyzstan: "05.03.1990", "5.3.1990", "05/03/1990", "05-03-1990",
// "05 03 1990", "05. 03. 1990", or ISO "1990-03-05". Both separators must be
// the same. Surrounding spaces and a year word after a day-first date are
// tolerated: "ж", "ж.", "-ж.", "жыл", "жылы", "г", "г.", "год", "года" (any
// case, with or without a space or hyphen before it) or a final ".".
// Years must have 4 digits. The result is 00:00 in loc (UTC if loc is nil).
//
// Text of no accepted shape is rejected with Key "form.invalid.date"; a
// shape that names no real day (31.02.1990, month 13, day 0) with Key
// "form.invalid.date_impossible" and Data {"Input": the trimmed text}, so the
// bot can quote the date back.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	in := strings.TrimSpace(s)
	if len(in) > maxDateLen {
		return time.Time{}, invalid(keyDate)
	}
	y, m, d, ok := splitDate(in)
	if !ok {
		return time.Time{}, invalid(keyDate)
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(time.Month(m), y) {
		return time.Time{}, &Invalid{Key: keyDateImpossible, Data: map[string]any{"Input": in}}
	}
	if loc == nil {
		loc = time.UTC // time.Date panics on nil
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc), nil
}

// splitDate recognises the accepted shapes and returns the three numbers
// without judging whether they make a date.
func splitDate(s string) (y, m, d int, ok bool) {
	first, w, s := number(s)
	if w == 4 {
		return splitISO(first, s)
	}
	if w < 1 || w > 2 {
		return 0, 0, 0, false
	}
	sep1, s := separator(s)
	m, w, s = number(s)
	if sep1 == 0 || w < 1 || w > 2 {
		return 0, 0, 0, false
	}
	sep2, s := separator(s)
	y, w, s = number(s)
	if sep2 != sep1 || w != 4 || !isYearWord(s) {
		return 0, 0, 0, false
	}
	return y, m, first, true
}

// splitISO finishes "YYYY-MM-DD" after the year; only hyphens are accepted
// so that "1990.03.05" is not silently read one way or the other.
func splitISO(y int, s string) (int, int, int, bool) {
	if !strings.HasPrefix(s, "-") {
		return 0, 0, 0, false
	}
	m, w, s := number(s[1:])
	if w < 1 || w > 2 || !strings.HasPrefix(s, "-") {
		return 0, 0, 0, false
	}
	d, w, s := number(s[1:])
	if w < 1 || w > 2 || s != "" {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// number reads leading ASCII digits. Width w is returned instead of checked
// here because the accepted widths depend on the field; it stops after 5
// digits so that v cannot overflow.
func number(s string) (v, w int, rest string) {
	for w < len(s) && w < 5 && '0' <= s[w] && s[w] <= '9' {
		v = v*10 + int(s[w]-'0')
		w++
	}
	return v, w, s[w:]
}

// separator reads ".", "/" or "-", optionally surrounded by spaces, or a run
// of spaces alone; it returns the punctuation, ' ' for spaces only, or 0.
func separator(s string) (byte, string) {
	s, spaced := trimLeftSpace(s)
	if s != "" && (s[0] == '.' || s[0] == '/' || s[0] == '-') {
		sep := s[0]
		s, _ = trimLeftSpace(s[1:])
		return sep, s
	}
	if spaced {
		return ' ', s
	}
	return 0, s
}

func trimLeftSpace(s string) (string, bool) {
	t := strings.TrimLeftFunc(s, unicode.IsSpace)
	return t, len(t) < len(s)
}

// yearWords are what people append to a year in Kyrgyz and Russian
// ("1990-ж.", "1990 жылы", "1990 г."); compared case-insensitively.
var yearWords = [...]string{"ж", "ж.", "жыл", "жылы", "г", "г.", "год", "года"}

// isYearWord reports whether the text after the year is empty or a year word.
func isYearWord(s string) bool {
	s, _ = trimLeftSpace(s)
	if s == "" || s == "." {
		return true
	}
	if strings.HasPrefix(s, "-") {
		s, _ = trimLeftSpace(s[1:])
	}
	for _, w := range yearWords {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	return false
}

func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// AgeAt returns the full years between birth and at, as a birthday
// celebration counts them: someone born on 29 February turns a year older on
// 1 March in non-leap years. at is read in birth's location, because the
// birth date is a calendar date of the place the form was filled in, not an
// instant. It returns 0 when at is before birth; callers that must reject a
// birth date in the future compare the times themselves.
func AgeAt(birth, at time.Time) int {
	by, bm, bd := birth.Date()
	ay, am, ad := at.In(birth.Location()).Date()
	age := ay - by
	if am < bm || (am == bm && ad < bd) {
		age--
	}
	return max(age, 0)
}

// ---- e-mail ---------------------------------------------------------------

// maxEmailLen is the longest address SMTP can carry (RFC 5321 path limit).
const maxEmailLen = 254

// ParseEmail validates an e-mail address and returns it trimmed, with the
// domain lower-cased (domains are case-insensitive, and one spelling keeps
// duplicates findable; the local part is left alone because servers may
// treat its case as significant).
//
// net/mail decides the grammar; on top of it the answer must be exactly one
// bare address (no display name, no "<...>", no comments, no quoted local
// part), contain no spaces or invisible characters, have a dot in the domain
// (a typo guard: "aigul@gmail" is a mistake, not an intranet host), not use
// an IP-literal domain, and be at most 254 bytes. Failures carry Key
// "form.invalid.email".
func ParseEmail(s string) (string, error) {
	s = strings.TrimFunc(s, isBlank)
	if s == "" || len(s) > maxEmailLen || !utf8.ValidString(s) || strings.IndexFunc(s, isBlank) >= 0 {
		return "", invalid(keyEmail)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", invalid(keyEmail)
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, "[") {
		return "", invalid(keyEmail)
	}
	lower := strings.ToLower(domain)
	if lower == domain {
		return s, nil
	}
	// Lower-casing can lengthen non-ASCII text (U+023A, 2 bytes, becomes
	// U+2C65, 3 bytes), and the result must pass this function unchanged.
	if out := s[:at+1] + lower; len(out) <= maxEmailLen {
		return out, nil
	}
	return "", invalid(keyEmail)
}

// isBlank reports spaces, control characters and invisible formatting marks
// (zero-width spaces, bidi marks) that copy-paste drags along.
func isBlank(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// ---- words ----------------------------------------------------------------

// CountWords counts words the way a reader would, for answers with a word
// limit: runs of letters and digits separated by spaces or punctuation.
// "Ооба, мен — депутат!" is 3 words; a hyphen or apostrophe between letters
// joins ("Ысык-Көл" and "д'Артаньян" are 1 word each), as do "." and ","
// between digits ("3.5", "05.03.1990"); combining marks belong to the word
// they follow; an emoji alone is 0 words. Invalid UTF-8 separates words.
func CountWords(s string) int {
	n := 0
	inWord, prevDigit := false, false
	var glue joiner // a joiner met inside a word, decided by the next rune
	for _, r := range s {
		word, digit := classify(r)
		if glue != noJoin {
			inWord = word && (glue == joinAny || digit)
			glue = noJoin
		}
		switch {
		case word:
			if !inWord {
				n++
				inWord = true
			}
			prevDigit = digit
		case inWord && r >= 0x300 && unicode.IsMark(r):
			prevDigit = false
		case inWord:
			glue = joinerOf(r, prevDigit)
			inWord = glue != noJoin
		}
	}
	return n
}

// joiner says what may follow a punctuation mark for it to join two parts
// of one word rather than end the first.
type joiner uint8

const (
	noJoin    joiner = iota
	joinAny          // hyphen or apostrophe: any letter or digit
	joinDigit        // "." or "," after a digit: another digit
)

func joinerOf(r rune, prevDigit bool) joiner {
	switch r {
	case '-', '\u2010', '\u2011', '\'', '\u2019', '\u02BC':
		return joinAny
	case '.', ',':
		if prevDigit {
			return joinDigit
		}
	}
	return noJoin
}

// classify reports whether r is part of a word (a letter or number) and
// whether it is a decimal digit. ASCII and Cyrillic, nearly all the text
// this bot sees, skip the Unicode tables.
func classify(r rune) (word, digit bool) {
	switch {
	case r < utf8.RuneSelf:
		digit = '0' <= r && r <= '9'
		return digit || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z', digit
	case 0x400 <= r && r <= 0x4FF:
		return r < 0x482 || r > 0x489, false // U+0482..0489: a sign and combining marks
	case unicode.IsLetter(r):
		return true, false
	}
	return unicode.IsNumber(r), unicode.IsDigit(r)
}

// ---- free text ------------------------------------------------------------

// CleanText tidies an answer to a free-text field and checks its length in
// characters (runes), which is what the applicant sees counted on her phone.
//
// The text goes through [textnorm.Clean] first, as every text the bot
// stores from a person does: invalid UTF-8, control characters, zero-width
// spaces and joiners (except inside an emoji), soft hyphens, byte order
// marks and bidi controls are removed; "\r\n", "\r" and the Unicode line
// and paragraph separators become "\n", other Unicode spaces " "; letters
// are composed (NFC) and otherwise kept as typed. Then each run of spaces
// becomes one space (one tab if the run had a tab), space at the start or
// end of a line is dropped, and at most two newlines in a row are kept, so
// one blank line can separate paragraphs. The whole answer is trimmed.
//
// An answer empty after cleaning fails with Key "form.invalid.empty"; one
// longer than maxRunes runes with Key "form.invalid.too_long" and Data
// {"Max": maxRunes, "Length": n}. maxRunes <= 0 means no limit.
func CleanText(s string, maxRunes int) (string, error) {
	out, n := layOut(textnorm.Clean(s))
	switch {
	case n == 0:
		return "", invalid(keyEmpty)
	case maxRunes > 0 && n > maxRunes:
		return "", &Invalid{Key: keyTooLong, Data: map[string]any{"Max": maxRunes, "Length": n}}
	}
	return out, nil
}

// cleaner holds the whitespace seen since the last visible rune; it is
// written out only when another visible rune follows, which is what trims
// the ends of lines and of the whole text.
type cleaner struct {
	b        strings.Builder
	n        int  // runes written
	newlines int  // pending newlines
	space    rune // pending space: 0, ' ' or '\t'
}

// layOut collapses and trims the spaces of s, which textnorm.Clean
// returned, and returns the result and its length in runes.
func layOut(s string) (string, int) {
	var c cleaner
	c.b.Grow(len(s))
	for _, r := range s {
		switch r {
		case '\n':
			c.newline()
		case '\t':
			c.space = '\t'
		case ' ':
			if c.space == 0 {
				c.space = ' '
			}
		default:
			c.visible(r)
		}
	}
	return c.b.String(), c.n
}

func (c *cleaner) newline() {
	c.newlines++
	c.space = 0
}

func (c *cleaner) visible(r rune) {
	if c.n > 0 {
		switch {
		case c.newlines > 0:
			k := min(c.newlines, 2)
			c.b.WriteString("\n\n"[:k])
			c.n += k
		case c.space != 0:
			c.b.WriteRune(c.space)
			c.n++
		}
	}
	c.newlines, c.space = 0, 0
	c.b.WriteRune(r)
	c.n++
}
