package form

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/textnorm"
)

// Message keys in the bot's locale files. Tests spell them out as literals
// on purpose, so that renaming one here fails loudly instead of silently
// pointing at a message the locale files do not have.
const (
	keyDate           = "form.invalid.date"
	keyDateImpossible = "form.invalid.date_impossible"
	keyEmail          = "form.invalid.email"
	keyEmpty          = "form.invalid.empty"
	keyTooLong        = "form.invalid.too_long"
	keyNoLetters      = "form.invalid.no_letters"
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

// CleanWords is CleanText for an answer that must be words: a name, a
// place, a story. One with no letter at all ("2", "...", a lone emoji) is
// a slip of the finger or a tap on the wrong key, and is refused with Key
// "form.invalid.no_letters" rather than stored as her name.
func CleanWords(s string, maxRunes int) (string, error) {
	out, err := CleanText(s, maxRunes)
	if err != nil {
		return "", err
	}
	if err := Words(out); err != nil {
		return "", err
	}
	return out, nil
}

// Words refuses an answer with no letter at all, as CleanWords does.
func Words(answer string) error {
	if !strings.ContainsFunc(answer, unicode.IsLetter) {
		return invalid(keyNoLetters)
	}
	return nil
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
