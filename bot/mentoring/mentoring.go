// Package mentoring is the part of the bot for questions and answers
// (stage IV, and the school's questions in stage I): /ask as a dialogue,
// the queues of mentors, lawyers, helpers and staff with taking, answering
// and handing back, reminders to a queue and to staff when nobody answers
// (ChaseQuestions), and the FAQ that answers become (faqchat.go). Other
// parts open a question through the core's Ask hook, which this part
// registers; a role that ends frees its questions (Feature.RoleEnds).
package mentoring

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/store"
)

// Feature is mentoring: participants' questions, applicants' questions
// to the school, the answerers' queues, staff's overview.
//
// /ask is for everyone: during stage I anyone not yet a participant asks
// the school (KindSchool, answered by staff), participants ask mentors
// and lawyers (askable says which).
var Feature = bot.Feature{
	Commands: []bot.Command{
		{Name: "ask", Run: askQuestion, Help: true, Menu: true},
		{Name: "questions", For: bot.Participants, Run: myQuestions, Help: true, Menu: true},
		{Name: "queue", Roles: queueServers, Run: queue, Help: true, Menu: true},
		{Name: "mentoring", Roles: bot.StaffOnly, Run: mentoringHealth, Help: true, Menu: true},
		{Name: "questions_export", Roles: bot.StaffOnly, Run: exportQuestions, Help: true},
	},
	Buttons: []bot.Button{
		{Prefix: prefixAsk, Run: tapAsk},
		{Prefix: prefixViewQuestion, Run: tapView},
		{Prefix: prefixReply, Run: tapReply},
		{Prefix: prefixResolve, Run: tapResolve},
		{Prefix: prefixTake, Roles: queueServers, Run: tapTake},
		{Prefix: prefixHandBack, Roles: queueServers, Run: tapHandBack},
		{Prefix: prefixPublishFAQ, Roles: queueServers, Run: tapPublishFAQ},
	},
	Dialogues: append([]*dialogue.Dialogue{askDialogue, replyDialogue}, inQueues(answerDialogues)...),
	Tables:    map[string]func(*bot.Turn, string) (bot.FileTable, error){"questions": exportQuestionsTable},
	Due: map[store.DueKind]bot.DueFunc{store.DueQuestions: func(b *bot.Bot, tx *store.Tx, d store.Due, now time.Time) (int, error) {
		return announceQuestions(b, tx, store.QuestionKind(d.EventID), now)
	}},
	RoleEnds: questionsFreed,
	Ask:      startAsk,
}

// Prefixes of the mentoring buttons, handled here.
const (
	prefixAsk          = "ask" // whom she asks
	prefixViewQuestion = "qv"  // one of her questions
	prefixReply        = "qr"  // she replies to an answer
	prefixResolve      = "qd"  // her question is answered
	prefixTake         = "qt"  // an answerer takes a question
	prefixHandBack     = "qh"  // and hands it back
)

// The conversations of the question threads, as tables of steps
// (bot/dialogue). The thread itself, who took a question and an FAQ
// draft are kept on the question in the store, as ever; a dialogue holds
// only which question it is about ("question") and, until it is saved,
// the post being written.

// askDialogue is her new question to a mentor, a lawyer or the school
// ("kind"), or her call for help on election day.
var askDialogue = &dialogue.Dialogue{
	Name: "ask", Version: 1, CancelButton: true,
	Steps: []dialogue.Step{
		{ID: "post", Prompt: askPrompt, Again: "mentoring.need_content", Takes: dialogue.TextOrMedia, Parse: readPost},
	},
	Finish: func(c *dialogue.Context) error {
		t := bot.TurnOf(c)
		return createQuestion(t, store.QuestionKind(c.Answers["kind"]), postOf(t, c.Answers, false))
	},
}

// replyDialogue is her reply in the thread of her question.
var replyDialogue = &dialogue.Dialogue{
	Name: "reply", Version: 1, CancelButton: true,
	Steps: []dialogue.Step{
		{ID: "post", Ask: "mentoring.write_reply", Data: questionNumber, Again: "mentoring.need_content", Takes: dialogue.TextOrMedia, Parse: readPost},
	},
	Finish: func(c *dialogue.Context) error {
		t := bot.TurnOf(c)
		return replyQuestion(t, c.Answers["question"], postOf(t, c.Answers, false))
	},
}

// questionKinds are the queues, in the order of queueRoles.
var questionKinds = []store.QuestionKind{store.KindMentor, store.KindLawyer, store.KindHelp, store.KindSchool}

// perQueue makes a dialogue for each queue: its roles are those that
// serve the queue, so that the engine's check of the roles at every
// input also ends the work of one who no longer serves it.
func perQueue(make func(store.QuestionKind) *dialogue.Dialogue) map[store.QuestionKind]*dialogue.Dialogue {
	out := map[store.QuestionKind]*dialogue.Dialogue{}
	for _, k := range questionKinds {
		out[k] = make(k)
	}
	return out
}

// inQueues lists a dialogue of each queue, in the queues' order.
func inQueues(ds map[store.QuestionKind]*dialogue.Dialogue) []*dialogue.Dialogue {
	var out []*dialogue.Dialogue
	for _, k := range questionKinds {
		out = append(out, ds[k])
	}
	return out
}

// answerDialogues are a mentor's, a lawyer's, a helper's or staff's
// answer to the question she took, with the button that hands it back
// to the queue.
var answerDialogues = perQueue(func(kind store.QuestionKind) *dialogue.Dialogue {
	return &dialogue.Dialogue{
		Name: "answer_" + string(kind), Version: 1, Roles: queueRoles[kind],
		Steps: []dialogue.Step{
			{ID: "post", Ask: "queue.write_answer", Data: questionNumber, Again: "mentoring.need_content", Takes: dialogue.TextOrMedia, Parse: readPost,
				Links: func(c *dialogue.Context) [][]store.Button {
					return [][]store.Button{{{Text: c.Text("queue.hand_back", nil), Data: prefixHandBack + ":" + c.Answers["question"]}}}
				}},
		},
		Finish: func(c *dialogue.Context) error {
			t := bot.TurnOf(c)
			return answerQuestion(t, c.Answers["question"], postOf(t, c.Answers, true))
		},
	}
})

// questionNumber is the number of the question a dialogue is about.
func questionNumber(c *dialogue.Context) map[string]any {
	return map[string]any{"ID": c.Answers["question"]}
}

// askPrompt asks for her question, or for what happened on election day.
func askPrompt(c *dialogue.Context) string {
	if c.Answers["kind"] == string(store.KindHelp) {
		return c.Text("election.help_write", nil)
	}
	return c.Text("mentoring.write."+c.Answers["kind"], nil)
}

// readPost reads a thread post: text, or a photo, file or voice message
// with its caption (kept in the answers "media" and "media_type").
// Anything else (a sticker) cannot be relayed: she is told so.
func readPost(c *dialogue.Context) (string, error) {
	delete(c.Answers, "media")
	delete(c.Answers, "media_type")
	var text string
	if c.In.Text != "" {
		text, _ = form.CleanText(c.In.Text, 4*bot.MaxMessage)
	}
	if m := c.In.Media; m != nil {
		c.Answers["media"], c.Answers["media_type"] = m.FileID, m.Type
	}
	if text == "" && c.In.Media == nil {
		return "", &dialogue.Refusal{} // the step's Again says what to send
	}
	return text, nil
}

// postOf is the post readPost read, by her.
func postOf(t *bot.Turn, a map[string]string, fromMentor bool) store.Post {
	p := store.Post{FromMentor: fromMentor, AuthorID: t.User.ID, At: t.Now, Text: a["post"]}
	if a["media"] != "" {
		p.Media = &store.Media{Type: a["media_type"], FileID: a["media"]}
	}
	return p
}

// mayAsk reports whether she may ask mentors and lawyers: accepted
// participants, and staff for testing.
func mayAsk(t *bot.Turn) bool { return t.User.HasRole(store.RoleParticipant) || t.IsStaff() }

// mayAskSchool reports whether she may ask the school: during stage I,
// while applications are taken, anyone who is not a participant (a
// newcomer, a woman filling in or having sent her form, one not
// selected in an earlier cycle), and staff for testing.
func mayAskSchool(t *bot.Turn) bool {
	return t.ApplyingOpen() && !t.User.HasRole(store.RoleParticipant)
}

// askable are the queues she may ask now, in the order /ask offers them.
func askable(t *bot.Turn) []store.QuestionKind {
	var kinds []store.QuestionKind
	if mayAsk(t) {
		kinds = append(kinds, store.KindMentor)
		if lawyerOpen(t) {
			kinds = append(kinds, store.KindLawyer)
		}
	}
	if mayAskSchool(t) {
		kinds = append(kinds, store.KindSchool)
	}
	return kinds
}

// onlySchool reports whether the school is the one queue she may ask:
// there is nothing to choose, so she is asked for her question as soon
// as the FAQ has nothing for her.
func onlySchool(kinds []store.QuestionKind) bool {
	return len(kinds) == 1 && kinds[0] == store.KindSchool
}

// lawyerOpen reports whether the lawyers' queue takes questions now.
func lawyerOpen(t *bot.Turn) bool {
	if t.School().Mentoring.LawyerAlways {
		return true
	}
	p, ok := t.School().Programme.PeriodAt(t.Now)
	return ok && p.ID == "mentor_lawyer"
}

// askQuestion is /ask: the FAQ first, then the queues she may ask (a
// mentor or a lawyer; the school before she is a participant). When the
// school is her only queue and the FAQ has nothing in her language yet,
// she is asked for her question at once: a tap less on a slow phone.
func askQuestion(t *bot.Turn) error {
	kinds := askable(t)
	if len(kinds) == 0 {
		sayMentoringClosed(t)
		return nil
	}
	if onlySchool(kinds) {
		entries, err := faqIn(t, t.Lang())
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			return startAsk(t, store.KindSchool)
		}
	}
	text := t.Text("mentoring.ask", nil)
	if p, ok := t.School().Programme.PeriodAt(t.Now); ok {
		text = t.Text("period."+p.ID, nil) + "\n\n" + text
	}
	rows := [][]store.Button{{t.Button("faq.browse", prefixFAQ+":topics"), t.Button("faq.search", prefixFAQ+":search")}}
	for _, k := range kinds {
		rows = append(rows, []store.Button{t.Button("mentoring.to_"+string(k), prefixAsk+":"+string(k))})
	}
	t.Send(text, rows)
	return nil
}

// askAfterFAQ follows "ask my own question" under the FAQ: her question
// straight away when the school is her only queue, else the choice.
func askAfterFAQ(t *bot.Turn) error {
	if onlySchool(askable(t)) {
		return startAsk(t, store.KindSchool)
	}
	return askQuestion(t)
}

// startAsk asks her for her question to a queue.
func startAsk(t *bot.Turn, kind store.QuestionKind) error {
	return t.StartDialogue(askDialogue.Name, map[string]string{"kind": string(kind)})
}

// sayMentoringClosed tells an applicant or a stranger, after stage I,
// when mentoring opens.
func sayMentoringClosed(t *bot.Turn) {
	if s, ok := t.School().Programme.Stage("IV"); ok {
		t.Say("mentoring.closed", map[string]any{"Date": t.Date(s.Starts)})
		return
	}
	t.Say("access.denied", nil)
}

// tapAsk takes the choice of queue: one she may ask now, or the button
// is old (the lawyers' period ended, stage I ended, she was accepted).
func tapAsk(t *bot.Turn, kind string) error {
	kinds := askable(t)
	if len(kinds) == 0 {
		t.Toast("")
		sayMentoringClosed(t)
		return nil
	}
	if !slices.Contains(kinds, store.QuestionKind(kind)) {
		return t.OldButton()
	}
	t.Toast("")
	return startAsk(t, store.QuestionKind(kind))
}

// createQuestion stores her question, gives her a receipt, and plans the
// notice to the people of its kind.
func createQuestion(t *bot.Turn, kind store.QuestionKind, p store.Post) error {
	q, err := t.Tx.PutQuestion(store.Question{
		UserID: t.User.ID, Kind: kind, Language: t.Lang(),
		Status: store.QuestionOpen, Thread: []store.Post{p}, CreatedAt: t.Now,
	})
	if err != nil {
		return err
	}
	if q.Kind == store.KindHelp {
		// Election day cannot wait for a digest: everyone who can help
		// hears of it now.
		if _, err := announceQuestions(t.Bot(), t.Tx, q.Kind, t.Now); err != nil {
			return err
		}
	} else if err := planAnnounce(t, q.Kind); err != nil {
		return err
	}
	t.Log().Info("question asked", "question", q.ID, "kind", q.Kind)
	t.Say("mentoring.receipt", map[string]any{"ID": q.ID})
	return nil
}

// planAnnounce plans the notice of new questions of a kind, a moment
// later, so questions that arrive together make one digest.
func planAnnounce(t *bot.Turn, kind store.QuestionKind) error {
	return t.Plan(store.Due{At: t.Now.Add(t.School().Mentoring.DigestDelay), Kind: store.DueQuestions, EventID: string(kind)})
}

// myQuestions is /questions: her questions, each with a button to open
// it. Anyone who asked sees hers: a question to the school stays hers
// after stage I and once she is a participant.
func myQuestions(t *bot.Turn) error {
	qs, err := t.Tx.Questions()
	if err != nil {
		return err
	}
	var rows [][]store.Button
	var sb strings.Builder
	for _, q := range qs {
		if q.UserID != t.User.ID {
			continue
		}
		fmt.Fprintf(&sb, "#%d · %s · %s\n%s\n\n", q.ID, t.Text("queue."+string(q.Kind), nil), t.Text("status."+string(q.Status), nil), bot.Clip(firstText(q), 80))
		rows = append(rows, []store.Button{{Text: fmt.Sprintf("#%d", q.ID), Data: fmt.Sprintf(prefixViewQuestion+":%d", q.ID)}})
	}
	if len(rows) == 0 {
		if len(askable(t)) == 0 {
			sayMentoringClosed(t)
			return nil
		}
		t.Say("mentoring.none", nil)
		return nil
	}
	t.Send(strings.TrimSpace(sb.String()), rows)
	return nil
}

func firstText(q store.Question) string {
	if len(q.Thread) == 0 {
		return ""
	}
	if q.Thread[0].Text == "" && q.Thread[0].Media != nil {
		return "[" + q.Thread[0].Media.Type + "]"
	}
	return q.Thread[0].Text
}

// questionArg reads a question ID from button data and loads it.
func questionArg(t *bot.Turn, arg string) (store.Question, bool, error) {
	return bot.ByID(arg, t.Tx.Question)
}

// mayRead reports whether she may see a question: its owner, the mentors
// of its kind, and staff.
func mayRead(t *bot.Turn, q store.Question) bool {
	return q.UserID == t.User.ID || t.IsStaff() || servesQueue(t, q.Kind)
}

// queueRoles are who answers each kind of question.
var queueRoles = map[store.QuestionKind][]store.Role{
	store.KindMentor: {store.RoleMentor},
	store.KindLawyer: {store.RoleLawyer},
	store.KindHelp:   bot.Answerers,
	store.KindSchool: bot.StaffOnly,
}

// queueServers are everyone who serves some queue: who may see /queue,
// take a question, hand it back and publish it to the FAQ.
var queueServers = append(slices.Clone(bot.Answerers), store.RoleStaff)

// serves reports whether u answers questions of kind (staff named in the
// config included).
func serves(b *bot.Bot, u store.User, kind store.QuestionKind) bool {
	return b.Holds(u, queueRoles[kind])
}

// servesQueue reports whether she answers questions of kind.
func servesQueue(t *bot.Turn, kind store.QuestionKind) bool { return serves(t.Bot(), t.User, kind) }

// tapView shows a question's thread with what she can do with it.
func tapView(t *bot.Turn, arg string) error {
	q, ok, err := questionArg(t, arg)
	if !ok || !mayRead(t, q) {
		return bot.ErrOr(err, t.OldButton)
	}
	t.Toast("")
	mentorView := q.UserID != t.User.ID
	sendThread(t, q, mentorView)
	var buttons [][]store.Button
	switch {
	case !mentorView && q.Status != store.QuestionResolved:
		buttons = [][]store.Button{{t.Button("mentoring.reply", fmt.Sprintf(prefixReply+":%d", q.ID)), t.Button("mentoring.resolve", fmt.Sprintf(prefixResolve+":%d", q.ID))}}
	case mentorView && q.Status == store.QuestionOpen && servesQueue(t, q.Kind):
		// (Staff read every queue's threads but take only the school's.)
		buttons = [][]store.Button{{t.Button("queue.take", fmt.Sprintf(prefixTake+":%d", q.ID))}}
	case mentorView && q.TakenBy == t.User.ID && q.Status != store.QuestionResolved:
		return startAnswer(t, q)
	}
	if buttons != nil {
		t.Send(t.Text("mentoring.what_next", nil), buttons)
	}
	return nil
}

// sendThread shows a question's posts. Mentors see the participant's
// first name (they work with her), never her phone; she never sees who
// the mentor is.
func sendThread(t *bot.Turn, q store.Question, mentorView bool) {
	head := t.Text("mentoring.thread", map[string]any{"ID": q.ID, "Queue": t.Text("queue."+string(q.Kind), nil), "Status": t.Text("status."+string(q.Status), nil)})
	if mentorView {
		if u, err := t.Tx.User(q.UserID); err == nil {
			head += "\n" + t.Text("queue.asked_by", map[string]any{"Name": bot.DisplayName(u)})
			if u.Blocked {
				head += "\n" + t.Text("queue.blocked", nil)
			}
		}
	}
	t.Send(head, nil)
	for _, p := range q.Thread {
		who := t.Text(askerLabel(q.Kind), nil)
		if p.FromMentor {
			who = t.Text("mentoring.from."+string(q.Kind), nil)
		}
		t.SendPost(t.Update.ChatID, who, p, nil)
	}
}

// askerLabel is the key of the heading over her posts in a thread: a
// question to the school may come before she is a participant.
func askerLabel(kind store.QuestionKind) string {
	if kind == store.KindSchool {
		return "mentoring.from_asker"
	}
	return "mentoring.from_her"
}

// tapReply starts her reply in a thread.
func tapReply(t *bot.Turn, arg string) error {
	q, ok, err := questionArg(t, arg)
	if !ok || q.UserID != t.User.ID || q.Status == store.QuestionResolved {
		return bot.ErrOr(err, t.OldButton)
	}
	t.Toast("")
	return t.StartDialogue(replyDialogue.Name, map[string]string{"question": strconv.Itoa(q.ID)})
}

// replyQuestion adds her reply to the thread and tells whoever took it.
func replyQuestion(t *bot.Turn, arg string, p store.Post) error {
	q, ok, err := questionArg(t, arg)
	if !ok || q.UserID != t.User.ID {
		return err
	}
	q.Thread = append(q.Thread, p)
	mentor, held, err := taker(t, q)
	if err != nil {
		return err
	}
	if held {
		q.Status = store.QuestionTaken
		if !mentor.Blocked {
			t.Queue(store.Outgoing{Kind: store.KindMessage, ChatID: mentor.ID,
				Text:    t.Texts().Text(bot.UserLang(mentor), "queue.new_reply", map[string]any{"ID": q.ID}),
				Buttons: [][]store.Button{{{Text: fmt.Sprintf("#%d", q.ID), Data: fmt.Sprintf(prefixViewQuestion+":%d", q.ID)}}}})
		}
	} else {
		if q.TakenBy != 0 {
			// Whoever answered no longer serves this queue: the reply
			// goes to the queue as a new question.
			q.TakenBy, q.AnnouncedAt = 0, time.Time{}
		}
		q.Status = store.QuestionOpen
		if err := planAnnounce(t, q.Kind); err != nil {
			return err
		}
	}
	if _, err := t.Tx.PutQuestion(q); err != nil {
		return err
	}
	t.Say("mentoring.reply_sent", map[string]any{"ID": q.ID})
	return nil
}

// taker is who took q, and whether she still serves its queue.
func taker(t *bot.Turn, q store.Question) (store.User, bool, error) {
	if q.TakenBy == 0 {
		return store.User{}, false, nil
	}
	u, err := t.Tx.User(q.TakenBy)
	if bot.IsNotFound(err) {
		return u, false, nil
	}
	return u, err == nil && serves(t.Bot(), u, q.Kind), err
}

// tapResolve marks her question resolved.
func tapResolve(t *bot.Turn, arg string) error {
	q, ok, err := questionArg(t, arg)
	if !ok || q.UserID != t.User.ID {
		return bot.ErrOr(err, t.OldButton)
	}
	t.Toast("")
	if q.Status != store.QuestionResolved {
		q.Status, q.ResolvedAt = store.QuestionResolved, t.Now
		if _, err := t.Tx.PutQuestion(q); err != nil {
			return err
		}
	}
	t.EditButtons(nil)
	t.Say("mentoring.resolved", map[string]any{"ID": q.ID})
	return nil
}

// queue is /queue: the questions of her kinds (staff: the school's),
// oldest first, with how long each has waited, and the ones she took.
func queue(t *bot.Turn) error {
	qs, err := t.Tx.Questions()
	if err != nil {
		return err
	}
	var sb strings.Builder
	var rows [][]store.Button
	// Calls for help on election day head the queue.
	slices.SortStableFunc(qs, func(a, b store.Question) int {
		return boolOrder(a.Kind == store.KindHelp, b.Kind == store.KindHelp)
	})
	for _, q := range qs {
		if !servesQueue(t, q.Kind) {
			continue
		}
		switch {
		case q.Status == store.QuestionOpen:
			fmt.Fprintf(&sb, "🆕 #%d · %s · %s\n%s\n\n", q.ID, t.Text("queue."+string(q.Kind), nil), waited(t, q.CreatedAt), bot.Clip(firstText(q), 100))
			rows = append(rows, []store.Button{t.ButtonWith("queue.take_n", map[string]any{"ID": q.ID}, fmt.Sprintf(prefixTake+":%d", q.ID))})
		case q.TakenBy == t.User.ID && q.Status == store.QuestionTaken:
			fmt.Fprintf(&sb, "✍️ #%d · %s\n%s\n\n", q.ID, t.Text("status.taken", nil), bot.Clip(firstText(q), 100))
			rows = append(rows, []store.Button{{Text: fmt.Sprintf("#%d", q.ID), Data: fmt.Sprintf(prefixViewQuestion+":%d", q.ID)}})
		}
	}
	if len(rows) == 0 {
		t.Say("queue.empty", nil)
		return nil
	}
	t.Send(strings.TrimSpace(sb.String()), rows)
	return nil
}

// boolOrder sorts true before false.
func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// waited says how long ago, in hours or days.
func waited(t *bot.Turn, since time.Time) string {
	d := t.Now.Sub(since)
	if d < time.Hour {
		return t.Text("queue.waited_minutes", map[string]any{"N": int(d.Minutes())})
	}
	if d < 48*time.Hour {
		return t.Text("queue.waited_hours", map[string]any{"N": int(d.Hours())})
	}
	return t.Text("queue.waited_days", map[string]any{"N": int(d.Hours() / 24)})
}

// tapTake gives her the question, unless someone took it first: the
// check and the change are one transaction, so two mentors cannot both
// get it.
func tapTake(t *bot.Turn, arg string) error {
	q, ok, err := questionArg(t, arg)
	if !ok || !servesQueue(t, q.Kind) {
		return bot.ErrOr(err, t.OldButton)
	}
	if q.Status != store.QuestionOpen {
		t.Toast("queue.taken_already")
		return nil
	}
	q.Status, q.TakenBy, q.TakenAt = store.QuestionTaken, t.User.ID, t.Now
	if _, err := t.Tx.PutQuestion(q); err != nil {
		return err
	}
	t.Toast("queue.yours")
	t.Log().Info("question taken", "question", q.ID, "by", t.User.ID)
	sendThread(t, q, true)
	return startAnswer(t, q)
}

// startAnswer asks her for the answer to the question she took.
func startAnswer(t *bot.Turn, q store.Question) error {
	return t.StartDialogue(answerDialogues[q.Kind].Name, map[string]string{"question": strconv.Itoa(q.ID)})
}

// tapHandBack returns a question she took to the queue.
func tapHandBack(t *bot.Turn, arg string) error {
	q, ok, err := questionArg(t, arg)
	if !ok || q.TakenBy != t.User.ID || q.Status != store.QuestionTaken {
		return bot.ErrOr(err, t.OldButton)
	}
	q.Status, q.TakenBy = store.QuestionOpen, 0
	q.AnnouncedAt = time.Time{} // announced again as new
	if _, err := t.Tx.PutQuestion(q); err != nil {
		return err
	}
	if err := planAnnounce(t, q.Kind); err != nil {
		return err
	}
	if err := endAnswer(t, q); err != nil {
		return err
	}
	t.TapTaken()
	t.Say("queue.handed_back", map[string]any{"ID": q.ID})
	return nil
}

// endAnswer ends her answer to q, if she is writing one: it went back
// to the queue.
func endAnswer(t *bot.Turn, q store.Question) error {
	d, conv, err := t.Dialogues().Current(t.Talk())
	if err != nil || d != answerDialogues[q.Kind] || conv.Answers["question"] != strconv.Itoa(q.ID) {
		return err
	}
	return t.Dialogues().End(t.Talk())
}

// answerQuestion relays a mentor's (or staff's) answer to her, quoting
// her question, in the answerer's words and without the answerer's
// identity: she sees only "Mentor:", "Lawyer:" or "School:".
func answerQuestion(t *bot.Turn, arg string, p store.Post) error {
	q, ok, err := questionArg(t, arg)
	if err != nil {
		return err
	}
	if !ok || q.TakenBy != t.User.ID {
		// Someone else has it now (it went back to the queue while she
		// wrote): her text is not relayed, and she knows it.
		t.Say("queue.taken_already", nil)
		return nil
	}
	q.Thread = append(q.Thread, p)
	q.Status = store.QuestionAnswered
	if q.FirstAnswerAt.IsZero() {
		q.FirstAnswerAt = t.Now
	}
	if _, err := t.Tx.PutQuestion(q); err != nil {
		return err
	}
	her, err := t.Tx.User(q.UserID)
	if err != nil {
		return err
	}
	lang := bot.UserLang(her)
	heading := t.Texts().Text(lang, "mentoring.answer", map[string]any{
		"ID": q.ID, "From": t.Texts().Text(lang, "mentoring.from."+string(q.Kind), nil), "Question": bot.Clip(firstText(q), 200),
	})
	buttons := [][]store.Button{{
		{Text: t.Texts().Text(lang, "mentoring.reply", nil), Data: fmt.Sprintf(prefixReply+":%d", q.ID)},
		{Text: t.Texts().Text(lang, "mentoring.resolve", nil), Data: fmt.Sprintf(prefixResolve+":%d", q.ID)},
	}}
	t.SendPost(q.UserID, heading, p, buttons)
	t.Log().Info("answer relayed", "question", q.ID, "by", t.User.ID)
	key := "queue.sent"
	if her.Blocked {
		key = "queue.sent_blocked" // it cannot arrive; she should know
	}
	t.Send(t.Text(key, map[string]any{"ID": q.ID}), [][]store.Button{{t.Button("faq.publish", fmt.Sprintf(prefixPublishFAQ+":%d", q.ID))}})
	return nil
}

// announceQuestions tells the people of a queue about its questions not
// yet announced: one notice for one, a digest for several.
func announceQuestions(b *bot.Bot, tx *store.Tx, kind store.QuestionKind, now time.Time) (int, error) {
	qs, err := tx.Questions()
	if err != nil {
		return 0, err
	}
	var fresh []int
	for _, q := range qs {
		if q.Kind == kind && q.Status == store.QuestionOpen && q.AnnouncedAt.IsZero() {
			q.AnnouncedAt = now
			if _, err := tx.PutQuestion(q); err != nil {
				return 0, err
			}
			fresh = append(fresh, q.ID)
		}
	}
	if len(fresh) == 0 {
		return 0, nil
	}
	return tellQueue(b, tx, kind, now, func(lang string) string {
		if len(fresh) == 1 {
			return b.Texts.Text(lang, "queue.new", map[string]any{"ID": fresh[0]})
		}
		return b.Texts.Text(lang, "queue.digest", map[string]any{"Count": len(fresh)})
	})
}

// tellQueue queues a message to everyone who serves a queue.
func tellQueue(b *bot.Bot, tx *store.Tx, kind store.QuestionKind, now time.Time, text func(lang string) string) (int, error) {
	users, err := queueMembers(b, tx, kind)
	if err != nil {
		return 0, err
	}
	msgs := bot.Notices(users, text, nil)
	return len(msgs), tx.Enqueue(now, msgs...)
}

// queueMembers are who serve a queue: the holders of its roles, and for
// a queue staff serve, the staff named in the config too, once each.
func queueMembers(b *bot.Bot, tx *store.Tx, kind store.QuestionKind) ([]store.User, error) {
	roles := queueRoles[kind]
	users, err := tx.UsersWithRoles(roles...)
	if err != nil || !slices.Contains(roles, store.RoleStaff) {
		return users, err
	}
	staff, err := b.StaffAudience(tx)
	if err != nil {
		return nil, err
	}
	for _, s := range staff {
		if !slices.ContainsFunc(users, func(u store.User) bool { return u.ID == s.ID }) {
			users = append(users, s)
		}
	}
	return users, nil
}

// ChaseQuestions is the minute's work that is no due item: a question
// left untaken too long is announced again, and staff are told of one
// unanswered for twice that. A cron job calls it every minute.
func ChaseQuestions(b *bot.Bot) error {
	if err := b.DB.Update(func(tx *store.Tx) error { return chaseQuestions(b, tx, b.Now()) }); err != nil {
		return fmt.Errorf("chase questions: %w", err)
	}
	b.Delivered()
	return nil
}

// chaseQuestions announces again a question left untaken too long, and
// tells staff of one still unanswered after twice as long.
func chaseQuestions(b *bot.Bot, tx *store.Tx, now time.Time) error {
	wait := b.Mentoring.ReannounceAfter
	if wait <= 0 {
		return nil
	}
	qs, err := tx.Questions()
	if err != nil {
		return err
	}
	for _, q := range qs {
		changed := false
		if q.Status == store.QuestionOpen && q.ReannouncedAt.IsZero() && now.Sub(q.CreatedAt) >= wait {
			hours := int(now.Sub(q.CreatedAt).Hours())
			if _, err := tellQueue(b, tx, q.Kind, now, func(lang string) string {
				return b.Texts.Text(lang, "queue.still_waiting", map[string]any{"ID": q.ID, "Hours": hours})
			}); err != nil {
				return err
			}
			q.ReannouncedAt, changed = now, true
		}
		if q.FirstAnswerAt.IsZero() && q.Status != store.QuestionResolved && q.ReportedAt.IsZero() && now.Sub(q.CreatedAt) >= 2*wait {
			if err := b.TellStaff(tx, now, "staff.question_waiting", map[string]any{"ID": q.ID, "Hours": int(now.Sub(q.CreatedAt).Hours())}); err != nil {
				return err
			}
			q.ReportedAt, changed = now, true
		}
		if changed {
			if _, err := tx.PutQuestion(q); err != nil {
				return err
			}
		}
	}
	return nil
}

// releaseQuestions puts back in their queues the questions u took and has
// not answered, in queues she no longer serves, and returns those queues.
func releaseQuestions(t *bot.Turn, u store.User, f *bot.Freed) ([]store.QuestionKind, error) {
	qs, err := t.Tx.Questions()
	if err != nil {
		return nil, err
	}
	var kinds []store.QuestionKind
	for _, q := range qs {
		if q.TakenBy != u.ID || q.Status != store.QuestionTaken || serves(t.Bot(), u, q.Kind) {
			continue
		}
		q.Status, q.TakenBy, q.AnnouncedAt = store.QuestionOpen, 0, time.Time{} // announced again as new
		if _, err := t.Tx.PutQuestion(q); err != nil {
			return nil, err
		}
		f.Questions++
		if !slices.Contains(kinds, q.Kind) {
			kinds = append(kinds, q.Kind)
		}
	}
	return kinds, nil
}

// questionsFreed is the end of a role for the queues (Feature.RoleEnds):
// the questions u took and no longer may answer go back to their queues,
// announced again once she is saved without the role.
func questionsFreed(t *bot.Turn, u store.User, _ store.Role, f *bot.Freed) (func() error, error) {
	kinds, err := releaseQuestions(t, u, f)
	if err != nil || len(kinds) == 0 {
		return nil, err
	}
	return func() error {
		for _, k := range kinds {
			if _, err := announceQuestions(t.Bot(), t.Tx, k, t.Now); err != nil {
				return err
			}
		}
		return nil
	}, nil
}
