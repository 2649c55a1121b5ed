package bot

import (
	"strings"

	"github.com/mentorbot/mentorbot/bot/dialogue"
)

// Staff commands that name an event or an FAQ entry, typed without it,
// offer the existing ones as buttons: a tap runs the command for the one
// tapped, as if its ID had been typed. The buttons are staff's, so each
// tap is audited like the command.

// PickerSize is how many events or entries a picker offers: a phone
// screen of buttons; the rest are reached by typing the ID.
const PickerSize = 10

// PickerLabel is the length a button's title is clipped to.
const PickerLabel = 40

// MaxButtonData is the most bytes Telegram takes in a button's data. An
// event whose ID would not fit is left out of its picker: it is reached
// by typing its ID.
const MaxButtonData = 64

// TapPicked runs the command a picker's button names (ACTION:ID) for the
// ID, as if "/command ID" had been typed; the picker's buttons go, so a
// second tap cannot run it twice. The command sure names, which cannot be
// undone (every woman told of a cancelled meeting, an entry gone), asks
// first, in the SureDialogue: a tap on the row beside the one meant is
// easy on a small screen.
func (t *Turn) TapPicked(args string, commandOf func(key string) (string, bool), sure string, question func(id string) (string, bool, error)) error {
	key, id, _ := strings.Cut(args, ":")
	command, ok := commandOf(key)
	if !ok || id == "" {
		return t.OldButton()
	}
	t.TapTaken()
	if command == sure {
		q, found, err := question(id)
		if err != nil {
			return err
		}
		if found {
			return t.StartDialogue(SureDialogue.Name, map[string]string{"question": q, "command": command, "id": id})
		}
	}
	return t.runFor(command, id)
}

// SureDialogue asks staff whether to do what a picker's tap asked for,
// when it cannot be undone.
var SureDialogue = &dialogue.Dialogue{
	Name: "sure", Version: 1, Roles: StaffOnly,
	Steps: []dialogue.Step{{ID: "sure", Prompt: func(c *dialogue.Context) string { return c.Answers["question"] }, Takes: dialogue.Buttons,
		Options: func(*dialogue.Context) []dialogue.Option {
			return []dialogue.Option{{Value: "yes", Label: "picker.yes"}, {Value: "no", Label: "picker.no", Beside: true}}
		}}},
	Finish: func(c *dialogue.Context) error {
		t := TurnOf(c)
		if c.Answers["sure"] != "yes" {
			t.Say("picker.kept", nil)
			return nil
		}
		command, id := c.Answers["command"], c.Answers["id"]
		if err := t.Audit(StaffOnly, "/"+command, id); err != nil {
			return err
		}
		if then, ok := t.bot.routes.sure[command]; ok {
			return then(t, id)
		}
		return t.runFor(command, id)
	},
}

// runFor runs a staff command for the ID a picker's button carries, as
// if she had typed "/command ID".
func (t *Turn) runFor(command, id string) error {
	cmd, ok := t.bot.routes.command(command)
	if !ok {
		return t.OldButton()
	}
	t.Update.Command, t.Update.Args = command, id
	return cmd.Run(t)
}
