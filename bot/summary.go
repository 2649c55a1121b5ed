package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/bot/textnorm"
	"github.com/mentorbot/mentorbot/store"
)

// Prefixes of the summary's buttons, handled here.
const (
	prefixSummary = "sum"  // sum:submit, sum:edit
	prefixEdit    = "edit" // edit:FIELD, the answer to change
)

// How much of a long answer the summary shows: enough to recognise it,
// short enough that the summary fits a phone screen or two.
const (
	summaryLongText = 300
	summaryEssay    = 200
)

// showSummary sends all her answers with the buttons to change one or to
// submit.
func (t *turn) showSummary(d store.Application) {
	t.user.Step = stepSummary
	t.send(t.summaryText(d, true, 1), t.summaryButtons())
}

func (t *turn) summaryButtons() [][]store.Button {
	return [][]store.Button{
		{t.button("summary.edit", "sum:edit")},
		{t.button("summary.submit", "sum:submit")},
	}
}

// summaryText lays out the answers by section, from section from on.
// Short shortens long answers; staff and the commission see them whole.
func (t *turn) summaryText(d store.Application, short bool, from int) string {
	var sb strings.Builder
	if short {
		sb.WriteString(t.text("summary.title", nil))
	}
	section := 0
	for _, f := range form.Fields {
		if f.Section < from || !f.Applies(d.Answers) || !f.Answered(d.Answers) {
			continue
		}
		if f.Section != section {
			section = f.Section
			sb.WriteString("\n\n" + t.text(fmt.Sprintf("form.section.%d", section), nil))
		}
		answer := t.answerText(f, d.Answers, short)
		if !strings.HasPrefix(answer, "\n") {
			answer = " " + answer
		}
		sb.WriteString("\n" + t.text("form."+f.ID+".label", nil) + ":" + answer)
	}
	return strings.TrimSpace(sb.String())
}

// answerText shows one answer as she would say it.
func (t *turn) answerText(f form.Field, answers map[string]string, short bool) string {
	v := answers[f.ID]
	switch f.Kind {
	case form.YesNo, form.Choice:
		label, _ := t.optionLabel(f, v)
		return label
	case form.Date:
		if day, ok := t.parseStoredDate(v); ok {
			return t.date(day)
		}
	case form.Email:
		if v == "" {
			return t.text("summary.skipped", nil)
		}
	case form.Checklist:
		return "\n" + t.checklistSummary(f, answers)
	case form.LongText:
		if short {
			return "\n" + clip(v, summaryLongText)
		}
		return "\n" + v
	case form.Essay:
		words := t.Texts.Plural(t.lang(), "summary.words", form.CountWords(v), nil)
		if short {
			return words + "\n" + clip(v, summaryEssay)
		}
		return words + "\n" + v
	}
	return v
}

// checklistSummary lists every stage with her ✅ or ⬜.
func (t *turn) checklistSummary(f form.Field, answers map[string]string) string {
	var lines []string
	for _, item := range f.Items {
		mark := "⬜ "
		if answers[item] == form.Yes {
			mark = "✅ "
		}
		lines = append(lines, mark+t.text("form."+item+".short", nil))
	}
	return strings.Join(lines, "\n")
}

// clip shortens s to about n characters, at a word boundary, with "…".
// It puts a person's text into a line of a list, so bidi controls stored
// before answers were cleaned are removed: they would turn the rest of
// the line around.
func clip(s string, n int) string {
	s = textnorm.ForStaff(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := 0
	for i := range s {
		if cut >= n {
			s = s[:i]
			break
		}
		cut++
	}
	if i := strings.LastIndexAny(s, " \n"); i > len(s)/2 {
		s = s[:i]
	}
	return strings.TrimRight(s, " ,.;:\n") + "…"
}

// tapSummary handles the summary's buttons.
func (t *turn) tapSummary(action string) error {
	if t.user.Step != stepSummary {
		return t.oldButton()
	}
	d, open, err := t.openDraft()
	if !open {
		return err
	}
	t.toast("")
	switch action {
	case "edit":
		t.editButtons(t.fieldButtons(d))
		return nil
	case "back":
		t.editButtons(t.summaryButtons())
		return nil
	case "submit":
		return t.submit(d)
	}
	return t.oldButton()
}

// editButtons replaces only the buttons of the message she tapped: the
// summary's text may span several messages and stays as it is.
func (t *turn) editButtons(buttons [][]store.Button) {
	t.out = append(t.out, store.Outgoing{Kind: store.KindEdit, ChatID: t.u.ChatID, MessageID: t.u.MessageID, Buttons: buttons})
}

// fieldButtons lists the questions she can change, two per row.
func (t *turn) fieldButtons(d store.Application) [][]store.Button {
	var rows [][]store.Button
	for _, f := range form.Fields {
		if !f.Applies(d.Answers) {
			continue
		}
		b := store.Button{Text: f.Number + " " + t.text("form."+f.ID+".label", nil), Data: "edit:" + f.ID}
		if n := len(rows); n > 0 && len(rows[n-1]) == 1 {
			rows[n-1] = append(rows[n-1], b)
		} else {
			rows = append(rows, []store.Button{b})
		}
	}
	return append(rows, []store.Button{t.button("summary.back", "sum:back")})
}

// tapEdit starts changing one answer chosen from the summary.
func (t *turn) tapEdit(id string) error {
	f, ok := form.ByID(id)
	if t.user.Step != stepSummary || !ok {
		return t.oldButton()
	}
	d, err := t.draft()
	if err != nil {
		return err
	}
	if !f.Applies(d.Answers) {
		return t.oldButton()
	}
	t.toast("")
	t.editButtons(nil)
	return t.startEdit(f, &d)
}

// submit turns the draft into an application with a code.
func (t *turn) submit(d store.Application) error {
	if f, missing := form.NextMissing(d.Answers); missing {
		t.user.Step = f.ID
		t.ask(f, d)
		return nil
	}
	d.Language = t.lang()
	d.Category = store.Category(form.Category(d.Answers["birth_date"], t.formRules()))
	app, err := t.tx.Submit(d, t.now)
	if err != nil {
		return fmt.Errorf("submit application of user %d: %w", t.user.ID, err)
	}
	t.user.Step = stepSubmitted
	t.user.Editing = false
	t.editButtons(nil)
	t.say("app.submitted", map[string]any{"Code": app.Code})
	return nil
}
