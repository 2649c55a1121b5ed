// Package applying is the part of the bot for stage I: the application
// form as a dialogue built from bot/form (one step per field, the summary,
// the answers to change), her draft and its reminders to finish
// (nudge.go), /withdraw, the start links that say where applicants come
// from (links.go, Sources), applications that came on paper or by e-mail
// (paper.go) and her way to hers (paperlink.go), and staff's /applications, /application and /export. It is
// the newcomer's home: the core's /start hands her to it once she has
// chosen her language and agreed (Feature.Home), and /help shows her
// application's status from it (Feature.Status).
package applying

import (
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/store"
)

// Prefixes of the summary's buttons, handled by the form.
const (
	prefixSummary = "sum"  // sum:submit, sum:edit
	prefixEdit    = "edit" // edit:FIELD, the answer to change
)

// Feature is the application form: her way in after the core's /start
// (Feature.Home), her buttons in the form and the summary, /withdraw,
// reminders to finish, paper entries, and staff's view of the
// applications.
var Feature = bot.Feature{
	Commands: []bot.Command{
		{Name: "withdraw", Run: askWithdraw, Help: true},
		{Name: "applications", Roles: bot.StaffOnly, Run: bot.FirstPage("apps"), Help: true, Menu: true},
		{Name: "application", Roles: bot.StaffOnly, Run: showApplication, Help: true},
		{Name: "application_add", Roles: bot.StaffOnly, Run: addApplication, Help: true},
		{Name: "export", Roles: bot.StaffOnly, Run: exportApplications, Help: true, Menu: true},
	},
	Buttons: []bot.Button{
		{Prefix: formCallback, Run: tapForm(formCallback)},
		{Prefix: prefixSummary, Run: tapForm(prefixSummary)},
		{Prefix: prefixEdit, Run: tapForm(prefixEdit)},
		{Prefix: prefixWithdraw, Run: tapWithdraw},
		{Prefix: prefixNudge, Run: tapNudge},
		// Staff's entry of a paper application: the dialogue's roles
		// guard it (see tapEntry).
		{Prefix: entryCallback, Run: tapEntry},
		{Prefix: prefixPaperLink, Run: tapPaperLink},
	},
	Dialogues: []*dialogue.Dialogue{applicationDialogue, entryApplicationDialogue, paperLinkFlow},
	Lists:     map[string]bot.PagedList{"apps": {Size: 20, Page: listApplications, File: exportApplications}},
	Tables:    map[string]func(*bot.Turn, string) (bot.FileTable, error){"applications": exportApplicationsTable},
	Due: map[store.DueKind]bot.DueFunc{store.DueFinish: func(b *bot.Bot, tx *store.Tx, d store.Due, now time.Time) (int, error) {
		return deliverNudge(b, tx, d, now)
	}},
	Before: movedFromOldForm,
	Input:  linkByContact,
	Status: status,
	Home:   &bot.Home{Dialogue: formDialogue, Resume: resumeForm, Again: leftFormOrResume},
}

// tapForm takes a button of the application form: "f:<field>:<value>",
// and the summary's "sum:<value>" and "edit:<field>" (the data the bot
// before the dialogue engine gave them, so a summary she had open then
// still works).
func tapForm(prefix string) func(*bot.Turn, string) error {
	return func(t *bot.Turn, args string) error {
		switch prefix {
		case prefixSummary:
			args = stepSummary + ":" + args
		case prefixEdit:
			args = stepChange + ":" + args
		}
		return t.TapStep(formCallback, args)
	}
}

// The application form is a dialogue on the engine: one step per row of
// form.Fields (so adding a question is one row in bot/form plus its
// texts), then the summary and the choice of an answer to change. Her
// answers live in her draft, where staff and the exports find them
// (draftKeeper); the conversation record holds only her place.
const (
	formDialogue = "application"
	// formCallback starts the data of the form's buttons, named by step:
	// "f:<field>:<value>", as the bot before the engine wrote them; the
	// summary's are "sum:<value>" and the change list's "edit:<field>".
	formCallback = "f"
	// stepSummary shows her answers with Change and Submit; stepChange
	// lists the answers she can change.
	stepSummary = "summary"
	stepChange  = "change"
)

// applicationDialogue is the form, derived from form.Fields.
var applicationDialogue = &dialogue.Dialogue{
	Name:     formDialogue,
	Version:  1,
	Callback: formCallback,
	Steps:    formSteps(),
	Keep:     draftKeeper{},
	Open:     formOpen,
	Finish:   submitApplication,
	Left:     leftForm,
	// Leaving loses nothing but an essay written and not yet Done: her
	// answers stay in the draft.
	Lost: func(c *dialogue.Context) bool { return c.Step() == "essay" && c.Partial() != "" },
}

// formSteps are the form's fields, the summary and the change list.
func formSteps() []dialogue.Step {
	var steps []dialogue.Step
	for _, f := range form.Fields {
		steps = append(steps, fieldStep(f))
		if f.Kind == form.Date {
			steps = append(steps, centuryStep(f))
		}
	}
	return append(steps,
		dialogue.Step{ID: stepSummary, Takes: dialogue.Buttons, KeepText: true, Callback: "sum",
			Prompt: func(c *dialogue.Context) string { return bot.TurnOf(c).SummaryText(c.Answers, true, 1) },
			Options: func(*dialogue.Context) []dialogue.Option {
				return []dialogue.Option{{Value: "edit", Label: "summary.edit"}, {Value: "submit", Label: "summary.submit"}}
			},
			Next: func(c *dialogue.Context) string {
				if c.Answers[stepSummary] == "edit" {
					return stepChange
				}
				if f, missing := form.NextMissing(c.Answers); missing {
					return f.ID
				}
				return dialogue.End
			}},
		dialogue.Step{ID: stepChange, Takes: dialogue.Buttons, Ask: "summary.pick", Options: changeOptions, InPlace: true, KeepText: true, Callback: "edit",
			Next: func(c *dialogue.Context) string { return c.Answers[stepChange] }},
	)
}

// fieldStep is the step asking field f.
func fieldStep(f form.Field) dialogue.Step {
	s := dialogue.Step{ID: f.ID, Prompt: func(c *dialogue.Context) string { return fieldPrompt(c, f) }, Next: afterField}
	if f.OnlyIf != "" || f.Given != "" {
		// A follow-up is asked after its "yes"; an answer the form gives
		// itself is never asked (its step stays for a conversation kept
		// from before, which goes on from it).
		s.Applies = func(c *dialogue.Context) bool { return f.Asked(c.Answers) }
	}
	if f.Check != nil {
		s.Check = func(c *dialogue.Context, answer string) error { return f.Check(answer, bot.TurnOf(c).FormRules()) }
	}
	switch f.Kind {
	case form.Text, form.LongText:
		s.Takes, s.Max = dialogue.Text, f.Max
		check := s.Check
		s.Check = func(c *dialogue.Context, answer string) error {
			if err := form.Words(answer); err != nil {
				return err // "2" is not her name
			}
			if check != nil {
				return check(c, answer)
			}
			return nil
		}
		if f.Offers != nil {
			s.Options = func(c *dialogue.Context) []dialogue.Option {
				var opts []dialogue.Option
				for i, id := range f.Offers(c.Answers) {
					key := "form." + f.ID + ".opt." + id
					opts = append(opts, dialogue.Option{Value: id, Label: key, Gives: c.Text(key, nil), Beside: i%2 == 1})
				}
				return opts
			}
		}
	case form.YesNo:
		s.Takes = dialogue.Buttons
		s.Options = func(*dialogue.Context) []dialogue.Option {
			return []dialogue.Option{{Value: form.Yes, Label: "answer.yes"}, {Value: form.No, Label: "answer.no", Beside: true}}
		}
		s.Parse = func(c *dialogue.Context) (string, error) {
			if v, ok := form.YesNoAnswer(c.In.Text); ok && c.In.Typed && c.In.Media == nil {
				return v, nil
			}
			return "", &form.Invalid{Key: "input.use_buttons"}
		}
	case form.Choice:
		s.Takes = dialogue.Buttons
		s.Options = func(*dialogue.Context) []dialogue.Option {
			var opts []dialogue.Option
			for i, o := range f.Options {
				opts = append(opts, dialogue.Option{Value: o, Label: "form." + f.ID + ".opt." + o, Beside: i%2 == 1})
			}
			return opts
		}
	case form.Date:
		s.Takes, s.Parse = dialogue.Date, readBirthDate
		if check := s.Check; check != nil {
			s.Check = func(c *dialogue.Context, answer string) error {
				if _, _, unsure := form.UnsureDate(answer); unsure {
					return nil // the century step checks the year she picks
				}
				return check(c, answer)
			}
		}
		s.Next = func(c *dialogue.Context) string {
			if _, _, unsure := form.UnsureDate(c.Answers[f.ID]); unsure {
				return stepBirthCentury // also when she changes it from the summary
			}
			return afterField(c)
		}
	case form.Phone:
		s.Takes, s.Share, s.Parse = dialogue.Phone, "form.phone.share", readPhone
		s.Taken = func(c *dialogue.Context, phone string) error {
			// Hide the "share my number" keyboard now that it did its job.
			t := bot.TurnOf(c)
			t.Queue(store.Outgoing{Kind: store.KindMessage, ChatID: t.Update.ChatID, RemoveKeyboard: true,
				Text: t.Text("form.phone.saved", map[string]any{"Phone": phone})})
			return nil
		}
	case form.WhatsApp:
		s.Takes, s.Parse = dialogue.Text, readWhatsApp
		s.Options = func(c *dialogue.Context) []dialogue.Option {
			if _, err := form.ParseWhatsApp(c.Answers["phone"]); err != nil {
				return nil // none yet, or a landline: WhatsApp needs a mobile
			}
			return []dialogue.Option{{Value: "same", Label: "form.whatsapp.same", Gives: c.Answers["phone"]}}
		}
	case form.Email:
		s.Takes, s.Skip = dialogue.Text, "form.email.skip"
		s.Parse = typedWith(form.ParseEmail)
	case form.Checklist:
		s.Takes, s.Done, s.All = dialogue.Checklist, "answer.done", "form."+f.ID+".all"
		none := "form." + f.ID + ".none" // asked again kindly: she ticked nothing
		s.Check = func(_ *dialogue.Context, ticked string) error {
			if ticked == "" {
				return &form.Invalid{Key: none}
			}
			return nil
		}
		s.Options = func(*dialogue.Context) []dialogue.Option {
			var opts []dialogue.Option
			for _, item := range f.Items {
				opts = append(opts, dialogue.Option{Value: item, Label: "form." + item + ".short"})
			}
			return opts
		}
	case form.Essay:
		s.Takes, s.Done = dialogue.MultiPart, "answer.done"
		s.Parts = &dialogue.Parts{Sep: "\n\n", MaxPart: bot.MaxMessage,
			Clear: "form.essay.clear", Keep: "form.essay.keep", Empty: "form.essay.empty", Cleared: "form.essay.cleared",
			ClearYes: "form.essay.clear_yes", ClearNo: "form.essay.clear_no",
			ClearAsk: func(c *dialogue.Context, whole string) string {
				t := bot.TurnOf(c)
				return t.Texts().Plural(t.Lang(), "form.essay.clear_ask", form.CountWords(whole), nil)
			},
			Check: func(c *dialogue.Context, whole string) error {
				if words := form.CountWords(whole); words > form.MaxEssayWords {
					return &form.Invalid{Key: "form.essay.too_long", Data: map[string]any{"Words": words, "Max": form.MaxEssayWords, "Have": form.CountWords(c.Partial())}}
				}
				return nil
			},
			Receipt: func(c *dialogue.Context, whole string) string {
				t := bot.TurnOf(c)
				return t.Texts().Plural(t.Lang(), "form.essay.received", form.CountWords(whole), essayRoom(whole))
			}}
		s.Before = func(c *dialogue.Context) {
			// Back at an essay she wrote: how long it is, before she
			// replaces or keeps it.
			if essay := c.Answers[f.ID]; essay != "" && c.Partial() == "" && !c.Repeated() {
				t := bot.TurnOf(c)
				t.Send(t.Texts().Plural(t.Lang(), "form.essay.current", form.CountWords(essay), essayRoom(essay)), nil)
			}
		}
	}
	return s
}

// fieldPrompt is the question of f under its progress mark ("Бөлүм 3/8 ·
// 14/25", counted over the questions she is asked); the first question
// of a section carries the section's title, unless she is asked it
// again. An essay begun shows how much of it is saved.
func fieldPrompt(c *dialogue.Context, f form.Field) string {
	t := bot.TurnOf(c)
	n, total := form.Position(f.ID, c.Answers)
	head := c.Text("form.mark", map[string]any{"Section": f.Section, "Sections": form.Sections, "N": n, "Total": total})
	if !c.Repeated() && firstOfSection(f, c.Answers) {
		head += "\n" + c.Text(fmt.Sprintf("form.section.%d", f.Section), nil)
	}
	q := c.Text("form."+f.ID+".ask", formYears(t))
	if have := c.Partial(); f.Kind == form.Essay && have != "" {
		q += "\n\n" + t.Texts().Plural(t.Lang(), "form.essay.so_far", form.CountWords(have), essayRoom(have))
	}
	return head + "\n\n" + q
}

// essayRoom are the placeholders of the essay's counts: the limit, and
// the words she may still write.
func essayRoom(essay string) map[string]any {
	return map[string]any{"Max": form.MaxEssayWords, "Left": max(0, form.MaxEssayWords-form.CountWords(essay))}
}

// formYears are the years a question names, following the run: the
// "last two years" before the deadline are its year and the one before.
func formYears(t *bot.Turn) map[string]any {
	year := t.School().Deadline.In(t.School().Location).Year()
	return map[string]any{"From": year - 1, "To": year}
}

// afterField is the step after a field: the next row that applies; or,
// once she has seen the summary and changes an answer from it, a newly
// needed follow-up, then the summary again.
func afterField(c *dialogue.Context) string {
	if !c.Came(stepSummary) {
		return ""
	}
	if f, missing := form.NextMissing(c.Answers); missing {
		return f.ID
	}
	return stepSummary
}

// readPhone reads her phone number, shared or typed. A contact card that
// is not hers (picked from her address book instead of her own number)
// is not taken: she is asked for her own.
func readPhone(c *dialogue.Context) (string, error) {
	if c.In.Contact != "" && !c.In.Own {
		return "", &form.Invalid{Key: "form.phone.not_own"}
	}
	return readNumber(c, form.ParsePhone)
}

// readWhatsApp reads her WhatsApp number, typed or from a contact card:
// a card of someone else is taken here, because on a phone the family
// shares her WhatsApp may well be a relative's, and she could type it
// anyway.
func readWhatsApp(c *dialogue.Context) (string, error) {
	return readNumber(c, form.ParseWhatsApp)
}

// readNumber reads a number with parse, from a contact card or typed.
func readNumber(c *dialogue.Context, parse func(string) (string, error)) (string, error) {
	if c.In.Contact != "" {
		return parse(c.In.Contact)
	}
	return typedWith(parse)(c)
}

// typedWith is a Parse reading what she typed with parse.
func typedWith(parse func(string) (string, error)) func(*dialogue.Context) (string, error) {
	return func(c *dialogue.Context) (string, error) {
		text, err := dialogue.Typed(c)
		if err != nil {
			return "", err
		}
		return parse(text)
	}
}

// readBirthDate reads her birth date; a two-digit year whose century is
// unsure gives both readings as one answer (form.Centuries), for the
// century step to ask.
func readBirthDate(c *dialogue.Context) (string, error) {
	text, err := dialogue.Typed(c)
	if err != nil {
		return "", err
	}
	days, err := form.ParseBirthDate(text, bot.TurnOf(c).FormRules())
	if err != nil {
		return "", err
	}
	if len(days) == 2 {
		return form.Centuries(days[0], days[1]), nil
	}
	return days[0].Format(form.DateLayout), nil
}

// stepBirthCentury asks, by two buttons, which century a two-digit year
// means, when form.ParseBirthDate cannot tell; it applies only then. The
// year she picks goes through the birth date's own check and becomes the
// birth date (draftKeeper); Back from the next question passes over it,
// to the birth date.
const stepBirthCentury = "birth_century"

// birthDateUnsure keeps in her draft the two readings of a birth date
// while she is asked the century, so that the question's buttons still
// work after a restart; the birth date itself stays unanswered until
// then.
const birthDateUnsure = "birth_date_unsure"

// centuryStep is the century question after date field f.
func centuryStep(f form.Field) dialogue.Step {
	unsure := func(c *dialogue.Context) (early, late string, ok bool) { return form.UnsureDate(c.Answers[f.ID]) }
	return dialogue.Step{ID: stepBirthCentury, Takes: dialogue.Buttons, Again: "form.birth_century.again", Next: afterField,
		Applies: func(c *dialogue.Context) bool { _, _, ok := unsure(c); return ok },
		Prompt: func(c *dialogue.Context) string {
			early, late, _ := unsure(c)
			return c.Text("form.birth_century.ask", map[string]any{"Typed": shortDate(early), "Early": early[:4], "Late": late[:4]})
		},
		Options: func(c *dialogue.Context) []dialogue.Option {
			early, late, ok := unsure(c)
			if !ok {
				return nil
			}
			return []dialogue.Option{{Value: early, Label: early[:4], Raw: true}, {Value: late, Label: late[:4], Raw: true, Beside: true}}
		},
		// A year typed as its button says, or the whole date again with
		// four digits, is taken too.
		Parse: func(c *dialogue.Context) (string, error) {
			early, late, _ := unsure(c)
			if !c.In.Typed || c.In.Media != nil {
				return "", &form.Invalid{Key: "input.use_buttons"}
			}
			switch strings.TrimSpace(c.In.Text) {
			case early[:4]:
				return early, nil
			case late[:4]:
				return late, nil
			}
			days, err := form.ParseBirthDate(c.In.Text, bot.TurnOf(c).FormRules())
			switch {
			case err != nil:
				return "", err
			case len(days) != 1:
				return "", &form.Invalid{} // unsure again: the question in short says it
			}
			return days[0].Format(form.DateLayout), nil
		},
		Check: func(c *dialogue.Context, answer string) error {
			if f.Check == nil {
				return nil
			}
			return f.Check(answer, bot.TurnOf(c).FormRules())
		}}
}

// shortDate writes a stored date as she typed it with two digits of the
// year: "05.05.15".
func shortDate(stored string) string {
	day, err := time.Parse(form.DateLayout, stored)
	if err != nil {
		return stored
	}
	return day.Format("02.01.06")
}

// changeOptions list the questions she can change, two per row.
func changeOptions(c *dialogue.Context) []dialogue.Option {
	var opts []dialogue.Option
	for _, f := range form.Fields {
		if f.Asked(c.Answers) {
			opts = append(opts, dialogue.Option{Value: f.ID, Raw: true, Beside: len(opts)%2 == 1,
				Label: c.Text("form."+f.ID+".label", nil)})
		}
	}
	return opts
}

// firstOfSection reports whether f opens its section for her: no earlier
// field of the section applies.
func firstOfSection(f form.Field, answers map[string]string) bool {
	for _, g := range form.Fields {
		if g.ID == f.ID {
			return true
		}
		if g.Section == f.Section && g.Asked(answers) {
			return false
		}
	}
	return false
}

// formOpen lets the form go on until the deadline; after it she is told
// so politely, and her answers stay.
func formOpen(c *dialogue.Context) bool {
	t := bot.TurnOf(c)
	if t.Closed() {
		t.SayClosed()
		return false
	}
	return true
}

// leftForm tells her that /cancel kept her answers.
func leftForm(c *dialogue.Context) error {
	t := bot.TurnOf(c)
	t.Queue(store.Outgoing{Kind: store.KindMessage, ChatID: t.Update.ChatID, Text: t.Text("form.left", nil), RemoveKeyboard: true})
	return nil
}

// draftKeeper keeps the form's answers in her application draft. A
// checklist is one answer for the dialogue (the items ticked) and one
// yes/no answer per item in the draft.
type draftKeeper struct{}

func (draftKeeper) Load(c *dialogue.Context) (map[string]string, error) {
	d, err := draft(bot.TurnOf(c))
	if err != nil {
		return nil, err
	}
	return formAnswers(d), nil
}

func (draftKeeper) Save(c *dialogue.Context, answers map[string]string) error {
	t := bot.TurnOf(c)
	d, err := draft(t)
	if err != nil {
		return err
	}
	keepAnswers(&d, answers)
	return saveDraft(t, d)
}

// formAnswers are the answers of application d as the form's dialogue
// holds them.
func formAnswers(d store.Application) map[string]string {
	answers := maps.Clone(d.Answers)
	if answers == nil {
		answers = map[string]string{}
	}
	for _, f := range form.Fields {
		if f.Kind == form.Checklist && f.Answered(answers) {
			answers[f.ID] = ticks(f, answers)
		}
	}
	if v, ok := answers[birthDateUnsure]; ok {
		delete(answers, birthDateUnsure)
		answers["birth_date"] = v
	}
	return answers
}

// keepAnswers puts the dialogue's answers into application d, as the
// form's fields store them; answers that are not the form's are left out.
func keepAnswers(d *store.Application, answers map[string]string) {
	for _, f := range form.Fields {
		if v, ok := answers[f.ID]; ok && f.Kind == form.Checklist {
			for _, item := range f.Items {
				answers[item] = form.No
				if dialogue.Ticked(v, item) {
					answers[item] = form.Yes
				}
			}
		}
	}
	if v, ok := answers[stepBirthCentury]; ok {
		delete(answers, stepBirthCentury)
		answers["birth_date"] = v // the century she picked
	}
	form.Prune(answers)
	d.Answers = map[string]string{}
	for _, f := range form.Fields {
		keys := []string{f.ID}
		if f.Kind == form.Checklist {
			keys = f.Items
		}
		for _, k := range keys {
			if v, ok := answers[k]; ok {
				d.Answers[k] = v
			}
		}
	}
	if _, _, unsure := form.UnsureDate(d.Answers["birth_date"]); unsure {
		// Not a birth date yet: the readings wait for the century step.
		d.Answers[birthDateUnsure] = d.Answers["birth_date"]
		delete(d.Answers, "birth_date")
	}
}

// ticks are the items of checklist f answered yes, as the dialogue's
// checklist answers.
func ticks(f form.Field, answers map[string]string) string {
	var out string
	for _, item := range f.Items {
		if answers[item] == form.Yes {
			if out != "" {
				out += ","
			}
			out += item
		}
	}
	return out
}

// formPlace is where she goes on in the form, given her draft: at step
// (the first question still open, or the summary; or the step given),
// having come through every question before it that applies.
func formPlace(answers map[string]string, step string) (string, []string) {
	if step == "" {
		step = stepSummary
		if f, missing := form.NextMissing(answers); missing {
			step = f.ID
		}
	}
	var path []string
	for _, f := range form.Fields {
		if f.ID == step {
			break
		}
		if f.Asked(answers) {
			path = append(path, f.ID)
		}
	}
	return step, path
}

// draft loads her application draft, starting one if she has none.
func draft(t *bot.Turn) (store.Application, error) {
	d, err := t.Tx.Draft(t.User.ID)
	if bot.IsNotFound(err) {
		return store.Application{UserID: t.User.ID, Language: t.Lang(), Answers: map[string]string{}, StartedAt: t.Now}, nil
	}
	return d, err
}

// saveDraft keeps her answers. An answer is also what her reminders to
// finish count from (nudge.go): the next is planned again here.
func saveDraft(t *bot.Turn, d store.Application) error {
	d.Language = t.Lang()
	d.UpdatedAt = t.Now
	if d.Source == "" {
		d.Source = t.User.Source
	}
	cameBack(&d, t.Now)
	if err := planNudge(t.Bot(), t.Tx, &d, t.Now); err != nil {
		return err
	}
	return t.Tx.PutDraft(d)
}

// goOnWithForm puts her back in the form where her draft says, asking the
// question as a new one.
func goOnWithForm(t *bot.Turn, d store.Application) error {
	step, path := formPlace(d.Answers, "")
	return t.Dialogues().Place(t.Talk(), formDialogue, step, path, "", true)
}

// movedFromOldForm moves a woman the bot before the dialogue engine left
// in the middle of the form (User.Step a field ID or "summary", checklist
// ticks or essay parts in the draft's Pending) onto the engine, at the
// question she was on; the next thing she sends goes on from there.
func movedFromOldForm(t *bot.Turn) error {
	step := t.User.Step
	if _, isField := form.ByID(step); !isField && step != stepSummary {
		return nil
	}
	t.User.Step, t.User.Editing = "", false
	if d, _, err := t.Dialogues().Current(t.Talk()); d != nil || err != nil {
		return err
	}
	d, err := draft(t)
	if err != nil {
		return err
	}
	partial := d.Pending
	if d.Pending != "" {
		d.Pending = ""
		if err := t.Tx.PutDraft(d); err != nil {
			return err
		}
	}
	step, path := formPlace(d.Answers, step)
	return t.Dialogues().Place(t.Talk(), formDialogue, step, path, partial, false)
}

// readyToSubmit gives application d, about to be submitted, the
// language it goes on in and the category her birth date puts her in.
func readyToSubmit(t *bot.Turn, d *store.Application) {
	d.Language = t.Lang()
	d.Category = store.Category(form.Category(d.Answers["birth_date"], t.FormRules()))
}

// submitApplication turns the draft into an application with a code.
func submitApplication(c *dialogue.Context) error {
	t := bot.TurnOf(c)
	d, err := draft(t)
	if err != nil {
		return err
	}
	readyToSubmit(t, &d)
	if d.Source == "" {
		d.Source = t.User.Source
	}
	if err := dropNudge(t.Bot(), t.Tx, &d); err != nil { // no more reminders to finish
		return err
	}
	app, err := t.Tx.Submit(d, t.Now)
	if err != nil {
		return fmt.Errorf("submit application of user %d: %w", t.User.ID, err)
	}
	t.Say("app.submitted", map[string]any{"Code": app.Code})
	return nil
}
