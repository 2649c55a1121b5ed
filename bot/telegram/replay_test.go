package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/mentorbot/mentorbot/bot/school"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testBot is a bot on a fresh file, with no Telegram around it.
func testBot(t testing.TB) (*bot.Bot, *store.DB, *lockedBuffer) {
	db, err := store.Open(filepath.Join(t.TempDir(), "m.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	texts, err := locales.New(log)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Bishkek")
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, loc)
	b := bot.New(bot.Options{Features: school.Features(), DB: db, Texts: texts, Log: log, Location: loc, StaffIDs: []int64{777},
		Deadline: time.Date(2026, 12, 11, 17, 0, 0, 0, loc), Now: func() time.Time { return now }})
	return b, db, &logs
}

// asFrom rewrites a sample update so it comes from user in her private
// chat (groups stay groups), with a fresh update_id.
func asFrom(t *testing.T, raw []byte, user int64, id int) (tgbotapi.Update, bool) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m["update_id"] = id
	for _, k := range []string{"message", "edited_message", "callback_query", "my_chat_member", "channel_post"} {
		obj, ok := m[k].(map[string]any)
		if !ok {
			continue
		}
		if from, ok := obj["from"].(map[string]any); ok {
			from["id"] = user
		}
		for _, holder := range []map[string]any{obj, asMap(obj["message"])} {
			if chat, ok := holder["chat"].(map[string]any); ok && (chat["type"] == "private" || chat["type"] == nil) {
				chat["id"] = user
			}
		}
	}
	data, _ := json.Marshal(m)
	var u tgbotapi.Update
	if err := json.Unmarshal(data, &u); err != nil {
		return u, false // the library cannot read it: the poller skips it
	}
	return u, true
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// Every real-shaped update, in every dialogue state: no panic, no
// apology for an internal error, and the update is recorded.
func TestReplay_EveryUpdateInEveryState(t *testing.T) {
	b, db, logs := testBot(t)
	states := []store.User{
		{Step: ""},
		{Step: "language"},
		{Step: "consent", Language: "ru"},
		{Step: "full_name", Language: "ky"},
		{Step: "sex", Language: "ky"},
		{Step: "birth_date", Language: "ru"},
		{Step: "phone", Language: "ru"},
		{Step: "email", Language: "ru"},
		{Step: "stages", Language: "ky"},
		{Step: "essay", Language: "ky"},
		{Step: "summary", Language: "ru"},
		{Step: "submitted", Language: "ru", Roles: []store.Role{store.RoleParticipant, store.RoleCandidate}},
		{Step: "submitted", Language: "ru", Roles: []store.Role{store.RoleParticipant}},
		{Step: "submitted", Language: "ru", Roles: []store.Role{store.RoleParticipant, store.RoleCandidate}},
		{Step: "submitted", Language: "ky"},
		{Step: "mask:A-001:essay", Language: "ru", Roles: []store.Role{store.RoleStaff}}, // an older bot's
		{Language: "ru", Roles: []store.Role{store.RoleStaff}},
		{Language: "ru", Roles: []store.Role{store.RoleMentor}},
		{Language: "ru", Roles: []store.Role{store.RoleMentor}},
	}
	// In a dialogue, by state.
	inDialogue := map[int]store.Conversation{
		12: {Dialogue: "ask", Version: 1, Step: "post", Answers: map[string]string{"kind": "mentor"}},
		13: {Dialogue: "result", Version: 1, Step: "received"},
		14: {Dialogue: "comment", Version: 1, Step: "comment", Answers: map[string]string{"event": "meeting-1"}},
		16: {Dialogue: "mask", Version: 1, Step: "text", Answers: map[string]string{"code": "A-001", "field": "essay"}},
		17: {Dialogue: "answer_mentor", Version: 1, Step: "post", Answers: map[string]string{"question": "1"}},
		18: {Dialogue: "faq_draft_mentor", Version: 1, Step: "answer", Answers: map[string]string{"question_id": "1", "question": "kept"}, Path: []string{"question"}},
	}
	id := 0
	for i, state := range states {
		user := int64(5000 + i)
		state.ID, state.ConsentAt = user, time.Now()
		if err := db.Update(func(tx *store.Tx) error { return tx.PutUser(state) }); err != nil {
			t.Fatal(err)
		}
		for _, name := range telegramtest.FixtureNames() {
			raw, err := telegramtest.Fixture(name)
			if err != nil {
				t.Fatal(err)
			}
			id++
			u, ok := asFrom(t, raw, user, id)
			if !ok {
				continue
			}
			if c, ok := inDialogue[i]; ok {
				c.UserID = user
				if err := db.Update(func(tx *store.Tx) error { return tx.PutConversation(c) }); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.Handle(context.Background(), toUpdate(u)); err != nil {
				t.Fatalf("state %d, %s: %v", i, name, err)
			}
			out, _ := db.Outbox(100000)
			for _, p := range out {
				if p.Outgoing.Text == b.Texts.Text("ru", "error.internal", nil) || p.Outgoing.Text == b.Texts.Text("ky", "error.internal", nil) {
					t.Errorf("state %+v, %s: the bot apologised for an internal error", state, name)
				}
			}
		}
	}
	if strings.Contains(logs.String(), "panic") || strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("errors in the log:\n%s", logs.String())
	}
}

// FuzzUpdate feeds any JSON the poller would accept into the handler:
// no panic, and the update is recorded as handled (no lost state).
func FuzzUpdate(f *testing.F) {
	for _, name := range telegramtest.FixtureNames() {
		raw, err := telegramtest.Fixture(name)
		if err == nil {
			f.Add(raw)
		}
	}
	b, db, logs := testBot(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var u tgbotapi.Update
		if json.Unmarshal(raw, &u) != nil {
			return // the poller logs and skips it
		}
		u.UpdateID = int(time.Now().UnixNano() & 0x3fffffff)
		if err := b.Handle(context.Background(), toUpdate(u)); err != nil {
			t.Fatalf("not recorded: %v", err)
		}
		if handled, err := db.HandleUpdate(u.UpdateID, func(*store.Tx) error { return nil }); err != nil || handled {
			t.Fatalf("update %d was not marked handled", u.UpdateID)
		}
		if strings.Contains(logs.String(), "panic") {
			t.Fatalf("a handler panicked:\n%s", logs.String())
		}
	})
}
