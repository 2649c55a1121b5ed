// Package calendar is the part of the bot for the school's calendar:
// the programme's events synced into the store (SyncProgramme), their
// reminders, greetings and follow-ups delivered when due, everyone's
// /schedule with her answers (coming, attended, a rating and a comment),
// and staff's events: added, moved, cancelled and planned as dialogues,
// with the attendance.
package calendar

import (
	"fmt"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/schedule"
	"github.com/mentorbot/mentorbot/store"
)

// Feature is the school's calendar: everyone's schedule and answers to
// reminders, staff's events (events.go).
var Feature = bot.Feature{
	Commands: []bot.Command{
		{Name: "schedule", Run: showSchedule, Help: true, Menu: true},
		{Name: "events", Roles: bot.StaffOnly, Run: listEvents, Help: true, Menu: true},
		{Name: "event_add", Roles: bot.StaffOnly, Run: addEvent, Help: true, Menu: true},
		{Name: "event_move", Roles: bot.StaffOnly, Run: moveEvent, Help: true},
		{Name: "event_cancel", Roles: bot.StaffOnly, Run: cancelEvent, Help: true},
		{Name: "attendance", Roles: bot.StaffOnly, Run: attendance, Help: true},
		{Name: "event_plan", Roles: bot.StaffOnly, Run: planEvent, Help: true},
	},
	Buttons: []bot.Button{
		{Prefix: prefixRSVP, Run: tapRSVP},
		{Prefix: prefixAttended, Run: tapAttended},
		{Prefix: prefixRating, Run: tapRating},
		{Prefix: prefixPickEvent, Roles: bot.StaffOnly, Run: tapPickEvent},
	},
	Dialogues: []*dialogue.Dialogue{eventDialogue, eventMoveDialogue, eventPlanDialogue, commentDialogue},
	Due: map[store.DueKind]bot.DueFunc{
		store.DueReminder: deliverOne, store.DueGreeting: deliverOne,
		store.DueFollowUp: deliverOne, store.DueElection: deliverOne,
	},
}

// Prefixes of the buttons under reminders and follow-ups, handled here.
const (
	prefixRSVP     = "rsvp" // she will come, or not
	prefixAttended = "att"  // she came, or not
	prefixRating   = "rate" // how it was
)

// SyncProgramme brings the programme's events into the store and plans
// their reminders. A new event is added; an event whose definition in the
// file changed is updated and planned again; one that did not change is
// left as staff may have moved it in the chat.
func SyncProgramme(b *bot.Bot) error {
	return b.DB.Update(func(tx *store.Tx) error {
		for _, e := range b.Programme.Events {
			hash := schedule.Hash(e)
			stored, err := tx.Event(e.ID)
			switch {
			case err == nil && stored.ConfigHash == hash:
				continue
			case err == nil:
				e.Version = stored.Version + 1
				e.Cancelled = stored.Cancelled
				// The file has no plan of attendance: staff's stays.
				e.Planned = stored.Planned
				b.Log.Info("event changed in the config; planning it again", "event", e.ID)
			case bot.IsNotFound(err):
				e.Version = 1
			default:
				return err
			}
			e.ConfigHash, e.UpdatedAt = hash, b.Now()
			if err := saveAndPlan(b, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// saveAndPlan saves an event and plans its due items for its version.
func saveAndPlan(b *bot.Bot, tx *store.Tx, e store.Event) error {
	if err := tx.PutEvent(e); err != nil {
		return err
	}
	for _, d := range schedule.Plan(e) {
		if err := b.Plan(tx, d); err != nil {
			return err
		}
	}
	return nil
}

// Late limits: a greeting or follow-up this late is no longer worth sending.
const (
	greetingLate = 24 * time.Hour
	followUpLate = 3 * 24 * time.Hour
)

func deliverOne(b *bot.Bot, tx *store.Tx, d store.Due, now time.Time) (int, error) {
	e, err := tx.Event(d.EventID)
	if bot.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if e.Cancelled || e.Version != d.Version {
		return 0, nil // planned for a time the event no longer has
	}
	switch {
	case d.Kind == store.DueReminder && !now.Before(e.At):
		b.Log.Warn("reminder dropped: the event has started", "event", e.ID, "due", d.At, "before", d.Before)
		return 0, nil
	case d.Kind == store.DueGreeting && now.Sub(e.At) > greetingLate,
		d.Kind == store.DueFollowUp && now.Sub(e.Ends()) > followUpLate:
		b.Log.Warn("dropped: too late to send", "event", e.ID, "kind", d.Kind, "due", d.At)
		return 0, nil
	}
	users, err := bot.AudienceOf(tx, e.Audience, b.StaffIDs)
	if err != nil {
		return 0, err
	}
	key := fmt.Sprintf("%s|%s|%d", d.Kind, e.ID, d.Before)
	sent := 0
	for _, u := range users {
		if d.Kind == store.DueFollowUp {
			if r, err := tx.RSVP(e.ID, u.ID); err != nil || r.Coming == "no" {
				continue // she said she could not come
			}
		}
		first, err := tx.MarkSent(key, u.ID)
		if err != nil {
			return sent, err
		}
		if !first {
			continue
		}
		if err := tx.Enqueue(now, eventMessage(b, d.Kind, e, u)); err != nil {
			return sent, err
		}
		sent++
	}
	b.Log.Info("due item delivered", "event", e.ID, "kind", d.Kind, "recipients", sent)
	return sent, nil
}

// eventMessage is the reminder, greeting or follow-up for one person.
func eventMessage(b *bot.Bot, kind store.DueKind, e store.Event, u store.User) store.Outgoing {
	lang := bot.UserLang(u)
	m := store.Outgoing{Kind: store.KindMessage, ChatID: u.ID, Lane: store.LaneBulk}
	switch kind {
	case store.DueGreeting:
		m.Text = e.Text[lang]
	case store.DueElection:
		m.Text, m.Buttons = b.DueMessage(kind, lang)
	case store.DueFollowUp:
		m.Text = b.Texts.Text(lang, "event.followup", map[string]any{"Title": e.Title[lang]})
		m.Buttons = [][]store.Button{{
			{Text: b.Texts.Text(lang, "event.attended_yes", nil), Data: prefixAttended + ":" + e.ID + ":yes"},
			{Text: b.Texts.Text(lang, "event.attended_no", nil), Data: prefixAttended + ":" + e.ID + ":no"},
		}}
	default:
		m.Text = eventText(b, lang, "event.reminder", e)
		m.Buttons = append(joinButton(b, lang, e), []store.Button{
			{Text: b.Texts.Text(lang, "event.coming", nil), Data: prefixRSVP + ":" + e.ID + ":yes"},
			{Text: b.Texts.Text(lang, "event.not_coming", nil), Data: prefixRSVP + ":" + e.ID + ":no"},
		})
	}
	return m
}

// eventText renders an event message by key with its title and time and,
// for a meeting without a link yet, the word that it comes later. The
// link itself is the joinButton under the message.
func eventText(b *bot.Bot, lang, key string, e store.Event) string {
	text := b.Texts.Text(lang, key, map[string]any{"Title": e.Title[lang], "When": e.At.In(b.Location).Format("02.01.2006 15:04")})
	if e.Link == "" && e.Kind == store.EventMeeting {
		text += "\n" + b.Texts.Text(lang, "event.link_later", nil)
	}
	return text
}

// joinButton is the row with the "Join" button that opens the event's
// link, or no rows for an event without one: a button is one tap on a
// phone, where a link in the text has to be found and pressed exactly.
func joinButton(b *bot.Bot, lang string, e store.Event) [][]store.Button {
	if e.Link == "" {
		return nil
	}
	return [][]store.Button{{{Text: b.Texts.Text(lang, "event.join", nil), URL: e.Link}}}
}

// showSchedule is /schedule: the stage under way and what is coming for
// her, in her language, in Bishkek time.
func showSchedule(t *bot.Turn) error {
	var sb strings.Builder
	if s, ok := t.School().Programme.StageAt(t.Now); ok {
		sb.WriteString(t.Text("schedule.stage", map[string]any{"Stage": t.Text("stage."+s.ID, nil)}) + "\n\n")
	}
	events, err := t.Tx.Events()
	if err != nil {
		return err
	}
	shown := 0
	for _, e := range events {
		if e.Cancelled || e.Ends().Before(t.Now) || e.Kind == store.EventGreeting {
			continue
		}
		kind, value, _ := strings.Cut(e.Audience, ":")
		in, err := bot.InAudience(t.Tx, t.User, kind, value, t.School().StaffIDs)
		if err != nil {
			return err
		}
		if !in && !t.IsStaff() {
			continue
		}
		sb.WriteString("• " + t.DateTime(e.At) + " — " + e.Title[t.Lang()])
		if e.Link != "" {
			sb.WriteString("\n  " + e.Link)
		}
		sb.WriteString("\n")
		shown++
	}
	if shown == 0 {
		sb.WriteString(t.Text("schedule.none", nil))
	}
	t.Send(strings.TrimSpace(sb.String())+"\n\n"+t.Text("schedule.time_zone", nil), nil)
	return nil
}

// tapRSVP takes "I'll be there" or "I can't come" under a reminder.
func tapRSVP(t *bot.Turn, args string) error {
	_, answer, ok, err := keepYesNo(t, args, func(r *store.RSVP, answer string) { r.Coming = answer })
	if !ok || err != nil {
		return err
	}
	t.Toast("event.rsvp_" + answer)
	return nil
}

// keepYesNo keeps her yes or no to a question about the event, from the
// button's data "ID:yes", with set. ok is false, after the old-button
// notice, for an event gone or an answer neither yes nor no.
func keepYesNo(t *bot.Turn, args string, set func(r *store.RSVP, answer string)) (id, answer string, ok bool, err error) {
	id, answer, _ = strings.Cut(args, ":")
	r, ok, err := eventAnswer(t, id)
	if !ok || (answer != "yes" && answer != "no") {
		return id, answer, false, bot.ErrOr(err, t.OldButton)
	}
	set(&r, answer)
	r.UpdatedAt = t.Now
	return id, answer, true, t.Tx.PutRSVP(r)
}

// eventAnswer loads her answers about an event that still exists.
func eventAnswer(t *bot.Turn, id string) (store.RSVP, bool, error) {
	e, err := t.Tx.Event(id)
	if bot.IsNotFound(err) || (err == nil && e.Cancelled) {
		return store.RSVP{}, false, nil
	}
	if err != nil {
		return store.RSVP{}, false, err
	}
	r, err := t.Tx.RSVP(id, t.User.ID)
	return r, err == nil, err
}

// tapAttended takes the follow-up's "did you attend?", then asks for a
// rating.
func tapAttended(t *bot.Turn, args string) error {
	id, answer, ok, err := keepYesNo(t, args, func(r *store.RSVP, answer string) { r.Attended = answer })
	if !ok || err != nil {
		return err
	}
	t.Toast("")
	if answer == "no" {
		t.Edit(t.Text("event.thanks", nil), nil)
		return nil
	}
	var row []store.Button
	for n := 1; n <= 5; n++ {
		row = append(row, store.Button{Text: fmt.Sprint(n), Data: fmt.Sprintf(prefixRating+":%s:%d", id, n)})
	}
	t.Edit(t.Text("event.rate", nil), [][]store.Button{row})
	return nil
}

// tapRating takes a 1–5 rating and offers a comment.
func tapRating(t *bot.Turn, args string) error {
	id, value, _ := strings.Cut(args, ":")
	r, ok, err := eventAnswer(t, id)
	n := 0
	fmt.Sscan(value, &n)
	if !ok || n < 1 || n > 5 {
		return bot.ErrOr(err, t.OldButton)
	}
	r.Rating, r.UpdatedAt = n, t.Now
	if err := t.Tx.PutRSVP(r); err != nil {
		return err
	}
	t.Toast("")
	t.Edit(t.Text("event.rate", nil)+"\n\n→ "+value, nil)
	return t.StartDialogue(commentDialogue.Name, map[string]string{"event": id})
}

// maxComment is the longest comment on a meeting kept, in characters.
const maxComment = 2000

// commentDialogue is her comment on a meeting ("event") after rating
// it: one message, or Skip.
var commentDialogue = &dialogue.Dialogue{
	Name: "comment", Version: 1,
	Steps: []dialogue.Step{
		{ID: "comment", Ask: "event.comment", Takes: dialogue.Text, Skip: "event.comment_skip", Parse: readComment},
	},
	Finish: func(c *dialogue.Context) error {
		return saveComment(bot.TurnOf(c), c.Answers["event"], c.Answers["comment"])
	},
	Left: func(c *dialogue.Context) error {
		c.Send(c.Text("event.thanks", nil), nil) // her rating is kept
		return nil
	},
}

// readComment reads her comment. A sticker or a photo in answer to
// "anything to add?" is a thank-you, not a comment: it ends the
// follow-up without one.
func readComment(c *dialogue.Context) (string, error) {
	if !c.In.Typed || c.In.Media != nil {
		return "", nil
	}
	if _, err := form.CleanText(c.In.Text, 0); err != nil {
		return "", nil // nothing but spaces
	}
	return form.CleanText(c.In.Text, maxComment) // too long: she is asked again
}

// saveComment keeps her comment on meeting id, if she wrote one.
func saveComment(t *bot.Turn, id, comment string) error {
	r, ok, err := eventAnswer(t, id)
	if !ok || comment == "" {
		if err == nil {
			t.Say("event.thanks", nil)
		}
		return err
	}
	r.Comment, r.UpdatedAt = comment, t.Now
	if err := t.Tx.PutRSVP(r); err != nil {
		return err
	}
	t.Say("event.thanks", nil)
	return nil
}
