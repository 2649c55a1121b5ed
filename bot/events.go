package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/store"
)

// listEvents is /events: every event not long past, with its ID for the
// commands that change it, and the answers to its reminders.
func (t *turn) listEvents() error {
	events, err := t.tx.Events()
	if err != nil {
		return err
	}
	var sb strings.Builder
	for _, e := range events {
		if e.Ends().Before(t.now.Add(-7 * 24 * time.Hour)) {
			continue
		}
		rsvps, err := t.tx.RSVPs(e.ID)
		if err != nil {
			return err
		}
		yes, no := 0, 0
		for _, r := range rsvps {
			switch r.Coming {
			case "yes":
				yes++
			case "no":
				no++
			}
		}
		status := ""
		if e.Cancelled {
			status = " · " + t.text("events.cancelled", nil)
		}
		fmt.Fprintf(&sb, "%s · %s · %s · %s%s\n%s\n✅ %d ❌ %d\n\n", e.ID, t.dateTime(e.At), e.Kind, e.Audience, status, e.Title[t.lang()], yes, no)
	}
	if sb.Len() == 0 {
		sb.WriteString(t.text("events.none", nil) + "\n\n")
	}
	sb.WriteString(t.text("events.hint", nil))
	t.send(sb.String(), nil)
	return nil
}

// eventTime reads a date and time typed by staff, as the bot writes them
// ("04.03.2027 15:00") or ISO, refusing impossible ones and those past.
func (t *turn) eventTime(s string) (time.Time, bool) {
	at, ok := dialogue.ParseDateTime(s, t.Location)
	if !ok {
		t.say("event.err.date", map[string]any{"Input": s, "Example": t.dateTime(t.now.AddDate(0, 0, 7))})
		return time.Time{}, false
	}
	if !at.After(t.now) {
		t.say("event.err.past", map[string]any{"Input": s})
		return time.Time{}, false
	}
	return at.UTC(), true
}

// newEventID is "e-0304-1": the date, and a number if that is taken.
func (t *turn) newEventID(at time.Time) (string, error) {
	base := "e-" + at.In(t.Location).Format("0102")
	for n := 1; ; n++ {
		id := fmt.Sprintf("%s-%d", base, n)
		_, err := t.tx.Event(id)
		if isNotFound(err) {
			return id, nil
		}
		if err != nil {
			return "", err
		}
	}
}

// eventArg loads the event named by the first word of the arguments.
func (t *turn) eventArg() (store.Event, string, bool, error) {
	id, rest, _ := strings.Cut(strings.TrimSpace(t.u.Args), " ")
	if id == "" {
		return store.Event{}, "", false, t.pickEvent()
	}
	e, err := t.tx.Event(id)
	if isNotFound(err) {
		t.say("event.err.not_found", map[string]any{"ID": id})
		return e, "", false, nil
	}
	return e, strings.TrimSpace(rest), err == nil, err
}

// moveEvent is /event_move ID DATE TIME: a new time, reminders planned
// again, and everyone it concerns told. Without the time, it is asked.
func (t *turn) moveEvent() error {
	e, rest, ok, err := t.eventArg()
	if !ok {
		return err
	}
	if e.Cancelled {
		t.say("event.err.cancelled", map[string]any{"ID": e.ID})
		return nil
	}
	if rest == "" {
		return t.startDialogue(eventMoveDialogue.Name, map[string]string{"id": e.ID})
	}
	at, ok := t.eventTime(rest)
	if !ok {
		return nil
	}
	return t.moveTo(e, at)
}

// moveTo moves e to at.
func (t *turn) moveTo(e store.Event, at time.Time) error {
	e.At, e.Version, e.UpdatedAt = at, e.Version+1, t.now
	if err := t.saveAndPlan(t.tx, e); err != nil {
		return err
	}
	n, err := t.tellAudience(e, "event.moved", t.joinButton)
	if err != nil {
		return err
	}
	t.Log.Info("event moved", "by", t.user.ID, "event", e.ID, "version", e.Version)
	t.say("event.moved_done", map[string]any{"ID": e.ID, "When": t.dateTime(e.At), "Count": n})
	return nil
}

// cancelEvent is /event_cancel ID: nothing more is sent for it, and
// everyone it concerns is told.
func (t *turn) cancelEvent() error {
	e, _, ok, err := t.eventArg()
	if !ok {
		return err
	}
	if e.Cancelled {
		t.say("event.err.cancelled", map[string]any{"ID": e.ID})
		return nil
	}
	e.Cancelled, e.UpdatedAt = true, t.now
	if err := t.tx.PutEvent(e); err != nil {
		return err
	}
	n, err := t.tellAudience(e, "event.cancelled", nil)
	if err != nil {
		return err
	}
	t.Log.Info("event cancelled", "by", t.user.ID, "event", e.ID)
	t.say("event.cancelled_done", map[string]any{"ID": e.ID, "Count": n})
	return nil
}

// tellAudience queues a message about e to everyone it concerns, with
// the buttons of buttons if it is not nil (the moved meeting's "Join"; a
// cancelled one has nothing to join).
func (t *turn) tellAudience(e store.Event, key string, buttons func(lang string, e store.Event) [][]store.Button) (int, error) {
	users, err := audienceOf(t.tx, e.Audience, t.StaffIDs)
	if err != nil {
		return 0, err
	}
	var rows func(lang string) [][]store.Button
	if buttons != nil {
		rows = func(lang string) [][]store.Button { return buttons(lang, e) }
	}
	return t.notify(users, func(lang string) string { return t.eventText(lang, key, e) }, rows), nil
}

// attendance is /attendance ID: the plan (staff's, else the audience)
// against who came, and how they rated it. The school reports attendance
// as a share of the plan.
func (t *turn) attendance() error {
	e, _, ok, err := t.eventArg()
	if !ok {
		return err
	}
	users, err := audienceOf(t.tx, e.Audience, t.StaffIDs)
	if err != nil {
		return err
	}
	rsvps, err := t.tx.RSVPs(e.ID)
	if err != nil {
		return err
	}
	var yes, no, came, rated, sum int
	var comments []string
	for _, r := range rsvps {
		switch r.Coming {
		case "yes":
			yes++
		case "no":
			no++
		}
		if r.Attended == "yes" {
			came++
		}
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
		"Title": e.Title[t.lang()], "Planned": planned, "Yes": yes, "No": no, "Came": came,
		"Share": percent(came, planned), "Rated": rated, "Rating": "–",
	}
	if rated > 0 {
		data["Rating"] = formatPoints(float64(sum) / float64(rated))
	}
	text := t.text("attendance.report", data)
	if len(comments) > 0 {
		text += "\n\n" + t.text("attendance.comments", nil) + "\n" + strings.Join(comments, "\n")
	}
	t.send(text, nil)
	return nil
}

// planEvent is /event_plan ID N: the attendance planned for an event,
// which the programme's report holds who came against; 0 clears it.
// Without N it is asked.
func (t *turn) planEvent() error {
	e, rest, ok, err := t.eventArg()
	if !ok {
		return err
	}
	if e.Kind == store.EventGreeting || e.Kind == store.EventElection {
		t.say("event_plan.no_attendance", map[string]any{"ID": e.ID})
		return nil
	}
	if rest == "" {
		return t.startDialogue(eventPlanDialogue.Name, map[string]string{"id": e.ID})
	}
	n, ok := dialogue.ParseCount(rest)
	if !ok {
		t.say("event_plan.usage", map[string]any{"ID": e.ID})
		return nil
	}
	return t.setPlan(e, n)
}

// eventPlanDialogue is /event_plan ID without the number: it asks it.
var eventPlanDialogue = &dialogue.Dialogue{
	Name: "event_plan", Version: 1, Roles: staffOnly, CancelButton: true,
	Steps: []dialogue.Step{
		{ID: "plan", Ask: "event_plan.ask", Data: func(c *dialogue.Context) map[string]any {
			return map[string]any{"ID": c.Answers["id"]}
		}, Takes: dialogue.Number, Skip: "event_add.no_plan_button"},
	},
	Finish: func(c *dialogue.Context) error {
		t := turnOf(c)
		e, err := t.tx.Event(c.Answers["id"])
		if err != nil {
			return err
		}
		n, _ := strconv.Atoi(c.Answers["plan"])
		return t.setPlan(e, n)
	},
}

// setPlan keeps n as e's planned attendance.
func (t *turn) setPlan(e store.Event, n int) error {
	e.Planned, e.UpdatedAt = n, t.now
	if err := t.tx.PutEvent(e); err != nil {
		return err
	}
	t.Log.Info("event attendance planned", "by", t.user.ID, "event", e.ID, "planned", n)
	if n == 0 {
		t.say("event_plan.cleared", map[string]any{"ID": e.ID})
		return nil
	}
	t.say("event_plan.set", map[string]any{"ID": e.ID, "Count": n})
	return nil
}
