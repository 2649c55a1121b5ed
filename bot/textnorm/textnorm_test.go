package textnorm_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/mentorbot/mentorbot/bot/textnorm"
)

func TestClean(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Unchanged", "Мен Айгүл, 2026-ж.\n\tСалам!", "Мен Айгүл, 2026-ж.\n\tСалам!"},
		{"KyrgyzLettersAsTyped", "Ɵмүр Өмүр ұлан ӈ", "Ɵмүр Өмүр ұлан ӈ"},
		{"LatinLookalikesAsTyped", "Aйгyл", "Aйгyл"},
		{"ZeroWidthJoinerInName", "Ай\u200dгүл", "Айгүл"},
		{"ZeroWidthSpaceAndNonJoiner", "Ай\u200bгү\u200cл", "Айгүл"},
		{"WordJoinerAndBOM", "\ufeffАйгүл\u2060", "Айгүл"},
		{"SoftHyphen", "Өмүр\u00adбекова", "Өмүрбекова"},
		{"BidiOverride", "\u202eАйгүл\u202c — 9201", "Айгүл — 9201"},
		{"BidiIsolatesAndMarks", "\u2067Ай\u2069\u200eгүл\u200f\u061c", "Айгүл"},
		{"HangulFillerName", "\u3164\u115f", ""},
		{"Controls", "Мен\x00 деп\x07утат\x1b\u009b", "Мен депутат"},
		{"OddSpaces", "Ак\u00a0Муз\u202fКара\u3000Коюн\u2003!\v\f\u0085", "Ак Муз Кара Коюн !   "},
		{"LineBreaks", "бир\r\nэки\rүч\u2028төрт\u2029беш", "бир\nэки\nүч\nтөрт\nбеш"},
		{"SpacesNotCollapsed", "  бир   эки  ", "  бир   эки  "},
		{"NFC", "Аи\u0306гүл е\u0308", "Айгүл ё"},
		{"NFCAfterRemoval", "и\u200b\u0306", "й"},
		{"EmojiJoinerKept", "👩\u200d👩\u200d👧 ❤️\u200d🔥 👨🏽\u200d💻", "👩\u200d👩\u200d👧 ❤️\u200d🔥 👨🏽\u200d💻"},
		{"JoinerAfterEmojiBeforeLetter", "👩\u200dА", "👩А"},
		{"VariationSelectorKept", "☺\ufe0f", "☺\ufe0f"},
		{"InvalidUTF8", "Ай\xffгүл\xc0", "Айгүл"},
		{"Empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := textnorm.Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
		})
	}
}

func TestForStaff(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Unchanged", "Айгүл Асанова", "Айгүл Асанова"},
		{"Override", "\u202eАйгүл", "Айгүл"},
		{"AllBidiControls", "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061cА", "А"},
		{"OtherInvisible", "Ай\u200dгүл\u00ad\u200b", "Айгүл"},
		{"VisibleKeptAsTyped", "Аи\u0306гүл\u00a0\r\n", "Аи\u0306гүл\u00a0\r\n"},
		{"EmojiJoinerKept", "👩\u200d👧", "👩\u200d👧"},
		{"InvalidUTF8", "\xffАйгүл", "Айгүл"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := textnorm.ForStaff(tt.in); got != tt.want {
				t.Errorf("ForStaff(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"АЙГҮЛ Айгүл айгул", "аигул аигул аигул"},
		{"Өмүр Ɵмүр Омур", "омур омур омур"},
		{"ҮҰYУ үұyу", "уууу уууу"},
		{"ҢӇӉҤ ңӈӊҥ", "нннн нннн"},
		{"Ёлка ёлка Йод", "елка елка иод"},
		{"Айгуль Гульнара", "аигул гулнара"},
		{"Aйгyл", "аигул"},               // Latin A and y in a Cyrillic word
		{"Аsel", "аsеl"},                 // Cyrillic А in a Latin word
		{"ABCEHKMOPTXY", "авсенкмортху"}, // Latin capitals that look Cyrillic
		{"abcehkmoptxy", "авсенкмортху"},
		{"dfgijlnqrsuvwz", "dfgijlnqrsuvwz"},
		{"Аи\u0306гүл е\u0308", "аигул е"},
		{"Ӧмүр ӱ é ñ", "омур у е n"},
		{"Ａｙｇｕｌ ２０２６ 𝐀", "\u0430\u0443gul 2026 \u0430"}, // full-width and mathematical forms
		{"Ай\u200dгүл\u00ad \u202eкеңеш\u202c", "аигул кенеш"},
		{"a\u00a0b\u3000c\td\ne", "а в с d е"},
		{"2026-ж. «шайлоо»!", "2026-ж. «шаилоо»!"},
		{"ﬁ 한", "ﬁ 한"},
	}
	for _, tt := range tests {
		if got := textnorm.Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%+q) = %+q, want %+q", tt.in, got, tt.want)
		}
	}
}

// TestFoldRuneEveryRune checks over every rune what Fold's idempotence
// rests on and the fuzzer would take long to cover: FoldRune(FoldRune(r))
// is FoldRune(r), upper and lower case fold alike, and nothing folds to a
// rune that Clean would remove.
func TestFoldRuneEveryRune(t *testing.T) {
	if testing.Short() {
		t.Skip("1.1 million runes")
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		f, ok := textnorm.FoldRune(r)
		if !ok {
			continue
		}
		if again, ok := textnorm.FoldRune(f); !ok || again != f {
			t.Errorf("FoldRune(%U) = %U, and FoldRune of that = %U, %v", r, f, again, ok)
		}
		if textnorm.IsInvisible(f) || textnorm.IsBidiControl(f) {
			t.Errorf("FoldRune(%U) = %U, an invisible rune", r, f)
		}
		if l, _ := textnorm.FoldRune(unicode.ToLower(r)); l != f {
			t.Errorf("FoldRune(%U) = %U, but of its lower case %U", r, f, l)
		}
	}
}

// TestInvisibleEveryRune checks that every bidi control is invisible, and
// that the runes Clean removes are exactly those ForStaff removes.
func TestInvisibleEveryRune(t *testing.T) {
	if testing.Short() {
		t.Skip("1.1 million runes")
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if textnorm.IsBidiControl(r) && !textnorm.IsInvisible(r) {
			t.Errorf("%U is a bidi control but not invisible", r)
		}
		if unicode.Is(unicode.Cf, r) && !textnorm.IsInvisible(r) {
			t.Errorf("%U is a format character but not invisible", r)
		}
		if textnorm.IsInvisible(r) && (unicode.IsSpace(r) || unicode.IsLetter(r) && r < 0x1100) {
			t.Errorf("%U is invisible but a space or a letter", r)
		}
	}
	for _, r := range "\u00ad\u200b\u200c\u200d\u2060\ufeff\u034f\u3164\U000E0041" {
		if !textnorm.IsInvisible(r) {
			t.Errorf("%U is not invisible", r)
		}
	}
	for _, r := range "аАaA0 \t\n\u00a0\ufe0f\u0301ңөү" {
		if textnorm.IsInvisible(r) {
			t.Errorf("%U is invisible", r)
		}
	}
}

func TestIsPhoneSeparator(t *testing.T) {
	for _, r := range " \u00a0\u202f\u2009-‐‑‒–—−.()\u202a\u202c\u200e\u200b" {
		if !textnorm.IsPhoneSeparator(r) {
			t.Errorf("%U is not a phone separator", r)
		}
	}
	for _, r := range "\n\r\u2028+/,0a" {
		if textnorm.IsPhoneSeparator(r) {
			t.Errorf("%U is a phone separator", r)
		}
	}
}

func BenchmarkFold(b *testing.B) {
	s := strings.Repeat("Мен Ак-Муз айылында туулуп өскөм. Айылыбызда таза суу жок. ", 100)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		textnorm.Fold(s)
	}
}

func BenchmarkClean(b *testing.B) {
	s := strings.Repeat("Мен Ак-Муз айылында туулуп өскөм. Айылыбызда таза суу жок. ", 100)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		textnorm.Clean(s)
	}
}

// TestOddSpacesEveryRune checks that Clean turns every Unicode space but
// " ", "\t" and "\n" into one of those, and nothing else.
func TestOddSpacesEveryRune(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		in := "a" + string(r) + "b"
		got := textnorm.Clean(in)
		switch {
		case r == ' ' || r == '\t' || r == '\n':
			if got != in {
				t.Errorf("Clean(%+q) = %+q", in, got)
			}
		case unicode.IsSpace(r):
			if got != "a b" && got != "a\nb" {
				t.Errorf("Clean(%+q) = %+q, want a plain space or line break", in, got)
			}
		case strings.ContainsFunc(got, func(c rune) bool { return c == ' ' || c == '\n' }):
			t.Errorf("Clean(%+q) = %+q, a space made of a non-space", in, got)
		}
	}
}
