package bot

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// backup is /backup: a checked copy of the whole database, as a document,
// while the bot runs. The update only records the request: the copy is
// made afterwards by the backup worker (RunBackupRequests) in a read
// transaction, so answering everyone else never waits for it. The copy
// holds everyone's personal data: staff keep it as carefully as the
// server.
func (t *Turn) backup() error {
	err := t.Tx.RequestBackup(store.BackupRequest{ChatID: t.Update.ChatID, UserID: t.User.ID, Lang: t.Lang(), At: t.Now})
	if err != nil {
		return err
	}
	t.backupRequested = true
	t.Say("backup.making", nil)
	return nil
}

// backupDir is where backups go: BackupDir, or the temporary directory.
func (b *Bot) backupDir() string {
	if b.BackupDir == "" {
		return os.TempDir()
	}
	return b.BackupDir
}

// wakeBackups tells ServeBackups a request is waiting.
func (b *Bot) wakeBackups() {
	select {
	case b.backupWake <- struct{}{}:
	default:
	}
}

// RunBackupRequests serves every /backup waiting: it makes one checked
// copy (store.DB.Backup, in a read transaction, pruning to BackupKeep),
// then, in one short write transaction, removes the requests and queues
// the file to each staff member who asked, or tells her it failed. A bot
// killed before that transaction serves the requests again at its next
// start. It returns an error only when the store could not be written.
// It must not run concurrently with itself: each run would serve the
// same requests.
func (b *Bot) RunBackupRequests() error {
	reqs, err := b.DB.BackupRequests()
	if err != nil || len(reqs) == 0 {
		return err
	}
	path, backupErr := b.DB.Backup(b.backupDir(), b.BackupKeep, b.Now())
	if backupErr != nil {
		b.Log.Error("backup for /backup", "requests", len(reqs), "err", backupErr)
	}
	err = b.DB.Update(func(tx *store.Tx) error {
		for _, r := range reqs {
			if err := tx.FinishBackupRequest(r.ID); err != nil {
				return err
			}
			m := store.Outgoing{Kind: store.KindMessage, ChatID: r.ChatID, Text: b.Texts.Text(r.Lang, "backup.failed", nil)}
			if backupErr == nil {
				m = store.Outgoing{Kind: store.KindDocument, ChatID: r.ChatID, Text: b.Texts.Text(r.Lang, "backup.caption", nil),
					Document: &store.File{Name: filepath.Base(path), Path: path}, FailNote: b.Texts.Text(r.Lang, "file.failed", nil)}
			}
			if err := tx.Enqueue(b.Now(), m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("send backups: %w", err)
	}
	if backupErr == nil {
		b.Log.Info("backup sent in the chat", "requests", len(reqs), "file", path)
	}
	b.Delivered()
	return nil
}

// ServeBackups is the worker for files made off the update's transaction:
// it removes the partial files a killed backup left, serves the /backup
// requests and workbooks (RunFileJobs) a stopped bot left, then serves
// each new one as its update commits, until ctx ends. Wait for it to
// return before closing the database.
func (b *Bot) ServeBackups(ctx context.Context) {
	if n, err := store.CleanBackups(b.backupDir()); err != nil {
		b.Log.Error("clean backups", "err", err)
	} else if n > 0 {
		b.Log.Info("removed partial backups a stop left", "files", n)
	}
	retry := b.WorkerRetry
	if retry <= 0 {
		retry = 30 * time.Second
	}
	for {
		var again <-chan time.Time // set when a write failed: the requests wait in the store
		if err := b.RunBackupRequests(); err != nil {
			b.Log.Error("backup requests; trying again", "in", retry, "err", err)
			again = time.After(retry)
		}
		if err := b.RunFileJobs(); err != nil {
			b.Log.Error("workbooks; trying again", "in", retry, "err", err)
			again = time.After(retry)
		}
		select {
		case <-ctx.Done():
			return
		case <-b.backupWake:
		case <-again:
		}
	}
}
