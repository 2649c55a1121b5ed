package bot

import (
	"errors"
	"strings"

	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/store"
)

// Steps of the dialogue that are not form fields. A user's Step is one of
// these or the ID of the form field she is answering.
const (
	stepLanguage  = "language"
	stepConsent   = "consent"
	stepNoConsent = "no_consent"
	stepSummary   = "summary"
	stepSubmitted = "submitted"
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
	d, before, err := dialogues.Current(t.talk())
	if err != nil {
		return err
	}
	switch {
	case d == nil:
		return t.runCommand()
	case t.u.Command == "cancel":
		return t.cancel()
	case t.u.Command == "help":
		t.help()
		_, err := dialogues.Reask(t.talk())
		return err
	case t.u.Command == "start" && strings.TrimSpace(t.u.Args) == "":
		if handled, err := dialogues.Reask(t.talk()); handled || err != nil {
			return err
		}
		return t.runCommand() // her dialogue ended with a role taken away
	}
	if err := t.runCommand(); err != nil {
		return err
	}
	if _, after, err := dialogues.Current(t.talk()); err != nil || !after.Active() || after.Asked != before.Asked {
		return err // the command ended it, or asked something itself
	}
	return t.remindDialogue()
}

// runCommand runs a command. Commands that need a role go through the
// access table in access.go.
func (t *turn) runCommand() error {
	switch t.u.Command {
	case "start":
		return t.start()
	case "language":
		return t.askLanguage()
	case "help":
		t.help()
		return nil
	case "cancel":
		return t.cancel()
	case "withdraw":
		return t.askWithdraw()
	case "schedule":
		return t.showSchedule()
	case "ask":
		return t.askQuestion()
	case "questions":
		return t.myQuestions()
	case "candidacy":
		return t.startCandidacy()
	case "election":
		return t.electionDay()
	case "mydata":
		return t.myData()
	case "forget":
		return t.askForget()
	}
	if cmd, ok := restricted[t.u.Command]; ok {
		if !t.may(cmd.roles) {
			t.refuse()
			return t.reask()
		}
		if err := t.audit(cmd.roles, "/"+t.u.Command, t.u.Args); err != nil {
			return err
		}
		return cmd.run(t)
	}
	t.say("input.unknown_command", nil)
	return t.reask()
}

// tap handles a button. Data is "prefix:args"; a button whose question is
// no longer current gets a notice and the current question again.
func (t *turn) tap() error {
	prefix, args, _ := strings.Cut(t.u.CallbackData, ":")
	switch prefix {
	case dialogue.Prefix:
		return dialogues.Tap(t.talk(), args)
	case "lang":
		return t.chooseLanguage(args)
	case "consent":
		return t.consent(args)
	case "f":
		return t.tapField(args)
	case "sum":
		return t.tapSummary(args)
	case "edit":
		return t.tapEdit(args)
	case "wd":
		return t.tapWithdraw(args)
	case "rsvp":
		return t.tapRSVP(args)
	case "att":
		return t.tapAttended(args)
	case "rate":
		return t.tapRating(args)
	case "ask":
		return t.tapAsk(args)
	case "qv":
		return t.tapView(args)
	case "qr":
		return t.tapReply(args)
	case "qd":
		return t.tapResolve(args)
	case "faq":
		return t.tapFAQ(args)
	case "el":
		return t.tapElection(args)
	case "fg":
		return t.tapForget(args)
	}
	if tap, ok := restrictedTaps[prefix]; ok {
		if !t.may(tap.roles) {
			t.refuse()
			return nil
		}
		if err := t.audit(tap.roles, "button "+prefix, args); err != nil {
			return err
		}
		return tap.run(t, args)
	}
	return t.oldButton()
}

// oldButton answers a tap on a button of a question already answered.
func (t *turn) oldButton() error {
	t.toast("input.old_button")
	return t.reask()
}

// help lists what she can do, with a part for each of her roles.
func (t *turn) help() {
	roles := t.workRoles()
	if len(roles) == 0 {
		t.say("help.text", nil)
	}
	for _, r := range roles {
		t.say("help."+string(r), nil)
	}
	if t.user.HasRole(store.RoleCandidate) {
		t.say("help.candidate", nil)
	}
	if t.user.HasRole(store.RoleHelper) {
		t.say("help.helper", nil)
	}
}
