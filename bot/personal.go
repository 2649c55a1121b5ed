package bot

import (
	"encoding/json"

	"github.com/mentorbot/mentorbot/store"
)

// Personal data and the records: her data and its erasure, staff's audit
// log, backups and undelivered messages, and the pages of long lists.
var Records = Feature{
	Commands: []Command{
		{Name: "mydata", Run: (*Turn).myData, Help: true},
		{Name: "forget", Run: (*Turn).askForget, Help: true},
	},
	Buttons: []Button{
		{Prefix: prefixForget, Run: (*Turn).tapForget},
	},
}

// prefixForget is the confirmation of /forget: fg:yes, fg:no.
const prefixForget = "fg"

// myData is /mydata: everything the bot holds about her, as a file.
func (t *Turn) myData() error {
	if !t.Known() {
		t.Say("mydata.nothing", nil)
		return nil
	}
	if err := t.commitUserFirst(); err != nil {
		return err
	}
	pd, err := t.Tx.PersonalData(t.User.ID)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(pd, "", "  ")
	if err != nil {
		return err
	}
	t.Queue(store.Outgoing{Kind: store.KindDocument, ChatID: t.Update.ChatID, Text: t.Text("mydata.caption", nil),
		Document: &store.File{Name: "mydata.json", Data: data}})
	return nil
}

// commitUserFirst saves her record now, so what is gathered from the
// store includes this update's changes to it.
func (t *Turn) commitUserFirst() error { return t.Tx.PutUser(t.User) }

// askForget is /forget: erase her personal data, after she confirms.
func (t *Turn) askForget() error {
	if !t.Known() {
		t.Say("mydata.nothing", nil)
		return nil
	}
	t.Send(t.Text("forget.ask", nil), [][]store.Button{{t.Button("forget.yes", "fg:yes"), t.Button("forget.no", "fg:no")}})
	return nil
}

// tapForget takes the confirmation. Staff are told, by code only.
func (t *Turn) tapForget(answer string) error {
	t.Toast("")
	t.EditButtons(nil)
	if answer != "yes" {
		t.Say("forget.kept", nil)
		return nil
	}
	if err := t.commitUserFirst(); err != nil {
		return err
	}
	code, err := t.Tx.Forget(t.User.ID, t.Now)
	if err != nil {
		return err
	}
	// The erased record is what commit saves.
	if t.User, err = t.Tx.User(t.User.ID); err != nil {
		return err
	}
	if err := t.Tx.Audit(store.AuditEntry{At: t.Now, UserID: t.User.ID, Action: "/forget"}); err != nil {
		return err
	}
	t.Log().Info("personal data erased on request", "user_id", t.User.ID)
	t.DropQueued() // nothing queued for her before now carries her data further
	t.Toast("")
	t.Say("forget.done", nil)
	if code == "" {
		code = "—"
	}
	return t.bot.TellStaff(t.Tx, t.Now, "forget.staff", map[string]any{"Code": code, "ID": t.User.ID})
}
