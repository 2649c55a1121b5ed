package textnorm_test

import (
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/faq"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/bot/selection"
	"github.com/mentorbot/mentorbot/bot/textnorm"
	"github.com/mentorbot/mentorbot/store"
)

// TestNamesAgree checks that the form's cleaning, the FAQ search and the
// masking treat a word typed in a tricky way alike: the word as the form
// stores it folds as the typed word does and has nothing invisible left;
// the masking hides the typed word in an essay when the stored name is
// the plain word, and the plain word when the stored name is the typed
// one; the FAQ search finds an entry with the plain word for the typed
// query, and an entry with the typed word for the plain query. A word that
// is not the same is left alone by all three.
func TestNamesAgree(t *testing.T) {
	tests := []struct {
		name         string
		plain, typed string
		same         bool
	}{
		{"BarredO", "Өмүрбекова", "Ɵмүрбекова", true},
		{"ZeroWidthJoiner", "Өмүрбекова", "Өмүр\u200dбекова", true},
		{"BarredOAndJoiner", "Өмүрбекова", "Ɵмүр\u200dбекова", true},
		{"SoftHyphen", "Өмүрбекова", "Өмүр\u00adбекова", true},
		{"ZeroWidthSpaceAndWordJoiner", "Өмүрбекова", "Өм\u200bүрбек\u2060ова", true},
		{"BidiOverride", "Өмүрбекова", "\u202eӨмүрбекова\u202c", true},
		{"BidiIsolate", "Өмүрбекова", "\u2067Өмүрбекова\u2069", true},
		{"LatinLookalikes", "Өмүрбекова", "Omүpбekoвa", true},
		{"LatinCapitals", "Өмүрбекова", "OMYPБEKOBA", true},
		{"WithoutKyrgyzLetters", "Өмүрбекова", "Омурбекова", true},
		{"Diacritic", "Өмүрбекова", "Ӧмүрбекова", true},
		{"KazakhKeyboard", "Ноңой Үмүт", "Ноӊой Ұмұт", true},
		{"EngWithHook", "Ноңой", "Ноӈой", true},
		{"EngLigature", "Ноңой", "Ноҥой", true},
		{"DecomposedShortI", "Айдана", "Аи\u0306дана", true},
		{"SoftSign", "Гүлнара", "Гульнара", true},
		{"NBSPBetweenWords", "Гүлзат Өмүрбекова", "Гүлзат\u00a0Өмүрбекова", true},
		{"DifferentFirstLetter", "Өмүрбекова", "Амурбекова", false},
		{"DifferentMiddle", "Өмүрбекова", "Өмүрзакова", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stored, err := form.CleanText(tt.typed, 0)
			if err != nil {
				t.Fatalf("CleanText(%+q): %v", tt.typed, err)
			}
			if strings.ContainsFunc(stored, textnorm.IsInvisible) {
				t.Errorf("CleanText(%+q) = %+q: an invisible rune is stored", tt.typed, stored)
			}
			if got, want := fields(stored), fields(tt.typed); got != want {
				t.Errorf("the stored %+q folds to %q, the typed %+q to %q", stored, got, tt.typed, want)
			}
			if same := fields(stored) == fields(tt.plain); same != tt.same {
				t.Errorf("Fold: %+q and %+q same = %v, want %v", stored, tt.plain, same, tt.same)
			}

			for _, c := range []struct{ name, written string }{
				{tt.plain, tt.typed},
				{stored, tt.plain},
			} {
				text := "Менин атым " + c.written + ", мен айылда жашайм."
				essay, _ := form.CleanText(text, 0)
				words := len(strings.Fields(textnorm.Clean(c.written)))
				hiddenText := "Менин атым " + strings.TrimSpace(strings.Repeat(selection.Placeholder+" ", words)) + ", мен айылда жашайм."
				for _, s := range []string{text, essay} {
					masked, _ := selection.Mask(s, selection.Identity{FullName: c.name})
					// What is left of a bidi control or a no-break space
					// around the name does not matter here.
					if hidden := textnorm.Clean(masked) == hiddenText; hidden != tt.same {
						t.Errorf("Mask(%+q) for the name %+q = %+q; hidden = %v, want %v", s, c.name, masked, hidden, tt.same)
					}
				}
			}

			for _, c := range []struct{ entry, query string }{
				{tt.plain, tt.typed},
				{stored, tt.plain},
			} {
				entries := []store.FAQEntry{{ID: 1, Language: "ky", Question: "Шайлоо жөнүндө " + c.entry + " эмне деди?", Answer: "Ооба."}}
				found := len(faq.Search(entries, "ky", c.query, 5)) == 1
				if found != tt.same {
					t.Errorf("Search(%+q) in an entry with %+q: found = %v, want %v", c.query, c.entry, found, tt.same)
				}
			}
		})
	}
}

// TestPhonesAgree checks that a phone number typed with the separators
// phones and contact apps put in is read by the form's phone question and
// hidden by the masking in free text, whether the masking knows it is hers
// or not, as she typed it and as the form stores the text; and that a
// number too short for the form is kept by the masking too.
func TestPhonesAgree(t *testing.T) {
	tests := []struct {
		name, typed string
		ok          bool
	}{
		{"Plain", "0700123456", true},
		{"Spaces", "+996 700 123 456", true},
		{"NoBreakSpaces", "+996\u00a0700\u00a0123\u00a0456", true},
		{"NarrowNoBreakSpaces", "0\u202f700\u202f123\u202f456", true},
		{"Dashes", "0700-12-34-56", true},
		{"OtherDashes", "0700–12‑34—56", true},
		{"NoBreakSpacesAndDashes", "+996\u00a0700\u00a012-34-56", true},
		{"Parentheses", "0 (700) 12-34-56", true},
		{"Dots", "0.700.12.34.56", true},
		{"BidiMarks", "\u202a+996 700 123 456\u202c", true},
		{"ZeroWidthSpaces", "0700\u200b123\u200b456", true},
		{"InvisibleAmongSpaces", "0700 \u200b 123 \u2060 456", true},
		{"TooShort", "12-34-56", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			phone, err := form.ParsePhone(tt.typed)
			if (err == nil) != tt.ok || tt.ok && phone != "+996700123456" {
				t.Errorf("ParsePhone(%+q) = %q, %v; want it read: %v", tt.typed, phone, err, tt.ok)
			}
			text := "Телефонум " + tt.typed + ", чалыңыз."
			essay, _ := form.CleanText(text, 0)
			for _, id := range []selection.Identity{{}, {Phone: phone}} {
				for _, s := range []string{text, essay} {
					masked, n := selection.Mask(s, id)
					if hidden := n > 0 && !strings.ContainsAny(masked, "0123456789"); hidden != tt.ok {
						t.Errorf("Mask(%+q, phone %q) = %+q; hidden = %v, want %v", s, id.Phone, masked, hidden, tt.ok)
					}
				}
			}
		})
	}
}

// fields is s folded for matching, its words joined by single spaces.
func fields(s string) string {
	return strings.Join(strings.FieldsFunc(textnorm.Fold(s), func(r rune) bool { return r == ' ' || r == '-' }), " ")
}
