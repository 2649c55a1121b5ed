package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

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
// event whose ID would not fit (with the confirmation's mark) is left
// out of its picker: it is reached by typing its ID.
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
		fits := len(prefixPickEvent+":"+key+confirmed+":"+e.ID) <= maxButtonData
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

// Picker buttons that take what cannot be undone (every woman told of a
// cancelled meeting, an entry gone) ask first: a tap on the row beside
// the one meant is easy on a small screen. ACTION+confirmed runs it,
// actionKept leaves it.
const (
	confirmed  = "!"
	actionKept = "no"
)

// tapPickEvent runs the picker's command for the event tapped; a cancel
// is asked again first.
func (t *turn) tapPickEvent(args string) error {
	key, id, _ := strings.Cut(args, ":")
	if key == actionKept {
		return t.keptPicked()
	}
	sure := strings.HasSuffix(key, confirmed)
	action, ok := eventActions[strings.TrimSuffix(key, confirmed)]
	if !ok || id == "" {
		return t.oldButton()
	}
	if action.command == "event_cancel" && !sure {
		e, err := t.tx.Event(id)
		if err == nil {
			t.askPicked(t.text("event.cancel_ask", map[string]any{"ID": e.ID, "Title": e.Title[t.lang()], "When": t.dateTime(e.At)}),
				prefixPickEvent+":"+key+confirmed+":"+id, prefixPickEvent+":"+actionKept+":")
			return nil
		}
		if !isNotFound(err) {
			return err
		}
	}
	return t.runPicked(action.command, id)
}

// askPicked asks in the picker's message whether to go on: yes taps yes,
// no taps no.
func (t *turn) askPicked(question, yes, no string) {
	t.toast("")
	t.edit(question, [][]store.Button{{t.button("picker.yes", yes), t.button("picker.no", no)}})
}

// keptPicked answers No to askPicked.
func (t *turn) keptPicked() error {
	t.toast("")
	t.edit(t.text("picker.kept", nil), nil)
	return nil
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
// is asked again first.
func (t *turn) tapPickFAQ(args string) error {
	key, id, _ := strings.Cut(args, ":")
	if key == actionKept {
		return t.keptPicked()
	}
	sure := strings.HasSuffix(key, confirmed)
	command, ok := faqActions[strings.TrimSuffix(key, confirmed)]
	if !ok || id == "" {
		return t.oldButton()
	}
	if n, err := strconv.Atoi(id); err == nil && command == "faq_remove" && !sure {
		e, err := t.tx.FAQ(n)
		if err == nil {
			t.askPicked(t.text("faq.remove_ask", map[string]any{"ID": e.ID, "Question": clip(e.Question, 100)}),
				prefixPickFAQ+":"+key+confirmed+":"+id, prefixPickFAQ+":"+actionKept+":")
			return nil
		}
		if !isNotFound(err) {
			return err
		}
	}
	return t.runPicked(command, id)
}

// runPicked runs a staff command for the ID a picker's button carries, as
// if she had typed "/command ID"; the picker's buttons go, so a second
// tap cannot run it twice.
func (t *turn) runPicked(command, id string) error {
	cmd, ok := routes.command(command)
	if !ok {
		return t.oldButton()
	}
	t.toast("")
	t.editButtons(nil)
	t.u.Command, t.u.Args = command, id
	return cmd.Run(t)
}
