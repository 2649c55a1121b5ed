package bot

import (
	"fmt"
	"time"

	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/store"
)

// Dialogues is the engine of the dialogues the features registered; the
// router hands them her input while she is in one (see bot/dialogue).
func (t *Turn) Dialogues() *dialogue.Engine { return t.bot.routes.dialogues }

// talk is the turn as the dialogue engine sees it.
type talk struct{ t *Turn }

// Talk is the turn as the dialogue engine sees it, for a part that
// calls the engine itself (Dialogues).
func (t *Turn) Talk() dialogue.Turn { return talk{t} }

func (a talk) Text(key string, data any) string           { return a.t.Text(key, data) }
func (a talk) Send(text string, buttons [][]store.Button) { a.t.Send(text, buttons) }
func (a talk) Edit(text string, buttons [][]store.Button) { a.t.Edit(text, buttons) }
func (a talk) Toast(key string)                           { a.t.Toast(key) }
func (a talk) Tx() *store.Tx                              { return a.t.Tx }
func (a talk) UserID() int64                              { return a.t.User.ID }
func (a talk) Now() time.Time                             { return a.t.Now }
func (a talk) Location() *time.Location                   { return a.t.School().Location }
func (a talk) May(roles []store.Role) bool                { return a.t.may(roles) }

// EditButtons takes the buttons off the message she tapped, leaving its
// text (a summary over several messages).
func (a talk) EditButtons(buttons [][]store.Button) { a.t.EditButtons(buttons) }

// AskContact asks with her phone's "share my number" button, and Back
// beside it.
func (a talk) AskContact(text, share, back string) {
	a.t.out = append(a.t.out, store.Outgoing{Kind: store.KindMessage, ChatID: a.t.Update.ChatID, Text: text, ContactButton: share, KeyboardBack: back})
}

// HideContact sends text and hides the "share my number" keyboard.
func (a talk) HideContact(text string) {
	a.t.out = append(a.t.out, store.Outgoing{Kind: store.KindMessage, ChatID: a.t.Update.ChatID, Text: text, RemoveKeyboard: true})
}

// TurnOf is the bot's turn behind a dialogue's context, for a step or a
// Finish that needs more than the engine offers (her record, the
// programme, notices to others).
func TurnOf(c *dialogue.Context) *Turn { return c.Turn.(talk).t }

// input is what she sent, as the dialogue engine reads it.
func (t *Turn) input() dialogue.In {
	in := dialogue.In{Text: t.Update.Text, Media: t.Update.Media, Typed: t.Update.Kind == KindText || t.Update.Media != nil}
	if t.Update.Kind == KindContact {
		in.Contact, in.Own = t.Update.Phone, t.Update.ContactOwner == t.User.ID
	}
	return in
}

// StartDialogue begins one of the dialogues for her.
func (t *Turn) StartDialogue(name string, answers map[string]string) error {
	return t.Dialogues().Start(t.Talk(), name, answers)
}

// TapStep takes a tap on a button of a dialogue's step, whose data
// starts with callback; a button of a step she is no longer at gets the
// old-button notice and her current step again.
func (t *Turn) TapStep(callback, data string) error {
	if handled, err := t.Dialogues().TapStep(t.Talk(), callback, data); handled || err != nil {
		return err
	}
	return t.OldButton()
}

// cancel is /cancel: she leaves the dialogue she is in, asked first when
// that loses what she typed.
func (t *Turn) cancel() error {
	handled, err := t.Dialogues().Cancel(t.Talk())
	if handled || err != nil {
		return err
	}
	t.Say("dialogue.nothing_to_cancel", nil)
	return t.reask()
}

// remindDialogue follows a command typed in the middle of a dialogue:
// the command ran, and she is told where her next answer goes.
func (t *Turn) remindDialogue() error {
	return t.Dialogues().Remind(t.Talk())
}

// Ask opens a question of kind for her, through the part that keeps the
// questions (Feature.Ask): the election day's "help now".
func (t *Turn) Ask(kind store.QuestionKind) error {
	if t.bot.routes.ask == nil {
		return fmt.Errorf("ask a %s question: no part keeps questions", kind)
	}
	return t.bot.routes.ask(t, kind)
}
