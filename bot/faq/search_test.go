package faq_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/mentorbot/mentorbot/bot/faq"
	"github.com/mentorbot/mentorbot/store"
)

// handbook is a small FAQ as mentors publish it: the same five topics in
// Kyrgyz (odd IDs) and Russian (even IDs), so that the language filter has
// something to filter.
var handbook = []store.FAQEntry{
	{ID: 1, Language: "ky", Topic: "nomination",
		Question: "Айыл кеңешине депутаттыкка талапкерди ким көрсөтөт?",
		Answer:   "Талапкерди саясий партия көрсөтөт. Өз кандидаттыгын өзү көрсөткүсү келген аял аймактык шайлоо комиссиясына арыз жазат."},
	{ID: 2, Language: "ru", Topic: "nomination",
		Question: "Кто может выдвинуть кандидата в депутаты местного кенеша?",
		Answer:   "Кандидата выдвигает политическая партия. Можно выдвинуть и свою кандидатуру, подав заявление в территориальную избирательную комиссию."},
	{ID: 3, Language: "ky", Topic: "registration",
		Question: "Шайлоо комиссиясында каттоодон өтүү үчүн кандай документтер керек?",
		Answer:   "Арыз, паспорттун көчүрмөсү, кирешелер жана мүлк тууралуу декларация, шайлоо күрөөсү төлөнгөнү жөнүндө квитанция. Комиссия документтерди он күндүн ичинде карап чыгат."},
	{ID: 4, Language: "ru", Topic: "registration",
		Question: "Какие документы нужны для регистрации кандидата на выборы?",
		Answer:   "Заявление, копия паспорта, декларация о доходах и имуществе и квитанция об уплате избирательного залога. Комиссия рассматривает документы в течение десяти дней и принимает решение о регистрации."},
	{ID: 5, Language: "ky", Topic: "campaign",
		Question: "Шайлоо алдындагы үгүттү качан баштаса болот?",
		Answer:   "Үгүт талапкер катталгандан кийин башталат жана шайлоо күнүнө бир сутка калганда токтойт. Шайлоочуларга акча же белек берүүгө тыюу салынат."},
	{ID: 6, Language: "ru", Topic: "campaign",
		Question: "Когда можно начинать предвыборную агитацию?",
		Answer:   "Агитация начинается после регистрации кандидата и прекращается за сутки до дня выборов. Подкуп избирателей деньгами или подарками запрещён."},
	{ID: 7, Language: "ky", Topic: "election-day",
		Question: "Шайлоо күнү байкоочулар участокто эмне кыла алат?",
		Answer:   "Байкоочулар добуш берүүнү жана добуштарды эсептөөнү байкай алат, бирок бюллетендерди колго алууга болбойт. Бузууну көрсө, участкалык шайлоо комиссиясынын төрагасына жазуу түрүндө кайрылат."},
	{ID: 8, Language: "ru", Topic: "election-day",
		Question: "Что могут делать наблюдатели в день выборов?",
		Answer:   "Наблюдатели вправе присутствовать при голосовании и подсчёте голосов на избирательном участке. Брать бюллетени в руки нельзя. О нарушениях сообщают председателю участковой комиссии письменно."},
	{ID: 9, Language: "ky", Topic: "budget",
		Question: "Айыл өкмөтүнүн бюджети боюнча коомдук угуулар качан өтөт?",
		Answer:   "Бюджеттик угуулар жыл сайын бюджет бекитилгенге чейин өткөрүлөт. Ар бир тургун келип, жергиликтүү өндүрүштү өнүктүрүү жана жолдор боюнча сунуш бере алат."},
	{ID: 10, Language: "ru", Topic: "budget",
		Question: "Как проходят публичные слушания по местному бюджету?",
		Answer:   "Слушания по бюджету айыл окмоту проводятся каждый год до его утверждения. Любой житель может прийти и внести предложения."},
}

func ids(entries []store.FAQEntry) []int {
	out := []int{}
	for _, e := range entries {
		out = append(out, e.ID)
	}
	return out
}

func TestSearchHandbook(t *testing.T) {
	tests := []struct {
		name, lang, query string
		want              []int
	}{
		// Kyrgyz. A word of the question outranks one of the answer.
		{"ky stem", "ky", "шайлоо", []int{3, 5, 7, 1}},
		// Two matched words beat one; among two, question words win.
		{"ky two words", "ky", "шайлоо комиссиясы", []int{3, 7, 1, 5}},
		{"ky capitals and punctuation", "ky", "ШАЙЛОО КОМИССИЯСЫ???", []int{3, 7, 1, 5}},
		{"ky suffix on the text", "ky", "кандидат", []int{1}},
		{"ky budget", "ky", "бюджет угуу", []int{9}},
		{"ky without ө and ү", "ky", "ондуруш", []int{9}},
		{"ky without ү", "ky", "шайлоо куну", []int{7, 5, 3, 1}},
		{"ky stop words among the words", "ky", "шайлоо күнү эмне кылуу керек", []int{7, 5, 3, 1}},
		{"ky typo", "ky", "кондидат", []int{1}},
		{"ky nothing", "ky", "пенсия", nil},

		// Russian.
		{"ru stem", "ru", "выборах", []int{4, 8, 6}},
		{"ru registration", "ru", "регистрация", []int{4, 6}},
		// Two answer words outrank one question word.
		{"ru several words", "ru", "документы для регистрации кандидата", []int{4, 6, 2}},
		{"ru ё typed as е", "ru", "подсчет голосов", []int{8}},
		{"ru budget", "ru", "бюджет слушания", []int{10}},
		{"ru typo, question before answer", "ru", "кондидат", []int{2, 4, 6}},
		{"ru missing letter", "ru", "набюдатели", []int{8}},
		{"ru swapped letters", "ru", "агиатция", []int{6}},
		{"ru several forms of one word", "ru", "кандидат кандидата кандидатов", []int{2, 4, 6}},
		{"ru nothing", "ru", "пенсия", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := faq.Search(handbook, tt.lang, tt.query, 10)
			if !slices.Equal(ids(got), ids(entriesByID(tt.want))) {
				t.Errorf("Search(%q, %q) = %v, want %v", tt.lang, tt.query, ids(got), tt.want)
			}
		})
	}
}

func entriesByID(want []int) []store.FAQEntry {
	var out []store.FAQEntry
	for _, id := range want {
		i := slices.IndexFunc(handbook, func(e store.FAQEntry) bool { return e.ID == id })
		out = append(out, handbook[i])
	}
	return out
}

// TestStemRule checks the matching rule word by word: a query word finds
// a text word that starts with its stem, the whole word up to 4 letters,
// else its first max(4, n−2) letters; words of 6 letters and more are
// allowed one typo after a correct first letter.
func TestStemRule(t *testing.T) {
	tests := []struct {
		query, text string
		want        bool
	}{
		{"шайлоо", "шайлоо", true},
		{"шайлоо", "шайлоодо", true},
		{"шайлоо", "шайлоочулар", true},
		{"шайлоо", "Шайлоого", true},
		{"шайлоодо", "шайлоо", true}, // 8 letters: stem "шайлоо"
		{"шайлоо", "шай", false},     // the text word is shorter than the stem
		{"шайлоо", "байлоо", false},  // a typo, but not in the first letter
		{"выборах", "выборы", true},
		{"выборах", "выборов", true},
		{"выборах", "выбор", true},
		{"выборах", "выбыл", false},
		{"регистрация", "регистрации", true},
		{"регистрация", "регистрацию", true},
		{"регистрация", "регистрировать", false},
		{"кандидат", "кандидаттыгын", true},
		{"кандидат", "кандидатура", true},
		{"кандидат", "кандай", false},
		{"бюджет", "бюджеттик", true},
		{"бюджет", "бюро", false},
		{"куну", "күнү", true}, // 4 letters: the whole word is the stem
		{"куну", "күнүнө", true},
		{"куну", "кун", false},
		{"жол", "жолдор", true}, // 3 letters: the whole word
		{"жол", "жок", false},

		// Typed without the Kyrgyz letters, or with them.
		{"ондуруш", "өндүрүштү", true},
		{"кенеш", "Кеңешине", true},
		{"кеңеш", "кенеши", true},
		{"шайлоо комиссиясы", "Шайлоо комиссиясына", true},
		{"подсчет", "подсчёте", true},
		{"подсчёт", "подсчете", true},
		{"иод", "йод", true},

		// The text word is not cut: a longer form in the query finds
		// only forms at least as long.
		{"комиссиясына", "комиссия", false},
		{"комиссиясына", "комиссиясы", true},

		// One typo for query words of 6 letters and more.
		{"кондидат", "кандидат", true},       // replaced
		{"набюдатели", "наблюдатели", true},  // dropped
		{"наблюдатели", "набюдатели", true},  // added
		{"агиатция", "агитация", true},       // swapped
		{"регистарция", "регистрация", true}, // swapped
		{"кондидат", "кандидаттыгын", true},  // replaced, with a suffix
		{"выбары", "выборы", true},           // 6 letters
		{"выбры", "выборы", false},           // 5 letters: no typo allowed
		{"кондидат", "кондиционер", false},   // "конди" is not enough
		{"кондидат", "кондитер", false},
		{"агитация", "огитация", false},      // first letter
		{"голосование", "голосавание", true}, // replaced
		{"голосование", "голосвоание", true}, // swapped
		{"голосование", "голсоование", true}, // swapped
		{"голосование", "гласование", false}, // two edits
	}
	for _, tt := range tests {
		entries := []store.FAQEntry{{ID: 1, Language: "ky", Question: tt.text}}
		got := len(faq.Search(entries, "ky", tt.query, 1)) == 1
		if got != tt.want {
			t.Errorf("%q finds %q: %v, want %v", tt.query, tt.text, got, tt.want)
		}
	}
}

func TestSearchNothingToLookFor(t *testing.T) {
	for _, q := range []string{
		"", "   ", "?!", "...", "\xff\xfe",
		"в", "и в на", "да же ал", "12",
		"как что для", "Когда можно?", "что это такое",
		"жана менен үчүн бул", "кантип", "Эмне керек?",
	} {
		for _, lang := range []string{"ky", "ru"} {
			if got := faq.Search(handbook, lang, q, 10); got != nil {
				t.Errorf("Search(%q, %q) = %v, want nil", lang, q, ids(got))
			}
		}
	}
}

func TestSearchLanguage(t *testing.T) {
	tests := []struct {
		lang string
		want []int
	}{
		{"ky", []int{1}},
		{"ru", []int{2, 4, 6}},
		{"kz", nil},
		{"", nil},
		{"RU", nil}, // the store writes codes in lower case
	}
	for _, tt := range tests {
		got := faq.Search(handbook, tt.lang, "кандидат", 10)
		if !slices.Equal(ids(got), ids(entriesByID(tt.want))) {
			t.Errorf("Search(%q, кандидат) = %v, want %v", tt.lang, ids(got), tt.want)
		}
		for _, e := range got {
			if e.Language != tt.lang {
				t.Errorf("Search(%q, кандидат) returned entry %d in %q", tt.lang, e.ID, e.Language)
			}
		}
	}
}

func TestSearchLimit(t *testing.T) {
	for limit, want := range map[int][]int{
		-1:  nil,
		0:   nil,
		1:   {3},
		2:   {3, 7},
		4:   {3, 7, 1, 5},
		100: {3, 7, 1, 5},
	} {
		got := faq.Search(handbook, "ky", "шайлоо комиссиясы", limit)
		if !slices.Equal(ids(got), ids(entriesByID(want))) {
			t.Errorf("limit %d: got %v, want %v", limit, ids(got), want)
		}
	}
}

// TestSearchRanking checks each step of the order on entries made for it.
func TestSearchRanking(t *testing.T) {
	entries := []store.FAQEntry{
		{ID: 9, Language: "ru", Question: "Права", Answer: "Наблюдатели вправе присутствовать."}, // answer, exact
		{ID: 8, Language: "ru", Question: "Кто такие набюдатели?"},                               // question, typo
		{ID: 7, Language: "ru", Question: "Наблюдатели"},                                         // question, exact
		{ID: 6, Language: "ru", Question: "Права", Answer: "набюдатели"},                         // answer, typo
		{ID: 5, Language: "ru", Question: "Наблюдатели на участке"},                              // same as 7
		{ID: 4, Language: "ru", Question: "Наблюдатели на выборах"},                              // two words
		{ID: 3, Language: "ru", Question: "Бюджет"},                                              // nothing
		{ID: 2, Language: "ru", Question: "Набюдатели", Answer: "наблюдатели"},                   // the better of the two
	}
	orig := slices.Clone(entries)
	got := faq.Search(entries, "ru", "наблюдатели выборах", 10)
	if want := []int{4, 5, 7, 2, 9, 8, 6}; !slices.Equal(ids(got), want) {
		t.Errorf("got %v, want %v", ids(got), want)
	}
	if !slices.Equal(entries, orig) {
		t.Error("Search changed its input")
	}
	for _, e := range got {
		if i := slices.IndexFunc(orig, func(o store.FAQEntry) bool { return o.ID == e.ID }); orig[i] != e {
			t.Errorf("entry %d came back as %+v", e.ID, e)
		}
	}
}

// TestSearchFormsCountOnce checks that several forms of one word in the
// query count as one matched word: without that, entry 2 would match two
// query words and come first.
func TestSearchFormsCountOnce(t *testing.T) {
	entries := []store.FAQEntry{
		{ID: 1, Language: "ru", Question: "Выборы"},
		{ID: 2, Language: "ru", Question: "Кандидатов"},
	}
	got := faq.Search(entries, "ru", "кандидата кандидатов выборы", 10)
	if want := []int{1, 2}; !slices.Equal(ids(got), want) {
		t.Errorf("got %v, want %v", ids(got), want)
	}
}

// TestSearchIDOrder checks that equal entries come in ID order whatever
// order the caller passes them in.
func TestSearchIDOrder(t *testing.T) {
	reversed := slices.Clone(handbook)
	slices.Reverse(reversed)
	for _, q := range []string{"шайлоо", "шайлоо комиссиясы", "кандидат"} {
		for _, lang := range []string{"ky", "ru"} {
			a, b := faq.Search(handbook, lang, q, 10), faq.Search(reversed, lang, q, 10)
			if !slices.Equal(ids(a), ids(b)) {
				t.Errorf("Search(%q, %q): %v in ID order, %v reversed", lang, q, ids(a), ids(b))
			}
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Шайлоо комиссиясына!", "шаилоо комиссиясына"},
		{"ҮӨҢ үөң", "уон уон"},
		{"Өндүрүш", "ондуруш"},
		{"Подсчёт, ЙОД", "подсчет иод"},
		{"и\u0306од е\u0308ж", "иод еж"}, // decomposed й and ё
		{"регист\u00adрация", "регистрация"},
		{"  a--b\t\nC  ", "а в с"}, // Latin look-alikes are compared as Cyrillic
		{"Kандидaт", "кандидат"},
		{"Айгуль Гульнара", "аигул гулнара"},               // the soft sign is left out
		{"Ӧмүр é ２０２６", "омур е 2026"},                     // diacritics and full-width forms
		{"шай\u200dлоо \u202eкеңеш\u202c", "шаилоо кенеш"}, // invisible runes inside a word
		{"2026-жылы 5%", "2026 жылы 5"},
		{"\xffшайлоо\xfe", "шаилоо"},
		{"ɵ ұ ӈ ӊ", "о у н н"},
		{"Кеңеш — «депутат»", "кенеш депутат"},
	}
	for _, tt := range tests {
		if got := faq.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNormalizeEveryRune checks that Normalize is idempotent rune by rune,
// which the fuzzer would take long to cover.
func TestNormalizeEveryRune(t *testing.T) {
	if testing.Short() {
		t.Skip("1.1 million runes")
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		s := "a" + string(r) + "b"
		n := faq.Normalize(s)
		if again := faq.Normalize(n); again != n {
			t.Fatalf("Normalize(%q) = %q, and again %q", s, n, again)
		}
	}
}

// BenchmarkSearch searches a handbook of 150 entries, a little more than
// the school's, with answers of a realistic length.
func BenchmarkSearch(b *testing.B) {
	entries := make([]store.FAQEntry, 150)
	for i := range entries {
		e := handbook[i%len(handbook)]
		e.ID = i + 1
		// Another entry of the same language, so answers run to a few
		// sentences as in the handbook.
		e.Answer += " " + handbook[(i+2)%len(handbook)].Answer
		entries[i] = e
	}
	for _, q := range []struct{ lang, query string }{
		{"ky", "шайлоо комиссиясына кантип катталам"},
		{"ru", "какие документы нужны для регистрации кандидата"},
	} {
		b.Run(fmt.Sprintf("%s/%d_words", q.lang, len(strings.Fields(q.query))), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				faq.Search(entries, q.lang, q.query, 5)
			}
		})
	}
}
