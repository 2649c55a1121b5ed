package selection_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/selection"
	"github.com/mentorbot/mentorbot/bot/textnorm"
)

// FuzzMask checks what Mask guarantees for any text and identity:
//
//   - it does not panic, and its count agrees with the text: 0 spans means
//     the text unchanged;
//   - everything outside the masked spans is kept byte for byte (checked
//     when the text has no "▒" of its own, which would make the spans
//     ambiguous), and valid UTF-8 stays valid;
//   - no word of the result starts with a word of her name that has 3
//     letters or more, compared case-insensitively. Her name is taken as
//     the form stores it, cleaned by textnorm.Clean (so a zero-width
//     joiner in it does not make two words of one). The soft sign does not
//     count as a letter, because Mask ignores it ("Айгуль" is "Айгүл"), and
//     the patronymic particles are not names;
//   - no word starts with her village when it is one word that Mask hides
//     on its own (designators such as "айылы" and places of under 3
//     letters are not hidden with endings, by design);
//   - no 9 ASCII digits in a row are left, and her phone number added to
//     the text in any of the usual formats is not left either;
//   - masking the result again changes nothing and counts 0.
//
// It does not claim that every other form of her name is found: only the
// spellings folded together in Mask's documentation are.
func FuzzMask(f *testing.F) {
	f.Add("Менин атым Айгүл, Ак-Муз айылынанмын. Телефонум 0700 123 456.", "Асанова Айгүл Бакытовна", "Ак-Муз", "+996700123456")
	f.Add("Заявление Асановой Айгуль Бакытовны, тел. 0 (700) 12-34-56", "Асанова Айгүл Бакытовна", "с. Ак-Муз", "0700123456")
	f.Add("Кызыл-Суудагы кызы менен Бакыттын", "Бакыт кызы Айгүл", "Кызыл-Суу", "")
	f.Add("Айгүл\xff\xfeАйгүлдүн \xc0", "Айгүл", "Ош", "+996 555 12 34 56")
	f.Fuzz(func(t *testing.T, text, name, village, phone string) {
		id := selection.Identity{FullName: name, Village: village, Phone: phone}
		got, n := selection.Mask(text, id)

		switch {
		case n < 0:
			t.Fatalf("count %d", n)
		case n == 0 && got != text:
			t.Fatalf("Mask(%q) = %q with count 0", text, got)
		case n > 0 && (got == text || !strings.Contains(got, selection.Placeholder)):
			t.Fatalf("Mask(%q) = %q with count %d", text, got, n)
		}
		if utf8.ValidString(text) && !utf8.ValidString(got) {
			t.Fatalf("Mask(%q) = %q, not valid UTF-8", text, got)
		}
		if !strings.ContainsRune(text, '▒') && !keptOutside(text, got, n) {
			t.Fatalf("Mask(%q) = %q, %d: text outside the spans changed", text, got, n)
		}

		for _, w := range nameWords(textnorm.Clean(name)) {
			if wordStarting(got, w) {
				t.Fatalf("Mask(%q) = %q: a word still starts with %q", text, got, w)
			}
		}
		if parts := strings.FieldsFunc(textnorm.Clean(village), notLetterOrMark); len(parts) == 1 && letters(parts[0]) >= 3 {
			if m, k := selection.Mask(parts[0], id); m == selection.Placeholder && k == 1 && wordStarting(got, parts[0]) {
				t.Fatalf("Mask(%q) = %q: a word still starts with the village %q", text, got, parts[0])
			}
		}
		if i := digitsInARow(got, 9); i >= 0 {
			t.Fatalf("Mask(%q) = %q: 9 digits left at %d", text, got, i)
		}
		for _, p := range phoneForms(phone) {
			if m, _ := selection.Mask(text+" "+p+" "+text, id); strings.Contains(m, p) {
				t.Fatalf("her number %q left in %q", p, m)
			}
		}

		if again, k := selection.Mask(got, id); again != got || k != 0 {
			t.Fatalf("Mask(%q) = %q; masking it again gave %q, %d", text, got, again, k)
		}
	})
}

// particles are the words of a patronymic that Mask does not treat as names.
var particles = map[string]bool{"кызы": true, "уулу": true, "уулы": true, "оглы": true}

// nameWords are the words of name that Mask must hide: 3 letters or more,
// the soft sign not counted, particles left out.
func nameWords(name string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(name, notLetterOrMark) {
		if letters(w) >= 3 && !particles[strings.ToLower(w)] {
			out = append(out, w)
		}
	}
	return out
}

// letters counts the letters of w as Mask does, without the soft sign.
func letters(w string) int {
	n := 0
	for _, r := range w {
		if unicode.IsLetter(r) && r != 'ь' && r != 'Ь' {
			n++
		}
	}
	return n
}

func letterOrMark(r rune) bool    { return unicode.IsLetter(r) || unicode.IsMark(r) }
func notLetterOrMark(r rune) bool { return !letterOrMark(r) }

// wordStarting reports whether a word of s starts with w, in any case: at a
// letter or mark that follows no letter or mark.
func wordStarting(s, w string) bool {
	want := []rune(w)
	for k, r := range want {
		want[k] = unicode.ToLower(r)
	}
	prevLetter := false
	for i, r := range s {
		if !prevLetter && letterOrMark(r) && hasLowerPrefix(s[i:], want) {
			return true
		}
		prevLetter = letterOrMark(r)
	}
	return false
}

func hasLowerPrefix(s string, want []rune) bool {
	for _, w := range want {
		r, size := utf8.DecodeRuneInString(s)
		if size == 0 || unicode.ToLower(r) != w {
			return false
		}
		s = s[size:]
	}
	return true
}

// digitsInARow returns where s has n ASCII digits in a row, or -1.
func digitsInARow(s string, n int) int {
	run := 0
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			if run++; run == n {
				return i - n + 1
			}
		} else {
			run = 0
		}
	}
	return -1
}

// phoneForms writes the last 9 digits of phone as people type them, or
// returns nothing when it has fewer digits.
func phoneForms(phone string) []string {
	var d []byte
	for i := 0; i < len(phone); i++ {
		if '0' <= phone[i] && phone[i] <= '9' {
			d = append(d, phone[i])
		}
	}
	if len(d) < 9 {
		return nil
	}
	n := string(d[len(d)-9:])
	return []string{
		"0" + n,
		"+996 " + n[:3] + " " + n[3:6] + " " + n[6:],
		"0 (" + n[:3] + ") " + n[3:5] + "-" + n[5:7] + "-" + n[7:],
		n[:3] + "/" + n[3:6] + "/" + n[6:],
	}
}

// keptOutside reports whether got is text with n non-empty spans replaced by
// the placeholder. The pieces between placeholders are placed as early as
// possible, which finds a placement whenever one exists.
func keptOutside(text, got string, n int) bool {
	if n == 0 {
		return got == text
	}
	pieces := strings.Split(got, selection.Placeholder)
	if len(pieces) != n+1 || !strings.HasPrefix(text, pieces[0]) {
		return false
	}
	at := len(pieces[0])
	for _, p := range pieces[1 : len(pieces)-1] {
		// A masked span is never empty, so the next piece starts at
		// least one byte later.
		k := strings.Index(text[min(at+1, len(text)):], p)
		if at+1 > len(text) || k < 0 {
			return false
		}
		at += 1 + k + len(p)
	}
	last := pieces[len(pieces)-1]
	return len(text)-len(last) > at && strings.HasSuffix(text, last)
}
