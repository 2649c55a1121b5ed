package form

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/textnorm"
)

// ---- dates as people write them --------------------------------------------
//
// A date is read from the text folded by textnorm.Fold (case, the Kyrgyz
// letters and their look-alikes, Latin letters that look Cyrillic, ё, й and
// the soft sign), cut into tokens: numbers, words, punctuation, and runs
// of spaces. Each accepted shape is a short sequence of tokens; anything
// else is refused, so a date is never guessed out of a sentence.

// maxDateLen bounds the text worth looking at, in bytes: the longest
// accepted shape, "1990-жылдын 5-сентябрында" or "05 . 03 . 1990 -жылы"
// with generous spacing, is far below it.
const maxDateLen = 96

// ParseDate reads a calendar date as dates are written in Kyrgyzstan, day
// first, with a four-digit year:
//
//   - in numbers: "05.03.1990", "5.3.1990", "05/03/1990", "05-03-1990",
//     "05 03 1990", "05. 03. 1990" (both separators the same), or ISO
//     "1990-03-05" (hyphens only, so "1990.03.05" is not read one way or
//     the other);
//   - with the month's name in Russian or Kyrgyz, full, in the genitive
//     or shortened: "5 мая 1990", "5 май 1990", "5-го мая 1990 года",
//     "5-март 1990", "5 сент. 1990", "5-майда 1990-ж."; Kyrgyz endings
//     ("5-майы", "5-майында") and the old Kyrgyz month names ("5-бугу",
//     "5 жалган куран") are understood;
//   - year first, the Kyrgyz way: "1990-жылы 5-май", "1990 ж. 5 мая",
//     "1990-жылдын 5-майы".
//
// Case, extra spaces and the Kyrgyz letters typed as look-alikes ("маи",
// "Ɵ" for "Ө") do not matter. A year word may follow the year: "ж", "ж.",
// "жыл", "жылы", "жылдын", "г", "г.", "г.р.", "год", "года", or a final ".".
// The result is 00:00 in loc (UTC if loc is nil).
//
// Text of no accepted shape, or with a two-digit year (which only
// [ParseBirthDate] can read, knowing the deadline), is rejected with Key
// "form.invalid.date"; a shape that names no real day (31.02.1990, month
// 13, day 0) with Key "form.invalid.date_impossible" and Data {"Input":
// the trimmed text}, so the bot can quote the date back.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	in := strings.TrimSpace(s)
	p, ok := readDate(in)
	if !ok || p.yearDigits != 4 {
		return time.Time{}, invalid(keyDate)
	}
	day, ok := p.on(p.year, loc)
	if !ok {
		return time.Time{}, impossibleDate(in)
	}
	return day, nil
}

func impossibleDate(in string) error {
	return &Invalid{Key: keyDateImpossible, Data: map[string]any{"Input": in}}
}

// ParseBirthDate reads her birth date as [ParseDate] does, and also with a
// two-digit year ("05.05.90", "5 мая 90"). It returns one reading when the
// date is sure, and two, the earlier first, when she must say which
// century she meant.
//
// The rule for a two-digit year: of its two readings, in the century of the
// deadline and the one before ("90" is 1990 or 2090 for a deadline in
// 2026), the one that makes her an applicant the form accepts (18 or older
// on the deadline, not over 100, not born in the future: [BirthDateFits])
// is taken when exactly one does. The span of ages the form accepts is
// shorter than a century, so in practice every two-digit year from 27 to
// 99 is taken as 19xx and every one from 00 to 08 as 20xx, without a
// question. When neither reading fits (from 09 to 26, for a deadline in
// 2026: a girl under 18, or a woman over 100, or a typo), the bot does not
// refuse her on a century it guessed: she is asked which year she meant,
// and the form's own check then says plainly what is wrong with that one.
// A reading that is no real day (29.02 of a year not leap) is left out.
//
// Errors are those of ParseDate; a two-digit year both of whose readings
// are no real day is "form.invalid.date_impossible".
func ParseBirthDate(s string, r Rules) ([]time.Time, error) {
	in := strings.TrimSpace(s)
	p, ok := readDate(in)
	if !ok {
		return nil, invalid(keyDate)
	}
	if p.yearDigits == 4 {
		day, ok := p.on(p.year, r.Location)
		if !ok {
			return nil, impossibleDate(in)
		}
		return []time.Time{day}, nil
	}
	late := centuryOf(r) + p.year
	var real, fit []time.Time
	for _, y := range []int{late - 100, late} {
		if day, ok := p.on(y, r.Location); ok {
			real = append(real, day)
			if BirthDateFits(day, r) {
				fit = append(fit, day)
			}
		}
	}
	switch {
	case len(real) == 0:
		return nil, impossibleDate(in)
	case len(fit) == 1:
		return fit, nil
	}
	return real, nil
}

// centuryOf is the first year of the deadline's century (of today's, when
// there is no deadline).
func centuryOf(r Rules) int {
	at := r.Deadline
	if at.IsZero() {
		at = r.Now
	}
	return at.Year() / 100 * 100
}

// BirthDateFits reports whether the form takes birth as an applicant's:
// not in the future, not over 100 years ago, and 18 or older on the
// deadline (the birth date question's own check).
func BirthDateFits(birth time.Time, r Rules) bool {
	return overEighteen(birth.Format(DateLayout), r) == nil
}

// Centuries joins the two readings of a two-digit year into one answer,
// for the bot to keep while she is asked which she meant; [UnsureDate]
// reads it back.
func Centuries(early, late time.Time) string {
	return early.Format(DateLayout) + centuriesSep + late.Format(DateLayout)
}

const centuriesSep = "|"

// UnsureDate reads an answer made by [Centuries]: the two readings, as
// stored dates (DateLayout). ok is false for any other answer.
func UnsureDate(answer string) (early, late string, ok bool) {
	early, late, ok = strings.Cut(answer, centuriesSep)
	if !ok {
		return "", "", false
	}
	if _, err := time.Parse(DateLayout, early); err != nil {
		return "", "", false
	}
	if _, err := time.Parse(DateLayout, late); err != nil {
		return "", "", false
	}
	return early, late, true
}

// typedDate is a date as read, not yet judged.
type typedDate struct {
	year, month, day int
	yearDigits       int // 4, or 2 for "05.05.90"
}

// on is the date in year y, if it names a real day.
func (p typedDate) on(y int, loc *time.Location) (time.Time, bool) {
	if p.month < 1 || p.month > 12 || p.day < 1 || p.day > daysIn(time.Month(p.month), y) {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.UTC // time.Date panics on nil
	}
	return time.Date(y, time.Month(p.month), p.day, 0, 0, 0, 0, loc), true
}

// readDate recognises the accepted shapes.
func readDate(s string) (typedDate, bool) {
	if s == "" || len(s) > maxDateLen {
		return typedDate{}, false
	}
	toks := tokenize(textnorm.Fold(s))
	for _, shape := range []func(*scanner) (typedDate, bool){numericDate, isoDate, namedDate, yearFirstDate} {
		sc := scanner{toks: toks}
		if p, ok := shape(&sc); ok && sc.done() {
			return p, true
		}
	}
	return typedDate{}, false
}

// token is a number (width > 0), a word, one punctuation mark, or a run of
// spaces (punct ' ').
type token struct {
	num, width int
	word       string
	punct      rune
}

// tokenize cuts folded text into tokens; a rune that belongs to none (a
// letter of another script is a word rune, an emoji or "@" is punctuation
// that no shape takes) still makes a token, so it refuses the date.
func tokenize(s string) []token {
	var toks []token
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case '0' <= r && r <= '9':
			j := i
			v := 0
			for j < len(s) && '0' <= s[j] && s[j] <= '9' {
				if j-i < 5 {
					v = v*10 + int(s[j]-'0') // 5 digits at most: no overflow
				}
				j++
			}
			toks = append(toks, token{num: v, width: j - i})
			i = j
			continue
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			if len(toks) == 0 || toks[len(toks)-1].punct != ' ' {
				toks = append(toks, token{punct: ' '})
			}
		case unicode.IsLetter(r):
			j := i + size
			for j < len(s) {
				r2, n := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(r2) {
					break
				}
				j += n
			}
			toks = append(toks, token{word: s[i:j]})
			i = j
			continue
		case textnorm.IsDash(r):
			toks = append(toks, token{punct: '-'})
		default:
			toks = append(toks, token{punct: r})
		}
		i += size
	}
	return toks
}

// scanner walks the tokens of one shape.
type scanner struct {
	toks []token
	i    int
}

func (sc *scanner) done() bool { return sc.i == len(sc.toks) }

func (sc *scanner) peek() token {
	if sc.done() {
		return token{punct: -1}
	}
	return sc.toks[sc.i]
}

// space skips a run of spaces.
func (sc *scanner) space() bool {
	if sc.peek().punct == ' ' {
		sc.i++
		return true
	}
	return false
}

// number takes a number of one of the widths.
func (sc *scanner) number(widths ...int) (v, w int, ok bool) {
	t := sc.peek()
	for _, want := range widths {
		if t.width == want {
			sc.i++
			return t.num, t.width, true
		}
	}
	return 0, 0, false
}

// mark takes one of the punctuation marks.
func (sc *scanner) mark(marks string) (rune, bool) {
	if t := sc.peek(); t.width == 0 && t.word == "" && t.punct != ' ' && strings.ContainsRune(marks, t.punct) {
		sc.i++
		return t.punct, true
	}
	return 0, false
}

// word takes a word among words.
func (sc *scanner) word(words ...string) bool {
	t := sc.peek()
	for _, w := range words {
		if t.word != "" && t.word == w {
			sc.i++
			return true
		}
	}
	return false
}

// separator takes what stands between the numbers of "05.03.1990": one
// of marks with spaces around it, or spaces alone (' ').
func (sc *scanner) separator(marks string) (rune, bool) {
	spaced := sc.space()
	if m, ok := sc.mark(marks); ok {
		sc.space()
		return m, true
	}
	return ' ', spaced
}

// gap takes at most one of marks between spaces, or nothing.
func (sc *scanner) gap(marks string) {
	sc.space()
	if _, ok := sc.mark(marks); ok {
		sc.space()
	}
}

// numericDate is "05.03.1990", "5/3/90", "05 03 1990 ж.".
func numericDate(sc *scanner) (typedDate, bool) {
	d, _, ok := sc.number(1, 2)
	if !ok {
		return typedDate{}, false
	}
	sep, ok := sc.separator("./-")
	if !ok {
		return typedDate{}, false
	}
	m, _, ok := sc.number(1, 2)
	if !ok {
		return typedDate{}, false
	}
	if sep2, ok := sc.separator("./-"); !ok || sep2 != sep {
		return typedDate{}, false
	}
	y, w, ok := sc.number(4, 2)
	if !ok || !yearTail(sc) {
		return typedDate{}, false
	}
	return typedDate{year: y, month: m, day: d, yearDigits: w}, true
}

// isoDate is "1990-03-05", nothing around it but spaces.
func isoDate(sc *scanner) (typedDate, bool) {
	y, _, ok := sc.number(4)
	if !ok {
		return typedDate{}, false
	}
	if _, ok := sc.mark("-"); !ok {
		return typedDate{}, false
	}
	m, _, ok := sc.number(1, 2)
	if !ok {
		return typedDate{}, false
	}
	if _, ok := sc.mark("-"); !ok {
		return typedDate{}, false
	}
	d, _, ok := sc.number(1, 2)
	return typedDate{year: y, month: m, day: d, yearDigits: 4}, ok
}

// namedDate is "5 мая 1990", "5-го мая 1990 г.", "5-майда 90-ж.".
func namedDate(sc *scanner) (typedDate, bool) {
	d, m, ok := dayAndMonth(sc)
	if !ok {
		return typedDate{}, false
	}
	sc.gap(".,-/")
	y, w, ok := sc.number(4, 2)
	if !ok || !yearTail(sc) {
		return typedDate{}, false
	}
	return typedDate{year: y, month: m, day: d, yearDigits: w}, true
}

// yearFirstDate is "1990-жылы 5-май", "1990 ж. 5 мая", "90-жылы 5-май" (a
// two-digit year only with its year word).
func yearFirstDate(sc *scanner) (typedDate, bool) {
	y, w, ok := sc.number(4, 2)
	if !ok {
		return typedDate{}, false
	}
	at := sc.i
	sc.gap("-")
	if !yearWord(sc) {
		if w != 4 {
			return typedDate{}, false
		}
		sc.i = at
	}
	sc.gap(".,")
	d, m, ok := dayAndMonth(sc)
	if !ok {
		return typedDate{}, false
	}
	sc.space()
	sc.mark(".")
	sc.space()
	return typedDate{year: y, month: m, day: d, yearDigits: w}, true
}

// dayAndMonth is "5 мая", "5-май", "5-го мая", "05.мая", "5мая".
func dayAndMonth(sc *scanner) (day, month int, ok bool) {
	day, _, ok = sc.number(1, 2)
	if !ok {
		return 0, 0, false
	}
	sc.gap("-.")
	if sc.word("го") { // Russian ordinal: "5-го"
		sc.space()
	}
	month, ok = monthName(sc)
	return day, month, ok
}

// yearWords are what people write after a year, folded.
var yearWords = []string{"ж", "жыл", "жылы", "жылдын", "г", "год", "года"}

// yearWord takes a year word and the dot that may end it ("г.р.": year of
// birth, as Russian forms print it).
func yearWord(sc *scanner) bool {
	w := sc.peek().word
	if !sc.word(yearWords...) {
		return false
	}
	sc.mark(".")
	if w == "г" && sc.word("р") {
		sc.mark(".")
	}
	return true
}

// yearTail takes what may follow the year at the end: nothing, ".", or a
// year word with or without a space or a hyphen before it.
func yearTail(sc *scanner) bool {
	sc.space()
	if sc.done() {
		return true
	}
	if _, ok := sc.mark("."); ok {
		sc.space()
		return sc.done()
	}
	sc.mark("-")
	sc.space()
	if !yearWord(sc) {
		return false
	}
	sc.space()
	return sc.done()
}

// monthName takes the name of a month, one word or two.
func monthName(sc *scanner) (int, bool) {
	t := sc.peek()
	if t.word == "" {
		return 0, false
	}
	if m, ok := monthWords[t.word]; ok {
		sc.i++
		return m, true
	}
	// Two words: "жалган куран", "бештин айы".
	if sc.i+2 < len(sc.toks) && sc.toks[sc.i+1].punct == ' ' && sc.toks[sc.i+2].word != "" {
		if m, ok := monthWords[t.word+" "+sc.toks[sc.i+2].word]; ok {
			sc.i += 3
			return m, true
		}
	}
	return 0, false
}

// months are the names of each month as people write them: in Russian (as
// Kyrgyz also writes them) in the nominative, the genitive and shortened,
// and the old Kyrgyz names. The first name of each is the one Kyrgyz
// endings are put on.
var months = [12][]string{
	{"январь", "января", "янв", "үчтүн айы"},
	{"февраль", "февраля", "фев", "февр", "бирдин айы"},
	{"март", "марта", "мар", "жалган куран"},
	{"апрель", "апреля", "апр", "чын куран"},
	{"май", "мая", "бугу"},
	{"июнь", "июня", "июн", "кулжа"},
	{"июль", "июля", "июл", "теке"},
	{"август", "августа", "авг", "баш оона"},
	{"сентябрь", "сентября", "сен", "сент", "аяк оона"},
	{"октябрь", "октября", "окт", "тогуздун айы"},
	{"ноябрь", "ноября", "ноя", "нояб", "жетинин айы"},
	{"декабрь", "декабря", "дек", "бештин айы"},
}

// kyrgyzEndings are the endings a Kyrgyz date puts on the month: its
// possessive ("5-майы"), locative ("5-майда", "5-мартта") and both
// ("5-майында", "5-апрелинде"), folded (ү is у).
var kyrgyzEndings = []string{"ы", "и", "у", "да", "де", "та", "те", "ында", "инде", "унда", "нда", "нде"}

// monthWords maps every folded spelling to its month.
var monthWords = func() map[string]int {
	words := map[string]int{}
	for i, names := range months {
		for _, n := range names {
			words[textnorm.Fold(n)] = i + 1
		}
		stem := textnorm.Fold(names[0])
		for _, e := range kyrgyzEndings {
			words[stem+e] = i + 1
		}
	}
	return words
}()

func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// AgeAt returns the full years between birth and at, as a birthday
// celebration counts them: someone born on 29 February turns a year older on
// 1 March in non-leap years. at is read in birth's location, because the
// birth date is a calendar date of the place the form was filled in, not an
// instant. It returns 0 when at is before birth; callers that must reject a
// birth date in the future compare the times themselves.
func AgeAt(birth, at time.Time) int {
	by, bm, bd := birth.Date()
	ay, am, ad := at.In(birth.Location()).Date()
	age := ay - by
	if am < bm || (am == bm && ad < bd) {
		age--
	}
	return max(age, 0)
}

// ParseArrivalDate reads the day a paper or e-mail application reached the
// school, as staff write it from an envelope or a mail header: any date
// [ParseDate] reads; a two-digit year, of the century of today
// ("05.05.26" is 2026); or the day and month alone ("5 мая", "5-май",
// "05.05"), the last such day up to today, since an arrival is in the
// past. The result is 00:00 in r.Location. Refusals are ParseDate's; a
// day after today is not refused here (the caller says so in its words).
func ParseArrivalDate(s string, r Rules) (time.Time, error) {
	in := strings.TrimSpace(s)
	p, ok := readDate(in)
	if !ok {
		p, ok = readDayMonth(in)
	}
	if !ok {
		return time.Time{}, invalid(keyDate)
	}
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	today := r.Now.In(loc)
	year := p.year
	switch p.yearDigits {
	case 2:
		year += today.Year() / 100 * 100
	case 0:
		year = today.Year()
		if p.month > int(today.Month()) || p.month == int(today.Month()) && p.day > today.Day() {
			year-- // "5 мая" written in March is last May
		}
	}
	day, ok := p.on(year, loc)
	if !ok && p.yearDigits == 0 && p.month == 2 && p.day == 29 {
		day, ok = p.on(year-year%4, loc) // the last 29 February (1900-like years are far away)
	}
	if !ok {
		return time.Time{}, impossibleDate(in)
	}
	return day, nil
}

// readDayMonth recognises a day and a month without a year: "5 мая",
// "5-го мая", "05.05", "5/5".
func readDayMonth(s string) (typedDate, bool) {
	if s == "" || len(s) > maxDateLen {
		return typedDate{}, false
	}
	toks := tokenize(textnorm.Fold(s))
	for _, shape := range []func(*scanner) (day, month int, ok bool){dayAndMonth, numericDayMonth} {
		sc := scanner{toks: toks}
		if d, m, ok := shape(&sc); ok {
			sc.space()
			sc.mark(".")
			sc.space()
			if sc.done() {
				return typedDate{month: m, day: d}, true
			}
		}
	}
	return typedDate{}, false
}

// numericDayMonth is "05.05", "5/5", "05-05".
func numericDayMonth(sc *scanner) (day, month int, ok bool) {
	if day, _, ok = sc.number(1, 2); !ok {
		return 0, 0, false
	}
	if sep, ok := sc.separator("./-"); !ok || sep == ' ' {
		return 0, 0, false
	}
	month, _, ok = sc.number(1, 2)
	return day, month, ok
}

// ArrivedInTime reports whether an application that reached the school
// on day arrived (a paper letter, an e-mail) counts as on time: it came
// on the deadline's calendar day in r.Location or before, however late
// staff enter it. A day is all that is known of a letter, so one that came
// on the last day counts even after the deadline's hour.
func ArrivedInTime(arrived time.Time, r Rules) bool {
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := r.Deadline.In(loc).Date()
	ay, am, ad := arrived.In(loc).Date()
	return !time.Date(ay, am, ad, 0, 0, 0, 0, loc).After(time.Date(y, m, d, 0, 0, 0, 0, loc))
}
