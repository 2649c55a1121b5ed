package mentoring

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/bot/faq"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/store"
)

// FAQ is the frequent questions: participants and applicants browse and search
// them, answerers (staff for the school's questions) file answers under
// a topic, staff edit them.
var FAQ = bot.Feature{
	Commands: []bot.Command{
		{Name: "faq", Roles: bot.StaffOnly, Run: listFAQ, Help: true, Menu: true},
		{Name: "faq_edit", Roles: bot.StaffOnly, Run: editFAQ, Help: true},
		{Name: "faq_remove", Roles: bot.StaffOnly, Run: removeFAQ, Help: true},
	},
	Buttons: []bot.Button{
		{Prefix: prefixFAQ, Run: tapFAQ},
		{Prefix: prefixEditFAQ, Roles: bot.StaffOnly, Run: tapEditFAQ},
		{Prefix: prefixPickFAQ, Roles: bot.StaffOnly, Run: tapPickFAQ},
	},
	Dialogues: append([]*dialogue.Dialogue{faqSearchDialogue, faqEditDialogue}, inQueues(faqDraftDialogues)...),
}

// Prefixes of the FAQ buttons, handled here.
const (
	prefixFAQ        = "faq"  // browsing and searching
	prefixPublishFAQ = "qf"   // an answer offered for the FAQ
	prefixEditFAQ    = "faqe" // staff's edit of an entry
)

// Topics of FAQ entries: the mentors' three, the lawyers' three, the
// school's answers before applying, other.
var Topics = []string{"campaign", "programme", "community", "nomination", "registration", "law", "applying", "other"}

// faqResults is how many entries a search or a topic shows at most.
const faqResults = 10

// faqSearchDialogue is the FAQ search: the words she types.
var faqSearchDialogue = &dialogue.Dialogue{
	Name: "faq_search", Version: 1, CancelButton: true,
	Steps:  []dialogue.Step{{ID: "words", Ask: "faq.search_prompt", Takes: dialogue.Text}},
	Finish: func(c *dialogue.Context) error { return faqSearch(bot.TurnOf(c), c.Answers["words"]) },
}

// faqDraftDialogues turn an answered question ("question") into an FAQ
// entry in the answerer's own words, so that it names no one: the
// question, the answer, the topic. The draft is kept on the question in
// the store as it is written (so that her /forget erases it with the
// thread), not in the dialogue.
var faqDraftDialogues = perQueue(func(kind store.QuestionKind) *dialogue.Dialogue {
	return &dialogue.Dialogue{
		Name: "faq_draft_" + string(kind), Version: 1, Roles: queueRoles[kind], CancelButton: true,
		Steps: []dialogue.Step{
			{ID: "question", Ask: "faq.write_question", Data: draftLanguage, Takes: dialogue.Text, Parse: keepDraft("question", 1000)},
			{ID: "answer", Ask: "faq.write_answer", Takes: dialogue.Text, Parse: keepDraft("answer", 3*bot.MaxMessage)},
			{ID: "topic", Ask: "faq.pick_topic", Takes: dialogue.Buttons, Options: topicOptions},
		},
		Finish: func(c *dialogue.Context) error {
			return publishFAQ(bot.TurnOf(c), c.Answers["question_id"], c.Answers["topic"])
		},
		Left: func(c *dialogue.Context) error { return dropDraft(bot.TurnOf(c), c.Answers["question_id"]) },
	}
})

// faqEditDialogue is staff rewriting an FAQ entry's ("entry") question
// or answer ("part": "q" or "a").
var faqEditDialogue = &dialogue.Dialogue{
	Name: "faq_edit", Version: 1, Roles: bot.StaffOnly, CancelButton: true,
	Steps: []dialogue.Step{{ID: "text", Ask: "faq.send_new", Takes: dialogue.Text, Max: 3 * bot.MaxMessage}},
	Finish: func(c *dialogue.Context) error {
		return faqEdit(bot.TurnOf(c), c.Answers["entry"], c.Answers["part"] == "q", c.Answers["text"])
	},
}

// tapFAQ browses the FAQ in her language: "topics", "t:TOPIC", "e:ID",
// or "search" to type words.
func tapFAQ(t *bot.Turn, args string) error {
	t.Toast("")
	entries, err := faqIn(t, t.Lang())
	if err != nil {
		return err
	}
	kind, value, _ := strings.Cut(args, ":")
	switch kind {
	case "topics":
		var rows [][]store.Button
		for _, topic := range Topics {
			n := 0
			for _, e := range entries {
				if e.Topic == topic {
					n++
				}
			}
			if n > 0 {
				rows = append(rows, []store.Button{{Text: fmt.Sprintf("%s (%d)", t.Text("topic."+topic, nil), n), Data: prefixFAQ + ":t:" + topic}})
			}
		}
		if rows == nil {
			t.Say("faq.empty", nil)
			return nil
		}
		t.Send(t.Text("faq.topics", nil), rows)
	case "t":
		var list []store.FAQEntry
		for _, e := range entries {
			if e.Topic == value {
				list = append(list, e)
			}
		}
		faqList(t, list)
	case "e":
		id, _ := strconv.Atoi(value)
		i := slices.IndexFunc(entries, func(e store.FAQEntry) bool { return e.ID == id })
		if i < 0 {
			return t.OldButton()
		}
		e := entries[i]
		t.Send(fmt.Sprintf("❓ %s\n\n%s", e.Question, e.Answer), [][]store.Button{{t.Button("faq.not_helpful", prefixFAQ+":ask")}})
	case "search":
		return t.StartDialogue(faqSearchDialogue.Name, nil)
	case "ask":
		return askAfterFAQ(t)
	default:
		return t.OldButton()
	}
	return nil
}

// faqIn returns the entries in a language.
func faqIn(t *bot.Turn, lang string) ([]store.FAQEntry, error) {
	all, err := t.Tx.FAQs()
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(e store.FAQEntry) bool { return e.Language != lang }), nil
}

// faqList shows entries as buttons by their question.
func faqList(t *bot.Turn, list []store.FAQEntry) {
	if len(list) == 0 {
		t.Send(t.Text("faq.nothing", nil), [][]store.Button{{t.Button("faq.not_helpful", prefixFAQ+":ask")}})
		return
	}
	var rows [][]store.Button
	for _, e := range list[:min(len(list), faqResults)] {
		rows = append(rows, []store.Button{{Text: bot.Clip(e.Question, 60), Data: fmt.Sprintf(prefixFAQ+":e:%d", e.ID)}})
	}
	rows = append(rows, []store.Button{t.Button("faq.not_helpful", prefixFAQ+":ask")})
	t.Send(t.Text("faq.found", nil), rows)
}

// faqSearch shows the entries the words she typed find.
func faqSearch(t *bot.Turn, words string) error {
	all, err := t.Tx.FAQs()
	if err != nil {
		return err
	}
	faqList(t, faq.Search(all, t.Lang(), words, faqResults))
	return nil
}

// tapPublishFAQ starts turning an answered question into an FAQ entry, in
// the mentor's own words, so that it names no one.
func tapPublishFAQ(t *bot.Turn, arg string) error {
	q, ok, err := questionArg(t, arg)
	if !ok || !servesQueue(t, q.Kind) || q.FirstAnswerAt.IsZero() {
		return bot.ErrOr(err, t.OldButton)
	}
	t.Toast("")
	q.FAQ = &store.FAQEntry{Language: q.Language, From: q.ID, By: t.User.ID}
	if _, err := t.Tx.PutQuestion(q); err != nil {
		return err
	}
	return t.StartDialogue(faqDraftDialogues[q.Kind].Name, map[string]string{"question_id": strconv.Itoa(q.ID)})
}

// draftOf loads the question whose FAQ draft she is writing; ok is false
// when it or its draft is gone (erased by the participant's /forget).
func draftOf(t *bot.Turn, id string) (store.Question, bool, error) {
	q, ok, err := questionArg(t, id)
	return q, ok && q.FAQ != nil, err
}

// draftLanguage is the language the FAQ entry is written in: the
// question's.
func draftLanguage(c *dialogue.Context) map[string]any {
	q, _, _ := draftOf(bot.TurnOf(c), c.Answers["question_id"])
	return map[string]any{"Language": c.Text("language.name."+q.Language, nil)}
}

// keptDraft is the answer to a step of the FAQ draft: the wording
// itself is on the question.
const keptDraft = "kept"

// keepDraft reads a wording of the FAQ draft ("question" or "answer"),
// at most max characters, and keeps it on the question.
func keepDraft(part string, max int) func(*dialogue.Context) (string, error) {
	return func(c *dialogue.Context) (string, error) {
		typed, err := dialogue.Typed(c)
		if err != nil {
			return "", err
		}
		text, err := form.CleanText(typed, max)
		if err != nil {
			return "", err
		}
		t := bot.TurnOf(c)
		q, ok, err := draftOf(t, c.Answers["question_id"])
		if !ok {
			return keptDraft, err // the draft is gone: Finish tells her
		}
		if part == "question" {
			q.FAQ.Question = text
		} else {
			q.FAQ.Answer = text
		}
		_, err = t.Tx.PutQuestion(q)
		return keptDraft, err
	}
}

// topicOptions are the FAQ's topics.
func topicOptions(*dialogue.Context) []dialogue.Option {
	var out []dialogue.Option
	for _, topic := range Topics {
		out = append(out, dialogue.Option{Value: topic, Label: "topic." + topic})
	}
	return out
}

// publishFAQ files the draft of question id under a topic and publishes it.
func publishFAQ(t *bot.Turn, id, topic string) error {
	q, ok, err := draftOf(t, id)
	if err != nil {
		return err
	}
	if !ok || q.FAQ.Question == "" || q.FAQ.Answer == "" {
		t.Say("dialogue.left", nil) // erased meanwhile: nothing to publish
		return nil
	}
	entry := *q.FAQ
	entry.Topic, entry.UpdatedAt = topic, t.Now
	entry, err = t.Tx.PutFAQ(entry)
	if err != nil {
		return err
	}
	q.FAQ = nil
	if _, err := t.Tx.PutQuestion(q); err != nil {
		return err
	}
	t.Log().Info("FAQ entry published", "entry", entry.ID, "from_question", q.ID, "by", t.User.ID)
	t.Say("faq.published", map[string]any{"ID": entry.ID})
	return nil
}

// dropDraft drops the FAQ draft of question id: she left it.
func dropDraft(t *bot.Turn, id string) error {
	q, ok, err := draftOf(t, id)
	if ok {
		q.FAQ = nil
		_, err = t.Tx.PutQuestion(q)
	}
	if err != nil {
		return err
	}
	t.Say("dialogue.left", nil)
	return nil
}

// listFAQ is /faq for staff: every entry with its ID.
func listFAQ(t *bot.Turn) error {
	all, err := t.Tx.FAQs()
	if err != nil {
		return err
	}
	var sb strings.Builder
	for _, e := range all {
		fmt.Fprintf(&sb, "#%d · %s · %s\n%s\n\n", e.ID, e.Language, t.Text("topic."+e.Topic, nil), bot.Clip(e.Question, 100))
	}
	if len(all) == 0 {
		sb.WriteString(t.Text("faq.empty", nil) + "\n\n")
	}
	sb.WriteString(t.Text("faq.staff_hint", nil))
	t.Send(sb.String(), nil)
	return nil
}

// faqArg loads the entry named by the command's argument.
func faqArg(t *bot.Turn, arg string) (store.FAQEntry, bool, error) {
	if strings.TrimSpace(arg) == "" {
		return store.FAQEntry{}, false, pickFAQ(t)
	}
	id, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(arg), "#"))
	if err != nil {
		t.Say("faq.not_found", map[string]any{"ID": strings.TrimSpace(arg)})
		return store.FAQEntry{}, false, nil
	}
	e, err := t.Tx.FAQ(id)
	if bot.IsNotFound(err) {
		t.Say("faq.not_found", map[string]any{"ID": id})
		return e, false, nil
	}
	return e, err == nil, err
}

// editFAQ is /faq_edit ID: the entry, with buttons to rewrite either part.
func editFAQ(t *bot.Turn) error {
	e, ok, err := faqArg(t, t.Update.Args)
	if !ok {
		return err
	}
	t.Send(fmt.Sprintf("#%d · %s\n❓ %s\n\n%s", e.ID, e.Language, e.Question, e.Answer), [][]store.Button{{
		t.Button("faq.edit_question", fmt.Sprintf(prefixEditFAQ+":q:%d", e.ID)), t.Button("faq.edit_answer", fmt.Sprintf(prefixEditFAQ+":a:%d", e.ID)),
	}})
	return nil
}

// tapEditFAQ starts rewriting an entry's question ("q:ID") or answer ("a:ID").
func tapEditFAQ(t *bot.Turn, args string) error {
	part, id, _ := strings.Cut(args, ":")
	if _, ok, err := faqArg(t, id); !ok {
		return err
	}
	t.Toast("")
	if part != "q" {
		part = "a"
	}
	return t.StartDialogue(faqEditDialogue.Name, map[string]string{"entry": id, "part": part})
}

// faqEdit saves the new text of entry id's question, or of its answer.
func faqEdit(t *bot.Turn, id string, question bool, text string) error {
	e, ok, err := faqArg(t, id)
	if !ok {
		return err
	}
	if question {
		e.Question = text
	} else {
		e.Answer = text
	}
	e.UpdatedAt = t.Now
	if _, err := t.Tx.PutFAQ(e); err != nil {
		return err
	}
	part := "answer"
	if question {
		part = "question"
	}
	if err := t.Audit(bot.StaffOnly, "faq_edit text", fmt.Sprintf("%d %s", e.ID, part)); err != nil {
		return err
	}
	t.Log().Info("FAQ entry edited", "entry", e.ID, "by", t.User.ID)
	t.Say("faq.saved", map[string]any{"ID": e.ID})
	return nil
}

// removeFAQ is /faq_remove ID.
func removeFAQ(t *bot.Turn) error {
	e, ok, err := faqArg(t, t.Update.Args)
	if !ok {
		return err
	}
	if err := t.Tx.DeleteFAQ(e.ID); err != nil {
		return err
	}
	t.Log().Info("FAQ entry removed", "entry", e.ID, "by", t.User.ID)
	t.Say("faq.removed", map[string]any{"ID": e.ID})
	return nil
}

// mentoringHealth is /mentoring for staff: each queue's counts and the
// median time to a first answer, overall and by week.
func mentoringHealth(t *bot.Turn) error {
	qs, err := t.Tx.Questions()
	if err != nil {
		return err
	}
	var sb strings.Builder
	for _, kind := range []store.QuestionKind{store.KindMentor, store.KindLawyer, store.KindSchool} {
		count := map[store.QuestionStatus]int{}
		var waits []time.Duration
		weeks := map[string][]store.Question{}
		for _, q := range qs {
			if q.Kind != kind {
				continue
			}
			count[q.Status]++
			if !q.FirstAnswerAt.IsZero() {
				waits = append(waits, q.FirstAnswerAt.Sub(q.CreatedAt))
			}
			y, w := q.CreatedAt.In(t.School().Location).ISOWeek()
			weeks[fmt.Sprintf("%d-W%02d", y, w)] = append(weeks[fmt.Sprintf("%d-W%02d", y, w)], q)
		}
		sb.WriteString(t.Text("health.queue", map[string]any{
			"Queue": t.Text("queue."+string(kind), nil), "Open": count[store.QuestionOpen], "Taken": count[store.QuestionTaken],
			"Answered": count[store.QuestionAnswered], "Resolved": count[store.QuestionResolved], "Median": duration(t, median(waits)),
		}))
		keys := make([]string, 0, len(weeks))
		for k := range weeks {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			var w []time.Duration
			for _, q := range weeks[k] {
				if !q.FirstAnswerAt.IsZero() {
					w = append(w, q.FirstAnswerAt.Sub(q.CreatedAt))
				}
			}
			fmt.Fprintf(&sb, "\n  %s: %d · %s", k, len(weeks[k]), duration(t, median(w)))
		}
		sb.WriteString("\n\n")
	}
	sb.WriteString(t.Text("health.hint", nil))
	t.Send(sb.String(), nil)
	return nil
}

// exportQuestions is /questions_export: every question and answer as a
// workbook.
var exportQuestions = bot.SendsFile("questions")

// exportQuestionsTable builds it, in the worker (RunFileJobs).
func exportQuestionsTable(t *bot.Turn, _ string) (bot.FileTable, error) {
	qs, err := t.Tx.Questions()
	if err != nil {
		return bot.FileTable{}, err
	}
	return bot.FileTable{Table: export.Questions(qs, t.School().Location), Name: "questions", Caption: t.Text("staff.questions.caption", nil)}, nil
}

// median of durations; -1 when there are none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return -1
	}
	slices.Sort(ds)
	if len(ds)%2 == 1 {
		return ds[len(ds)/2]
	}
	return (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
}

// duration says a wait in hours and minutes, "–" for none.
func duration(t *bot.Turn, d time.Duration) string {
	if d < 0 {
		return "–"
	}
	return t.Text("duration", map[string]any{"H": int(d.Hours()), "M": int(d.Minutes()) % 60})
}

// prefixPickFAQ starts the data of the FAQ picker's buttons:
// faqp:ACTION:ID, ACTION one of faqActions.
const prefixPickFAQ = "faqp"

// faqActions are the commands that name an FAQ entry, by their button's
// ACTION.
var faqActions = map[string]string{"e": "faq_edit", "r": "faq_remove"}

// pickFAQ answers a command typed without its entry: the newest entries
// as buttons, or that there are none.
func pickFAQ(t *bot.Turn) error {
	var key string
	for k, a := range faqActions {
		if a == t.Update.Command {
			key = k
		}
	}
	all, err := t.Tx.FAQs()
	if err != nil {
		return err
	}
	if len(all) == 0 || key == "" {
		t.Say("faq.empty", nil)
		return nil
	}
	slices.SortFunc(all, func(a, b store.FAQEntry) int { return b.ID - a.ID })
	var rows [][]store.Button
	for _, e := range all[:min(len(all), bot.PickerSize)] {
		label := fmt.Sprintf("#%d · %s · %s", e.ID, e.Language, bot.Clip(e.Question, bot.PickerLabel))
		rows = append(rows, []store.Button{{Text: label, Data: prefixPickFAQ + ":" + key + ":" + strconv.Itoa(e.ID)}})
	}
	t.Send(t.Text("faq.pick", map[string]any{"Command": t.Update.Command}), rows)
	return nil
}

// tapPickFAQ runs the picker's command for the entry tapped; a removal
// asks first.
func tapPickFAQ(t *bot.Turn, args string) error {
	return t.TapPicked(args, func(key string) (string, bool) {
		command, ok := faqActions[key]
		return command, ok
	}, "faq_remove", func(id string) (string, bool, error) {
		e, found, err := bot.ByID(id, t.Tx.FAQ)
		if !found {
			return "", false, err
		}
		return t.Text("faq.remove_ask", map[string]any{"ID": e.ID, "Question": bot.Clip(e.Question, 100)}), true, nil
	})
}
