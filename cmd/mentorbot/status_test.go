package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/store"
)

// statusDB is a database with known contents: two updates handled, three
// messages waiting (one reply, two reminders), one dead letter, a running
// broadcast, two due items and a backup.
func statusDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	for id, msgs := range map[int][]store.Outgoing{
		700: {{ChatID: 1, Text: "reply"}, {ChatID: 2, Text: "gone", Lane: store.LaneNotice}},
		701: {{ChatID: 3, Text: "remind", Lane: store.LaneBulk}, {ChatID: 4, Text: "remind", Lane: store.LaneBulk}},
	} {
		if _, err := db.HandleUpdate(id, func(tx *store.Tx) error { return tx.Enqueue(now, msgs...) }); err != nil {
			t.Fatal(err)
		}
	}
	items, err := db.Outbox(10)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *store.Tx) error {
		for _, p := range items {
			if p.Outgoing.ChatID == 2 {
				if _, err := tx.Settle(store.Outcome{Pending: p, Result: store.Dead, Reason: "telegram 400: Bad Request: chat not found", At: now}); err != nil {
					return err
				}
			}
		}
		if _, err := tx.PutBroadcast(store.Broadcast{Status: store.BroadcastRunning, Total: 10, Sent: 3, Blocked: 1, Audience: "participants"}); err != nil {
			return err
		}
		for _, d := range []store.Due{
			{At: time.Date(2027, 3, 4, 9, 0, 0, 0, time.UTC), Kind: store.DueReminder, EventID: "meeting-1"},
			{At: time.Date(2027, 3, 8, 3, 0, 0, 0, time.UTC), Kind: store.DueGreeting, EventID: "march-8"},
		} {
			if err := tx.PlanDue(d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Backup(filepath.Join(filepath.Dir(path), "backups"), 3, time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return path
}

// statusLines are the lines of `mentorbot status` with "N ago" taken out
// (it depends on when the test runs).
func statusLines(out string) []string {
	return strings.Split(strings.TrimSpace(regexp.MustCompile(`, [0-9hms.]+ ago`).ReplaceAllString(out, ", … ago")), "\n")
}

// On a stopped bot's database, status reads the file itself.
func TestStatus_StoppedBot(t *testing.T) {
	path := statusDB(t)
	env, out, _ := testEnv(map[string]string{"MENTORBOT_DB": path}, "")
	if err := Main(context.Background(), []string{"status"}, env); err != nil {
		t.Fatal(err)
	}
	got := statusLines(out.String())
	want := []string{
		"database:     " + path + " (the bot is stopped)",
		"schema:       " + itoa(store.SchemaVersion),
		"last update:  #701, handled … UTC, … ago",
		"outbox:       3 waiting (tap 0, reply 1, notice 0, bulk 2)",
		"dead letters: 1 (staff see them with /undelivered)",
		"broadcast:    #1 running, 4 of 10 settled (sent 3, blocked 1, failed 0)",
		"next due:     2027-03-04 09:00 UTC, reminder of meeting-1",
		"next due:     2027-03-08 03:00 UTC, greeting of march-8",
		"last backup:  mentorbot-20261201T030000Z.db, 2026-12-01 03:00:00 UTC, … ago",
	}
	if len(got) != len(want) {
		t.Fatalf("status:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := range want {
		if i == 2 { // the time of handling is now
			if !regexp.MustCompile(`^last update:  #70[01], handled \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, … ago$`).MatchString(got[i]) {
				t.Errorf("line %d: %q", i, got[i])
			}
			continue
		}
		if got[i] != want[i] {
			t.Errorf("line %d: %q, want %q", i, got[i], want[i])
		}
	}
}

// While the bot runs and holds the file, status asks it.
func TestStatus_RunningBot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	srv := telegramtest.NewServer(t)
	env, _, _ := testEnv(map[string]string{
		"TELEGRAM_BOT_TOKEN": telegramtest.Token, "TELEGRAM_API_ENDPOINT": srv.Endpoint(), "MENTORBOT_DB": path,
	}, "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Main(ctx, []string{"run"}, env) }()
	user := telegramtest.User{ID: 42, FirstName: "Айгүл", LanguageCode: "ky"}
	id := srv.SendText(user, "/start")
	srv.WaitConfirmed(t, id)
	srv.WaitMessages(t, user.ID, 1)

	statusEnv, out, _ := testEnv(map[string]string{"MENTORBOT_DB": path}, "")
	if err := Main(context.Background(), []string{"status"}, statusEnv); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"(the bot is running)", "last update:  #" + itoa(id) + ", handled", "last backup:  none"} {
		if !strings.Contains(got, want) {
			t.Errorf("status while running:\n%s\nwant %q", got, want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
