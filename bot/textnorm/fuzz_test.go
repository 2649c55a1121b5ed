package textnorm_test

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/mentorbot/mentorbot/bot/textnorm"
)

// FuzzNormalize checks what the package promises for any text, valid
// UTF-8 or not:
//
//   - Clean, ForStaff and Fold return valid UTF-8 with no bidi control, and
//     doing any of them again changes nothing;
//   - Clean leaves no invisible rune but a joiner between two emoji, no
//     carriage return and no space other than " ", "\t" and "\n", and its
//     result is NFC;
//   - ForStaff removes what Clean removes and nothing else: cleaning after
//     it gives what cleaning gives, and it changes nothing Clean returned;
//   - Fold leaves no rune it would itself leave out, and for valid UTF-8 a
//     cleaned text folds to the same words as the text typed, so what the
//     form stores is matched as what she typed.
//
// The seed corpus is in testdata/fuzz/FuzzNormalize.
func FuzzNormalize(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		clean := textnorm.Clean(s)
		checkOut(t, "Clean", s, clean)
		if again := textnorm.Clean(clean); again != clean {
			t.Fatalf("Clean(%+q) = %+q, and again %+q", s, clean, again)
		}
		if !norm.NFC.IsNormalString(clean) {
			t.Fatalf("Clean(%+q) = %+q, not NFC", s, clean)
		}
		for i, r := range clean {
			switch {
			case r == '\u200d' && i > 0 && i+len("\u200d") < len(clean):
				// A joiner between emoji is drawn as one picture.
			case textnorm.IsInvisible(r), r == '\r', r != ' ' && r != '\t' && r != '\n' && unicode.IsSpace(r):
				t.Fatalf("Clean(%+q) = %+q: %U left", s, clean, r)
			}
		}

		staff := textnorm.ForStaff(s)
		checkOut(t, "ForStaff", s, staff)
		if again := textnorm.ForStaff(staff); again != staff {
			t.Fatalf("ForStaff(%+q) = %+q, and again %+q", s, staff, again)
		}
		if c := textnorm.Clean(staff); c != clean {
			t.Fatalf("Clean(ForStaff(%+q)) = %+q, but Clean = %+q", s, c, clean)
		}
		if fs := textnorm.ForStaff(clean); fs != clean {
			t.Fatalf("ForStaff(Clean(%+q)) = %+q, want %+q", s, fs, clean)
		}

		fold := textnorm.Fold(s)
		checkOut(t, "Fold", s, fold)
		if again := textnorm.Fold(fold); again != fold {
			t.Fatalf("Fold(%+q) = %+q, and again %+q", s, fold, again)
		}
		for _, r := range fold {
			if _, ok := textnorm.FoldRune(r); !ok {
				t.Fatalf("Fold(%+q) = %+q: %U left", s, fold, r)
			}
		}
		if utf8.ValidString(s) && !hasJamo(s) {
			if a, b := strings.Fields(textnorm.Fold(clean)), strings.Fields(fold); !slices.Equal(a, b) {
				t.Fatalf("Fold(Clean(%+q)) = %+q, but Fold = %+q", s, a, b)
			}
		}
	})
}

func checkOut(t *testing.T, name, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s(%+q) = %+q, not valid UTF-8", name, in, out)
	}
	if i := strings.IndexFunc(out, textnorm.IsBidiControl); i >= 0 {
		t.Fatalf("%s(%+q) = %+q: a bidi control at %d", name, in, out, i)
	}
}

// hasJamo reports Korean letters typed apart, which Clean composes into
// syllables and FoldRune, one rune at a time, cannot.
func hasJamo(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return 0x1100 <= r && r <= 0x11ff || 0xa960 <= r && r <= 0xa97f || 0xd7b0 <= r && r <= 0xd7ff
	})
}
