package selection

import (
	"bytes"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/textnorm"
)

// Identity is what the bot knows of an applicant that could identify her in
// free text. Each field is her answer as she typed it; empty fields are
// ignored.
type Identity struct {
	// FullName is "Асанова Айгүл Бакытовна": surname, given name and
	// patronymic in any order, or "Бакыт кызы Айгүл".
	FullName string
	// Phone is her number, "+996700123456".
	Phone string
	// WhatsApp is her WhatsApp number, "+996555123456"; it may equal Phone
	// or be empty.
	WhatsApp string
	// Email is her e-mail address, "aigul@mail.kg"; it may be empty.
	Email string
	// Village is her village, "Ак-Муз" (or "с. Ак-Муз", "Ак-Муз айылы").
	Village string
	// AiylOkmotu is her rural municipality, "Кара-Коюн" (or "Кара-Коюн
	// айыл өкмөтү", "Кара-Коюнский а/о").
	AiylOkmotu string
}

// Placeholder replaces every masked span. U+2592 is neither a letter, a
// digit nor a separator of any rule below, so a masked text masks to itself
// and a placeholder never glues two neighbours into something maskable.
const Placeholder = "▒▒▒"

// Mask returns text with every mention of id replaced by Placeholder, and how
// many spans it replaced. Everything else is kept byte for byte, including
// invalid UTF-8. Masking errs on the side of hiding: a commission member
// reading "▒▒▒" in a harmless place costs little, a name left in costs the
// blind review.
//
// Words. A word start is a letter (or combining mark) not preceded by a
// letter or combining mark; a word runs on over letters, marks, digits and
// invisible characters (zero-width spaces and joiners, soft hyphens, bidi
// controls: textnorm.IsInvisible). A letter after an invisible character
// is a word start all the same, erring on the side of hiding, and a masked
// span neither starts nor ends with one, so a bidi mark around a name
// stays where it was. Letters are
// compared as textnorm.FoldRune folds them, the folding the FAQ search
// uses too: case-insensitively, with Kyrgyz and Russian spellings of one
// name made equal (ү = у, ө = о, ң = н, ё = е, й = и, and the look-alikes
// ұ, ɵ, ӈ, ӊ, ҥ), Latin letters that look like Cyrillic ones read as those,
// diacritics dropped, and the soft sign ь, combining marks and invisible
// characters skipped. So the name "Айгүл" also finds "АЙГУЛЬ", "Айгуль",
// "Aйгyл" typed with Latin "A" and "y", and "Ай" + zero-width joiner +
// "гүл"; "Гүлнара" finds "Гульнара"; "Өмүр" finds "Ɵмүр". The parts of
// her Identity are cleaned (textnorm.Clean) before they are compared.
//
// Names. Every word of FullName with at least 3 letters is masked where a
// word starts with it, together with the rest of that word, because Kyrgyz
// and Russian add endings: "Айгүлмүн", "Айгүлдүн", "Айгүл2005". A name that
// ends in "а" or "я" is matched without that letter when 3 letters remain,
// because Russian declension replaces it: "Асанова" finds "Асанову",
// "Асановой", "Асановых", "Асанов"; "Бакытовна" finds "Бакытовны",
// "Бакытовне" but not "Бакыт". A name found in the middle of a word
// ("Гүлайгүл" for "Айгүл") is left alone. Shorter names ("Ай") and the
// patronymic particles "кызы", "уулу", "уулы", "оглы" are not masked: they
// identify no one and would hide common words ("айыл", "кызыл").
//
// Places. Village and AiylOkmotu are masked as a whole, at a word start,
// with any ending: "Ак-Муздагы", "Кара-Коюнда". Their parts may be joined
// by up to 3 spaces or dashes (-, ‐, ‑, ‒, –, —, −) or by nothing at all,
// so "Ак Муз", "Ак–Муз" and "Акмуз" match too. Designators that people
// type around the name are dropped from its ends ("с.", "айылы", "айыл
// өкмөтү", "а/о", ...), and so is a Russian adjective ending ("Кара-Коюнский"
// is "Кара-Коюн"). The "а"/"я" rule of names applies ("Бакай-Ата" finds
// "Бакай-Ате"). A place of fewer than 3 letters ("Ош") is masked only as a
// bare word: with endings it would hide "ошол" and "ошентип".
//
// Phones. Every number of 9 or more ASCII digits is masked, whoever's it is:
// a relative's or a neighbour's number leads to her just as well, and so
// does a 14-digit personal number. Digits count as one number when at most
// 2 of these lie between them: spaces (not line breaks, but no-break spaces
// too), "-", ".", "(", ")" and other dashes (textnorm.IsPhoneSeparator,
// which the form's phone parser takes too); invisible characters between
// digits are not counted at all; a "+" or "(" just before and a closing ")"
// just after are masked with it. This covers "+996 700 123 456",
// "0700123456", "0 (700) 12-34-56" and "700-12-34-56". Her own Phone and
// WhatsApp (their last 9 digits, with a "0" or "+996" before them) are also
// found when typed with up to 3 punctuation marks or spaces between digits,
// "0700/123/456" or "0700 - 123 - 456". Shorter numbers (years, dates,
// sums, "12-34-56") are kept.
//
// E-mail. Every e-mail address is masked: a local part of letters, digits
// and "._%+-" before "@", a domain of letters, digits, "-" and at least one
// "." after it. Her own Email is also masked wherever it occurs, in any case.
//
// A span that starts or ends inside a word takes the whole word with it
// ("тел0700123456" is one span): half a word can still be read, and it keeps
// Mask idempotent. Overlapping or touching spans count as one.
func Mask(text string, id Identity) (string, int) {
	if text == "" {
		return "", 0
	}
	m := compile(id)
	spans := m.find(text)
	if len(spans) == 0 {
		return text, 0
	}
	spans = settle(text, spans)
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for _, s := range spans {
		b.WriteString(text[last:s.start])
		b.WriteString(Placeholder)
		last = s.end
	}
	b.WriteString(text[last:])
	return b.String(), len(spans)
}

// span is a byte range [start, end) of the text to mask.
type span struct{ start, end int }

// masker is an Identity compiled into what the scan compares against.
type masker struct {
	patterns []pattern
	phones   [][]byte // the last 9 digits of her Phone and WhatsApp
	email    []rune   // her e-mail address, lower-cased
}

// pattern is a name or a place: parts of folded letters, matched in order
// at a word start.
type pattern struct {
	parts [][]rune
	// bare means the pattern must be the whole word, without endings.
	bare bool
}

const (
	// minLetters is how many letters a name needs to be masked at all, and
	// a place to be masked with endings.
	minLetters = 3
	// phoneDigits is how many digits make a number worth masking: a
	// Kyrgyz number without its 0 or 996.
	phoneDigits = 9
	// maxPhoneGap is how many separators may lie between two digits of one
	// number: ") " in "0 (700) 12-34-56" is two.
	maxPhoneGap = 2
	// maxLooseGap is the same for her own number typed with odd
	// punctuation: " - " in "0700 - 123 - 456" is three.
	maxLooseGap = 3
	// maxPlaceGap is how many spaces or dashes may join parts of a place.
	maxPlaceGap = 3
)

// particles are words of a Kyrgyz or Azerbaijani patronymic ("Бакыт
// кызы"), compared lower-cased. They name no one and start common words.
var particles = map[string]bool{"кызы": true, "уулу": true, "уулы": true, "оглы": true}

// designators are words typed around a place name ("с. Ак-Муз", "Кара-Коюн
// айыл өкмөтү", "Кара-Коюнский а/о"), kept folded. Only the ends of a place
// are stripped, so "Жаңы-Айыл" keeps its "Айыл".
var designators = foldedSet(
	// Kyrgyz
	"айыл", "айылы", "айылдык", "өкмөт", "өкмөтү", "аймак", "аймагы",
	"кыштак", "кыштагы", "а", "о", "ө", "ао", "аө", "кеңеш", "кеңеши",
	// Russian
	"с", "село", "п", "пос", "поселок", "аил", "аильный", "аильная",
	"сельский", "округ", "округу", "управа", "ау",
)

// adjectiveEndings turn a Russian place adjective back into the place
// ("Кара-Коюнский" is "Кара-Коюн"), kept folded.
var adjectiveEndings = foldedList("ский", "ская", "ское", "ского", "ской")

// compile folds id into patterns once per call; building them is cheap
// next to scanning an essay.
func compile(id Identity) *masker {
	// Her answers are stored cleaned, but not those stored before the
	// form cleaned them, and a zero-width joiner would cut a name in two.
	for _, f := range []*string{&id.FullName, &id.Phone, &id.WhatsApp, &id.Email, &id.Village, &id.AiylOkmotu} {
		*f = textnorm.Clean(*f)
	}
	m := &masker{}
	seen := map[string]bool{}
	add := func(p pattern) {
		key := p.key()
		if !seen[key] {
			seen[key] = true
			m.patterns = append(m.patterns, p)
		}
	}
	for _, w := range strings.FieldsFunc(id.FullName, notLetterOrMark) {
		if particles[strings.ToLower(w)] {
			continue
		}
		if p, n := newPattern([][]rune{foldWord(w)}); n >= minLetters {
			add(p)
		}
	}
	for _, place := range []string{id.Village, id.AiylOkmotu} {
		if p, n := placePattern(place); n > 0 {
			p.bare = n < minLetters
			add(p)
		}
	}
	for _, phone := range []string{id.Phone, id.WhatsApp} {
		var d []byte
		for _, c := range []byte(phone) {
			if '0' <= c && c <= '9' {
				d = append(d, c)
			}
		}
		if len(d) >= phoneDigits && !slices.ContainsFunc(m.phones, func(p []byte) bool { return bytes.Equal(p, d[len(d)-phoneDigits:]) }) {
			m.phones = append(m.phones, d[len(d)-phoneDigits:])
		}
	}
	if e := strings.TrimFunc(id.Email, unicode.IsSpace); e != "" {
		for _, r := range e {
			m.email = append(m.email, lower(r))
		}
	}
	return m
}

// placePattern splits a place into its parts. Designators are dropped from
// both ends only where they stand apart ("Ак-Муз айылы", "с. Ак-Муз"), not
// where they are hyphenated into the name ("Жаңы-Айыл"); then a Russian
// adjective ending is dropped from the last part.
func placePattern(place string) (pattern, int) {
	tokens := strings.FieldsFunc(place, func(r rune) bool { return !isLetterOrMark(r) && !textnorm.IsDash(r) })
	for len(tokens) > 0 && designators[string(foldWord(tokens[0]))] {
		tokens = tokens[1:]
	}
	for len(tokens) > 0 && designators[string(foldWord(tokens[len(tokens)-1]))] {
		tokens = tokens[:len(tokens)-1]
	}
	var parts [][]rune
	for _, t := range tokens {
		for _, w := range strings.FieldsFunc(t, notLetterOrMark) {
			if f := foldWord(w); len(f) > 0 {
				parts = append(parts, f)
			}
		}
	}
	if len(parts) == 0 {
		return pattern{}, 0
	}
	last := parts[len(parts)-1]
	for _, end := range adjectiveEndings {
		if len(last) > len(end)+1 && slices.Equal(last[len(last)-len(end):], end) {
			parts[len(parts)-1] = last[:len(last)-len(end)]
			break
		}
	}
	return newPattern(parts)
}

// newPattern applies the "а"/"я" rule to the last part and returns the
// pattern with its number of letters before the rule.
func newPattern(parts [][]rune) (pattern, int) {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if last := parts[len(parts)-1]; n > minLetters && len(last) > 1 {
		if c := last[len(last)-1]; c == 'а' || c == 'я' {
			parts[len(parts)-1] = last[:len(last)-1]
		}
	}
	return pattern{parts: parts}, n
}

// key tells duplicate patterns apart, so "Айгүл" twice is compared once.
func (p pattern) key() string {
	var b strings.Builder
	for _, part := range p.parts {
		b.WriteString(string(part))
		b.WriteByte('-')
	}
	if p.bare {
		b.WriteByte('!')
	}
	return b.String()
}

// find returns every span to mask, unordered and possibly overlapping.
func (m *masker) find(text string) []span {
	var spans []span
	if len(m.patterns) > 0 {
		spans = m.findPatterns(text, spans)
	}
	spans = findPhones(text, spans)
	if len(m.phones) > 0 {
		spans = findOwnPhones(text, m.phones, spans)
	}
	spans = findEmails(text, spans)
	if len(m.email) > 0 {
		spans = findFold(text, m.email, spans)
	}
	return spans
}

// findPatterns matches names and places at every word start.
func (m *masker) findPatterns(text string, spans []span) []span {
	prevLetter := false
	for i, r := range text {
		letter := isLetterOrMark(r)
		if letter && !prevLetter {
			f, compared := textnorm.FoldRune(r)
			end := -1
			for _, p := range m.patterns {
				// A cheap look at the first letter spares the full
				// comparison at nearly every word start.
				if compared && p.parts[0][0] != f {
					continue
				}
				if e, ok := p.match(text, i); ok && e > end {
					end = e
				}
			}
			if end > i {
				spans = append(spans, span{i, end})
			}
		}
		prevLetter = letter
	}
	return spans
}

// match reports whether p occurs at text[i:], and where its word ends.
func (p pattern) match(text string, i int) (end int, ok bool) {
	for k, part := range p.parts {
		if k > 0 {
			i = skipPlaceGap(text, i)
		}
		if i, ok = matchFolded(text, i, part); !ok {
			return 0, false
		}
	}
	if p.bare {
		// An invisible rune after the place does not make it a word
		// with an ending: "Ош" followed by a zero-width space is "Ош".
		j := i
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !textnorm.IsInvisible(r) {
				return i, !isWordRune(r)
			}
			j += size
		}
		return i, true
	}
	return wordEnd(text, i), true
}

// matchFolded compares text from i with folded letters, skipping the runes
// that folding leaves out, and returns the end of the match.
func matchFolded(text string, i int, want []rune) (int, bool) {
	for k := 0; k < len(want); {
		if i >= len(text) {
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		f, compared := textnorm.FoldRune(r)
		if !compared {
			continue
		}
		if f != want[k] {
			return 0, false
		}
		k++
	}
	return i, true
}

// skipPlaceGap skips the spaces and dashes between two parts of a place,
// if there are few enough of them; invisible runes among them are not
// counted.
func skipPlaceGap(text string, i int) int {
	j := i
	for n := 0; n < maxPlaceGap && j < len(text); {
		r, size := utf8.DecodeRuneInString(text[j:])
		switch {
		case textnorm.IsInvisible(r):
		case textnorm.IsDash(r) || textnorm.IsInlineSpace(r):
			n++
		default:
			return j
		}
		j += size
	}
	return j
}

// wordEnd returns the end of the word that goes on at text[i:]. Invisible
// runes after its last visible rune are not part of it: a bidi mark that
// closes an embedding stays in the text.
func wordEnd(text string, i int) int {
	end := i
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			break
		}
		i += size
		if !textnorm.IsInvisible(r) {
			end = i
		}
	}
	return end
}

// findPhones masks every number of phoneDigits digits or more.
func findPhones(text string, spans []span) []span {
	digitRuns(text, textnorm.IsPhoneSeparator, maxPhoneGap, func(start, end int, digits []byte, _ []int) {
		if len(digits) < phoneDigits {
			return
		}
		if start > 0 && text[start-1] == '(' {
			start--
		}
		if start > 0 && text[start-1] == '+' {
			start--
		}
		s := text[start:end]
		if end < len(text) && text[end] == ')' && strings.Count(s, "(") > strings.Count(s, ")") {
			end++
		}
		spans = append(spans, span{start, end})
	})
	return spans
}

// findOwnPhones masks her numbers where their digits are joined by any
// punctuation, with the trunk "0" or country code "+996" before them. Only
// her digits are masked, not the whole run: "0700123456, 0555123456" is two
// numbers, not one.
func findOwnPhones(text string, owns [][]byte, spans []span) []span {
	digitRuns(text, isLooseSeparator, maxLooseGap, func(_, _ int, digits []byte, at []int) {
		if len(digits) < phoneDigits {
			return
		}
		for _, own := range owns {
			// Occurrences are taken from the left without overlapping, so
			// one left unmasked shares no digit with a masked one.
			for from := 0; ; {
				k := bytes.Index(digits[from:], own)
				if k < 0 {
					break
				}
				first := from + k
				from = first + len(own)
				switch {
				case first >= len(countryCode) && string(digits[first-len(countryCode):first]) == countryCode:
					first -= len(countryCode)
				case first >= 1 && digits[first-1] == '0':
					first--
				}
				s := at[first]
				if s > 0 && text[s-1] == '+' {
					s--
				}
				spans = append(spans, span{s, at[from-1] + 1})
			}
		}
	})
	return spans
}

// countryCode is Kyrgyzstan's, which people type before her 9 digits.
const countryCode = "996"

// digitRuns calls fn for every maximal run of ASCII digits in which at most
// maxGap runes, all separators, lie between two digits. The run starts and
// ends with a digit; digits holds its digits and at their byte offsets. Both
// are reused between calls.
func digitRuns(text string, separator func(rune) bool, maxGap int, fn func(start, end int, digits []byte, at []int)) {
	var digits []byte
	var at []int
	for i := 0; i < len(text); {
		// Jump to the next digit looking at bytes only: an essay is mostly
		// letters, and an ASCII digit byte is never part of another rune.
		for i < len(text) && (text[i] < '0' || text[i] > '9') {
			i++
		}
		if i == len(text) {
			return
		}
		start, end, gap := i, i, 0
		digits, at = digits[:0], at[:0]
		for i < len(text) {
			r, size := rune(text[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(text[i:])
			}
			if '0' <= r && r <= '9' {
				digits = append(digits, byte(r))
				at = append(at, i)
				end, gap = i+1, 0
			} else if textnorm.IsInvisible(r) {
				// Not a gap: a number wrapped in bidi marks or with a
				// zero-width space in it reads as one number.
			} else if gap < maxGap && separator(r) {
				gap++
			} else {
				break
			}
			i += size
		}
		fn(start, end, digits, at)
		i = end
	}
}

// findEmails masks every address around an "@". Both sides are maximal runs
// of their characters, so a longer text around an address never turns a
// match into a mismatch: that is what makes masking twice change nothing.
func findEmails(text string, spans []span) []span {
	for at := strings.IndexByte(text, '@'); at >= 0; {
		start := at
		for start > 0 {
			r, size := utf8.DecodeLastRuneInString(text[:start])
			if !isWordRune(r) && !strings.ContainsRune("._%+-", r) {
				break
			}
			start -= size
		}
		// The address starts at its first letter or digit: "...aigul@"
		// or "—aigul@" mask from "aigul", and a bidi mark before it stays.
		for start < at {
			r, size := utf8.DecodeRuneInString(text[start:])
			if isWordRune(r) && !textnorm.IsInvisible(r) {
				break
			}
			start += size
		}
		end := at + 1
		for end < len(text) {
			r, size := utf8.DecodeRuneInString(text[end:])
			if !isWordRune(r) && (end == at+1 || r != '.' && r != '-') {
				break
			}
			end += size
		}
		// A sentence's full stop or a dash after the address is not part
		// of it, nor is a bidi mark.
		for end > at+1 {
			r, size := utf8.DecodeLastRuneInString(text[:end])
			if r != '.' && r != '-' && !textnorm.IsInvisible(r) {
				break
			}
			end -= size
		}
		if start < at && strings.IndexByte(text[at+1:end], '.') >= 0 {
			spans = append(spans, span{start, end})
		}
		next := strings.IndexByte(text[at+1:], '@')
		if next < 0 {
			break
		}
		at += 1 + next
	}
	return spans
}

// findFold masks every occurrence of want (lower-cased runes), in any case.
func findFold(text string, want []rune, spans []span) []span {
	end := 0 // occurrences do not overlap
	for i, r := range text {
		if i < end || lower(r) != want[0] {
			continue
		}
		j, k := i, 0
		for k < len(want) && j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if lower(r) != want[k] {
				break
			}
			j += size
			k++
		}
		if k == len(want) {
			spans = append(spans, span{i, j})
			end = j
		}
	}
	return spans
}

// settle sorts spans, widens those that start or end inside a word to the
// whole word, and merges those that overlap or touch. It works from left to
// right and never widens over what the previous span already covers, so
// many spans inside one long word cost no more than the word.
func settle(text string, spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	out := spans[:0]
	covered := 0 // end of the last span in out
	for _, s := range spans {
		if len(out) > 0 && s.start <= covered {
			if s.end > covered {
				covered = widenRight(text, s.end)
				out[len(out)-1].end = covered
			}
			continue
		}
		if r, _ := utf8.DecodeRuneInString(text[s.start:]); isWordRune(r) {
			// Back to the word's first visible rune: a bidi mark that
			// opens an embedding stays in the text.
			for i := s.start; i > covered; {
				r, size := utf8.DecodeLastRuneInString(text[:i])
				if !isWordRune(r) {
					break
				}
				i -= size
				if !textnorm.IsInvisible(r) {
					s.start = i
				}
			}
		}
		s.end = widenRight(text, s.end)
		if len(out) > 0 && s.start <= covered {
			out[len(out)-1].end = s.end
		} else {
			out = append(out, s)
		}
		covered = s.end
	}
	return out
}

// widenRight moves a span's end to the end of its word if it ends inside one.
func widenRight(text string, end int) int {
	if r, _ := utf8.DecodeLastRuneInString(text[:end]); isWordRune(r) {
		return wordEnd(text, end)
	}
	return end
}

// lower is unicode.ToLower without the table lookup for ASCII and the
// Russian letters.
func lower(r rune) rune {
	switch {
	case 'A' <= r && r <= 'Z':
		return r + 'a' - 'A'
	case r < utf8.RuneSelf || 'а' <= r && r <= 'џ':
		return r
	case 'А' <= r && r <= 'Я':
		return r + 'а' - 'А'
	case 'Ѐ' <= r && r <= 'Џ':
		return r + 'ѐ' - 'Ѐ'
	}
	return unicode.ToLower(r)
}

// foldWord folds the letters of w as textnorm does for matching, dropping
// the runes it leaves out.
func foldWord(w string) []rune {
	var out []rune
	for _, r := range w {
		if f, compared := textnorm.FoldRune(r); compared {
			out = append(out, f)
		}
	}
	return out
}

func foldedSet(words ...string) map[string]bool {
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[string(foldWord(w))] = true
	}
	return set
}

func foldedList(words ...string) [][]rune {
	out := make([][]rune, len(words))
	for i, w := range words {
		out[i] = foldWord(w)
	}
	return out
}

// isLetterOrMark reports the runes a word starts with. Digits are left out
// so that "2Айгүл" still has "Айгүл" at a word start, and so are invisible
// runes, even those that are letters or marks to Unicode (Hangul fillers),
// so that "Айгүл" after a zero-width space is at a word start too.
func isLetterOrMark(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	case 0x400 <= r && r <= 0x4FF:
		return r != 0x482 // ҂ is the only Cyrillic symbol
	}
	return (unicode.IsLetter(r) || unicode.IsMark(r)) && !textnorm.IsInvisible(r)
}

func notLetterOrMark(r rune) bool { return !isLetterOrMark(r) }

// isWordRune reports the runes a word goes on over: letters, marks,
// numbers and invisible runes, so that "Айгүл" with a zero-width joiner
// before her ending is masked with the ending.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || textnorm.IsInvisible(r)
	}
	return isLetterOrMark(r) || unicode.IsNumber(r) || textnorm.IsInvisible(r)
}

// isLooseSeparator adds any punctuation and "+" to textnorm.IsPhoneSeparator, for
// her own number only: "0700/123/456" is certainly hers.
func isLooseSeparator(r rune) bool {
	return textnorm.IsPhoneSeparator(r) || r == '+' || unicode.IsPunct(r)
}
