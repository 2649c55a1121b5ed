package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

func mustUpdate(t *testing.T, db *store.DB, fn func(*store.Tx) error) {
	t.Helper()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

func outboxTexts(t *testing.T, db *store.DB) []string {
	t.Helper()
	items, err := db.Outbox(100)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, p := range items {
		texts = append(texts, p.Outgoing.Text)
	}
	return texts
}

func TestOutbox_OrderAndAfter(t *testing.T) {
	db := MustOpen(t)
	mustUpdate(t, db, func(tx *store.Tx) error {
		return tx.Enqueue(now,
			store.Outgoing{Kind: store.KindMessage, ChatID: 1, Text: "a"},
			store.Outgoing{Kind: store.KindMessage, ChatID: 2, Text: "b", Lane: store.LaneBulk},
			store.Outgoing{Kind: store.KindCallback, ChatID: 1, CallbackID: "q"})
	})
	if got := outboxTexts(t, db); !slices.Equal(got, []string{"a", "b", ""}) {
		t.Fatalf("outbox %q", got)
	}
	first, _ := db.Outbox(1)
	rest, err := db.OutboxAfter(first[0].Seq, 10)
	if err != nil || len(rest) != 2 || rest[0].Outgoing.Text != "b" {
		t.Fatalf("after %d: %+v, %v", first[0].Seq, rest, err)
	}
	lanes := []store.Lane{first[0].Outgoing.InLane(), rest[0].Outgoing.InLane(), rest[1].Outgoing.InLane()}
	if !slices.Equal(lanes, []store.Lane{store.LaneReply, store.LaneBulk, store.LaneTap}) {
		t.Errorf("lanes %v", lanes)
	}
	depth, err := db.OutboxDepth()
	if err != nil || depth[store.LaneReply] != 1 || depth[store.LaneBulk] != 1 || depth[store.LaneTap] != 1 {
		t.Errorf("depth %v, %v", depth, err)
	}
}

func TestSettle(t *testing.T) {
	db := MustOpen(t)
	mustUpdate(t, db, func(tx *store.Tx) error {
		for _, id := range []int64{1, 2} {
			if err := tx.PutUser(store.User{ID: id, CreatedAt: now}); err != nil {
				return err
			}
		}
		return tx.Enqueue(now,
			store.Outgoing{Kind: store.KindMessage, ChatID: 1, Text: "a"},
			store.Outgoing{Kind: store.KindDocument, ChatID: 2, Text: "file", FailNote: "could not send the file",
				Document: &store.File{Name: "x.csv", Data: []byte("1,2")}},
			store.Outgoing{Kind: store.KindMessage, ChatID: 1, Text: "c"},
			store.Outgoing{Kind: store.KindMessage, ChatID: 2, Text: "d"})
	})
	items, _ := db.Outbox(10)
	settle := func(p store.Pending, r store.Result, reason string) {
		t.Helper()
		mustUpdate(t, db, func(tx *store.Tx) error {
			_, err := tx.Settle(store.Outcome{Pending: p, Result: r, Reason: reason, At: now})
			return err
		})
	}
	t.Run("Sent", func(t *testing.T) {
		settle(items[0], store.Sent, "")
		if got := outboxTexts(t, db); !slices.Equal(got, []string{"file", "c", "d"}) {
			t.Fatalf("outbox %q", got)
		}
	})
	t.Run("DeadWithNote", func(t *testing.T) {
		settle(items[1], store.Dead, "telegram 413: Request Entity Too Large")
		if got := outboxTexts(t, db); !slices.Equal(got, []string{"c", "d", "could not send the file"}) {
			t.Fatalf("outbox %q", got)
		}
		var dead []store.DeadLetter
		n := 0
		err := db.View(func(tx *store.Tx) (err error) { dead, n, err = tx.DeadLetters(10); return err })
		if err != nil || n != 1 || dead[0].Reason != "telegram 413: Request Entity Too Large" || dead[0].Outgoing.ChatID != 2 {
			t.Fatalf("dead letters %+v (%d), %v", dead, n, err)
		}
		if doc := dead[0].Outgoing.Document; doc == nil || doc.Name != "x.csv" || doc.Data != nil {
			t.Errorf("dead letter keeps the file as %+v, want its name only", doc)
		}
	})
	t.Run("BlockedDropsHerOthers", func(t *testing.T) {
		settle(items[2], store.Blocked, "")
		if got := outboxTexts(t, db); !slices.Equal(got, []string{"d", "could not send the file"}) {
			t.Fatalf("outbox %q", got)
		}
		err := db.View(func(tx *store.Tx) error {
			u, err := tx.User(1)
			if err == nil && !u.Blocked {
				t.Error("not marked blocked")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Twice", func(t *testing.T) {
		settle(items[0], store.Sent, "") // an outcome recorded again changes nothing
		if got := outboxTexts(t, db); len(got) != 2 {
			t.Fatalf("outbox %q", got)
		}
	})
}

func TestBroadcastCopies(t *testing.T) {
	db := MustOpen(t)
	var b store.Broadcast
	mustUpdate(t, db, func(tx *store.Tx) (err error) {
		b, err = tx.PutBroadcast(store.Broadcast{Text: map[string]string{"ky": "Салам", "ru": "Привет"}, Status: store.BroadcastRunning, Total: 3})
		if err != nil {
			return err
		}
		for i, lang := range []string{"ky", "ru", "ru"} {
			id := int64(10 + i)
			if err := tx.PutUser(store.User{ID: id, Language: lang, CreatedAt: now}); err != nil {
				return err
			}
			if err := tx.PutRecipient(store.Recipient{BroadcastID: b.ID, UserID: id, Language: lang, State: store.RecipientPending}); err != nil {
				return err
			}
		}
		n, err := tx.QueueRecipients(b, now)
		if n != 3 {
			t.Errorf("queued %d", n)
		}
		return err
	})
	if got := outboxTexts(t, db); !slices.Equal(got, []string{"Салам", "Привет", "Привет"}) {
		t.Fatalf("copies %q, want each in her language", got)
	}
	items, _ := db.Outbox(10)
	if items[0].Outgoing.InLane() != store.LaneBulk {
		t.Errorf("lane %v", items[0].Outgoing.InLane())
	}
	mustUpdate(t, db, func(tx *store.Tx) error {
		_, err := tx.Settle(store.Outcome{Pending: items[0], Result: store.Sent, At: now})
		return err
	})
	// Paused: the rest leave the outbox; resumed: they come back.
	mustUpdate(t, db, func(tx *store.Tx) error {
		n, err := tx.UnqueueRecipients(b)
		if n != 2 {
			t.Errorf("unqueued %d", n)
		}
		return err
	})
	if got := outboxTexts(t, db); len(got) != 0 {
		t.Fatalf("outbox after pause %q", got)
	}
	// The copy on its way at the pause arrives and is recorded once.
	mustUpdate(t, db, func(tx *store.Tx) error {
		_, err := tx.Settle(store.Outcome{Pending: items[1], Result: store.Sent, At: now})
		if err != nil {
			return err
		}
		_, err = tx.Settle(store.Outcome{Pending: items[1], Result: store.Sent, At: now})
		return err
	})
	mustUpdate(t, db, func(tx *store.Tx) error {
		n, err := tx.QueueRecipients(b, now)
		if n != 1 {
			t.Errorf("requeued %d, want the one not sent", n)
		}
		return err
	})
	items, _ = db.Outbox(10)
	if len(items) != 1 || items[0].Outgoing.ChatID != 12 {
		t.Fatalf("outbox after resume %+v", items)
	}
	// She blocked the bot meanwhile: her copy settles as blocked.
	mustUpdate(t, db, func(tx *store.Tx) error { return tx.SetBlocked(12, true) })
	err := db.View(func(tx *store.Tx) (err error) {
		if b, err = tx.Broadcast(b.ID); err != nil {
			return err
		}
		r, err := tx.Recipient(b.ID, 12)
		if r.State != store.RecipientBlocked {
			t.Errorf("recipient 12 is %s", r.State)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if b.Sent != 2 || b.Blocked != 1 || b.Settled() != b.Total {
		t.Errorf("counts sent %d blocked %d settled %d of %d", b.Sent, b.Blocked, b.Settled(), b.Total)
	}
}

func TestHandleUpdate_LowerIDsAfterPrune(t *testing.T) {
	path := t.TempDir() + "/m.db"
	db := MustReopen(t, path)
	run := func(id int) bool {
		t.Helper()
		handled, err := db.HandleUpdate(id, func(*store.Tx) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		return handled
	}
	for _, id := range []int{500, 501} {
		if !run(id) {
			t.Fatalf("update %d not handled", id)
		}
	}
	// Ids that jump back below the last are new updates, not old ones.
	if !run(7) || run(7) || run(500) {
		t.Fatal("dedupe by mark failed")
	}
	// Marks are pruned by age, so a reused id after a long silence is new.
	if n, err := db.PruneHandled(time.Now().Add(time.Hour), time.Now()); err != nil || n != 3 {
		t.Fatalf("pruned %d, %v", n, err)
	}
	if !run(500) {
		t.Fatal("a pruned id was skipped")
	}
	if last, err := db.LastHandled(); err != nil || time.Since(last) > time.Minute {
		t.Errorf("last handled %v, %v", last, err)
	}
}
