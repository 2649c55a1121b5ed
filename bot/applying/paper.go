package applying

import (
	"errors"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/store"
)

// Applications come to the school on paper and by e-mail too. Staff enter
// one on the woman's behalf with /application_add: the source, the day it
// arrived, then the very questions of the form she would answer in the
// chat (applicationDialogue's steps), in the staff member's chat. The
// answers are kept apart from the staff member's own draft and
// conversation (store.Entry), and on the last step become a submitted
// application with a code, a made-up owner that is nobody's Telegram ID
// (store.SubmitEntered), Source "paper" or "email" and ArrivedAt. It
// counts when it arrived by the deadline, however late it is entered, and
// the commission scores it blind like any other. When she later shares
// her own contact with the bot and its number is the application's phone,
// it becomes hers (linkByContact). `mentorbot import applications` takes
// them from a file.

// Steps of the entry before the form's questions, and the dialogue's
// name and button prefix ("pf:<step>:<value>").
const (
	entryDialogue    = "application_entry"
	entryCallback    = "pf"
	stepEntrySource  = "source"
	stepEntryArrived = "arrived"
)

// entryApplicationDialogue is staff entering a paper or e-mail
// application: the source and the day it arrived, then the form.
var entryApplicationDialogue = &dialogue.Dialogue{
	Name: entryDialogue,
	// Its steps are the form's after two of its own: it changes when the
	// form does, and with the last digits when its own steps do.
	Version:  applicationDialogue.Version*100 + 1,
	Roles:    bot.StaffOnly,
	Callback: entryCallback,
	Steps:    entrySteps(),
	Keep:     entryKeeper{},
	Finish:   submitEntered,
	Left:     leftEntry,
	// A form half typed in is asked about before /cancel drops it.
	Lost: func(c *dialogue.Context) bool {
		done, _ := form.Progress(c.Answers)
		return done > 0 || c.Partial() != ""
	},
}

// entrySteps are the source, the arrival, and the form's own steps, with
// their buttons named by this dialogue and the phone typed (or a contact
// card from staff's address book: hers, not staff's).
func entrySteps() []dialogue.Step {
	steps := []dialogue.Step{
		{ID: stepEntrySource, Takes: dialogue.Buttons, Ask: "entry.source.ask",
			Options: func(*dialogue.Context) []dialogue.Option {
				return []dialogue.Option{{Value: store.SourcePaper, Label: "entry.source.paper"}, {Value: store.SourceEmail, Label: "entry.source.email", Beside: true}}
			}},
		{ID: stepEntryArrived, Takes: dialogue.Text, Ask: "entry.arrived.ask", Parse: readArrival, Check: checkArrival,
			Data: func(c *dialogue.Context) map[string]any {
				t := bot.TurnOf(c)
				return map[string]any{"Example": t.Date(t.Now), "Deadline": t.Date(t.School().Deadline)}
			},
			Taken: func(c *dialogue.Context, _ string) error {
				bot.TurnOf(c).Say("entry.form_next", nil)
				return nil
			}},
	}
	for _, s := range formSteps() {
		s.Callback = ""
		if s.Takes == dialogue.Phone {
			s.Takes, s.Share, s.Parse, s.Check = dialogue.Text, "", readTheirPhone, phoneNotTaken
		}
		steps = append(steps, s)
	}
	return steps
}

// readArrival reads the day the application arrived, as staff write it
// ("5 мая", "05.05.26").
func readArrival(c *dialogue.Context) (string, error) {
	text, err := dialogue.Typed(c)
	if err != nil {
		return "", err
	}
	day, err := form.ParseArrivalDate(text, bot.TurnOf(c).FormRules())
	if err != nil {
		return "", err
	}
	return day.Format(form.DateLayout), nil
}

// checkArrival refuses a day still to come, and one after the deadline:
// such an application takes no part in the selection.
func checkArrival(c *dialogue.Context, answer string) error {
	t := bot.TurnOf(c)
	day, ok := t.ParseStoredDate(answer)
	switch {
	case !ok:
		return &form.Invalid{Key: "form.invalid.date"}
	case day.After(t.Now):
		return &form.Invalid{Key: "entry.arrived.future"}
	case !form.ArrivedInTime(day, t.FormRules()):
		return &form.Invalid{Key: "entry.arrived.late", Data: map[string]any{"Date": t.Date(day), "Deadline": t.Date(t.School().Deadline)}}
	}
	return nil
}

// readTheirPhone reads the woman's phone as staff give it: typed, or a
// contact card, which here is someone else's by nature.
func readTheirPhone(c *dialogue.Context) (string, error) {
	return readNumber(c, form.ParsePhone)
}

// phoneNotTaken refuses a phone that an application already has: she
// may have sent it in the chat, or it was entered or imported before.
// Staff are given its code to look at it.
func phoneNotTaken(c *dialogue.Context, phone string) error {
	app, err := bot.TurnOf(c).Tx.ApplicationWithPhone(phone)
	if bot.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return &form.Invalid{Key: "entry.phone.taken", Data: map[string]any{"Phone": phone, "Code": app.Code}}
}

// entryKeeper keeps the answers in the application staff are entering
// (store.Entry), with the source and the arrival as its Source and
// ArrivedAt.
type entryKeeper struct{}

func (entryKeeper) Load(c *dialogue.Context) (map[string]string, error) {
	d, err := entry(bot.TurnOf(c))
	if err != nil {
		return nil, err
	}
	answers := formAnswers(d)
	if d.Source != "" {
		answers[stepEntrySource] = d.Source
	}
	if !d.ArrivedAt.IsZero() {
		answers[stepEntryArrived] = d.ArrivedAt.Format(form.DateLayout)
	}
	return answers, nil
}

func (entryKeeper) Save(c *dialogue.Context, answers map[string]string) error {
	t := bot.TurnOf(c)
	d, err := entry(t)
	if err != nil {
		return err
	}
	d.Source = answers[stepEntrySource]
	d.ArrivedAt = time.Time{}
	if day, ok := t.ParseStoredDate(answers[stepEntryArrived]); ok {
		d.ArrivedAt = day
	}
	keepAnswers(&d, answers)
	d.UpdatedAt = t.Now
	return t.Tx.PutEntry(t.User.ID, d)
}

// entry is the application the staff member is entering, a new one if
// none.
func entry(t *bot.Turn) (store.Application, error) {
	d, err := t.Tx.Entry(t.User.ID)
	if bot.IsNotFound(err) {
		return store.Application{Answers: map[string]string{}, StartedAt: t.Now, EnteredBy: t.User.ID}, nil
	}
	return d, err
}

// addApplication is /application_add: a new entry, from its first step
// (one left half-way before is dropped).
func addApplication(t *bot.Turn) error {
	if err := t.Tx.DropEntry(t.User.ID); err != nil {
		return err
	}
	return t.Dialogues().Start(t.Talk(), entryDialogue, nil)
}

// tapEntry takes a button of the entry. The dialogue's roles guard it (re-checked
// at every tap), and the command that starts it and its end are audited:
// a tap is not, or one application would fill the audit log.
func tapEntry(t *bot.Turn, args string) error {
	return t.TapStep(entryCallback, args)
}

// submitEntered turns the entry into a submitted application.
func submitEntered(c *dialogue.Context) error {
	t := bot.TurnOf(c)
	d, err := entry(t)
	if err != nil {
		return err
	}
	// The form's language is the one it was entered in, until she links
	// it and it takes hers.
	readyToSubmit(t, &d)
	d.EnteredBy = t.User.ID
	app, err := t.Tx.SubmitEntered(d, t.Now)
	if err != nil {
		return err
	}
	if err := t.Tx.DropEntry(t.User.ID); err != nil {
		return err
	}
	if err := t.Audit(bot.StaffOnly, "application entered", app.Code+" "+app.Source); err != nil {
		return err
	}
	t.Log().Info("application entered", "by", t.User.ID, "code", app.Code, "source", app.Source)
	t.Say("entry.saved", map[string]any{"Code": app.Code, "Source": t.Text("entry.via."+app.Source, nil), "Date": t.Date(app.ArrivedAt)})
	return nil
}

// leftEntry drops the entry on /cancel: nothing was submitted.
func leftEntry(c *dialogue.Context) error {
	t := bot.TurnOf(c)
	if err := t.Tx.DropEntry(t.User.ID); err != nil {
		return err
	}
	t.Say("entry.left", nil)
	return nil
}

// linkByContact links a woman who shared her own contact to the entered
// application with her number, if no one is linked to it yet and she has
// no application of her own: it becomes hers, and she is told its status.
// linked is false when there is nothing to link. Staff entering an
// application are not linked by a contact they share there; she is, in
// the form and in the dialogue that looks for her application
// (paperlink.go).
func linkByContact(t *bot.Turn) (linked bool, err error) {
	if t.Update.Kind != bot.KindContact || t.Update.ContactOwner != t.User.ID || t.User.ID == 0 {
		return false, nil
	}
	if d, _, err := t.Dialogues().Current(t.Talk()); err != nil || d != nil && d.Name != formDialogue && d.Name != paperLinkDialogue {
		return false, err
	}
	if _, err := t.Tx.ApplicationOf(t.User.ID); !bot.IsNotFound(err) {
		return false, err // she has one: nothing to link
	}
	phone, err := form.ParsePhone(t.Update.Phone)
	if err != nil {
		return false, nil
	}
	found, err := t.Tx.UnlinkedByPhone(phone)
	if bot.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if d, err := t.Tx.Draft(t.User.ID); err == nil {
		if err := dropNudge(t.Bot(), t.Tx, &d); err != nil { // her draft goes: no reminders to finish it
			return false, err
		}
	} else if !bot.IsNotFound(err) {
		return false, err
	}
	app, err := t.Tx.LinkApplication(found.Code, t.User.ID)
	if errors.Is(err, store.ErrLinked) || errors.Is(err, store.ErrAlreadySubmitted) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	app.Language = t.Lang() // her results come in her language
	if err := t.Tx.PutApplication(app); err != nil {
		return false, err
	}
	if app.Status == store.StatusAccepted && !app.PublishedAt.IsZero() && !t.User.HasRole(store.RoleParticipant) {
		t.User.Roles = append(t.User.Roles, store.RoleParticipant)
	}
	if err := dialoguesEnd(t); err != nil {
		return false, err
	}
	if err := t.Tx.Audit(store.AuditEntry{At: t.Now, UserID: t.User.ID, Action: "application linked", Detail: app.Code}); err != nil {
		return false, err
	}
	t.Log().Info("application linked", "user", t.User.ID, "code", app.Code)
	t.Queue(store.Outgoing{Kind: store.KindMessage, ChatID: t.Update.ChatID, RemoveKeyboard: true,
		Text: t.Text("app.linked", map[string]any{"Code": app.Code, "Source": t.Text("entry.via."+app.Source, nil)})})
	t.Send(applicationStatus(t, app), nil)
	return true, nil
}

// dialoguesEnd ends the form she was in, if any, and the search for her
// application over it: her application is here.
func dialoguesEnd(t *bot.Turn) error {
	for _, name := range []string{paperLinkDialogue, formDialogue} {
		if in, err := t.Dialogues().In(t.Talk(), name); !in || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		if err := t.Dialogues().End(t.Talk()); err != nil {
			return err
		}
	}
	return nil
}
