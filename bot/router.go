package bot

import (
	"errors"
	"strings"

	"github.com/mentorbot/mentorbot/store"
)

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// route sends the update to its handler: blocking first, then group chats,
// then commands, button taps, and the dialogue as the fallback.
func (t *turn) route() error {
	switch t.u.Kind {
	case KindIgnored:
		return nil
	case KindBlocked:
		t.user.Blocked = true
		return t.tx.SetBlocked(t.user.ID, true)
	case KindUnblocked:
		t.user.Blocked = false
		return nil
	}
	if !t.u.Private {
		return t.inGroup()
	}
	// She wrote, so she has not blocked us (a 403 may have said otherwise).
	t.user.Blocked = false
	for _, f := range t.routes.features {
		if f.Before == nil {
			continue
		}
		if err := f.Before(t); err != nil {
			return err
		}
	}
	switch {
	case t.u.Kind == KindText && t.u.Command != "":
		return t.command()
	case t.u.Kind == KindCallback:
		return t.tap()
	case t.u.Kind == KindEdited:
		t.say("input.edited", nil)
		return t.reask()
	}
	return t.answer()
}

// inGroup answers a command in a group the bot was added to, once, and
// keeps quiet about everything else: a bot that chats in a village's group
// would embarrass her. Nothing is stored for group chats.
func (t *turn) inGroup() error {
	if t.u.Kind == KindText && t.u.Command != "" {
		t.send(t.Texts.Text(t.lang(), "group.private_only", nil), nil)
	}
	return nil
}

// command handles a /command in her private chat. A command typed in the
// middle of a dialogue is a command, not an answer: it runs, and she is
// reminded where her next answer goes; /help and /start show the
// question she is on again, and /cancel leaves it.
func (t *turn) command() error {
	d, before, err := t.dialogues().Current(t.talk())
	if err != nil {
		return err
	}
	switch {
	case d == nil:
		return t.runCommand()
	case t.u.Command == "cancel":
		return t.cancel()
	case t.u.Command == "help":
		if err := t.runHelp(); err != nil {
			return err
		}
		_, err := t.dialogues().Reask(t.talk())
		return err
	case t.u.Command == "start" && strings.TrimSpace(t.u.Args) == "" && d.Name == t.routes.home.Dialogue:
		return t.start() // welcome back, and the question she is on
	case t.u.Command == "start" && strings.TrimSpace(t.u.Args) == "":
		if handled, err := t.dialogues().Reask(t.talk()); handled || err != nil {
			return err
		}
		return t.runCommand() // her dialogue ended with a role taken away
	case t.u.Command == "language":
		return t.askLanguage() // her choice asks the question again
	}
	if err := t.runCommand(); err != nil {
		return err
	}
	if _, after, err := t.dialogues().Current(t.talk()); err != nil || !after.Active() || after.Asked != before.Asked {
		return err // the command ended it, or asked something itself
	}
	return t.remindDialogue()
}

// runCommand runs a command from its registration (commands.go): one
// that needs a role goes through the access guard, which refuses the
// others and audits staff.
func (t *turn) runCommand() error {
	cmd, ok := t.routes.command(t.u.Command)
	if !ok {
		t.say("input.unknown_command", nil)
		return t.reask()
	}
	if cmd.Roles != nil {
		if !t.may(cmd.Roles) {
			t.refuse()
			return t.reask()
		}
		if err := t.audit(cmd.Roles, "/"+t.u.Command, t.u.Args); err != nil {
			return err
		}
	}
	return cmd.Run(t)
}

// tap handles a button from its registration, by the prefix of its data
// ("prefix:args"); a button nobody registers any more gets a notice and
// the current question again.
func (t *turn) tap() error {
	prefix, args, _ := strings.Cut(t.u.CallbackData, ":")
	b, ok := t.routes.buttons[prefix]
	if !ok {
		return t.oldButton()
	}
	if b.Roles != nil {
		if !t.may(b.Roles) {
			t.refuse()
			return nil
		}
		if err := t.audit(b.Roles, "button "+prefix, args); err != nil {
			return err
		}
	}
	return b.Run(t, args)
}

// oldButton answers a tap on a button of a question already answered.
func (t *turn) oldButton() error {
	t.toast("input.old_button")
	return t.reask()
}

// answer takes what she sent while on a step: the dialogue's fallback.
func (t *turn) answer() error {
	for _, f := range t.routes.features {
		if f.Input == nil {
			continue
		}
		if handled, err := f.Input(t); handled || err != nil {
			return err // her application came on paper or by e-mail, say
		}
	}
	if handled, err := t.dialogues().Take(t.talk(), t.input()); handled || err != nil {
		return err
	}
	if len(t.workRoles()) > 0 {
		t.help()
		return nil
	}
	return t.reask()
}
