package bot_test

import (
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/store"
)

// FuzzHandle sends any button data, any /start payload (deep link) and
// any text, from a participant and from a staff member in the middle of
// their dialogues. Nothing may panic (Handle recovers, so the log is
// checked), and every update must be recorded as handled.
func FuzzHandle(f *testing.F) {
	for _, seed := range []struct{ data, text string }{
		{"f:sex:female", "inv_abc"}, {"sum:submit", ""}, {"edit:essay", "/start inv_"}, {"sc:A-001:p:9:9", "A-001"},
		{"dec:all", "𝓐"}, {"bc:go:1", "\xff\xfe"}, {"qt:-1", "/forget"}, {"rsvp:meeting-1:maybe", "/decide A-001 accept"},
		{"el:elected:", "1 250"}, {"dg:2:skip", ""}, {"dg:2:back", "/cancel"}, {"dg:1:", "/people"}, {"faq:e:999999999999999999999", "/mask A-001"}, {":::", "/ask"}, {"f:stages:t99", "15.03.1990"},
		{"evp:c:", "/people naryn"}, {"evp:x:meeting-1", "/event_cancel"}, {"faqp:r:-1", "/faq_remove"}, {"faqp:e:1", "/people А-0001"},
	} {
		f.Add(seed.data, seed.text)
	}
	var logs syncBuffer
	b, db := bareBot(&testing.T{}, slog.New(slog.NewTextHandler(&logs, nil)), func() time.Time { return today })
	b.StaffIDs = []int64{2}
	err := db.Update(func(tx *store.Tx) error {
		if err := tx.PutUser(store.User{ID: 1, Language: "ru", ConsentAt: today, Step: "birth_date", Roles: []store.Role{store.RoleParticipant, store.RoleCommission, store.RoleMentor}}); err != nil {
			return err
		}
		if err := tx.PutUser(store.User{ID: 2, Language: "ky"}); err != nil {
			return err
		}
		// Staff in the middle of a broadcast (bot/dialogue).
		return tx.PutConversation(store.Conversation{UserID: 2, Dialogue: "broadcast", Version: 1, Step: "ru", Asked: 2, Path: []string{"ky"}, Answers: map[string]string{"ky": "Салам"}})
	})
	if err != nil {
		f.Fatal(err)
	}
	var id atomic.Int64
	f.Fuzz(func(t *testing.T, data, text string) {
		for _, user := range []int64{1, 2} {
			for _, u := range []bot.Update{
				{Kind: bot.KindCallback, CallbackID: "q", CallbackData: data, MessageID: 3},
				{Kind: bot.KindText, Text: "/start " + text, Command: "start", Args: text},
				{Kind: bot.KindText, Text: text},
			} {
				u.ID, u.ChatID, u.UserID, u.Private = int(id.Add(1)), user, user, true
				if strings.HasPrefix(text, "/") {
					u.Command, u.Args, _ = strings.Cut(strings.TrimPrefix(text, "/"), " ")
				}
				if err := b.Handle(t.Context(), u); err != nil {
					t.Fatalf("update not recorded: %v", err)
				}
				handled, err := db.HandleUpdate(u.ID, func(*store.Tx) error { return nil })
				if err != nil || handled {
					t.Fatalf("update %d was not marked handled", u.ID)
				}
			}
		}
		if strings.Contains(logs.String(), "panic") {
			t.Fatalf("a handler panicked on data %q text %q:\n%s", data, text, logs.String())
		}
	})
}
