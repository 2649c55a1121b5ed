package bot_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/store"
)

// Every command and button that needs a role, tried by a participant and
// by a stranger: each gets the polite refusal, nothing else happens, and
// the attempt is logged.
func TestAccess_EveryRestrictedActionRefused(t *testing.T) {
	var logs syncBuffer
	b, db := bareBot(t, slog.New(slog.NewTextHandler(&logs, nil)), func() time.Time { return today })
	err := db.Update(func(tx *store.Tx) error {
		return tx.PutUser(store.User{ID: 2, Language: "ru", Roles: []store.Role{store.RoleParticipant}, ConsentAt: today, Step: "submitted"})
	})
	if err != nil {
		t.Fatal(err)
	}
	rules := b.Rules()
	if len(rules) < 30 {
		t.Fatalf("only %d rules", len(rules))
	}
	update := 100
	for _, who := range []struct {
		name string
		id   int64
	}{{"Participant", 2}, {"Stranger", 3}} {
		for _, r := range rules {
			t.Run(who.name+"/"+r.Name, func(t *testing.T) {
				update++
				u := bot.Update{ID: update, ChatID: who.id, UserID: who.id, Private: true, LangCode: "ru"}
				if r.Button {
					u.Kind, u.CallbackID, u.CallbackData, u.MessageID = bot.KindCallback, fmt.Sprint(update), r.Name+":1:x", 7
				} else {
					u.Kind, u.Text, u.Command, u.Args = bot.KindText, "/"+r.Name+" A-001", r.Name, "A-001"
				}
				before := countOutbox(t, db)
				if err := b.Handle(t.Context(), u); err != nil {
					t.Fatal(err)
				}
				out := newOutbox(t, db, before)
				denied := b.Texts.Text("ru", "access.denied", nil)
				if len(out) == 0 || out[0].Text != denied {
					t.Errorf("got %+v, want the refusal first", out)
				}
				for _, m := range out {
					if m.Kind == store.KindDocument || strings.Contains(m.Text, "A-001") {
						t.Errorf("leaked %+v", m)
					}
				}
			})
		}
	}
	if n := strings.Count(logs.String(), "refused a command that needs a role"); n != 2*len(rules) {
		t.Errorf("%d refusals logged, want %d", n, 2*len(rules))
	}
}

func countOutbox(t *testing.T, db *store.DB) int {
	items, err := db.Outbox(10000)
	if err != nil {
		t.Fatal(err)
	}
	return len(items)
}

// newOutbox returns the messages queued after the first skip.
func newOutbox(t *testing.T, db *store.DB, skip int) []store.Outgoing {
	items, err := db.Outbox(10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Outgoing
	for _, p := range items[skip:] {
		out = append(out, p.Outgoing)
	}
	return out
}
