package bot

import (
	"fmt"
	"time"

	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/store"
)

// dialogues is the engine of the dialogues the features registered; the
// router hands them her input while she is in one (see bot/dialogue).
func (t *turn) dialogues() *dialogue.Engine { return t.routes.dialogues }

// talk is the turn as the dialogue engine sees it.
type talk struct{ t *turn }

func (t *turn) talk() talk { return talk{t} }

func (a talk) Text(key string, data any) string           { return a.t.text(key, data) }
func (a talk) Send(text string, buttons [][]store.Button) { a.t.send(text, buttons) }
func (a talk) Edit(text string, buttons [][]store.Button) { a.t.edit(text, buttons) }
func (a talk) Toast(key string)                           { a.t.toast(key) }
func (a talk) Tx() *store.Tx                              { return a.t.tx }
func (a talk) UserID() int64                              { return a.t.user.ID }
func (a talk) Now() time.Time                             { return a.t.now }
func (a talk) Location() *time.Location                   { return a.t.Location }
func (a talk) May(roles []store.Role) bool                { return a.t.may(roles) }

// EditButtons takes the buttons off the message she tapped, leaving its
// text (a summary over several messages).
func (a talk) EditButtons(buttons [][]store.Button) { a.t.editButtons(buttons) }

// AskContact asks with her phone's "share my number" button, and Back
// beside it.
func (a talk) AskContact(text, share, back string) {
	a.t.out = append(a.t.out, store.Outgoing{Kind: store.KindMessage, ChatID: a.t.u.ChatID, Text: text, ContactButton: share, KeyboardBack: back})
}

// HideContact sends text and hides the "share my number" keyboard.
func (a talk) HideContact(text string) {
	a.t.out = append(a.t.out, store.Outgoing{Kind: store.KindMessage, ChatID: a.t.u.ChatID, Text: text, RemoveKeyboard: true})
}

// turnOf is the bot's turn behind a dialogue's context, for a step or a
// Finish that needs more than the engine offers (her record, the
// programme, notices to others).
func turnOf(c *dialogue.Context) *turn { return c.Turn.(talk).t }

// input is what she sent, as the dialogue engine reads it.
func (t *turn) input() dialogue.In {
	in := dialogue.In{Text: t.u.Text, Media: t.u.Media, Typed: t.u.Kind == KindText || t.u.Media != nil}
	if t.u.Kind == KindContact {
		in.Contact, in.Own = t.u.Phone, t.u.ContactOwner == t.user.ID
	}
	return in
}

// startDialogue begins one of the dialogues for her.
func (t *turn) startDialogue(name string, answers map[string]string) error {
	return t.dialogues().Start(t.talk(), name, answers)
}

// cancel is /cancel: she leaves the dialogue she is in, asked first when
// that loses what she typed.
func (t *turn) cancel() error {
	handled, err := t.dialogues().Cancel(t.talk())
	if handled || err != nil {
		return err
	}
	t.say("dialogue.nothing_to_cancel", nil)
	return t.reask()
}

// remindDialogue follows a command typed in the middle of a dialogue:
// the command ran, and she is told where her next answer goes.
func (t *turn) remindDialogue() error {
	return t.dialogues().Remind(t.talk())
}

// ask opens a question of kind for her, through the part that keeps the
// questions (Feature.Ask): the election day's "help now".
func (t *turn) ask(kind store.QuestionKind) error {
	if t.routes.ask == nil {
		return fmt.Errorf("ask a %s question: no part keeps questions", kind)
	}
	return t.routes.ask(t, kind)
}
