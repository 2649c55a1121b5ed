package faq_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/faq"
	"github.com/mentorbot/mentorbot/store"
)

// FuzzSearch checks what Search and Normalize promise for any query, valid
// UTF-8 or not, against the test handbook:
//
//   - Search does not panic, returns at most limit entries, each one an
//     unchanged entry of the handbook in the requested language, none
//     twice;
//   - it is deterministic, and a smaller limit gives a prefix of the
//     longer result;
//   - searching for the normalized query finds the same;
//   - Normalize returns valid UTF-8 words joined by single spaces, and
//     normalizing again changes nothing.
//
// The seed corpus is in testdata/fuzz/FuzzSearch.
func FuzzSearch(f *testing.F) {
	byID := map[int]store.FAQEntry{}
	for _, e := range handbook {
		byID[e.ID] = e
	}
	f.Fuzz(func(t *testing.T, query string) {
		norm := faq.Normalize(query)
		switch {
		case !utf8.ValidString(norm):
			t.Fatalf("Normalize(%q) = %q, not valid UTF-8", query, norm)
		case norm != strings.Join(strings.Fields(norm), " "):
			t.Fatalf("Normalize(%q) = %q, not single-spaced words", query, norm)
		case faq.Normalize(norm) != norm:
			t.Fatalf("Normalize(%q) = %q, and again %q", query, norm, faq.Normalize(norm))
		}

		for _, lang := range []string{"ky", "ru", ""} {
			all := faq.Search(handbook, lang, query, len(handbook))
			seen := map[int]bool{}
			for _, e := range all {
				if e.Language != lang {
					t.Fatalf("Search(%q, %q) returned entry %d in %q", lang, query, e.ID, e.Language)
				}
				if e != byID[e.ID] {
					t.Fatalf("Search(%q, %q) returned %+v, not a handbook entry", lang, query, e)
				}
				if seen[e.ID] {
					t.Fatalf("Search(%q, %q) returned entry %d twice", lang, query, e.ID)
				}
				seen[e.ID] = true
			}
			if again := faq.Search(handbook, lang, query, len(handbook)); !slices.Equal(again, all) {
				t.Fatalf("Search(%q, %q) = %v, then %v", lang, query, ids(all), ids(again))
			}
			if fromNorm := faq.Search(handbook, lang, norm, len(handbook)); !slices.Equal(fromNorm, all) {
				t.Fatalf("Search(%q, %q) = %v, but for %q %v", lang, query, ids(all), norm, ids(fromNorm))
			}
			for _, limit := range []int{-1, 0, 1, 3} {
				got := faq.Search(handbook, lang, query, limit)
				if len(got) > max(limit, 0) {
					t.Fatalf("Search(%q, %q, %d) returned %d entries", lang, query, limit, len(got))
				}
				if !slices.Equal(got, all[:len(got)]) {
					t.Fatalf("Search(%q, %q, %d) = %v, not a prefix of %v", lang, query, limit, ids(got), ids(all))
				}
			}
		}
	})
}
