package bot

import (
	"slices"
	"testing"
)

// Every row is on exactly one page, and every empty section's title too.
func TestSectionsOn(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sizes []int
		w     Window
		want  []Section
	}{
		{"Inside one", []int{30, 10}, Window{Offset: 0, Limit: 20}, []Section{{0, 0, 20}}},
		{"Across two", []int{25, 10}, Window{Offset: 20, Limit: 20}, []Section{{0, 20, 25}, {1, 0, 10}}},
		{"Empty first and between", []int{0, 25, 0, 1}, Window{Offset: 0, Limit: 20}, []Section{{0, 0, 0}, {1, 0, 20}}},
		{"Empty between, on the next page", []int{0, 25, 0, 1}, Window{Offset: 20, Limit: 20}, []Section{{1, 20, 25}, {2, 0, 0}, {3, 0, 1}}},
		{"Empty at the end of a full page", []int{20, 0}, Window{Offset: 0, Limit: 20}, []Section{{0, 0, 20}, {1, 0, 0}}},
		{"All empty", []int{0, 0}, Window{Offset: 0, Limit: 20}, []Section{{0, 0, 0}, {1, 0, 0}}},
		{"Section starting a page", []int{20, 5}, Window{Offset: 20, Limit: 20}, []Section{{1, 0, 5}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := SectionsOn(tc.sizes, tc.w); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
