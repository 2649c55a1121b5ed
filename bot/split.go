package bot

import (
	"strings"
	"unicode/utf16"
)

// MaxMessage is Telegram's limit on a message's text, in UTF-16 code units.
const MaxMessage = 4096

// Split cuts text into parts of at most max UTF-16 code units, preferring
// to cut between paragraphs, then lines, then sentences, then words, so a
// long answer reads naturally across messages.
func Split(text string, max int) []string {
	var parts []string
	for !Fits(text, max) {
		cut := cutPoint(text, max)
		parts = append(parts, strings.TrimRight(text[:cut], " \n"))
		text = strings.TrimLeft(text[cut:], " \n")
	}
	if text != "" || len(parts) == 0 {
		parts = append(parts, text)
	}
	return parts
}

// cutPoint returns a byte index at which text's head fits in max units.
func cutPoint(text string, max int) int {
	limit := prefixWithin(text, max)
	head := text[:limit]
	for _, sep := range []string{"\n\n", "\n", ". ", "! ", "? ", " "} {
		// Do not cut so early that a part is mostly empty.
		if i := strings.LastIndex(head, sep); i > limit/2 {
			return i + len(sep)
		}
	}
	return limit
}

// prefixWithin returns the byte length of the longest prefix of text that
// takes at most max UTF-16 units, never splitting a rune.
func prefixWithin(text string, max int) int {
	units := 0
	for i, r := range text {
		n := utf16.RuneLen(r)
		if n < 0 {
			n = 1
		}
		if units+n > max {
			return i
		}
		units += n
	}
	return len(text)
}

// Fits reports whether s takes at most max UTF-16 code units. A string of
// at most max bytes always does: no rune takes more units than bytes.
func Fits(s string, max int) bool {
	if len(s) <= max {
		return true
	}
	n := 0
	for _, r := range s {
		if c := utf16.RuneLen(r); c > 0 {
			n += c
		} else {
			n++
		}
		if n > max {
			return false
		}
	}
	return true
}
