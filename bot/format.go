package bot

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/textnorm"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// Clip shortens s to about n characters, at a word boundary, with "…".
// It puts a person's text into a line of a list, so bidi controls stored
// before answers were cleaned are removed: they would turn the rest of
// the line around.
func Clip(s string, n int) string {
	s = textnorm.ForStaff(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := 0
	for i := range s {
		if cut >= n {
			s = s[:i]
			break
		}
		cut++
	}
	if i := strings.LastIndexAny(s, " \n"); i > len(s)/2 {
		s = s[:i]
	}
	return strings.TrimRight(s, " ,.;:\n") + "…"
}

// DisplayName is her Telegram name as staff see it. Names stored before
// they were cleaned may still hold bidi controls, so they go through
// ForStaff here too.
func DisplayName(u store.User) string {
	if name := textnorm.ForStaff(u.FirstName); name != "" {
		return name
	}
	return "—"
}

// UserLang is the language to write to u in: her choice, else the guess
// from her phone's language.
func UserLang(u store.User) string {
	if u.Language == "" {
		return locales.Guess(u.LangCode)
	}
	return u.Language
}

// ErrOr returns err if there is one, else what fallback returns.
func ErrOr(err error, fallback func() error) error {
	if err != nil {
		return err
	}
	return fallback()
}

// Percent is n out of of as a whole percentage, "–" of nothing.
func Percent(n, of int) string {
	if of == 0 {
		return "–"
	}
	return fmt.Sprintf("%d%%", (n*100+of/2)/of)
}

// FormatPoints shows a total with at most one decimal: 77, 81.3.
func FormatPoints(v float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0")
}

// Categories in the order staff see them.
var Categories = []store.Category{store.Category28Plus, store.CategoryUnder28}
