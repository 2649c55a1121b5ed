package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/store"
)

// Staff commands that name an event or an FAQ entry, typed without it,
// offer the existing ones as buttons: a tap runs the command for the one
// tapped, as if its ID had been typed. The buttons are staff's, so each
// tap is audited like the command.

// Prefixes of the pickers' buttons, handled here.
const (
	prefixPickEvent = "evp"  // evp:ACTION:ID, ACTION one of eventActions
	prefixPickFAQ   = "faqp" // faqp:ACTION:ID, ACTION one of faqActions
)

// pickerSize is how many events or entries a picker offers: a phone
// screen of buttons; the rest are reached by typing the ID.
const pickerSize = 10

// pickerLabel is the length a button's title is clipped to.
const pickerLabel = 40

// maxButtonData is the most bytes Telegram takes in a button's data. An
// event whose ID would not fit is left out of its picker: it is reached
// by typing its ID.
const maxButtonData = 64

// eventAction is a command that names an event, as its picker runs it.
type eventAction struct {
	command string
	// past: it is about events that began (attendance), newest first;
	// else about those still to come, soonest first.
	past bool
}

// eventActions are the commands that name an event, by their button's
// ACTION.
var eventActions = map[string]eventAction{
	"m": {command: "event_move"},
	"c": {command: "event_cancel"},
	"a": {command: "attendance", past: true},
	"p": {command: "event_plan"},
}

// eventActionOf is the ACTION of a command that names an event.
func eventActionOf(command string) (string, eventAction) {
	for key, a := range eventActions {
		if a.command == command {
			return key, a
		}
	}
	return "", eventAction{}
}

// pickEvent answers a command typed without its event: the events it can
// be about as buttons, or how to write it when there are none.
func (t *turn) pickEvent() error {
	key, action := eventActionOf(t.u.Command)
	events, err := t.tx.Events()
	if err != nil {
		return err
	}
	var offered []store.Event
	for _, e := range events {
		begun := !e.At.After(t.now)
		fits := len(prefixPickEvent+":"+key+":"+e.ID) <= maxButtonData
		if !e.Cancelled && begun == action.past && fits {
			offered = append(offered, e)
		}
	}
	if action.past {
		slices.Reverse(offered)
	}
	if key == "" || len(offered) == 0 {
		t.say("event.err.no_id", map[string]any{"Command": t.u.Command})
		return nil
	}
	var rows [][]store.Button
	for _, e := range offered[:min(len(offered), pickerSize)] {
		label := fmt.Sprintf("%s · %s · %s", e.ID, t.dateTime(e.At), clip(e.Title[t.lang()], pickerLabel))
		rows = append(rows, []store.Button{{Text: label, Data: prefixPickEvent + ":" + key + ":" + e.ID}})
	}
	t.send(t.text("event.pick", map[string]any{"Command": t.u.Command}), rows)
	return nil
}

// tapPickEvent runs the picker's command for the event tapped; a cancel
// asks first.
func (t *turn) tapPickEvent(args string) error {
	return t.tapPicked(args, func(key string) (string, bool) {
		a, ok := eventActions[key]
		return a.command, ok
	}, "event_cancel", func(id string) (string, bool, error) {
		e, err := t.tx.Event(id)
		if isNotFound(err) {
			return "", false, nil // the command says it is gone
		}
		return t.text("event.cancel_ask", map[string]any{"ID": e.ID, "Title": e.Title[t.lang()], "When": t.dateTime(e.At)}), err == nil, err
	})
}

// tapPicked runs the command a picker's button names (ACTION:ID) for the
// ID, as if "/command ID" had been typed; the picker's buttons go, so a
// second tap cannot run it twice. The command sure names, which cannot be
// undone (every woman told of a cancelled meeting, an entry gone), asks
// first, in the sureDialogue: a tap on the row beside the one meant is
// easy on a small screen.
func (t *turn) tapPicked(args string, commandOf func(key string) (string, bool), sure string, question func(id string) (string, bool, error)) error {
	key, id, _ := strings.Cut(args, ":")
	command, ok := commandOf(key)
	if !ok || id == "" {
		return t.oldButton()
	}
	t.toast("")
	t.editButtons(nil)
	if command == sure {
		q, found, err := question(id)
		if err != nil {
			return err
		}
		if found {
			return t.startDialogue(sureDialogue.Name, map[string]string{"question": q, "command": command, "id": id})
		}
	}
	return t.runFor(command, id)
}

// sureDialogue asks staff whether to do what a picker's tap asked for,
// when it cannot be undone.
var sureDialogue = &dialogue.Dialogue{
	Name: "sure", Version: 1, Roles: staffOnly,
	Steps: []dialogue.Step{{ID: "sure", Prompt: func(c *dialogue.Context) string { return c.Answers["question"] }, Takes: dialogue.Buttons,
		Options: func(*dialogue.Context) []dialogue.Option {
			return []dialogue.Option{{Value: "yes", Label: "picker.yes"}, {Value: "no", Label: "picker.no", Beside: true}}
		}}},
	Finish: func(c *dialogue.Context) error {
		t := turnOf(c)
		if c.Answers["sure"] != "yes" {
			t.say("picker.kept", nil)
			return nil
		}
		command, id := c.Answers["command"], c.Answers["id"]
		if err := t.audit(staffOnly, "/"+command, id); err != nil {
			return err
		}
		if then, ok := t.routes.sure[command]; ok {
			return then(t, id)
		}
		return t.runFor(command, id)
	},
}

// faqActions are the commands that name an FAQ entry, by their button's
// ACTION.
var faqActions = map[string]string{"e": "faq_edit", "r": "faq_remove"}

// pickFAQ answers a command typed without its entry: the newest entries
// as buttons, or that there are none.
func (t *turn) pickFAQ() error {
	var key string
	for k, a := range faqActions {
		if a == t.u.Command {
			key = k
		}
	}
	all, err := t.tx.FAQs()
	if err != nil {
		return err
	}
	if len(all) == 0 || key == "" {
		t.say("faq.empty", nil)
		return nil
	}
	slices.SortFunc(all, func(a, b store.FAQEntry) int { return b.ID - a.ID })
	var rows [][]store.Button
	for _, e := range all[:min(len(all), pickerSize)] {
		label := fmt.Sprintf("#%d · %s · %s", e.ID, e.Language, clip(e.Question, pickerLabel))
		rows = append(rows, []store.Button{{Text: label, Data: prefixPickFAQ + ":" + key + ":" + strconv.Itoa(e.ID)}})
	}
	t.send(t.text("faq.pick", map[string]any{"Command": t.u.Command}), rows)
	return nil
}

// tapPickFAQ runs the picker's command for the entry tapped; a removal
// asks first.
func (t *turn) tapPickFAQ(args string) error {
	return t.tapPicked(args, func(key string) (string, bool) {
		command, ok := faqActions[key]
		return command, ok
	}, "faq_remove", func(id string) (string, bool, error) {
		n, err := strconv.Atoi(id)
		if err != nil {
			return "", false, nil
		}
		e, err := t.tx.FAQ(n)
		if isNotFound(err) {
			return "", false, nil
		}
		return t.text("faq.remove_ask", map[string]any{"ID": e.ID, "Question": clip(e.Question, 100)}), err == nil, err
	})
}

// runFor runs a staff command for the ID a picker's button carries, as
// if she had typed "/command ID".
func (t *turn) runFor(command, id string) error {
	cmd, ok := t.routes.command(command)
	if !ok {
		return t.oldButton()
	}
	t.u.Command, t.u.Args = command, id
	return cmd.Run(t)
}
