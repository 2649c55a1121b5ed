package bot

import (
	"strconv"
	"testing"
)

// FuzzParseCount: any text either is refused or gives a whole,
// non-negative number that reads back the same.
func FuzzParseCount(f *testing.F) {
	for _, s := range []string{"245", "1 250", "1\u00a0000", "-3", "", "двести", "9999999999", "0", " 12 ", "1,5", "٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := parseCount(s)
		if !ok {
			return
		}
		if n < 0 {
			t.Fatalf("%q gave %d", s, n)
		}
		if m, ok := parseCount(strconv.Itoa(n)); !ok || m != n {
			t.Fatalf("%q gave %d, which reads back as %d, %v", s, n, m, ok)
		}
	})
}
