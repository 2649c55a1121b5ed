package calendar

import (
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/schedule"
	"github.com/mentorbot/mentorbot/store"
)

// eventDialogue is /event_add: what kind of event, when, its title in
// both languages (and, for a greeting, its message), the meeting's link,
// who it is for, when they are reminded and (optionally) how many are
// planned to attend; then a preview to save or
// change. Which steps apply, and what comes after each, is eventFlow.
var eventDialogue = &dialogue.Dialogue{
	Name: "event", Version: 1, Roles: bot.StaffOnly, CancelButton: true,
	Steps: []dialogue.Step{
		{ID: "kind", Ask: "event_add.kind", Takes: dialogue.Buttons, Options: eventKindOptions, Next: eventFlow("kind")},
		{ID: "when", Ask: "event_add.when", Data: bot.ExampleTime, Takes: dialogue.DateTime, Check: bot.InFuture, Next: eventFlow("when")},
		{ID: "title_ky", Ask: "event_add.title_ky", Takes: dialogue.Text, Max: eventTitleMax, Next: eventFlow("title_ky")},
		{ID: "title_ru", Ask: "event_add.title_ru", Takes: dialogue.Text, Max: eventTitleMax, Next: eventFlow("title_ru")},
		{ID: "text_ky", Ask: "event_add.text_ky", Takes: dialogue.Text, Max: bot.MaxMessage, Next: eventFlow("text_ky")},
		{ID: "text_ru", Ask: "event_add.text_ru", Takes: dialogue.Text, Max: bot.MaxMessage, Next: eventFlow("text_ru")},
		{ID: "link", Ask: "event_add.link", Takes: dialogue.Text, Max: 500, Check: checkEventLink, Next: eventFlow("link")},
		{ID: "session_link", Ask: "event_add.session_link", Takes: dialogue.Text, Max: 500, Skip: "event_add.no_link_button",
			Check: checkEventLink, Next: eventFlow("session_link")},
		{ID: "audience", Ask: "event_add.audience", Takes: dialogue.Buttons, Options: eventAudienceOptions, Next: eventFlow("audience")},
		{ID: "narrow", Ask: "event_add.audience", Takes: dialogue.Buttons, Options: bot.NarrowOptions, Next: eventFlow("narrow")},
		{ID: "remind", Ask: "event_add.remind", Takes: dialogue.Buttons, Options: remindOptions, Next: eventFlow("remind")},
		// The plan is what the report holds attendance against; staff may
		// skip it and set it later with /event_plan.
		{ID: "plan", Ask: "event_add.plan", Takes: dialogue.Number, Skip: "event_add.no_plan_button", Next: eventFlow("plan")},
		{ID: "confirm", Prompt: previewEvent, Takes: dialogue.Buttons,
			Options: func(*dialogue.Context) []dialogue.Option {
				return []dialogue.Option{{Value: "save", Label: "event_add.save"}, {Value: "change", Label: "event_add.change", Beside: true}}
			},
			Check: func(c *dialogue.Context, v string) error {
				// The preview may have waited past the event's time.
				if v == "save" {
					return bot.InFuture(c, c.Answers["when"])
				}
				return nil
			},
			Next: func(c *dialogue.Context) string {
				if c.Answers["confirm"] == "save" {
					return dialogue.End
				}
				return "change"
			}},
		{ID: "change", Ask: "event_add.what_to_change", Takes: dialogue.Buttons, Options: eventChangeOptions,
			Next: func(c *dialogue.Context) string {
				c.Answers[eventChanging] = "1"
				return c.Answers["change"]
			}},
	},
	Finish: func(c *dialogue.Context) error { return saveEvent(bot.TurnOf(c), c.Answers) },
}

// eventTitleMax keeps a title short enough for a reminder's first line.
const eventTitleMax = 200

// eventChanging marks the answers once she chose to change one from the
// preview: after that answer (and what it needs) she is back at the
// preview rather than walked through the rest again.
const eventChanging = "_changing"

// eventSteps are the steps that describe the event, in the order asked.
var eventSteps = []string{"kind", "when", "title_ky", "title_ru", "text_ky", "text_ru", "link", "session_link", "audience", "narrow", "remind", "plan"}

// eventStepApplies reports whether step is asked for the event the
// answers describe so far: a greeting has its message and no link or
// reminders (nor attendance to plan); a meeting needs a link, a session
// may have one; narrowing only follows "one oblast" or "one age group".
func eventStepApplies(a map[string]string, step string) bool {
	kind := store.EventKind(a["kind"])
	switch step {
	case "text_ky", "text_ru":
		return kind == store.EventGreeting
	case "link":
		return kind == store.EventMeeting
	case "session_link":
		return kind == store.EventSession
	case "remind", "plan":
		return kind != store.EventGreeting
	case "narrow":
		return a["audience"] == "oblast" || a["audience"] == "category"
	}
	return true
}

// eventFlow is the Next of an event step: the next step that applies;
// when she is changing one answer from the preview, the first step that
// applies and has no answer yet (a greeting changed to a meeting needs a
// link), else the preview.
func eventFlow(after string) func(c *dialogue.Context) string {
	return func(c *dialogue.Context) string {
		if after == "audience" && eventStepApplies(c.Answers, "narrow") {
			return "narrow"
		}
		changing := c.Answers[eventChanging] != ""
		passed := false
		for _, step := range eventSteps {
			if step == after {
				passed = true
				continue
			}
			if !eventStepApplies(c.Answers, step) {
				continue
			}
			_, answered := c.Answers[step]
			if changing && !answered || !changing && passed {
				return step
			}
		}
		return "confirm"
	}
}

func eventKindOptions(*dialogue.Context) []dialogue.Option {
	var out []dialogue.Option
	for _, k := range []store.EventKind{store.EventMeeting, store.EventSession, store.EventGreeting} {
		out = append(out, dialogue.Option{Value: string(k), Label: "event_add.kind." + string(k)})
	}
	return out
}

// checkEventLink wants an http(s) address (a session may skip it).
func checkEventLink(_ *dialogue.Context, v string) error {
	if v == "" {
		return nil // only a session's step offers to skip
	}
	if schedule.CheckLink(strings.TrimSpace(v)) != nil {
		return &dialogue.Refusal{Key: "event.err.link"}
	}
	return nil
}

// eventAudienceOptions are everyone an event may address.
func eventAudienceOptions(*dialogue.Context) []dialogue.Option {
	var out []dialogue.Option
	for _, a := range append(append([]string{}, schedule.Audiences...), "oblast", "category") {
		out = append(out, dialogue.Option{Value: a, Label: "audience." + a})
	}
	return out
}

// eventReminders are the choices of reminders, by the value of their
// button: how long before the event, in minutes.
var eventReminders = []struct{ value, label string }{
	{"1440,60", "event_add.remind.day_hour"},
	{"1440", "event_add.remind.day"},
	{"60", "event_add.remind.hour"},
	{"none", "event_add.remind.none"},
}

func remindOptions(*dialogue.Context) []dialogue.Option {
	var out []dialogue.Option
	for _, r := range eventReminders {
		out = append(out, dialogue.Option{Value: r.value, Label: r.label})
	}
	return out
}

// reminders reads a reminders answer: "1440,60" is a day and an hour
// before.
func reminders(v string) []time.Duration {
	var out []time.Duration
	for _, m := range strings.Split(v, ",") {
		if n, err := strconv.Atoi(m); err == nil && n > 0 {
			out = append(out, time.Duration(n)*time.Minute)
		}
	}
	return out
}

// eventChangeOptions are the parts of the event she may change from the
// preview: those that apply to its kind.
func eventChangeOptions(c *dialogue.Context) []dialogue.Option {
	var out []dialogue.Option
	for _, step := range eventSteps {
		if step == "narrow" || !eventStepApplies(c.Answers, step) {
			continue
		}
		out = append(out, dialogue.Option{Value: step, Label: "event_add.field." + step, Beside: len(out)%2 == 1})
	}
	return out
}

// draftEvent is the event the answers describe.
func draftEvent(t *bot.Turn, a map[string]string) store.Event {
	kind := store.EventKind(a["kind"])
	at, _ := time.Parse(time.RFC3339, a["when"])
	e := store.Event{
		Kind:     kind,
		At:       at.UTC(),
		Title:    map[string]string{"ky": a["title_ky"], "ru": a["title_ru"]},
		Audience: bot.AnsweredAudience(a),
		Duration: 2 * time.Hour,
		Source:   schedule.SourceChat,
		Version:  1,
	}
	switch kind {
	case store.EventGreeting:
		e.Duration = 0
		e.Text = map[string]string{"ky": a["text_ky"], "ru": a["text_ru"]}
	case store.EventSession:
		e.Link = strings.TrimSpace(a["session_link"])
		e.Remind = reminders(a["remind"])
	default:
		e.Link = strings.TrimSpace(a["link"])
		e.Remind = reminders(a["remind"])
	}
	if kind != store.EventGreeting {
		e.Planned, _ = strconv.Atoi(a["plan"])
	}
	return e
}

// previewEvent shows the event whole, with how many it reaches.
func previewEvent(c *dialogue.Context) string {
	t := bot.TurnOf(c)
	e := draftEvent(t, c.Answers)
	users, _ := bot.AudienceOf(t.Tx, e.Audience, t.School().StaffIDs)
	audience := c.Text("audience."+c.Answers["audience"], nil)
	if n := c.Answers["narrow"]; eventStepApplies(c.Answers, "narrow") && n != "" {
		audience += ": " + c.Text(narrowLabel(c.Answers["audience"], n), nil)
	}
	line := func(field, value string) string { return c.Text("event_add.field."+field, nil) + ": " + value }
	lines := []string{
		c.Text("event_add.preview", nil),
		line("kind", c.Text("event_add.kind."+string(e.Kind), nil)),
		line("when", t.DateTime(e.At)),
		line("title_ky", e.Title["ky"]),
		line("title_ru", e.Title["ru"]),
	}
	if e.Kind == store.EventGreeting {
		lines = append(lines, line("text_ky", e.Text["ky"]), line("text_ru", e.Text["ru"]))
	} else {
		link := e.Link
		if link == "" {
			link = c.Text("event_add.no_link", nil)
		}
		lines = append(lines, c.Text("event_add.field.link", nil)+": "+link)
	}
	lines = append(lines, line("audience", c.Text("event_add.reaches", map[string]any{"Audience": audience, "Count": len(users)})))
	if e.Kind != store.EventGreeting {
		lines = append(lines, line("remind", c.Text(remindLabel(c.Answers["remind"]), nil)), line("plan", planText(c, e.Planned)))
	}
	return strings.Join(lines, "\n")
}

// planText is the planned attendance as the preview shows it.
func planText(c *dialogue.Context, planned int) string {
	if planned == 0 {
		return c.Text("event_add.no_plan", nil)
	}
	return strconv.Itoa(planned)
}

// narrowLabel is the message key of an oblast or an age group.
func narrowLabel(kind, value string) string {
	if kind == "category" {
		return "category." + value
	}
	return "form.oblast.opt." + value
}

// remindLabel is the message key of a reminders answer.
func remindLabel(v string) string {
	for _, r := range eventReminders {
		if r.value == v {
			return r.label
		}
	}
	return "event_add.remind.none"
}

// addEvent is /event_add: the event is asked step by step.
func addEvent(t *bot.Turn) error { return t.StartDialogue(eventDialogue.Name, nil) }

// saveEvent keeps the event from the preview and plans its reminders.
func saveEvent(t *bot.Turn, a map[string]string) error {
	e := draftEvent(t, a)
	id, err := newEventID(t, e.At)
	if err != nil {
		return err
	}
	e.ID, e.UpdatedAt = id, t.Now
	if err := saveAndPlan(t.Bot(), t.Tx, e); err != nil {
		return err
	}
	users, err := bot.AudienceOf(t.Tx, e.Audience, t.School().StaffIDs)
	if err != nil {
		return err
	}
	t.Log().Info("event added", "by", t.User.ID, "event", e.ID)
	t.Say("event.added", map[string]any{"ID": e.ID, "When": t.DateTime(e.At), "Count": len(users)})
	return nil
}

// eventMoveDialogue is /event_move ID without a time: it asks the new
// time.
var eventMoveDialogue = &dialogue.Dialogue{
	Name: "event_move", Version: 1, Roles: bot.StaffOnly, CancelButton: true,
	Steps: []dialogue.Step{
		{ID: "when", Ask: "event_move.when", Data: func(c *dialogue.Context) map[string]any {
			d := bot.ExampleTime(c)
			d["ID"] = c.Answers["id"]
			return d
		}, Takes: dialogue.DateTime, Check: bot.InFuture},
	},
	Finish: func(c *dialogue.Context) error {
		t := bot.TurnOf(c)
		e, err := t.Tx.Event(c.Answers["id"])
		if err != nil {
			return err
		}
		if e.Cancelled { // cancelled while she was typing the time
			t.Say("event.err.cancelled", map[string]any{"ID": e.ID})
			return nil
		}
		at, _ := time.Parse(time.RFC3339, c.Answers["when"])
		return moveTo(t, e, at)
	},
}
