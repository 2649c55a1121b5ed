package bot_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/bot/internal/benchpop"
	"github.com/mentorbot/mentorbot/bot/school"
	"github.com/mentorbot/mentorbot/store"
)

// BenchmarkHotPaths measures, at 10 000 stored women, what election day
// does on every report and due item; the parts measure their own
// (bot/mentoring: the queue's notice, bot/election: the tally).
//
//	go test -run '^$' -bench HotPaths -benchmem ./bot/...
func BenchmarkHotPaths(b *testing.B) {
	bt := benchpop.Bot(b, school.Features())
	violation := dialogueNamed(b, bt, "violation")
	b.Run("audience=participants", func(b *testing.B) {
		for b.Loop() {
			err := bt.DB.View(func(tx *store.Tx) error {
				users, err := bot.AudienceOf(tx, "participants", bt.StaffIDs)
				if err == nil && len(users) != benchpop.Participants {
					err = fmt.Errorf("%d participants, want %d", len(users), benchpop.Participants)
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("audience=staff", func(b *testing.B) {
		for b.Loop() {
			err := bt.DB.View(func(tx *store.Tx) error {
				users, err := bot.AudienceOf(tx, "staff", bt.StaffIDs)
				if err == nil && len(users) != len(benchpop.Staff) {
					err = fmt.Errorf("%d staff, want %d", len(users), len(benchpop.Staff))
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("put_user", func(b *testing.B) {
		for b.Loop() {
			err := bt.DB.Update(func(tx *store.Tx) error {
				u, err := tx.User(benchpop.FirstID + 17)
				if err != nil {
					return err
				}
				u.Step = "district"
				if err := tx.PutUser(u); err != nil {
					return err
				}
				return benchpop.ErrRollback
			})
			if err != benchpop.ErrRollback {
				b.Fatal(err)
			}
		}
	})
	// The last step of a violation report, as Telegram delivers it: her
	// tap on "no photo", saved, told to staff and lawyers, committed.
	update := 0 // the same file serves every -count: IDs never repeat
	b.Run("violation_report", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			asked := 0
			err := bt.DB.Update(func(tx *store.Tx) error {
				c, err := tx.Conversation(benchpop.Candidate)
				if err != nil {
					return err
				}
				asked = c.Asked + 1
				return tx.PutConversation(store.Conversation{UserID: benchpop.Candidate, Dialogue: violation.Name, Version: violation.Version,
					Step: "evidence", Asked: asked, Path: []string{"what", "where"},
					Answers: map[string]string{"what": "Бюллетендерди таратып жатышат", "where": "№12 участка"}})
			})
			if err != nil {
				b.Fatal(err)
			}
			update++
			b.StartTimer()
			err = bt.Handle(context.Background(), bot.Update{ID: update, ChatID: benchpop.Candidate, Private: true, UserID: benchpop.Candidate,
				Kind: bot.KindCallback, CallbackID: fmt.Sprint(update), CallbackData: fmt.Sprintf("dg:%d:skip", asked), MessageID: 5})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		err := bt.DB.View(func(tx *store.Tx) error {
			vs, err := tx.Violations()
			if err == nil && len(vs) == 0 {
				err = errors.New("no violation was saved")
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	})
}

// dialogueNamed is the registered dialogue of that name.
func dialogueNamed(b *testing.B, bt *bot.Bot, name string) *dialogue.Dialogue {
	for _, d := range bt.Dialogues() {
		if d.Name == name {
			return d
		}
	}
	b.Fatalf("no dialogue %q", name)
	return nil
}
