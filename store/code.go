package store

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// codeFormat is how an application's code is written: "A-001", "A-1000".
const codeFormat = "A-%03d"

// applicationCode is the code of the application numbered seq.
func applicationCode(seq uint64) string { return fmt.Sprintf(codeFormat, seq) }

// maxCodeDigits bounds the number a typed code may carry, so that no
// typed code overflows: a school has thousands of applications, not
// billions.
const maxCodeDigits = 9

// ParseCode reads an application code as staff type it, and returns it as
// it is stored ("A-001"), or false when s is no code. Staff type codes
// from a list, on a phone, often in the Russian layout: the letter may be
// Latin or Cyrillic (А), of either case, the dash any dash, a space or
// missing, and the number with or without its leading zeros. So "a-1",
// "A1", "a001", "А-001" and " A – 01 " are all A-001. A-000 is no code.
func ParseCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	letter, size := utf8.DecodeRuneInString(s)
	switch letter {
	case 'A', 'a', 'А', 'а':
	default:
		return "", false
	}
	s = strings.TrimLeftFunc(s[size:], func(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) })
	s = strings.TrimLeft(s, "0")
	if s == "" || len(s) > maxCodeDigits {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return "", false
	}
	return applicationCode(n), true
}
