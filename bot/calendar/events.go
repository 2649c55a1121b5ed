package calendar

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/bot/report"
	"github.com/mentorbot/mentorbot/store"
)

// listEvents is /events: every event not long past, with its ID for the
// commands that change it, and the answers to its reminders.
func listEvents(t *bot.Turn) error {
	events, err := t.Tx.Events()
	if err != nil {
		return err
	}
	var sb strings.Builder
	for _, e := range events {
		if e.Ends().Before(t.Now.Add(-7 * 24 * time.Hour)) {
			continue
		}
		rsvps, err := t.Tx.RSVPs(e.ID)
		if err != nil {
			return err
		}
		yes, no, _ := report.CountReplies(rsvps)
		status := ""
		if e.Cancelled {
			status = " · " + t.Text("events.cancelled", nil)
		}
		fmt.Fprintf(&sb, "%s · %s · %s · %s%s\n%s\n✅ %d ❌ %d\n\n", e.ID, t.DateTime(e.At), e.Kind, e.Audience, status, e.Title[t.Lang()], yes, no)
	}
	if sb.Len() == 0 {
		sb.WriteString(t.Text("events.none", nil) + "\n\n")
	}
	sb.WriteString(t.Text("events.hint", nil))
	t.Send(sb.String(), nil)
	return nil
}

// eventTime reads a date and time typed by staff, as the bot writes them
// ("04.03.2027 15:00") or ISO, refusing impossible ones and those past.
func eventTime(t *bot.Turn, s string) (time.Time, bool) {
	at, ok := dialogue.ParseDateTime(s, t.School().Location)
	if !ok {
		t.Say("event.err.date", map[string]any{"Input": s, "Example": t.DateTime(t.Now.AddDate(0, 0, 7))})
		return time.Time{}, false
	}
	if !at.After(t.Now) {
		t.Say("event.err.past", map[string]any{"Input": s})
		return time.Time{}, false
	}
	return at.UTC(), true
}

// newEventID is "e-0304-1": the date, and a number if that is taken.
func newEventID(t *bot.Turn, at time.Time) (string, error) {
	base := "e-" + at.In(t.School().Location).Format("0102")
	for n := 1; ; n++ {
		id := fmt.Sprintf("%s-%d", base, n)
		_, err := t.Tx.Event(id)
		if bot.IsNotFound(err) {
			return id, nil
		}
		if err != nil {
			return "", err
		}
	}
}

// eventArg loads the event named by the first word of the arguments.
func eventArg(t *bot.Turn) (store.Event, string, bool, error) {
	id, rest, _ := strings.Cut(strings.TrimSpace(t.Update.Args), " ")
	if id == "" {
		return store.Event{}, "", false, pickEvent(t)
	}
	e, err := t.Tx.Event(id)
	if bot.IsNotFound(err) {
		t.Say("event.err.not_found", map[string]any{"ID": id})
		return e, "", false, nil
	}
	return e, strings.TrimSpace(rest), err == nil, err
}

// liveEventArg is eventArg refusing an event already cancelled: it
// cannot be moved or cancelled again.
func liveEventArg(t *bot.Turn) (store.Event, string, bool, error) {
	e, rest, ok, err := eventArg(t)
	if ok && e.Cancelled {
		t.Say("event.err.cancelled", map[string]any{"ID": e.ID})
		return e, rest, false, nil
	}
	return e, rest, ok, err
}

// moveEvent is /event_move ID DATE TIME: a new time, reminders planned
// again, and everyone it concerns told. Without the time, it is asked.
func moveEvent(t *bot.Turn) error {
	e, rest, ok, err := liveEventArg(t)
	if !ok {
		return err
	}
	if rest == "" {
		return t.StartDialogue(eventMoveDialogue.Name, map[string]string{"id": e.ID})
	}
	at, ok := eventTime(t, rest)
	if !ok {
		return nil
	}
	return moveTo(t, e, at)
}

// moveTo moves e to at.
func moveTo(t *bot.Turn, e store.Event, at time.Time) error {
	e.At, e.Version, e.UpdatedAt = at, e.Version+1, t.Now
	if err := saveAndPlan(t.Bot(), t.Tx, e); err != nil {
		return err
	}
	n, err := tellAudience(t, e, "event.moved", func(lang string, e store.Event) [][]store.Button { return joinButton(t.Bot(), lang, e) })
	if err != nil {
		return err
	}
	t.Log().Info("event moved", "by", t.User.ID, "event", e.ID, "version", e.Version)
	t.Say("event.moved_done", map[string]any{"ID": e.ID, "When": t.DateTime(e.At), "Count": n})
	return nil
}

// cancelEvent is /event_cancel ID: nothing more is sent for it, and
// everyone it concerns is told.
func cancelEvent(t *bot.Turn) error {
	e, _, ok, err := liveEventArg(t)
	if !ok {
		return err
	}
	e.Cancelled, e.UpdatedAt = true, t.Now
	if err := t.Tx.PutEvent(e); err != nil {
		return err
	}
	n, err := tellAudience(t, e, "event.cancelled", nil)
	if err != nil {
		return err
	}
	t.Log().Info("event cancelled", "by", t.User.ID, "event", e.ID)
	t.Say("event.cancelled_done", map[string]any{"ID": e.ID, "Count": n})
	return nil
}

// tellAudience queues a message about e to everyone it concerns, with
// the buttons of buttons if it is not nil (the moved meeting's "Join"; a
// cancelled one has nothing to join).
func tellAudience(t *bot.Turn, e store.Event, key string, buttons func(lang string, e store.Event) [][]store.Button) (int, error) {
	users, err := bot.AudienceOf(t.Tx, e.Audience, t.School().StaffIDs)
	if err != nil {
		return 0, err
	}
	var rows func(lang string) [][]store.Button
	if buttons != nil {
		rows = func(lang string) [][]store.Button { return buttons(lang, e) }
	}
	return t.Notify(users, func(lang string) string { return eventText(t.Bot(), lang, key, e) }, rows), nil
}

// attendance is /attendance ID: the plan (staff's, else the audience)
// against who came, and how they rated it. The school reports attendance
// as a share of the plan.
func attendance(t *bot.Turn) error {
	e, _, ok, err := eventArg(t)
	if !ok {
		return err
	}
	users, err := bot.AudienceOf(t.Tx, e.Audience, t.School().StaffIDs)
	if err != nil {
		return err
	}
	rsvps, err := t.Tx.RSVPs(e.ID)
	if err != nil {
		return err
	}
	yes, no, came := report.CountReplies(rsvps)
	var rated, sum int
	var comments []string
	for _, r := range rsvps {
		if r.Rating > 0 {
			rated++
			sum += r.Rating
		}
		if r.Comment != "" {
			comments = append(comments, "• "+r.Comment)
		}
	}
	// The plan staff set, as the programme's report counts it; without
	// one, everyone the event is for.
	planned := len(users)
	if e.Planned > 0 {
		planned = e.Planned
	}
	data := map[string]any{
		"Title": e.Title[t.Lang()], "Planned": planned, "Yes": yes, "No": no, "Came": came,
		"Share": bot.Percent(came, planned), "Rated": rated, "Rating": "–",
	}
	if rated > 0 {
		data["Rating"] = bot.FormatPoints(float64(sum) / float64(rated))
	}
	text := t.Text("attendance.report", data)
	if len(comments) > 0 {
		text += "\n\n" + t.Text("attendance.comments", nil) + "\n" + strings.Join(comments, "\n")
	}
	t.Send(text, nil)
	return nil
}

// planEvent is /event_plan ID N: the attendance planned for an event,
// which the programme's report holds who came against; 0 clears it.
// Without N it is asked.
func planEvent(t *bot.Turn) error {
	e, rest, ok, err := eventArg(t)
	if !ok {
		return err
	}
	if e.Kind == store.EventGreeting || e.Kind == store.EventElection {
		t.Say("event_plan.no_attendance", map[string]any{"ID": e.ID})
		return nil
	}
	if rest == "" {
		return t.StartDialogue(eventPlanDialogue.Name, map[string]string{"id": e.ID})
	}
	n, ok := dialogue.ParseCount(rest)
	if !ok {
		t.Say("event_plan.usage", map[string]any{"ID": e.ID})
		return nil
	}
	return setPlan(t, e, n)
}

// eventPlanDialogue is /event_plan ID without the number: it asks it.
var eventPlanDialogue = &dialogue.Dialogue{
	Name: "event_plan", Version: 1, Roles: bot.StaffOnly, CancelButton: true,
	Steps: []dialogue.Step{
		{ID: "plan", Ask: "event_plan.ask", Data: func(c *dialogue.Context) map[string]any {
			return map[string]any{"ID": c.Answers["id"]}
		}, Takes: dialogue.Number, Skip: "event_add.no_plan_button"},
	},
	Finish: func(c *dialogue.Context) error {
		t := bot.TurnOf(c)
		e, err := t.Tx.Event(c.Answers["id"])
		if err != nil {
			return err
		}
		n, _ := strconv.Atoi(c.Answers["plan"])
		return setPlan(t, e, n)
	},
}

// setPlan keeps n as e's planned attendance.
func setPlan(t *bot.Turn, e store.Event, n int) error {
	e.Planned, e.UpdatedAt = n, t.Now
	if err := t.Tx.PutEvent(e); err != nil {
		return err
	}
	t.Log().Info("event attendance planned", "by", t.User.ID, "event", e.ID, "planned", n)
	if n == 0 {
		t.Say("event_plan.cleared", map[string]any{"ID": e.ID})
		return nil
	}
	t.Say("event_plan.set", map[string]any{"ID": e.ID, "Count": n})
	return nil
}

// prefixPickEvent starts the data of the event picker's buttons:
// evp:ACTION:ID, ACTION one of eventActions.
const prefixPickEvent = "evp"

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
func pickEvent(t *bot.Turn) error {
	key, action := eventActionOf(t.Update.Command)
	events, err := t.Tx.Events()
	if err != nil {
		return err
	}
	var offered []store.Event
	for _, e := range events {
		begun := !e.At.After(t.Now)
		fits := len(prefixPickEvent+":"+key+":"+e.ID) <= bot.MaxButtonData
		if !e.Cancelled && begun == action.past && fits {
			offered = append(offered, e)
		}
	}
	if action.past {
		slices.Reverse(offered)
	}
	if key == "" || len(offered) == 0 {
		t.Say("event.err.no_id", map[string]any{"Command": t.Update.Command})
		return nil
	}
	var rows [][]store.Button
	for _, e := range offered[:min(len(offered), bot.PickerSize)] {
		label := fmt.Sprintf("%s · %s · %s", e.ID, t.DateTime(e.At), bot.Clip(e.Title[t.Lang()], bot.PickerLabel))
		rows = append(rows, []store.Button{{Text: label, Data: prefixPickEvent + ":" + key + ":" + e.ID}})
	}
	t.Send(t.Text("event.pick", map[string]any{"Command": t.Update.Command}), rows)
	return nil
}

// tapPickEvent runs the picker's command for the event tapped; a cancel
// asks first.
func tapPickEvent(t *bot.Turn, args string) error {
	return t.TapPicked(args, func(key string) (string, bool) {
		a, ok := eventActions[key]
		return a.command, ok
	}, "event_cancel", func(id string) (string, bool, error) {
		e, err := t.Tx.Event(id)
		if bot.IsNotFound(err) {
			return "", false, nil // the command says it is gone
		}
		return t.Text("event.cancel_ask", map[string]any{"ID": e.ID, "Title": e.Title[t.Lang()], "When": t.DateTime(e.At)}), err == nil, err
	})
}
