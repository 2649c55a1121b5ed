package store_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

func TestParseCode(t *testing.T) {
	for in, want := range map[string]string{
		"A-001": "A-001", "a-1": "A-001", "A1": "A-001", "a001": "A-001", "А-001": "A-001", "а1": "A-001",
		" A – 01 ": "A-001", "A 12": "A-012", "a-0042": "A-042", "A-1000": "A-1000", "A—7": "A-007",
	} {
		if got, ok := store.ParseCode(in); !ok || got != want {
			t.Errorf("ParseCode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "A", "A-", "A-0", "A-000", "B-001", "A-1x", "A-1 2", "1", "A-1234567890", "A-+1", "Айгүл"} {
		if got, ok := store.ParseCode(in); ok {
			t.Errorf("ParseCode(%q) = %q, want no code", in, got)
		}
	}
}

// storedCode is how a code is stored.
var storedCode = regexp.MustCompile(`^A-(\d{3}|[1-9]\d{3,})$`)

// Any text: ParseCode gives a code as stored, reads its own output back
// unchanged, and reads the same code however the letter's case and the
// zeros are written.
func FuzzParseCode(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		code, ok := store.ParseCode(s)
		if !ok {
			return
		}
		if !storedCode.MatchString(code) {
			t.Fatalf("ParseCode(%q) = %q, not a stored code", s, code)
		}
		if again, ok := store.ParseCode(code); !ok || again != code {
			t.Fatalf("ParseCode(%q) = %q, but ParseCode(%q) = %q, %v", s, code, code, again, ok)
		}
		digits := strings.TrimLeft(strings.TrimPrefix(code, "A-"), "0")
		for _, alt := range []string{"a" + digits, "А-00" + digits, "а " + digits} {
			if got, ok := store.ParseCode(alt); !ok || got != code {
				t.Fatalf("ParseCode(%q) = %q, %v; want %q like %q", alt, got, ok, code, s)
			}
		}
	})
}
