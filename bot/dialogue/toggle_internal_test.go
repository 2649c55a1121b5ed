package dialogue

import (
	"strings"
	"testing"
)

// FuzzToggle: ticking an item twice leaves the ticks as they were (as a
// set), an item ticked once is ticked, and no empty tick appears.
func FuzzToggle(f *testing.F) {
	for _, s := range [][2]string{{"", "a"}, {"a,b", "a"}, {"a,,b", "c"}, {",", "x"}, {"stage_info", "stage_info"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, ticks, item string) {
		if item == "" || strings.Contains(item, ",") {
			return
		}
		once := toggle(ticks, item)
		if isTicked(once, item) == isTicked(ticks, item) {
			t.Fatalf("toggle(%q, %q) = %q did not change %q", ticks, item, once, item)
		}
		if once != "" && strings.Contains(","+once+",", ",,") {
			t.Fatalf("toggle(%q, %q) = %q has an empty tick", ticks, item, once)
		}
		twice := toggle(once, item)
		for _, s := range strings.Split(ticks, ",") {
			if s != "" && !isTicked(twice, s) {
				t.Fatalf("toggle twice lost %q: %q → %q", s, ticks, twice)
			}
		}
	})
}
