// Package textnorm is the bot's one idea of what a typed text says, for
// the three places that must agree on it: the form cleaning an answer
// before it is stored, the FAQ search matching a question, and the masking
// that hides a name, a place or a number from the commission. When they
// disagree, a name typed with "ɵ" is found by the search but not hidden
// from the commission, so all three use this package and a test checks
// that they agree.
//
// Two functions, two jobs:
//
//   - [Clean] is for text a person typed that is stored and shown: it
//     removes what no one can see (zero-width spaces and joiners, soft
//     hyphens, bidi controls, control characters), makes odd spaces plain,
//     and composes letters (NFC), but keeps every visible letter as typed.
//   - [Fold] and [FoldRune] are for matching only, never for storing: they
//     make equal what a person means as equal on a phone without a Kyrgyz
//     keyboard: case, ү ө ң and the look-alikes ұ ɵ ӈ ӊ ҥ, ё and й, Latin
//     letters that look like Cyrillic ones, diacritics, the soft sign.
//
// [ForStaff] removes what could hide or reorder text shown to staff, and
// [IsPhoneSeparator] is what may stand between the digits of a phone number.
package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/unicode/rangetable"
)

// Clean returns s as it should be stored and shown: invalid UTF-8 dropped;
// "\r\n", "\r" and the Unicode line and paragraph separators as "\n"; every
// other space (no-break, narrow no-break, ideographic, en and em spaces,
// vertical tab, form feed) as " ", tabs kept; invisible runes removed (see
// [IsInvisible]), except a zero-width joiner between two emoji, which
// draws one picture ("👩‍👩‍👧"); then composed to NFC, so "и" followed by
// a combining breve is stored as "й". Letters are not folded: "Ɵмүр"
// stays "Ɵмүр".
//
// Clean does not collapse or trim spaces: how an answer is laid out is
// the form's business. Clean(Clean(s)) == Clean(s).
func Clean(s string) string {
	if isClean(s) {
		return s
	}
	return norm.NFC.String(plainSpaces(strip(strings.ToValidUTF8(s, ""))))
}

// ForStaff returns s with what could hide or reorder it removed: invalid
// UTF-8, bidi controls and the other invisible runes that [Clean] removes.
// Nothing visible changes, so staff read what the person wrote, but a name
// with a right-to-left override cannot turn the rest of a line of a staff
// list around. Use it where a name or a text from a person is put into a
// message for staff; text that went through Clean needs it only when it
// was stored before Clean existed.
func ForStaff(s string) string {
	if isClean(s) {
		return s
	}
	return strip(strings.ToValidUTF8(s, ""))
}

// isClean reports the text that both Clean and ForStaff return unchanged,
// without allocating: what people type is nearly always that.
func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			// The letter before may compose with what follows.
			return isCleanSlow(s[i:]) && norm.NFC.IsNormalString(s)
		}
		if c < ' ' && c != '\n' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func isCleanSlow(s string) bool {
	for _, r := range s {
		switch {
		case r == utf8.RuneError, r == zwj, IsInvisible(r),
			isOddSpace(r):
			// U+FFFD may be invalid UTF-8; a joiner needs its context.
			return false
		}
	}
	return true
}

// zwj is the zero-width joiner, which glues emoji into one picture.
const zwj = '\u200d'

// strip removes the invisible runes of valid UTF-8 s.
func strip(s string) string {
	if !strings.ContainsFunc(s, IsInvisible) {
		return s // the joiner is invisible too
	}
	var b strings.Builder
	b.Grow(len(s))
	prev := rune(-1) // the last rune kept
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == zwj:
			if next, _ := utf8.DecodeRuneInString(s[i:]); !isEmoji(prev) || !isPictograph(next) {
				continue
			}
		case IsInvisible(r):
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// plainSpaces makes the line breaks of s "\n" and its other spaces " ".
// It runs after strip, so that "\r", a removed control character and "\n"
// are one line break, as they look.
func plainSpaces(s string) string {
	if !strings.ContainsFunc(s, isOddSpace) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\n' || r == '\t' || r == ' ':
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			r = '\n'
		case r == '\u2028' || r == '\u2029':
			r = '\n'
		case unicode.IsSpace(r):
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isOddSpace reports the spaces that Clean changes: all of Unicode's
// White_Space but " ", "\t" and "\n", listed so that the letters of a text
// cost no table lookup.
func isOddSpace(r rune) bool {
	switch r {
	case '\v', '\f', '\r', 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return 0x2000 <= r && r <= 0x200a
}

// isPictograph reports the runes most emoji are, roughly Unicode's
// Extended_Pictographic, which Go's tables do not have.
func isPictograph(r rune) bool {
	switch {
	case 0x1F000 <= r && r <= 0x1FAFF, 0x2600 <= r && r <= 0x27BF,
		0x2300 <= r && r <= 0x23FF, 0x2B00 <= r && r <= 0x2BFF, 0x2190 <= r && r <= 0x21FF:
		return true
	}
	switch r {
	case 0xA9, 0xAE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D, 0x3297, 0x3299:
		return true
	}
	return false
}

// isEmoji reports what may end the emoji before a joiner: a pictograph,
// possibly with a skin tone (a pictograph too), the emoji presentation
// selector or the keycap mark.
func isEmoji(r rune) bool {
	return isPictograph(r) || r == '\ufe0f' || r == '\u20e3'
}

// IsBidiControl reports the runes that change the direction text is
// shown in: the marks U+200E, U+200F and U+061C, the embeddings and
// overrides U+202A–U+202E and the isolates U+2066–U+2069. All of them are
// invisible and removed by Clean and ForStaff.
func IsBidiControl(r rune) bool {
	switch {
	case r == '\u061c', r == '\u200e', r == '\u200f':
		return true
	case '\u202a' <= r && r <= '\u202e', '\u2066' <= r && r <= '\u2069':
		return true
	}
	return false
}

// IsInvisible reports the runes that show nothing and are not spaces, so
// that text means the same without them: control characters other than
// tab and line breaks, format characters (category Cf: zero-width space,
// joiner and non-joiner, word joiner, byte order mark, soft hyphen, bidi
// controls, tags), and the other default-ignorable code points (the
// combining grapheme joiner, Hangul fillers, which make "blank" names,
// Mongolian variation selectors). Variation selectors U+FE00–U+FE0F are
// kept: they choose how an emoji is drawn. Clean removes these runes, Fold
// drops them, and the masking reads through them.
func IsInvisible(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return r < ' ' && !isASCIISpace(r) || r == 0x7f
	case r < 0xa0:
		return r != 0x85 // NEL is a line break
	case r < 0x300:
		return r == 0xad
	case 0x400 <= r && r <= 0x4ff:
		return false // Cyrillic
	}
	return unicode.Is(invisible, r)
}

func isASCIISpace(r rune) bool {
	return r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r' || r == ' '
}

// invisible is category Cf with the default-ignorable code points that
// are not in it.
var invisible = rangetable.Merge(unicode.Cf, &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x034f, Hi: 0x034f, Stride: 1}, // combining grapheme joiner
		{Lo: 0x115f, Hi: 0x1160, Stride: 1}, // Hangul choseong and jungseong fillers
		{Lo: 0x17b4, Hi: 0x17b5, Stride: 1}, // Khmer inherent vowels
		{Lo: 0x180b, Hi: 0x180f, Stride: 1}, // Mongolian variation selectors and vowel separator
		{Lo: 0x2060, Hi: 0x206f, Stride: 1}, // word joiner, invisible operators, isolates, deprecated format
		{Lo: 0x3164, Hi: 0x3164, Stride: 1}, // Hangul filler
		{Lo: 0xffa0, Hi: 0xffa0, Stride: 1}, // halfwidth Hangul filler
		{Lo: 0xfff0, Hi: 0xfff8, Stride: 1}, // unassigned, reserved as ignorable
	},
	R32: []unicode.Range32{
		{Lo: 0xe0000, Hi: 0xe00ff, Stride: 1}, // tags and their reserved neighbours
		{Lo: 0xe01f0, Hi: 0xe0fff, Stride: 1}, // reserved as ignorable
	},
})

// IsPhoneSeparator reports what phone keyboards, contact apps and
// copy-paste put between the digit groups of a phone number: spaces other
// than line breaks (no-break and narrow no-break spaces included), "-" and
// the other dashes, ".", "(" and ")", and invisible runes (contact apps
// wrap numbers in bidi marks). The form's phone parser and the masking's
// phone search both take these; the form also takes line breaks around
// the number, the masking does not join numbers across lines.
func IsPhoneSeparator(r rune) bool {
	switch r {
	case '.', '(', ')':
		return true
	}
	return IsDash(r) || IsInlineSpace(r) || r >= utf8.RuneSelf && IsInvisible(r)
}

// IsDash reports the hyphens and dashes people type in numbers and place
// names: - ‐ ‑ ‒ – — −.
func IsDash(r rune) bool {
	switch r {
	case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return true
	}
	return false
}

// IsInlineSpace reports spaces other than line breaks: a name or a number
// does not go on over a new line.
func IsInlineSpace(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x85, 0x2028, 0x2029:
		return false
	}
	return unicode.IsSpace(r)
}

// Fold returns s with every rune folded by [FoldRune] and the runes it
// leaves out dropped. It is for comparing, never for storing or showing.
// Fold(Fold(s)) == Fold(s), and Fold(Clean(s)) has the same words as
// Fold(s) (for valid UTF-8 without separately typed Korean jamo, which
// Clean composes into syllables).
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if f, ok := FoldRune(r); ok {
			b.WriteRune(f)
		}
	}
	return b.String()
}

// FoldRune returns the rune r is compared as, or false when r is left out
// of comparisons. The rules, in the order they apply:
//
//   - invisible runes ([IsInvisible]), combining marks and the soft sign
//     ь are left out: Russian spelling adds ь to Kyrgyz names ("Айгуль"
//     for "Айгүл"), and a decomposed "й" carries a mark;
//   - every space is " ";
//   - a letter with a diacritic is its base letter, and a compatibility
//     form (full-width, mathematical, circled) the plain letter: "é" is
//     "e", "ӧ" is "о", "Ａ" is "a";
//   - lower case;
//   - ү, ұ are у; ө, ɵ are о; ң, ӈ, ӊ, ҥ are н; ё is е; й is и: most
//     phones here have only the Russian layout, and some keyboards give a
//     look-alike for the Kyrgyz letter;
//   - the Latin letters that look like Cyrillic ones are those: a, b, c,
//     e, h, k, m, o, p, t, x, y are а, в, с, е, н, к, м, о, р, т, х, у, in
//     both cases, so "Aйгyл" typed half in Latin is "айгул" and the
//     comparison stays case-blind.
//
// Everything else is itself. FoldRune(FoldRune(r)) is FoldRune(r).
func FoldRune(r rune) (rune, bool) {
	// Small enough to be inlined into the scans: nearly every rune of a
	// text is a lower-case Russian-alphabet or Latin letter.
	if i := uint32(r - 'а'); i < uint32(len(cyrillic)) {
		return cyrillic[i], r != 'ь'
	}
	if i := uint32(r - 'a'); i < uint32(len(latin)) {
		return latin[i], true
	}
	return foldSlow(r)
}

// latin is how FoldRune folds the lower-case Latin letters.
var latin = [26]rune{
	'а', 'в', 'с', 'd', 'е', 'f', 'g', 'н', 'i', 'j', 'к', 'l', 'м',
	'n', 'о', 'р', 'q', 'r', 's', 'т', 'u', 'v', 'w', 'х', 'у', 'z',
}

// cyrillic is how FoldRune folds а–я: й is и, the rest are themselves.
var cyrillic = func() (t [32]rune) {
	for i := range t {
		t[i] = 'а' + rune(i)
	}
	t['й'-'а'] = 'и'
	return t
}()

func foldSlow(r rune) (rune, bool) {
	switch {
	case 'A' <= r && r <= 'Z':
		return latin[r-'A'], true
	case 'А' <= r && r <= 'Я':
		return FoldRune(r + 'а' - 'А')
	case r == 'ё' || r == 'Ё':
		return 'е', true
	case r < utf8.RuneSelf:
		if IsInvisible(r) {
			return 0, false
		}
		if isASCIISpace(r) {
			return ' ', true
		}
		return r, true
	case IsInvisible(r) || unicode.IsMark(r):
		return 0, false
	case unicode.IsSpace(r):
		return ' ', true
	}
	// Lower case on both sides of base: "Ϲ" is "Σ" but its lower case
	// "ϲ" is "ς", and both must fold alike.
	f := unicode.ToLower(base(unicode.ToLower(r)))
	if unicode.IsMark(f) {
		return 0, false // a spacing form of a mark, "ﾞ"
	}
	if f < utf8.RuneSelf || 'а' <= f && f <= 'я' || f == 'ё' {
		return FoldRune(f)
	}
	switch f {
	case 'ү', 'ұ':
		return 'у', true
	case 'ө', 'ɵ':
		return 'о', true
	case 'ң', 'ӈ', 'ӊ', 'ҥ':
		return 'н', true
	}
	return f, true
}

// base returns the letter r is made of when its compatibility decomposition
// is one rune followed by combining marks ("é", "ӧ", "Ａ", "𝐀"), else r:
// "ﬁ" is two letters and a Korean syllable is several jamo, which one rune
// cannot stand for.
func base(r rune) rune {
	var buf [utf8.UTFMax]byte
	d := norm.NFKD.Properties(buf[:utf8.EncodeRune(buf[:], r)]).Decomposition()
	if d == nil {
		return r
	}
	first, size := utf8.DecodeRune(d)
	for rest := d[size:]; len(rest) > 0; {
		m, n := utf8.DecodeRune(rest)
		if !unicode.IsMark(m) {
			return r
		}
		rest = rest[n:]
	}
	return first
}
