// Package records is the part of the bot about personal data: /mydata
// sends her everything the bot holds about her, /forget erases it on
// her word (and tells staff which application to take out of their
// files).
package records

import (
	"encoding/json"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/store"
)

// Feature is the part of personal data: her data as a file, and its
// erasure.
var Feature = bot.Feature{
	Commands: []bot.Command{
		{Name: "mydata", Run: myData, Help: true},
		{Name: "forget", Run: askForget, Help: true},
	},
	Buttons: []bot.Button{
		{Prefix: prefixForget, Run: tapForget},
	},
}

// prefixForget is the confirmation of /forget: fg:yes, fg:no.
const prefixForget = "fg"

// myData is /mydata: everything the bot holds about her, as a file.
func myData(t *bot.Turn) error {
	if !t.Known() {
		t.Say("mydata.nothing", nil)
		return nil
	}
	if err := commitUserFirst(t); err != nil {
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
func commitUserFirst(t *bot.Turn) error { return t.Tx.PutUser(t.User) }

// askForget is /forget: erase her personal data, after she confirms.
func askForget(t *bot.Turn) error {
	if !t.Known() {
		t.Say("mydata.nothing", nil)
		return nil
	}
	t.Send(t.Text("forget.ask", nil), [][]store.Button{{t.Button("forget.yes", prefixForget+":yes"), t.Button("forget.no", prefixForget+":no")}})
	return nil
}

// tapForget takes the confirmation. Staff are told, by code only.
func tapForget(t *bot.Turn, answer string) error {
	if !t.TapConfirms(answer, "forget.kept") {
		return nil
	}
	if err := commitUserFirst(t); err != nil {
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
	return t.TellStaff("forget.staff", map[string]any{"Code": code, "ID": t.User.ID})
}
