package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/store"
)

// How much of a long answer the summary shows: enough to recognise it,
// short enough that the summary fits a phone screen or two.
const (
	summaryLongText = 300
	summaryEssay    = 200
)

// SummaryText lays out the answers by section, from section from on.
// Short shortens long answers; staff and the commission see them whole.
func (t *Turn) SummaryText(answers map[string]string, short bool, from int) string {
	var sb strings.Builder
	if short {
		sb.WriteString(t.Text("summary.title", nil))
	}
	section := 0
	for _, f := range form.Fields {
		if f.Section < from || !f.Applies(answers) || !f.Answered(answers) || short && f.Given != "" {
			// Her own summary shows what she answered, not what the
			// form records for her.
			continue
		}
		if f.Section != section {
			section = f.Section
			sb.WriteString("\n\n" + t.Text(fmt.Sprintf("form.section.%d", section), nil))
		}
		answer := t.answerText(f, answers, short)
		if !strings.HasPrefix(answer, "\n") {
			answer = " " + answer
		}
		sb.WriteString("\n" + t.Text("form."+f.ID+".label", nil) + ":" + answer)
	}
	return strings.TrimSpace(sb.String())
}

// answerText shows one answer as she would say it.
func (t *Turn) answerText(f form.Field, answers map[string]string, short bool) string {
	v := answers[f.ID]
	switch f.Kind {
	case form.YesNo, form.Choice:
		label, _ := t.optionLabel(f, v)
		return label
	case form.Date:
		if day, ok := t.ParseStoredDate(v); ok {
			return t.Date(day)
		}
	case form.Email:
		if v == "" {
			return t.Text("summary.skipped", nil)
		}
	case form.Checklist:
		return "\n" + t.checklistSummary(f, answers)
	case form.LongText:
		if short {
			return "\n" + Clip(v, summaryLongText)
		}
		return "\n" + v
	case form.Essay:
		words := t.Texts().Plural(t.Lang(), "summary.words", form.CountWords(v), nil)
		if short {
			return words + "\n" + Clip(v, summaryEssay)
		}
		return words + "\n" + v
	}
	return v
}

// checklistSummary lists every stage with her ✅ or ⬜.
func (t *Turn) checklistSummary(f form.Field, answers map[string]string) string {
	var lines []string
	for _, item := range f.Items {
		mark := "⬜ "
		if answers[item] == form.Yes {
			mark = "✅ "
		}
		lines = append(lines, mark+t.Text("form."+item+".short", nil))
	}
	return strings.Join(lines, "\n")
}

// TapTaken answers her tap without a notice and takes the buttons off
// the message she tapped: what they asked is settled, and a second tap
// finds nothing.
func (t *Turn) TapTaken() {
	t.Toast("")
	t.EditButtons(nil)
}

// TapConfirms takes her answer to a yes/no question asked before an
// action that cannot be undone (TapTaken): true for yes; for no she is
// told, by the message of keptKey, that nothing changed.
func (t *Turn) TapConfirms(answer, keptKey string) bool {
	t.TapTaken()
	if answer != "yes" {
		t.Say(keptKey, nil)
		return false
	}
	return true
}

// EditButtons replaces only the buttons of the message she tapped: the
// summary's text may span several messages and stays as it is.
func (t *Turn) EditButtons(buttons [][]store.Button) {
	t.Queue(store.Outgoing{Kind: store.KindEdit, ChatID: t.Update.ChatID, MessageID: t.Update.MessageID, Buttons: buttons})
}

// optionLabel is the label of a yes/no or choice answer, as she tapped it.
func (t *Turn) optionLabel(f form.Field, value string) (string, bool) {
	if f.Kind == form.YesNo {
		switch value {
		case form.Yes:
			return t.Text("answer.yes", nil), true
		case form.No:
			return t.Text("answer.no", nil), true
		}
		return "", false
	}
	for _, opt := range f.Options {
		if opt == value {
			return t.Text("form."+f.ID+".opt."+opt, nil), true
		}
	}
	return "", false
}

// ListName is how much of a name a list row shows, so that a page of
// them stays well under Telegram's 4096 characters: the whole name is in
// /application and the file.
const ListName = 60

// Application loads the application whose code staff typed, however
// they typed it (store.ParseCode); a text that is no code is not found.
func (t *Turn) Application(typed string) (store.Application, error) {
	code, ok := store.ParseCode(typed)
	if !ok {
		return store.Application{}, fmt.Errorf("application %q: %w", typed, store.ErrNotFound)
	}
	return t.Tx.Application(code)
}

// ApplicationArg loads the application whose code staff typed after the
// command (Application). found is false, staff told why, when they typed
// none (the message of usageKey) or it names no application.
func (t *Turn) ApplicationArg(usageKey string) (app store.Application, found bool, err error) {
	typed := strings.TrimSpace(t.Update.Args)
	if typed == "" {
		t.Say(usageKey, nil)
		return app, false, nil
	}
	return t.FoundApplication(typed)
}

// FoundApplication is Application telling staff when typed names no
// application; found is false then.
func (t *Turn) FoundApplication(typed string) (app store.Application, found bool, err error) {
	app, err = t.Application(typed)
	if IsNotFound(err) {
		t.Say("staff.application.not_found", map[string]any{"Code": typed})
		return app, false, nil
	}
	return app, err == nil, err
}

// ParseStoredDate reads a date answer back.
func (t *Turn) ParseStoredDate(s string) (time.Time, bool) {
	day, err := time.ParseInLocation(form.DateLayout, s, t.School().Location)
	return day, err == nil
}
