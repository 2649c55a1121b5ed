package election

import (
	"fmt"
	"testing"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/internal/benchpop"
	"github.com/mentorbot/mentorbot/store"
)

// BenchmarkHotPaths measures, at 10 000 stored women, the election-day tally staff ask for.
//
//	go test -run '^$' -bench HotPaths -benchmem ./bot/election/
func BenchmarkHotPaths(b *testing.B) {
	bt := benchpop.Bot(b, []bot.Feature{Feature})
	now := bt.Now()
	b.Run("tally", func(b *testing.B) {
		for b.Loop() {
			err := bt.DB.View(func(tx *store.Tx) error {
				t, err := bt.ReadTurn(tx, store.FileJob{At: now})
				if err != nil {
					return err
				}
				et, err := readTally(t)
				if err == nil && et.all.Graduates != benchpop.Participants {
					err = fmt.Errorf("%d graduates", et.all.Graduates)
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
