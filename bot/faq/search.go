// Package faq finds published questions and answers by the words a
// participant types. She types them on a cheap phone, often without the
// Kyrgyz letters ү, ө and ң, now and then with a typo, and always with
// whatever ending her sentence needed: Kyrgyz glues suffixes on (шайлоо,
// шайлоодо, шайлоочулар) and Russian inflects (выборы, выборах, выборов).
// So the search compares folded words by their beginnings instead of
// whole words, and it is kept simple enough that a mentor can predict
// what a query finds.
//
// # Words
//
// Query and entries go through [Normalize]: folded as package textnorm
// folds text for matching (lower case, ү ө ң ё й written as у о н е и,
// Latin look-alikes as Cyrillic, diacritics, the soft sign and invisible
// characters dropped), everything that is not a letter or a digit a word
// break.
// A query word shorter than 3 letters or digits is dropped, and so is a
// common word that says nothing about the subject: "как", "что", "для",
// "когда", "можно", ... in Russian, "жана", "менен", "үчүн", "бул",
// "кантип", "керек", ... in Kyrgyz. Stop words of both languages are
// dropped whatever the language searched, because participants mix
// Russian and Kyrgyz in one message.
//
// # Matching
//
// A query word of n letters (letters and digits, counted after
// Normalize) matches a word of the entry when that word starts with the
// query word's stem. Stems below are shown as typed; both sides are
// compared normalized, so "шайл" is really "шаил".
//
//   - n = 3 or 4: the stem is the whole word ("куну" finds "күнү", "күнүнө");
//   - n ≥ 5: the stem is the first max(4, n−2) letters, which drops a
//     likely ending ("шайлоо" → "шайл" finds "шайлоодо", "шайлоочулар";
//     "выборах" → "выбор" finds "выборы", "выборов"; "регистрация" →
//     "регистрац" finds "регистрации"; "кандидат" → "кандид" finds
//     "кандидаттыгын").
//
// The entry's word is not cut, so a query word that is longer than every
// form in the entry finds nothing ("комиссиясына" does not find
// "комиссия").
//
// A query word of 6 letters or more also matches, as a typo, an entry
// word whose beginning is one edit away from the query word's typo stem,
// its first max(5, n−2) letters: one letter replaced, added or dropped,
// or two neighbours swapped ("кондидат" finds "кандидат", "набюдатели"
// finds "наблюдатели", "агиатция" finds "агитация"). The edit must fall
// strictly inside the typo stem: its first and its last letter must be
// right. People rarely miss the first letter, and an edit at the last
// letter would only mean "starts with one letter less", which finds
// unrelated words ("кондидат" would find "кондиционер"). Shorter words
// get no typo allowance, because one edit in four letters already makes
// another word.
//
// # Ranking
//
// An entry is found when at least one query word matches. Entries with
// more matching query words come first; among those, the higher score
// first, where each matching query word adds its best match: 6 for a word
// of the question, 3 for a word of the answer, 2 for a typo in the
// question, 1 for a typo in the answer. Equal entries keep ID order.
// Forms of one word in the query ("выборы выборах") count as one word,
// and only the first 32 distinct words of a query are used.
//
// The topic is not searched: it names a section, not what the entry says.
package faq

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/textnorm"
	"github.com/mentorbot/mentorbot/store"
)

const (
	// minWordLen is the shortest query word used: shorter ones are
	// prepositions and particles ("в", "на", "да", "же") or noise.
	minWordLen = 3
	// minTypoLen is the shortest query word allowed a typo.
	minTypoLen = 6
	// maxTerms caps the distinct query words used, so that a pasted
	// essay costs no more than a long question.
	maxTerms = 32
)

// Weights of one matching query word. An exact match anywhere beats a
// typo in the question, because a typo match is the likelier mistake.
const (
	weightQuestion     = 6
	weightAnswer       = 3
	weightQuestionTypo = 2
	weightAnswerTypo   = 1
)

// Search returns the entries in lang that match query, best first, at most
// limit. An entry matches when at least one query word matches a word of
// its question or answer; words in the question count more than words in
// the answer; more matched query words rank higher; ties keep ID order.
// Query words shorter than 3 letters and common stop words are ignored.
// The package documentation gives the exact rules.
//
// Search returns nil when limit is not positive, the query has no usable
// word or nothing matches. It does not change entries; the result holds
// copies.
func Search(entries []store.FAQEntry, lang, query string, limit int) []store.FAQEntry {
	if limit <= 0 {
		return nil
	}
	terms := parseQuery(query)
	if len(terms) == 0 {
		return nil
	}

	type hit struct {
		index, matched, score int
	}
	var hits []hit
	var question, answer words // reused from entry to entry
	for i := range entries {
		e := &entries[i]
		if e.Language != lang {
			continue
		}
		question.split(e.Question)
		answer.split(e.Answer)
		h := hit{index: i}
		for _, t := range terms {
			w := 0
			switch t.match(&question) {
			case exact:
				w = weightQuestion
			case typo:
				w = weightQuestionTypo
			}
			// Only an exact match in the answer can improve on a
			// typo in the question.
			if w < weightAnswer {
				switch t.match(&answer) {
				case exact:
					w = weightAnswer
				case typo:
					w = max(w, weightAnswerTypo)
				}
			}
			if w > 0 {
				h.matched++
				h.score += w
			}
		}
		if h.matched > 0 {
			hits = append(hits, h)
		}
	}

	// Stable, so that two entries with the same ID (which the store does
	// not produce) still come out in a fixed order.
	slices.SortStableFunc(hits, func(a, b hit) int {
		return cmp.Or(
			cmp.Compare(b.matched, a.matched),
			cmp.Compare(b.score, a.score),
			cmp.Compare(entries[a.index].ID, entries[b.index].ID),
		)
	})
	if len(hits) == 0 {
		return nil
	}
	out := make([]store.FAQEntry, 0, min(limit, len(hits)))
	for _, h := range hits[:min(limit, len(hits))] {
		out = append(out, entries[h.index])
	}
	return out
}

// Normalize lower-cases s and folds it so that text typed without the
// Kyrgyz letters compares equal to text written with them. The folding is
// [textnorm.FoldRune]'s, the one the masking of applications uses too:
//
//   - ү is у, ө is о, ң is н: most phones here have only the Russian
//     layout (the look-alikes ұ, ɵ, ӈ, ӊ and ҥ that some keyboards give
//     instead are folded too), and Latin letters that look like Cyrillic
//     ones are those ("Kандидaт" typed with a Latin K and a is "кандидат");
//   - ё is е, as Russian speakers write it;
//   - й is и. Keyboards have й, but it also arrives as и followed by a
//     combining breve, and combining marks are dropped (as are diacritics,
//     the soft sign ь and invisible characters such as the soft hyphen and
//     the zero-width joiner), so both spellings must end up the same; no
//     search here depends on telling й from и.
//
// Every other rune that is not a letter or a digit, including invalid
// UTF-8, is a word break; the result is the words joined by single spaces.
// Normalize(Normalize(s)) == Normalize(s).
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for _, r := range s {
		switch f := fold(r); f {
		case skipRune:
		case breakRune:
			pendingSpace = b.Len() > 0
		default:
			if pendingSpace {
				b.WriteByte(' ')
				pendingSpace = false
			}
			b.WriteRune(f)
		}
	}
	return b.String()
}

// What fold returns for a rune that is not part of a word's letters.
const (
	breakRune rune = -1 // ends a word
	skipRune  rune = -2 // is dropped without ending the word
)

// fold maps one rune of text to the letter or digit that matching
// compares, or to breakRune or skipRune. The folding itself is
// textnorm's, which the masking of applications uses too, so a name the
// search finds is a name the masking hides.
func fold(r rune) rune {
	f, ok := textnorm.FoldRune(r)
	switch {
	case !ok:
		return skipRune
	case 'а' <= f && f <= 'я', 'a' <= f && f <= 'z', '0' <= f && f <= '9':
		// Nearly every rune: skip the table lookups.
		return f
	case f >= utf8.RuneSelf && (unicode.IsLetter(f) || unicode.IsDigit(f)):
		return f
	}
	return breakRune
}

// words holds the folded words of one text. Search keeps one per field and
// splits every entry into it, so the buffers are allocated once per search
// rather than once per entry.
type words struct {
	runes []rune
	ends  []int // where each word ends in runes
}

// split replaces w's words with those of s, folded as by Normalize.
func (w *words) split(s string) {
	w.runes, w.ends = w.runes[:0], w.ends[:0]
	inWord := false
	for _, r := range s {
		switch f := fold(r); f {
		case skipRune:
		case breakRune:
			if inWord {
				w.ends = append(w.ends, len(w.runes))
				inWord = false
			}
		default:
			w.runes = append(w.runes, f)
			inWord = true
		}
	}
	if inWord {
		w.ends = append(w.ends, len(w.runes))
	}
}

// term is one query word prepared for matching.
type term struct {
	stem []rune // an entry word starting with it matches exactly
	typo []rune // an entry word starting one edit away from it matches as a typo; nil for short words
}

// parseQuery returns the usable words of query as terms, in the order
// typed. Forms of one word count once, so that "выборы выборах" does not
// outrank an entry that matches two different words: when one stem starts
// with another ("выбо", "выбор"), only the shorter is kept, because it
// finds everything the longer finds.
func parseQuery(query string) []term {
	var w words
	w.split(query)
	var terms []term
	start := 0
	for _, end := range w.ends {
		word := w.runes[start:end]
		start = end
		if len(word) < minWordLen || stopWords[string(word)] {
			continue
		}
		t := term{stem: stem(word)}
		if len(word) >= minTypoLen {
			t.typo = word[:max(5, len(word)-2)]
		}
		if i := slices.IndexFunc(terms, func(o term) bool { return hasPrefix(o.stem, t.stem) }); i >= 0 {
			terms[i] = t // t is the shorter stem
			continue
		}
		if slices.ContainsFunc(terms, func(o term) bool { return hasPrefix(t.stem, o.stem) }) {
			continue
		}
		if terms = append(terms, t); len(terms) == maxTerms {
			break
		}
	}
	return terms
}

// stem is the part of a query word that an entry word must start with:
// the whole word up to 4 letters, else the first max(4, n−2) letters.
// Dropping two letters takes off the commonest endings of both languages
// (-ах, -ов, -ия, -до, -га, -ын) without an affix list per language; the
// floor of 4 keeps short stems from finding everything.
func stem(word []rune) []rune {
	if len(word) <= 4 {
		return word
	}
	return word[:max(4, len(word)-2)]
}

// How well a term matches a text.
type matchKind int

const (
	none matchKind = iota
	typo
	exact
)

// match reports the best match of t among the words of w.
func (t term) match(w *words) matchKind {
	best := none
	start := 0
	for _, end := range w.ends {
		word := w.runes[start:end]
		start = end
		if hasPrefix(word, t.stem) {
			return exact
		}
		if best == none && t.typo != nil && typoPrefix(word, t.typo) {
			best = typo
		}
	}
	return best
}

func hasPrefix(word, prefix []rune) bool {
	return len(word) >= len(prefix) && slices.Equal(word[:len(prefix)], prefix)
}

// typoPrefix reports whether word starts with something one edit away from
// p that has p's first and last letter. That something is as long as p, or
// one letter shorter or longer.
func typoPrefix(word, p []rune) bool {
	if len(word) == 0 || word[0] != p[0] {
		return false // the cheap test that rejects most words
	}
	last := p[len(p)-1]
	for n := max(len(p)-1, 1); n <= len(p)+1 && n <= len(word); n++ {
		if word[n-1] == last && oneEdit(p, word[:n]) {
			return true
		}
	}
	return false
}

// oneEdit reports whether a and b differ by at most one replaced, added or
// dropped rune, or by two neighbours swapped.
func oneEdit(a, b []rune) bool {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	switch len(a) - len(b) {
	case 0:
		if i == len(a) || slices.Equal(a[i+1:], b[i+1:]) {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && slices.Equal(a[i+2:], b[i+2:])
	case 1:
		return slices.Equal(a[i+1:], b[i:])
	case -1:
		return slices.Equal(a[i:], b[i+1:])
	}
	return false
}

// stopWords are the query words that say nothing about what she is looking
// for, of either language, folded as by Normalize. Words under 3 letters
// ("и", "в", "на", "да", "же", "ал") are dropped by length and are not
// listed.
var stopWords = stopSet(
	// Russian.
	"как", "что", "для", "это", "этот", "эта", "эти", "так", "или", "если",
	"где", "когда", "кто", "чем", "чего", "чтобы", "его", "её", "их", "она",
	"они", "оно", "мне", "меня", "мой", "моя", "мои", "нам", "нас", "вам",
	"вас", "можно", "нужно", "надо", "есть", "быть", "будет", "был", "была",
	"были", "уже", "ещё", "все", "всё", "только", "также", "тоже", "какой",
	"какая", "какое", "какие", "каком", "такой", "такая", "такое", "такие",
	"сколько", "который", "которая",
	"которые", "при", "про", "без", "под", "над", "через", "после", "перед",
	"нет", "там", "тут", "здесь", "очень",
	// Kyrgyz.
	"жана", "менен", "үчүн", "бул", "ушул", "ошол", "ошо", "бирок", "дагы",
	"эле", "гана", "деп", "эмне", "эмнеге", "эмнени", "кантип", "кандай",
	"качан", "кайда", "кайсы", "ким", "кимге", "канча", "мен", "сен", "сиз",
	"биз", "алар", "анын", "менин", "мага", "сага", "сизге", "бизге", "аны",
	"мени", "керек", "мүмкүн", "барбы", "бар", "жок", "болот", "болобу",
	"болсо", "боюнча", "жөнүндө", "тууралуу", "чейин", "кийин",
)

func stopSet(list ...string) map[string]bool {
	set := make(map[string]bool, len(list))
	for _, w := range list {
		set[Normalize(w)] = true
	}
	return set
}
