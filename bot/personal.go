package bot

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mentorbot/mentorbot/store"
)

// myData is /mydata: everything the bot holds about her, as a file.
func (t *turn) myData() error {
	if !t.known {
		t.say("mydata.nothing", nil)
		return nil
	}
	if err := t.commitUserFirst(); err != nil {
		return err
	}
	pd, err := t.tx.PersonalData(t.user.ID)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(pd, "", "  ")
	if err != nil {
		return err
	}
	t.out = append(t.out, store.Outgoing{Kind: store.KindDocument, ChatID: t.u.ChatID, Text: t.text("mydata.caption", nil),
		Document: &store.File{Name: "mydata.json", Data: data}})
	return nil
}

// commitUserFirst saves her record now, so what is gathered from the
// store includes this update's changes to it.
func (t *turn) commitUserFirst() error { return t.tx.PutUser(t.user) }

// askForget is /forget: erase her personal data, after she confirms.
func (t *turn) askForget() error {
	if !t.known {
		t.say("mydata.nothing", nil)
		return nil
	}
	t.send(t.text("forget.ask", nil), [][]store.Button{{t.button("forget.yes", "fg:yes"), t.button("forget.no", "fg:no")}})
	return nil
}

// tapForget takes the confirmation. Staff are told, by code only.
func (t *turn) tapForget(answer string) error {
	t.toast("")
	t.editButtons(nil)
	if answer != "yes" {
		t.say("forget.kept", nil)
		return nil
	}
	if err := t.commitUserFirst(); err != nil {
		return err
	}
	code, err := t.tx.Forget(t.user.ID, t.now)
	if err != nil {
		return err
	}
	// The erased record is what commit saves.
	if t.user, err = t.tx.User(t.user.ID); err != nil {
		return err
	}
	if err := t.tx.Audit(store.AuditEntry{At: t.now, UserID: t.user.ID, Action: "/forget"}); err != nil {
		return err
	}
	t.Log.Info("personal data erased on request", "user_id", t.user.ID)
	t.out = nil // nothing queued for her before now carries her data further
	t.toast("")
	t.say("forget.done", nil)
	if code == "" {
		code = "—"
	}
	return t.Bot.tellStaff(t.tx, t.now, "forget.staff", map[string]any{"Code": code, "ID": t.user.ID})
}

// backup is /backup: a consistent copy of the whole database, as a
// document, while the bot runs. The copy is written to BackupDir and the
// outbox sends it from there. It holds everyone's personal data: staff
// keep it as carefully as the server.
func (t *turn) backup() error {
	name := "mentorbot-" + t.now.In(t.Location).Format("20060102-150405") + ".db"
	dir := t.BackupDir
	if dir == "" {
		dir = os.TempDir()
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	n, err := t.tx.WriteTo(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	t.Log.Info("backup sent in the chat", "by", t.user.ID, "bytes", n, "file", path)
	t.out = append(t.out, store.Outgoing{Kind: store.KindDocument, ChatID: t.u.ChatID, Text: t.text("backup.caption", nil),
		Document: &store.File{Name: name, Path: path}})
	return nil
}
