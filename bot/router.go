package bot

import (
	"errors"
	"strconv"
	"strings"

	"github.com/mentorbot/mentorbot/store"
)

// IsNotFound reports whether err says the store has no such record.
func IsNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// ByID loads, with load, the record whose number is id (from a button's
// data or a command's argument). found is false, with no error, when id
// is not a number or names no record: an old button or a mistyped number
// is no failure of the bot.
func ByID[T any](id string, load func(int) (T, error)) (rec T, found bool, err error) {
	n, err := strconv.Atoi(id)
	if err != nil {
		return rec, false, nil
	}
	rec, err = load(n)
	if IsNotFound(err) {
		return rec, false, nil
	}
	return rec, err == nil, err
}

// route sends the update to its handler: blocking first, then group chats,
// then commands, button taps, and the dialogue as the fallback.
func (t *Turn) route() error {
	switch t.Update.Kind {
	case KindIgnored:
		return nil
	case KindBlocked:
		t.User.Blocked = true
		return t.Tx.SetBlocked(t.User.ID, true)
	case KindUnblocked:
		t.User.Blocked = false
		return nil
	}
	if !t.Update.Private {
		return t.inGroup()
	}
	// She wrote, so she has not blocked us (a 403 may have said otherwise).
	t.User.Blocked = false
	for _, f := range t.bot.routes.features {
		if f.Before == nil {
			continue
		}
		if err := f.Before(t); err != nil {
			return err
		}
	}
	switch {
	case t.Update.Kind == KindText && t.Update.Command != "":
		return t.command()
	case t.Update.Kind == KindCallback:
		return t.tap()
	case t.Update.Kind == KindEdited:
		t.Say("input.edited", nil)
		return t.reask()
	}
	return t.answer()
}

// inGroup answers a command in a group the bot was added to, once, and
// keeps quiet about everything else: a bot that chats in a village's group
// would embarrass her. Nothing is stored for group chats.
func (t *Turn) inGroup() error {
	if t.Update.Kind == KindText && t.Update.Command != "" {
		t.Send(t.Texts().Text(t.Lang(), "group.private_only", nil), nil)
	}
	return nil
}

// command handles a /command in her private chat. A command typed in the
// middle of a dialogue is a command, not an answer: it runs, and she is
// reminded where her next answer goes; /help and /start show the
// question she is on again, and /cancel leaves it.
func (t *Turn) command() error {
	d, before, err := t.Dialogues().Current(t.Talk())
	if err != nil {
		return err
	}
	switch {
	case d == nil:
		return t.runCommand()
	case t.Update.Command == "cancel":
		return t.cancel()
	case t.Update.Command == "help":
		if err := t.runHelp(); err != nil {
			return err
		}
		_, err := t.Dialogues().Reask(t.Talk())
		return err
	case t.Update.Command == "start" && strings.TrimSpace(t.Update.Args) == "" && d.Name == t.bot.routes.home.Dialogue:
		return t.start() // welcome back, and the question she is on
	case t.Update.Command == "start" && strings.TrimSpace(t.Update.Args) == "":
		if handled, err := t.Dialogues().Reask(t.Talk()); handled || err != nil {
			return err
		}
		return t.runCommand() // her dialogue ended with a role taken away
	case t.Update.Command == "language":
		return t.askLanguage() // her choice asks the question again
	}
	if err := t.runCommand(); err != nil {
		return err
	}
	if _, after, err := t.Dialogues().Current(t.Talk()); err != nil || !after.Active() || after.Asked != before.Asked {
		return err // the command ended it, or asked something itself
	}
	return t.remindDialogue()
}

// runCommand runs a command from its registration (commands.go): one
// that needs a role goes through the access guard, which refuses the
// others and audits staff.
func (t *Turn) runCommand() error {
	cmd, ok := t.bot.routes.command(t.Update.Command)
	if !ok {
		t.Say("input.unknown_command", nil)
		return t.reask()
	}
	if cmd.Roles != nil {
		if !t.may(cmd.Roles) {
			t.refuse()
			return t.reask()
		}
		if err := t.Audit(cmd.Roles, "/"+t.Update.Command, t.Update.Args); err != nil {
			return err
		}
	}
	return cmd.Run(t)
}

// tap handles a button from its registration, by the prefix of its data
// ("prefix:args"); a button nobody registers any more gets a notice and
// the current question again.
func (t *Turn) tap() error {
	prefix, args, _ := strings.Cut(t.Update.CallbackData, ":")
	b, ok := t.bot.routes.buttons[prefix]
	if !ok {
		return t.OldButton()
	}
	if b.Roles != nil {
		if !t.may(b.Roles) {
			t.refuse()
			return nil
		}
		if err := t.Audit(b.Roles, "button "+prefix, args); err != nil {
			return err
		}
	}
	return b.Run(t, args)
}

// OldButton answers a tap on a button of a question already answered.
func (t *Turn) OldButton() error {
	t.Toast("input.old_button")
	return t.reask()
}

// answer takes what she sent while on a step: the dialogue's fallback.
func (t *Turn) answer() error {
	for _, f := range t.bot.routes.features {
		if f.Input == nil {
			continue
		}
		if handled, err := f.Input(t); handled || err != nil {
			return err // her application came on paper or by e-mail, say
		}
	}
	if handled, err := t.Dialogues().Take(t.Talk(), t.input()); handled || err != nil {
		return err
	}
	if len(t.workRoles()) > 0 {
		t.Help()
		return nil
	}
	return t.reask()
}
