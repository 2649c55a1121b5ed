package form_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/form"
)

// keyOf returns the key of a *form.Invalid, failing the fuzz run if err is
// some other error: callers switch on the key, so nothing else may escape.
func keyOf(t *testing.T, err error) string {
	t.Helper()
	var inv *form.Invalid
	if !errors.As(err, &inv) {
		t.Fatalf("err = %v (%T), want *form.Invalid", err, err)
	}
	return inv.Key
}

var canonicalPhone = regexp.MustCompile(`^\+996[2-9]\d{8}$`)

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"+996 700 123 456", "0 (700) 12-34-56", "700123456", "0312 976530", "+7 701 123 45 67", "тел: 0555 12 34 56"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := form.ParsePhone(s)
		if err != nil {
			if k := keyOf(t, err); k != "form.invalid.phone" {
				t.Fatalf("ParsePhone(%q) key = %q", s, k)
			}
			return
		}
		if !canonicalPhone.MatchString(got) {
			t.Fatalf("ParsePhone(%q) = %q, not canonical", s, got)
		}
		if again, err := form.ParsePhone(got); again != got || err != nil {
			t.Fatalf("ParsePhone(%q) = %q, %v; want it unchanged", got, again, err)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"05.03.1990", "5.3.1990 ж.", "1990-03-05", "31.02.1990", "05. 03. 1990 г.", "05 03 1990 жылы"} {
		f.Add(s)
	}
	bishkek := time.FixedZone("Asia/Bishkek", 6*60*60)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := form.ParseDate(s, bishkek)
		if err != nil {
			checkDateErr(t, s, err)
			return
		}
		if h, m, sec := got.Clock(); h != 0 || m != 0 || sec != 0 || got.Nanosecond() != 0 || got.Location() != bishkek {
			t.Fatalf("ParseDate(%q) = %v, want midnight in Bishkek", s, got)
		}
		typed := got.Format("02.01.2006")
		if again, err := form.ParseDate(typed, bishkek); !again.Equal(got) || err != nil {
			t.Fatalf("ParseDate(%q) = %v, %v; want %v", typed, again, err, got)
		}
	})
}

func checkDateErr(t *testing.T, s string, err error) {
	t.Helper()
	var inv *form.Invalid
	switch k := keyOf(t, err); k {
	case "form.invalid.date":
	case "form.invalid.date_impossible":
		errors.As(err, &inv)
		if in := strings.TrimSpace(s); inv.Data["Input"] != in {
			t.Fatalf("ParseDate(%q) Data = %v, want Input %q", s, inv.Data, in)
		}
	default:
		t.Fatalf("ParseDate(%q) key = %q", s, k)
	}
}

func FuzzParseEmail(f *testing.F) {
	for _, s := range []string{"aigul@example.kg", "Aigul.Tok@Gmail.COM", "айгүл@МЕКТЕП.кг", "Aigul <a@b.kg>", "a@b.kg, c@d.kg", `"a b"@c.kg`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := form.ParseEmail(s)
		if err != nil {
			if k := keyOf(t, err); k != "form.invalid.email" {
				t.Fatalf("ParseEmail(%q) key = %q", s, k)
			}
			return
		}
		if len(got) > 254 || !utf8.ValidString(got) || strings.Count(got, "@") != 1 {
			t.Fatalf("ParseEmail(%q) = %q: too long, invalid UTF-8 or not one @", s, got)
		}
		if domain := got[strings.IndexByte(got, '@')+1:]; domain != strings.ToLower(domain) {
			t.Fatalf("ParseEmail(%q) = %q: domain not lower-case", s, got)
		}
		if again, err := form.ParseEmail(got); again != got || err != nil {
			t.Fatalf("ParseEmail(%q) = %q, %v; want it unchanged", got, again, err)
		}
	})
}

// FuzzCountWords checks that a space always ends a word and never starts
// one, so counts of space-joined texts add up, and that invalid UTF-8 acts
// like any other separator.
func FuzzCountWords(f *testing.F) {
	f.Add("Ооба, мен — депутат!", "Ысык-Көл")
	f.Add("3.", "5 сом")
	f.Add("кеңеш-", "\u0306ок")
	f.Add("👍", "don’t")
	f.Fuzz(func(t *testing.T, a, b string) {
		na, nb := form.CountWords(a), form.CountWords(b)
		if n := utf8.RuneCountInString(a); na > n {
			t.Fatalf("CountWords(%q) = %d > %d runes", a, na, n)
		}
		if n := form.CountWords(a + " " + b); n != na+nb {
			t.Fatalf("CountWords(%q + %q) = %d, want %d + %d", a, b, n, na, nb)
		}
		if n := form.CountWords(strings.ToValidUTF8(a, " ")); n != na {
			t.Fatalf("CountWords of repaired %q = %d, want %d", a, n, na)
		}
	})
}

func FuzzCleanText(f *testing.F) {
	f.Add("  Мен   депутат\r\n\r\n\r\nболом. ", 100)
	f.Add("Аты:\t Айгүл\x00\u200b", 5)
	f.Add("\xff\xfe", 0)
	f.Add(strings.Repeat("Кеңеш ", 50), 200)
	f.Fuzz(func(t *testing.T, s string, maxRunes int) {
		got, err := form.CleanText(s, maxRunes)
		if err != nil {
			checkCleanErr(t, s, maxRunes, err)
			return
		}
		checkClean(t, s, got, maxRunes)
		if again, err := form.CleanText(got, maxRunes); again != got || err != nil {
			t.Fatalf("CleanText(%q) = %q, %v; want it unchanged", got, again, err)
		}
	})
}

func checkClean(t *testing.T, s, got string, maxRunes int) {
	t.Helper()
	if !utf8.ValidString(got) {
		t.Fatalf("CleanText(%q) = %q: invalid UTF-8", s, got)
	}
	if n := utf8.RuneCountInString(got); n == 0 || maxRunes > 0 && n > maxRunes {
		t.Fatalf("CleanText(%q, %d) = %q: %d runes", s, maxRunes, got, n)
	}
	if strings.IndexFunc(got, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0 {
		t.Fatalf("CleanText(%q) = %q: control character left", s, got)
	}
	if strings.TrimSpace(got) != got || strings.Contains(got, "\n\n\n") || strings.Contains(got, "  ") {
		t.Fatalf("CleanText(%q) = %q: untrimmed or uncollapsed space", s, got)
	}
}

func checkCleanErr(t *testing.T, s string, maxRunes int, err error) {
	t.Helper()
	var inv *form.Invalid
	switch k := keyOf(t, err); k {
	case "form.invalid.empty":
	case "form.invalid.too_long":
		errors.As(err, &inv)
		full, _ := form.CleanText(s, 0)
		n := utf8.RuneCountInString(full)
		if inv.Data["Max"] != maxRunes || inv.Data["Length"] != n || n <= maxRunes {
			t.Fatalf("CleanText(%q, %d) Data = %v, cleaned length %d", s, maxRunes, inv.Data, n)
		}
	default:
		t.Fatalf("CleanText(%q) key = %q", s, k)
	}
}
