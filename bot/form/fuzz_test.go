package form_test

import (
	"errors"
	"fmt"
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

var canonicalPhone = regexp.MustCompile(`^\+[1-9]\d{6,14}$`)

// phoneKeys are the refusals of a phone number.
var phoneKeys = map[string]bool{
	"form.invalid.phone_chars": true, "form.invalid.phone_short": true, "form.invalid.phone_long": true,
	"form.invalid.phone_unknown": true, "form.invalid.phone_country": true,
}

// FuzzParsePhone: a number read is E.164 and reads back as itself; a
// refusal is one of the phone's; WhatsApp takes the same number or
// refuses it as a landline.
func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"+996 700 123 456", "0 (700) 12-34-56", "700123456", "0312 976530", "+7 701 123 45 67",
		"тел: 0555 12 34 56", "8 (701) 123-45-67", "996555123456", "00 44 20 7946 0958", "+999 1234567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := form.ParsePhone(s)
		wa, waErr := form.ParseWhatsApp(s)
		if err != nil {
			if k := keyOf(t, err); !phoneKeys[k] {
				t.Fatalf("ParsePhone(%q) key = %q", s, k)
			}
			if waErr == nil || keyOf(t, waErr) != keyOf(t, err) {
				t.Fatalf("ParseWhatsApp(%q) = %q, %v; ParsePhone refused it with %v", s, wa, waErr, err)
			}
			return
		}
		if !canonicalPhone.MatchString(got) {
			t.Fatalf("ParsePhone(%q) = %q, not E.164", s, got)
		}
		if again, err := form.ParsePhone(got); again != got || err != nil {
			t.Fatalf("ParsePhone(%q) = %q, %v; want it unchanged", got, again, err)
		}
		if waErr != nil && keyOf(t, waErr) != "form.invalid.whatsapp_landline" || waErr == nil && wa != got {
			t.Fatalf("ParseWhatsApp(%q) = %q, %v; ParsePhone read %q", s, wa, waErr, got)
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
		for _, typed := range writtenAs(got) {
			if again, err := form.ParseDate(typed, bishkek); !again.Equal(got) || err != nil {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v (read from %q)", typed, again, err, got, s)
			}
		}
	})
}

// ruGenitive and kyMonths name the months as a Russian and a Kyrgyz date
// write them.
var (
	ruGenitive = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}
	kyMonths   = [...]string{"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"}
)

// writtenAs is a day as people write it: in numbers, in ISO, in Russian
// and in Kyrgyz words.
func writtenAs(day time.Time) []string {
	y, m, d := day.Date()
	return []string{
		day.Format("02.01.2006"),
		day.Format("2.1.2006"),
		day.Format("2006-01-02"),
		fmt.Sprintf("%d %s %04d г.", d, ruGenitive[m-1], y),
		fmt.Sprintf("%04d-жылы %d-%s", y, d, kyMonths[m-1]),
		fmt.Sprintf("%d-%sда %04d-ж.", d, kyMonths[m-1], y),
	}
}

// FuzzParseBirthDate: one reading, or two a century apart, the earlier
// first, neither or both of which the form takes; a sure four-digit date
// is ParseDate's; the two readings kept as one answer read back.
func FuzzParseBirthDate(f *testing.F) {
	for _, s := range []string{"05.05.90", "5 мая 90", "05.05.15", "29.02.00", "90-жылы 5-май", "05.05.1990", "1990-жылы 5-май", "31.02.90"} {
		f.Add(s)
	}
	bishkek := time.FixedZone("Asia/Bishkek", 6*60*60)
	r := form.Rules{Deadline: time.Date(2026, 12, 11, 17, 0, 0, 0, bishkek), Location: bishkek, Now: time.Date(2026, 11, 22, 10, 0, 0, 0, bishkek)}
	f.Fuzz(func(t *testing.T, s string) {
		days, err := form.ParseBirthDate(s, r)
		if err != nil {
			checkDateErr(t, s, err)
			return
		}
		if sure, err := form.ParseDate(s, bishkek); err == nil {
			if len(days) != 1 || !days[0].Equal(sure) {
				t.Fatalf("ParseBirthDate(%q) = %v, ParseDate read %v", s, days, sure)
			}
			return
		}
		switch len(days) {
		case 1:
			if days[0].Year() < 1900 || days[0].Year() > 2099 {
				t.Fatalf("ParseBirthDate(%q) = %v: a two-digit year out of the two centuries", s, days)
			}
		case 2:
			early, late := days[0], days[1]
			if late.Year()-early.Year() != 100 || late.YearDay() != early.YearDay() && early.Month() != time.February {
				t.Fatalf("ParseBirthDate(%q) = %v, want two readings a century apart", s, days)
			}
			if form.BirthDateFits(early, r) != form.BirthDateFits(late, r) {
				t.Fatalf("ParseBirthDate(%q) = %v: asked although one reading fits", s, days)
			}
			e, l, ok := form.UnsureDate(form.Centuries(early, late))
			if !ok || e != early.Format(form.DateLayout) || l != late.Format(form.DateLayout) {
				t.Fatalf("Centuries(%v, %v) reads back as %q, %q, %v", early, late, e, l, ok)
			}
		default:
			t.Fatalf("ParseBirthDate(%q) = %v", s, days)
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
