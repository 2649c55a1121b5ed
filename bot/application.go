package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/store"
)

// The application form: her way in (/start, in coreFeature), her buttons
// in the form and the summary, /withdraw, and staff's view of the
// applications.
var applyingFeature = Feature{
	Commands: []Command{
		{Name: "withdraw", Run: (*turn).askWithdraw, Help: true},
		{Name: "applications", Roles: staffOnly, Run: firstPage("apps"), Help: true, Menu: true},
		{Name: "application", Roles: staffOnly, Run: (*turn).showApplication, Help: true},
		{Name: "export", Roles: staffOnly, Run: (*turn).exportApplications, Help: true, Menu: true},
	},
	Buttons: []Button{
		{Prefix: prefixConsent, Run: (*turn).consent},
		{Prefix: prefixField, Run: (*turn).tapField},
		{Prefix: prefixSummary, Run: (*turn).tapSummary},
		{Prefix: prefixEdit, Run: (*turn).tapEdit},
		{Prefix: prefixWithdraw, Run: (*turn).tapWithdraw},
	},
}

// prefixField is a button answering a form question: f:FIELD:OPTION.
const prefixField = "f"

// draft loads her application draft, starting one if she has none.
func (t *turn) draft() (store.Application, error) {
	d, err := t.tx.Draft(t.user.ID)
	if isNotFound(err) {
		return store.Application{UserID: t.user.ID, Language: t.lang(), Answers: map[string]string{}, StartedAt: t.now}, nil
	}
	return d, err
}

// openDraft loads her draft, unless the deadline has passed: then she is
// told so politely and open is false. Her answers stay either way.
func (t *turn) openDraft() (d store.Application, open bool, err error) {
	if t.closed() {
		t.sayClosed()
		return d, false, nil
	}
	d, err = t.draft()
	return d, err == nil, err
}

func (t *turn) saveDraft(d store.Application) error {
	d.Language = t.lang()
	d.UpdatedAt = t.now
	return t.tx.PutDraft(d)
}

// nextStep is the step after the answers in d: the first question still
// open, or the summary.
func nextStep(d store.Application) string {
	if f, ok := form.NextMissing(d.Answers); ok {
		return f.ID
	}
	return stepSummary
}

// currentField is the form field she is answering, if she is on one.
func (t *turn) currentField() (form.Field, bool) { return form.ByID(t.user.Step) }

// askCurrent asks the question she is on.
func (t *turn) askCurrent(d store.Application) error {
	f, ok := t.currentField()
	if !ok {
		t.user.Step = nextStep(d)
		if t.user.Step == stepSummary {
			t.showSummary(d)
			return nil
		}
		f, _ = t.currentField()
	}
	t.ask(f, d)
	return nil
}

// ask sends one question, with the buttons its kind needs. The first
// question of a section carries the section's title.
func (t *turn) ask(f form.Field, d store.Application) {
	q := t.text("form."+f.ID+".ask", nil)
	if f.ID != t.askedBefore && firstOfSection(f, d.Answers) {
		q = t.text(fmt.Sprintf("form.section.%d", f.Section), nil) + "\n\n" + q
	}
	switch f.Kind {
	case form.YesNo:
		t.send(q, [][]store.Button{{t.button("answer.yes", fieldData(f, form.Yes)), t.button("answer.no", fieldData(f, form.No))}})
	case form.Choice:
		t.send(q, t.optionButtons(f))
	case form.Checklist:
		t.send(q, t.checklistButtons(f, d.Pending))
	case form.Phone:
		t.out = append(t.out, store.Outgoing{Kind: store.KindMessage, ChatID: t.u.ChatID, Text: q, ContactButton: t.text("form.phone.share", nil)})
	case form.WhatsApp:
		t.send(q, [][]store.Button{{t.button("form.whatsapp.same", fieldData(f, "same"))}})
	case form.Email:
		t.send(q, [][]store.Button{{t.button("form.email.skip", fieldData(f, "skip"))}})
	case form.Essay:
		t.send(q, t.essayButtons(d))
	default:
		t.send(q, nil)
	}
}

// firstOfSection reports whether f opens its section for her: no earlier
// field of the section applies.
func firstOfSection(f form.Field, answers map[string]string) bool {
	for _, g := range form.Fields {
		if g.ID == f.ID {
			return true
		}
		if g.Section == f.Section && g.Applies(answers) {
			return false
		}
	}
	return false
}

func fieldData(f form.Field, value string) string { return "f:" + f.ID + ":" + value }

func (t *turn) optionButtons(f form.Field) [][]store.Button {
	var rows [][]store.Button
	for i, opt := range f.Options {
		b := t.button("form."+f.ID+".opt."+opt, fieldData(f, opt))
		if i%2 == 0 {
			rows = append(rows, []store.Button{b})
		} else {
			rows[len(rows)-1] = append(rows[len(rows)-1], b)
		}
	}
	return rows
}

// checklistButtons shows each item as ✅ or ⬜, one per row, then Done.
func (t *turn) checklistButtons(f form.Field, ticked string) [][]store.Button {
	var rows [][]store.Button
	for i, item := range f.Items {
		mark := "⬜ "
		if isTicked(ticked, item) {
			mark = "✅ "
		}
		label := mark + t.text("form."+item+".short", nil)
		rows = append(rows, []store.Button{{Text: label, Data: fieldData(f, fmt.Sprintf("t%d", i))}})
	}
	return append(rows, []store.Button{t.button("answer.done", fieldData(f, "done"))})
}

func isTicked(ticked, item string) bool {
	for _, s := range strings.Split(ticked, ",") {
		if s == item {
			return true
		}
	}
	return false
}

func toggle(ticked, item string) string {
	var keep []string
	found := false
	for _, s := range strings.Split(ticked, ",") {
		switch {
		case s == "":
		case s == item:
			found = true
		default:
			keep = append(keep, s)
		}
	}
	if !found {
		keep = append(keep, item)
	}
	return strings.Join(keep, ",")
}

// essayButtons offers Done once there is text, Start over, and Keep while
// she is replacing an essay she already wrote.
func (t *turn) essayButtons(d store.Application) [][]store.Button {
	f, _ := form.ByID("essay")
	var row []store.Button
	if d.Pending != "" {
		row = append(row, t.button("answer.done", fieldData(f, "done")), t.button("form.essay.clear", fieldData(f, "clear")))
	} else if d.Answers[f.ID] != "" {
		row = append(row, t.button("form.essay.keep", fieldData(f, "keep")))
	}
	if row == nil {
		return nil
	}
	return [][]store.Button{row}
}

// answer takes what she sent while on a step: the dialogue's fallback.
func (t *turn) answer() error {
	if handled, err := dialogues.Take(t.talk(), t.input()); handled || err != nil {
		return err
	}
	f, ok := t.currentField()
	if !ok && t.user.Step == "" && len(t.workRoles()) > 0 {
		t.help()
		return nil
	}
	if !ok {
		if t.user.Step == stepSummary {
			t.say("input.use_buttons", nil)
		}
		return t.reask()
	}
	d, open, err := t.openDraft()
	if !open {
		return err
	}
	if f.Kind == form.Essay && t.u.Kind == KindText {
		return t.collectEssay(&d)
	}
	value, err := t.parse(f)
	var invalid *form.Invalid
	switch {
	case errors.As(err, &invalid):
		t.say(invalid.Key, invalid.Data)
		t.ask(f, d)
		return nil
	case err != nil:
		return err
	}
	return t.accept(f, &d, value)
}

// parse turns what she sent into the answer to f, or explains why not.
func (t *turn) parse(f form.Field) (string, error) {
	if f.Kind == form.Phone || f.Kind == form.WhatsApp {
		if t.u.Kind == KindContact {
			return form.ParsePhone(t.u.Phone)
		}
	}
	if t.u.Kind != KindText {
		return "", &form.Invalid{Key: "input.need_text"}
	}
	switch f.Kind {
	case form.Text, form.LongText:
		return form.CleanText(t.u.Text, f.Max)
	case form.Date:
		day, err := form.ParseDate(t.u.Text, t.Location)
		if err != nil {
			return "", err
		}
		return day.Format(form.DateLayout), nil
	case form.Phone, form.WhatsApp:
		return form.ParsePhone(t.u.Text)
	case form.Email:
		return form.ParseEmail(t.u.Text)
	case form.YesNo:
		if v, ok := form.YesNoAnswer(t.u.Text); ok {
			return v, nil
		}
	case form.Choice:
		for _, opt := range f.Options {
			if label, _ := t.optionLabel(f, opt); strings.EqualFold(strings.TrimSpace(t.u.Text), label) {
				return opt, nil
			}
		}
	}
	return "", &form.Invalid{Key: "input.use_buttons"}
}

// collectEssay adds one message to the essay she is writing, refusing it
// when the whole would pass the form's limit.
func (t *turn) collectEssay(d *store.Application) error {
	part, err := form.CleanText(t.u.Text, MaxMessage)
	var invalid *form.Invalid
	if errors.As(err, &invalid) {
		t.send(t.text(invalid.Key, invalid.Data), t.essayButtons(*d))
		return nil
	}
	joined := part
	if d.Pending != "" {
		joined = d.Pending + "\n\n" + part
	}
	words := form.CountWords(joined)
	if words > form.MaxEssayWords {
		t.send(t.text("form.essay.too_long", map[string]any{"Words": words, "Max": form.MaxEssayWords, "Have": form.CountWords(d.Pending)}), t.essayButtons(*d))
		return nil
	}
	d.Pending = joined
	t.send(t.Texts.Plural(t.lang(), "form.essay.received", words, map[string]any{"Max": form.MaxEssayWords}), t.essayButtons(*d))
	return t.saveDraft(*d)
}

// accept checks eligibility, stores the answer and moves on.
func (t *turn) accept(f form.Field, d *store.Application, value string) error {
	if f.Check != nil {
		if err := f.Check(value, t.formRules()); err != nil {
			var invalid *form.Invalid
			if !errors.As(err, &invalid) {
				return err
			}
			t.say(invalid.Key, invalid.Data)
			t.ask(f, *d)
			return nil
		}
	}
	d.Answers[f.ID] = value
	form.Prune(d.Answers)
	if f.Kind == form.Phone {
		// Hide the "share my number" keyboard now that it did its job.
		t.out = append(t.out, store.Outgoing{Kind: store.KindMessage, ChatID: t.u.ChatID, Text: t.text("form.phone.saved", map[string]any{"Phone": value}), RemoveKeyboard: true})
	}
	return t.advance(d)
}

// advance saves the draft and asks the next open question: after an edit
// from the summary, only a newly needed follow-up comes before the summary.
func (t *turn) advance(d *store.Application) error {
	d.Pending = ""
	t.user.Step = nextStep(*d)
	if t.user.Step == stepSummary {
		t.user.Editing = false
	}
	if err := t.saveDraft(*d); err != nil {
		return err
	}
	return t.askCurrent(*d)
}

// tapField takes a button of a question: "field:value".
func (t *turn) tapField(args string) error {
	id, value, _ := strings.Cut(args, ":")
	f, ok := t.currentField()
	if !ok || f.ID != id {
		return t.oldButton()
	}
	d, open, err := t.openDraft()
	if !open {
		return err
	}
	switch f.Kind {
	case form.YesNo, form.Choice:
		return t.tapOption(f, &d, value)
	case form.Checklist:
		return t.tapChecklist(f, &d, value)
	case form.WhatsApp:
		if value == "same" && d.Answers["phone"] != "" {
			t.toast("")
			return t.accept(f, &d, d.Answers["phone"])
		}
	case form.Email:
		if value == "skip" {
			t.toast("")
			return t.accept(f, &d, "")
		}
	case form.Essay:
		return t.tapEssay(f, &d, value)
	}
	return t.oldButton()
}

// tapOption takes a yes/no or choice button, and marks the question's
// message with her answer so its buttons cannot be tapped again.
func (t *turn) tapOption(f form.Field, d *store.Application, value string) error {
	label, ok := t.optionLabel(f, value)
	if !ok {
		return t.oldButton()
	}
	t.toast("")
	if f.Check == nil || f.Check(value, t.formRules()) == nil {
		t.edit(t.text("form."+f.ID+".ask", nil)+"\n\n→ "+label, nil)
	}
	return t.accept(f, d, value)
}

func (t *turn) optionLabel(f form.Field, value string) (string, bool) {
	if f.Kind == form.YesNo {
		switch value {
		case form.Yes:
			return t.text("answer.yes", nil), true
		case form.No:
			return t.text("answer.no", nil), true
		}
		return "", false
	}
	for _, opt := range f.Options {
		if opt == value {
			return t.text("form."+f.ID+".opt."+opt, nil), true
		}
	}
	return "", false
}

// tapChecklist toggles an item in place, or takes the list on Done.
func (t *turn) tapChecklist(f form.Field, d *store.Application, value string) error {
	t.toast("")
	if value == "done" {
		for _, item := range f.Items {
			d.Answers[item] = form.No
			if isTicked(d.Pending, item) {
				d.Answers[item] = form.Yes
			}
		}
		t.edit(t.text("form."+f.ID+".ask", nil)+"\n\n"+t.checklistSummary(f, d.Answers), nil)
		return t.advance(d)
	}
	var i int
	if _, err := fmt.Sscanf(value, "t%d", &i); err != nil || i < 0 || i >= len(f.Items) {
		return t.oldButton()
	}
	d.Pending = toggle(d.Pending, f.Items[i])
	t.edit(t.text("form."+f.ID+".ask", nil), t.checklistButtons(f, d.Pending))
	return t.saveDraft(*d)
}

// tapEssay finishes, restarts or keeps the essay.
func (t *turn) tapEssay(f form.Field, d *store.Application, value string) error {
	t.toast("")
	switch value {
	case "done":
		if d.Pending == "" {
			t.say("form.essay.empty", nil)
			return nil
		}
		return t.accept(f, d, d.Pending)
	case "clear":
		d.Pending = ""
		t.say("form.essay.cleared", nil)
		return t.saveDraft(*d)
	case "keep":
		if d.Answers[f.ID] != "" {
			return t.advance(d)
		}
	}
	return t.oldButton()
}

// startEdit puts her on one field again, from the summary.
func (t *turn) startEdit(f form.Field, d *store.Application) error {
	t.user.Step = f.ID
	t.user.Editing = true
	d.Pending = ""
	if f.Kind == form.Checklist {
		var ticked []string
		for _, item := range f.Items {
			if d.Answers[item] == form.Yes {
				ticked = append(ticked, item)
			}
		}
		d.Pending = strings.Join(ticked, ",")
	}
	if err := t.saveDraft(*d); err != nil {
		return err
	}
	if f.Kind == form.Essay && d.Answers[f.ID] != "" {
		t.send(t.Texts.Plural(t.lang(), "form.essay.current", form.CountWords(d.Answers[f.ID]), nil), nil)
	}
	t.ask(f, *d)
	return nil
}

// parseStoredDate reads a date answer back.
func (t *turn) parseStoredDate(s string) (time.Time, bool) {
	day, err := time.ParseInLocation(form.DateLayout, s, t.Location)
	return day, err == nil
}
