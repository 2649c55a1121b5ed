package bot_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/store"
)

// waitDocuments waits until chatID has received n documents, and returns
// them.
func (h *harness) waitDocuments(chatID int64, n int) []telegramtest.Document {
	h.t.Helper()
	var docs []telegramtest.Document
	h.srv.WaitFor(h.t, func() bool {
		docs = nil
		for _, m := range h.srv.Messages(chatID) {
			if m.Document != nil {
				docs = append(docs, *m.Document)
			}
		}
		return len(docs) >= n
	})
	return docs
}

// backupNames lists the complete backups in the harness's backup directory.
func (h *harness) backupNames() []string {
	h.t.Helper()
	entries, err := os.ReadDir(filepath.Join(filepath.Dir(h.path), "backups"))
	if err != nil && !os.IsNotExist(err) {
		h.t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// openCopy writes a document's bytes to a file, checks it as a database
// and returns it open read-only.
func openCopy(t *testing.T, doc telegramtest.Document) *store.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), doc.Name)
	if err := os.WriteFile(path, doc.Data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := store.CheckFile(path); err != nil {
		t.Fatalf("the copy in the chat: %v", err)
	}
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// /backup only records a request in the update's transaction; the
// worker makes the copy afterwards. A bot stopped before its worker got
// to the request makes the copy at its next start.
func TestBackup_InTheChatIsMadeAfterTheUpdate(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 96101)
	upTo(t, p, "")
	p.taps(h.text("ky", "summary.submit", nil))
	staff := &person{h: h, user: staffUser}

	// A bot whose worker never runs: the update is handled and answered,
	// and all it leaves is the request.
	h.noBackupWorker = true
	h.restart()
	staff.news()
	staff.says("/backup")
	staff.expect(h.text("ru", "backup.making", nil))
	reqs, err := h.db.BackupRequests()
	if err != nil || len(reqs) != 1 || reqs[0].ChatID != staffUser.ID || reqs[0].Lang != "ru" {
		t.Fatalf("requests after /backup: %+v, %v", reqs, err)
	}
	if names := h.backupNames(); len(names) != 0 {
		t.Fatalf("the update wrote %v", names)
	}

	// The next start serves it: the copy, checked, under a UTC name.
	h.noBackupWorker = false
	h.restart()
	docs := h.waitDocuments(staffUser.ID, 1)
	want := "mentorbot-20261122T040000Z.db" // 10:00 in Bishkek
	if docs[0].Name != want || docs[0].Caption != h.text("ru", "backup.caption", nil) {
		t.Errorf("document %q, caption %q; want %q", docs[0].Name, docs[0].Caption, want)
	}
	copyDB := openCopy(t, docs[0])
	if apps, err := copyDB.Applications(); err != nil || len(apps) != 1 || apps[0].Code != "A-001" {
		t.Errorf("the copy holds %d applications (%v)", len(apps), err)
	}
	// The copy was made while the request waited, yet does not carry it:
	// a bot restored from it must not send copies nobody asked for.
	if reqs, err := copyDB.BackupRequests(); err != nil || len(reqs) != 0 {
		t.Errorf("the copy carries requests %+v, %v", reqs, err)
	}
	h.waitOutbox()
	if reqs, _ := h.db.BackupRequests(); len(reqs) != 0 {
		t.Errorf("requests left after the copy went: %+v", reqs)
	}

	// A running bot's worker, woken by the update; the same second as the
	// first copy, which stays.
	staff.news()
	staff.says("/backup")
	docs = h.waitDocuments(staffUser.ID, 2)
	if docs[1].Name != "mentorbot-20261122T040000Z_2.db" {
		t.Errorf("second copy named %q", docs[1].Name)
	}
	openCopy(t, docs[1])
	if names := h.backupNames(); !slices.Equal(names, []string{want, "mentorbot-20261122T040000Z_2.db"}) {
		t.Errorf("backups directory holds %v", names)
	}
}

// A copy that cannot be made is told to staff, and not tried forever.
func TestBackup_FailureIsTold(t *testing.T) {
	dir := t.TempDir()
	notADir := filepath.Join(dir, "backups")
	if err := os.WriteFile(notADir, []byte("a file where the directory should be"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarnessOn(t, filepath.Join(dir, "mentorbot.db"), func(o *bot.Options) { o.BackupDir = notADir })
	staff := &person{h: h, user: staffUser}
	staff.says("/start")
	seen := len(staff.news())
	staff.says("/backup")
	h.srv.WaitMessages(t, staffUser.ID, seen+2)
	h.waitOutbox()
	staff.expect(h.text("ru", "backup.making", nil), h.text("ru", "backup.failed", nil))
	if reqs, _ := h.db.BackupRequests(); len(reqs) != 0 {
		t.Errorf("requests left: %+v", reqs)
	}
}
