package mentoring

import (
	"fmt"
	"testing"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/internal/benchpop"
	"github.com/mentorbot/mentorbot/store"
)

// BenchmarkHotPaths measures, at 10 000 stored women, what a new question costs: the notice to its queue.
//
//	go test -run '^$' -bench HotPaths -benchmem ./bot/mentoring/
func BenchmarkHotPaths(b *testing.B) {
	bt := benchpop.Bot(b, []bot.Feature{Feature})
	now := bt.Now()
	b.Run("queue_notice", func(b *testing.B) {
		for b.Loop() {
			err := bt.DB.Update(func(tx *store.Tx) error {
				n, err := tellQueue(bt, tx, store.KindHelp, now, bt.ByKey("queue.new", map[string]any{"ID": 1}))
				if err == nil && n != len(benchpop.Mentors)+len(benchpop.Lawyers)+len(benchpop.Helpers) {
					err = fmt.Errorf("told %d", n)
				}
				if err != nil {
					return err
				}
				return benchpop.ErrRollback
			})
			if err != benchpop.ErrRollback {
				b.Fatal(err)
			}
		}
	})
}
