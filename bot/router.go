package bot

import (
	"errors"
	"strings"

	"github.com/mentorbot/mentorbot/bot/dialogue"
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
	if err := t.movedFromOldForm(); err != nil {
		return err
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
	if t.user.Awaiting == awaitLapsed {
		// A command means she moved on: the notice that her role's work
		// ended waits only for a message meant as that work.
		t.user.Awaiting = ""
	}
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
	case t.u.Command == "start" && strings.TrimSpace(t.u.Args) == "" && d.Name == formDialogue:
		return t.start() // welcome back, and the question she is on
	case t.u.Command == "start" && strings.TrimSpace(t.u.Args) == "":
		_, err := dialogues.Reask(t.talk())
		return err
	case t.u.Command == "language":
		return t.askLanguage() // her choice asks the question again
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
	case formCallback, "sum", "edit":
		return t.tapForm(prefix, args)
	case "wd":
		return t.tapWithdraw(args)
	case "rsvp":
		return t.tapRSVP(args)
	case "att":
		return t.tapAttended(args)
	case "rate":
		return t.tapRating(args)
	case "cmt":
		return t.tapSkipComment(args)
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

// tapForm takes a button of the application form: "f:<field>:<value>",
// and the summary's "sum:<value>" and "edit:<field>" (the data the bot
// before the dialogue engine gave them, so a summary she had open then
// still works).
func (t *turn) tapForm(prefix, args string) error {
	switch prefix {
	case "sum":
		args = stepSummary + ":" + args
	case "edit":
		args = stepChange + ":" + args
	}
	if handled, err := dialogues.TapStep(t.talk(), formCallback, args); handled || err != nil {
		return err
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
