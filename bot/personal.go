package bot

import (
	"encoding/json"

	"github.com/mentorbot/mentorbot/store"
)

// Personal data and the records: her data and its erasure, staff's audit
// log, backups and undelivered messages, and the pages of long lists.
var recordsFeature = Feature{
	Commands: []Command{
		{Name: "mydata", Run: (*turn).myData, Help: true},
		{Name: "forget", Run: (*turn).askForget, Help: true},
	},
	Buttons: []Button{
		{Prefix: prefixForget, Run: (*turn).tapForget},
	},
}

// prefixForget is the confirmation of /forget: fg:yes, fg:no.
const prefixForget = "fg"

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
