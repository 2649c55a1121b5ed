//go:build unix

package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mentorbot/mentorbot/bot/calendar"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/delivery"
	"github.com/mentorbot/mentorbot/bot/telegram"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/store"
)

// checkUpdates: every pushed update confirmed, to Telegram and in the store.
func (c *crashRun) checkUpdates(db *store.DB, last int) {
	c.t.Helper()
	if got := c.srv.ConfirmedOffset(); got <= last {
		c.errorf("confirmed offset %d, want past the last update %d", got, last)
	}
	for id := 1; id <= last; id++ {
		if handled, err := db.Handled(id); err != nil || !handled {
			c.errorf("update %d not marked handled (%v)", id, err)
		}
	}
}

// checkApplications: one application each, her exact answers, codes
// without a gap or a duplicate, and her code told to her.
func (c *crashRun) checkApplications(db *store.DB, applicants []crashApplicant, calls []telegramtest.Call) {
	c.t.Helper()
	apps, err := db.Applications()
	if err != nil {
		c.fatalf("applications: %v", err)
	}
	byUser := map[int64][]store.Application{}
	var codes []string
	for _, a := range apps {
		byUser[a.UserID] = append(byUser[a.UserID], a)
		codes = append(codes, a.Code)
	}
	slices.Sort(codes)
	var want []string
	for i := range apps {
		want = append(want, fmt.Sprintf("A-%03d", i+1))
	}
	if !slices.Equal(codes, want) {
		c.errorf("codes %v, want %v", codes, want)
	}
	sent := sentTexts(calls)
	for _, a := range applicants {
		got := byUser[a.user.ID]
		if len(got) != 1 {
			c.errorf("applicant %d has %d applications", a.user.ID, len(got))
			continue
		}
		app := got[0]
		if app.Status != store.StatusSubmitted || app.Language != a.lang || app.Category != store.Category28Plus {
			c.errorf("applicant %d: status %q, language %q, category %q", a.user.ID, app.Status, app.Language, app.Category)
		}
		for k, v := range a.answers {
			if g, ok := app.Answers[k]; !ok || g != v {
				c.errorf("applicant %d: %s = %q (present %v), want %q", a.user.ID, k, g, ok, v)
			}
		}
		for k, v := range app.Answers {
			if _, ok := a.answers[k]; !ok {
				c.errorf("applicant %d: unexpected answer %s = %q", a.user.ID, k, v)
			}
		}
		confirm := c.texts.Text(a.lang, "app.submitted", map[string]any{"Code": app.Code})
		if sent[chatText{a.user.ID, confirm}] == 0 {
			c.errorf("applicant %d was never told her code %s", a.user.ID, app.Code)
		}
	}
}

// checkQuestionsPlanned runs at the clean stop, before the last start
// delivers anything: each question is announced already, or its own
// notice is planned in the same transaction that stored it.
func (c *crashRun) checkQuestionsPlanned(db *store.DB) {
	c.t.Helper()
	err := db.View(func(tx *store.Tx) error {
		qs, err := tx.Questions()
		if err != nil {
			return err
		}
		due, err := tx.DueUntil(time.Now().AddDate(1, 0, 0))
		if err != nil {
			return err
		}
		announced := 0
		for _, q := range qs {
			if !q.AnnouncedAt.IsZero() {
				announced++
				continue
			}
			if !slices.ContainsFunc(due, func(d store.Due) bool {
				return d.Kind == store.DueQuestions && d.EventID == string(q.Kind) && d.At.Equal(q.CreatedAt.Add(bot.DefaultMentoring().DigestDelay))
			}) {
				c.errorf("question #%d is neither announced nor planned to be", q.ID)
			}
		}
		c.t.Logf("at the clean stop %d of %d questions announced, the rest due", announced, len(qs))
		return nil
	})
	if err != nil {
		c.errorf("questions: %v", err)
	}
}

// checkQuestions: each question stored once, with her text, a receipt
// sent, and the notices of every question at its queue (copies sent twice
// are counted by checkOtherChats).
func (c *crashRun) checkQuestions(db *store.DB, want []crashQuestion, calls []telegramtest.Call) {
	c.t.Helper()
	var qs []store.Question
	langs := map[int64]string{}
	err := db.View(func(tx *store.Tx) (err error) {
		if qs, err = tx.Questions(); err != nil {
			return err
		}
		for _, q := range qs {
			u, err := tx.User(q.UserID)
			if err != nil {
				return err
			}
			langs[q.UserID] = u.Language
		}
		return nil
	})
	if err != nil {
		c.fatalf("questions: %v", err)
	}
	if len(qs) != len(want) {
		c.errorf("%d questions stored, want %d", len(qs), len(want))
	}
	sent := sentTexts(calls)
	for _, w := range want {
		var found []store.Question
		for _, q := range qs {
			if len(q.Thread) > 0 && q.Thread[0].Text == w.text {
				found = append(found, q)
			}
		}
		if len(found) != 1 {
			c.errorf("question %q stored %d times", w.text, len(found))
			continue
		}
		q := found[0]
		if q.UserID != w.userID || q.Kind != w.kind || len(q.Thread) != 1 {
			c.errorf("question #%d: user %d, kind %s, %d posts; want user %d, kind %s, 1 post", q.ID, q.UserID, q.Kind, len(q.Thread), w.userID, w.kind)
		}
		if q.AnnouncedAt.IsZero() {
			c.errorf("question #%d never announced", q.ID)
		}
		receipt := c.texts.Text(langs[q.UserID], "mentoring.receipt", map[string]any{"ID": q.ID})
		if sent[chatText{q.UserID, receipt}] == 0 {
			c.errorf("question #%d: no receipt", q.ID)
		}
	}
	// One notice per announcement (all questions announced together):
	// "new #ID" for one, a digest with the count for several.
	for _, queue := range []struct {
		kind store.QuestionKind
		chat int64
		lang string
	}{{store.KindMentor, crashMentor, "ru"}, {store.KindLawyer, crashLawyer, "ky"}} {
		groups := map[time.Time][]int{}
		for _, q := range qs {
			if q.Kind == queue.kind && !q.AnnouncedAt.IsZero() {
				groups[q.AnnouncedAt.UTC()] = append(groups[q.AnnouncedAt.UTC()], q.ID)
			}
		}
		expect := map[string]int{}
		for _, ids := range groups {
			if len(ids) == 1 {
				expect[c.texts.Text(queue.lang, "queue.new", map[string]any{"ID": ids[0]})]++
			} else {
				expect[c.texts.Text(queue.lang, "queue.digest", map[string]any{"Count": len(ids)})]++
			}
		}
		got := map[string]int{}
		for k, n := range sent {
			if k.chat == queue.chat {
				got[k.text] += n
			}
		}
		for text, n := range expect {
			if got[text] < n {
				c.errorf("%s queue: notice %q arrived %d times, want %d", queue.kind, text, got[text], n)
			}
		}
		for text := range got {
			if expect[text] == 0 {
				c.errorf("%s queue: unexpected message %q", queue.kind, text)
			}
		}
	}
}

// checkBroadcast: done, everyone sent, the announcement at each recipient
// once (a copy more is counted as sent twice; at most one more for each
// kill after the first), and the report to staff.
func (c *crashRun) checkBroadcast(db *store.DB, calls []telegramtest.Call) {
	c.t.Helper()
	var b store.Broadcast
	var rs []store.Recipient
	err := db.View(func(tx *store.Tx) error {
		all, err := tx.Broadcasts()
		if err != nil {
			return err
		}
		if len(all) != 1 {
			return fmt.Errorf("%d broadcasts stored, want the one written", len(all))
		}
		b = all[0]
		rs, err = tx.Recipients(b.ID)
		return err
	})
	if err != nil {
		c.fatalf("broadcast: %v", err)
	}
	want := crashParticipants + len(crashSelectionAccepted())
	if b.Status != store.BroadcastDone || len(rs) != want {
		c.errorf("broadcast #%d: status %s, %d recipients; want done, %d", b.ID, b.Status, len(rs), want)
	}
	copies := map[int64][]time.Time{}
	for _, call := range calls {
		text := call.Params["text"]
		if call.Method == "sendMessage" && call.Code == 200 && (text == crashBroadcast["ky"] || text == crashBroadcast["ru"]) {
			chat, _ := strconv.ParseInt(call.Params["chat_id"], 10, 64)
			copies[chat] = append(copies[chat], call.At)
		}
	}
	twice, most := 0, 0
	for _, r := range rs {
		if r.State != store.RecipientSent {
			c.errorf("recipient %d: %s", r.UserID, r.State)
		}
		got := copies[r.UserID]
		most = max(most, len(got))
		switch {
		case len(got) == 0:
			c.errorf("recipient %d never got the broadcast", r.UserID)
		case len(got) > 1:
			twice++
			for _, at := range got[1:] {
				c.extras = append(c.extras, extraCopy{at, fmt.Sprintf("broadcast copy to %d", r.UserID)})
			}
			if after := c.killsAfter(got[0]); len(got) > 1+after {
				c.errorf("recipient %d got the broadcast %d times, with %d kills after the first", r.UserID, len(got), after)
			}
		}
	}
	report := c.texts.Text("ru", "bc.report", map[string]any{"ID": b.ID, "Sent": want, "Blocked": 0, "Failed": 0, "Left": 0})
	if sentTexts(calls)[chatText{crashStaff, report}] == 0 {
		c.errorf("no report %q to staff", report)
	}
	c.t.Logf("broadcast: %d recipients, %d got it more than once (at most %d copies to one), report sent", len(rs), twice, most)
}

// checkTaps: every tap pushed got an answer; a second answer to a tap is
// a copy sent twice, and there is at most one more for each kill after
// the first.
func (c *crashRun) checkTaps(calls []telegramtest.Call) {
	c.t.Helper()
	updateOf := map[string]int{}
	for _, a := range c.srv.Callbacks() {
		updateOf[a.ID] = a.UpdateID
	}
	answers := map[int][]time.Time{}
	for _, call := range calls {
		if call.Method == "answerCallbackQuery" && call.Code == 200 {
			u := updateOf[call.Params["callback_query_id"]]
			answers[u] = append(answers[u], call.At)
		}
	}
	taps := append(slices.Clone(c.phones.taps), c.taps...)
	twice := 0
	for _, u := range taps {
		got := answers[u]
		if len(got) == 0 {
			c.errorf("the tap of update %d was never answered", u)
			continue
		}
		if len(got) > 1 {
			twice++
		}
		if after := c.killsAfter(got[0]); len(got) > 1+after {
			c.errorf("the tap of update %d was answered %d times, with %d kills after the first", u, len(got), after)
		}
		for _, at := range got[1:] {
			c.extras = append(c.extras, extraCopy{at, fmt.Sprintf("answer to the tap of update %d", u)})
		}
	}
	if len(answers) != len(taps) {
		c.errorf("%d taps answered, %d pushed", len(answers), len(taps))
	}
	c.t.Logf("taps: %d pushed, every one answered, %d answered twice", len(taps), twice)
}

// golden is what the golden run left: the calls its Telegram received,
// and the codes and question numbers its store gave.
type golden struct {
	calls     []telegramtest.Call
	codes     map[int64]string // by user
	questions map[string]int   // by the question's text
}

// goldenRun is the same flood, without staff, the selection and the
// broadcast, handled by the same bot in this process with nobody killing
// it: the replies each chat must get. Before each tap the run waits until
// everything before it is handled and delivered, so it is the same every
// time, and checks that the tap's button was offered as often as its
// step says.
func (c *crashRun) goldenRun(flood []crashStep, began time.Time) golden {
	c.t.Helper()
	srv := telegramtest.NewServer(c.t)
	log := slog.New(slog.DiscardHandler)
	app, err := open(common{db: filepath.Join(c.t.TempDir(), "golden.db"), config: c.config}, log, nil)
	if err != nil {
		c.fatalf("golden run: %v", err)
	}
	defer app.db.Close()
	if err := app.db.Update(func(tx *store.Tx) error { return seedCrashUsers(tx, began) }); err != nil {
		c.fatalf("golden run: %v", err)
	}
	client, err := telegram.Connect(telegramtest.Token, srv.Endpoint())
	if err != nil {
		c.fatalf("golden run: %v", err)
	}
	outbox := delivery.New(app.db, client, log)
	b := app.bot(outbox.Wake, nil)
	if err := calendar.SyncProgramme(b); err != nil {
		c.fatalf("golden run: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	wg.Go(func() { _ = outbox.Run(ctx) })
	poller := &telegram.Poller{Client: client, DB: app.db, Handler: b, Log: log}
	wg.Go(func() { _ = poller.Run(ctx) })

	ph := newPhones(srv, flood)
	quiet := func() bool {
		if srv.ConfirmedOffset() <= ph.last {
			return false
		}
		items, err := app.db.Outbox(1)
		return err == nil && len(items) == 0
	}
	ph.quiet = quiet
	ph.until(len(flood), 30*time.Second, c.deadline, func(why string) { c.fatalf("golden run: %s", why) })
	c.await("the golden run's replies delivered", 30*time.Second, quiet)
	for _, w := range ph.wrong {
		c.errorf("golden run: %s", w)
	}
	g := golden{calls: srv.Calls(), codes: map[int64]string{}, questions: map[string]int{}}
	apps, err := app.db.Applications()
	if err != nil {
		c.fatalf("golden run: %v", err)
	}
	for _, a := range apps {
		g.codes[a.UserID] = a.Code
	}
	err = app.db.View(func(tx *store.Tx) error {
		qs, err := tx.Questions()
		for _, q := range qs {
			g.questions[q.Thread[0].Text] = q.ID
		}
		return err
	})
	if err != nil {
		c.fatalf("golden run: %v", err)
	}
	return g
}

// chatItem is one message or edit the bot made in a chat, as it
// compares: what (method), text and buttons; ok is whether Telegram
// accepted it.
type chatItem struct {
	key string
	ok  bool
	at  time.Time
}

// floodChats are the applicants' and askers' chats.
func floodChats() []int64 {
	var chats []int64
	for i := range crashApplicants {
		chats = append(chats, crashFirstApplicant+int64(i))
	}
	for i := range crashAskers {
		chats = append(chats, crashFirstParticipant+int64(i))
	}
	return chats
}

// chatItems are the messages and edits in each chat, in order, without
// the broadcast's copies (checkBroadcast's); withMessageIDs tells edits
// of different messages apart (in one run: the ids differ between runs).
func chatItems(calls []telegramtest.Call, withMessageIDs bool) map[int64][]chatItem {
	out := map[int64][]chatItem{}
	for _, call := range calls {
		switch call.Method {
		case "sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto":
		default:
			continue
		}
		if call.Code == 0 || call.Code == telegramtest.GaveUp {
			continue
		}
		text := call.Params["text"]
		if call.Method == "sendMessage" && (text == crashBroadcast["ky"] || text == crashBroadcast["ru"]) {
			continue
		}
		chat, _ := strconv.ParseInt(call.Params["chat_id"], 10, 64)
		key := call.Method + " " + strconv.Quote(text) + " " + call.Params["reply_markup"]
		if withMessageIDs && call.Params["message_id"] != "" {
			key += " on " + call.Params["message_id"]
		}
		if call.Method == "sendDocument" || call.Method == "sendPhoto" {
			key += " " + call.FileNames["document"] + call.FileNames["photo"] + " " + strconv.Quote(call.Params["caption"])
		}
		out[chat] = append(out[chat], chatItem{key: key, ok: call.Code == 200, at: call.At})
	}
	return out
}

// checkReplies compares, chat by chat and in order, the messages and
// edits applicants and askers got with those of the golden run: every one
// made, none unexpected, texts and buttons exactly the same but for her
// application code and question numbers, which are those her own store
// gave her (the order of the chats decides them). A message or edit may
// come twice, when a stop came between Telegram's answer and the
// outbox's record: such copies are counted.
func (c *crashRun) checkReplies(db *store.DB, g golden, calls []telegramtest.Call) {
	c.t.Helper()
	// What the golden run's numbers become in this run.
	replace := map[int64]map[string]string{}
	apps, err := db.Applications()
	if err != nil {
		c.fatalf("replies: %v", err)
	}
	for _, a := range apps {
		if gc, ok := g.codes[a.UserID]; ok {
			replace[a.UserID] = map[string]string{
				c.texts.Text(a.Language, "app.submitted", map[string]any{"Code": gc}): c.texts.Text(a.Language, "app.submitted", map[string]any{"Code": a.Code}),
			}
		}
	}
	err = db.View(func(tx *store.Tx) error {
		qs, err := tx.Questions()
		if err != nil {
			return err
		}
		for _, q := range qs {
			u, err := tx.User(q.UserID)
			if err != nil {
				return err
			}
			gid, ok := g.questions[q.Thread[0].Text]
			if !ok {
				c.errorf("question #%d %q is not in the golden run", q.ID, q.Thread[0].Text)
				continue
			}
			if replace[q.UserID] == nil {
				replace[q.UserID] = map[string]string{}
			}
			replace[q.UserID][c.texts.Text(u.Language, "mentoring.receipt", map[string]any{"ID": gid})] = c.texts.Text(u.Language, "mentoring.receipt", map[string]any{"ID": q.ID})
		}
		return nil
	})
	if err != nil {
		c.fatalf("replies: %v", err)
	}

	want, got := chatItems(g.calls, false), chatItems(calls, false)
	messages, edits, replaced := 0, 0, 0
	for _, chat := range floodChats() {
		expected := want[chat]
		if len(expected) == 0 {
			c.errorf("the golden run wrote nothing to chat %d", chat)
		}
		for i, it := range expected {
			if !it.ok {
				c.errorf("golden run, chat %d: refused %s", chat, it.key)
			}
			for from, to := range replace[chat] {
				if strings.Contains(it.key, strconv.Quote(from)) {
					expected[i].key = strings.Replace(it.key, strconv.Quote(from), strconv.Quote(to), 1)
					replaced++
				}
			}
			if strings.HasPrefix(it.key, "edit") {
				edits++
			} else {
				messages++
			}
		}
		seen := map[string]bool{}
		j := 0
		for _, it := range got[chat] {
			if it.ok && j < len(expected) && it.key == expected[j].key {
				seen[it.key] = true
				j++
				continue
			}
			if !seen[it.key] {
				c.errorf("chat %d: after %d of the golden run's %d, unexpected (accepted %v) %s\n  want %s", chat, j, len(expected), it.ok, it.key, keyAt(expected, j))
				continue
			}
			c.extras = append(c.extras, extraCopy{it.at, fmt.Sprintf("chat %d: %s", chat, it.key)})
		}
		if j < len(expected) {
			c.errorf("chat %d: %d of the golden run's %d messages and edits made; the next missing: %s", chat, j, len(expected), expected[j].key)
		}
	}
	if replaced != len(g.codes)+len(g.questions) {
		c.errorf("%d of the golden run's texts given this run's codes and numbers, want %d (%d codes, %d questions)", replaced, len(g.codes)+len(g.questions), len(g.codes), len(g.questions))
	}
	c.t.Logf("replies: %d messages and %d edits to %d chats exactly as in the golden run (%d with this run's code or number)", messages, edits, len(floodChats()), replaced)
}

func keyAt(items []chatItem, i int) string {
	if i < len(items) {
		return items[i].key
	}
	return "(nothing more)"
}

// checkOtherChats counts the copies sent twice to every chat but the
// flood's (staff, the commission, the selection's applicants, the mentor
// and the lawyer): there nothing is meant to be sent twice the same. A
// refused message or edit that is not such a copy is an error.
func (c *crashRun) checkOtherChats(calls []telegramtest.Call) {
	c.t.Helper()
	flood := map[int64]bool{}
	for _, chat := range floodChats() {
		flood[chat] = true
	}
	for chat, items := range chatItems(calls, true) {
		if flood[chat] {
			continue
		}
		seen := map[string]bool{}
		for _, it := range items {
			switch {
			case seen[it.key]:
				c.extras = append(c.extras, extraCopy{it.at, fmt.Sprintf("chat %d: %s", chat, it.key)})
			case !it.ok:
				c.errorf("chat %d: refused %s", chat, it.key)
			}
			seen[it.key] = true
		}
	}
}

// checkDuplicates bounds the copies sent twice by the stops: the copies
// sent in each run come from the stops before it, at most
// delivery.DuplicateBound each, so the runs up to any one have sent at
// most that many times the stops before it. It reports the copies per
// stop (those sent in the run after it).
func (c *crashRun) checkDuplicates() {
	c.t.Helper()
	perRun := make([]int, len(c.runs))
	for _, e := range c.extras {
		r := 0
		for i, at := range c.runs {
			if !e.at.Before(at) {
				r = i
			}
		}
		perRun[r]++
		if r == 0 {
			c.errorf("sent twice before any stop: %s", e.what)
		}
	}
	total, most := 0, 0
	for k := 1; k < len(perRun); k++ {
		total += perRun[k]
		most = max(most, perRun[k])
		if total > k*delivery.DuplicateBound {
			c.errorf("%d copies sent twice in the %d runs after the first, more than %d stops × %d allow", total, k, k, delivery.DuplicateBound)
		}
	}
	if c.stops != len(c.runs)-1 {
		c.errorf("%d stops, %d runs", c.stops, len(c.runs))
	}
	if c.t.Failed() {
		for _, e := range c.extras {
			c.t.Logf("sent twice at %s: %s", e.at.Format("15:04:05.000"), e.what)
		}
	}
	c.t.Logf("sent twice: %d copies after %d stops (%d kills, the clean stop), %.1f a stop on average, at most %d after one (the bound is %d)",
		total, c.stops, c.kills, float64(total)/float64(max(c.stops, 1)), most, delivery.DuplicateBound)
}

// killsAfter counts the kills after at: each may have come between
// Telegram's answer to a message and the outbox's record of it.
func (c *crashRun) killsAfter(at time.Time) int {
	n := 0
	for _, k := range c.killedAt {
		if k.After(at) {
			n++
		}
	}
	return n
}

type chatText struct {
	chat int64
	text string
}

// sentTexts counts the messages delivered, by chat and text.
func sentTexts(calls []telegramtest.Call) map[chatText]int {
	return countCalls(calls, "sendMessage")
}

// editTexts counts the edits made, by chat and new text.
func editTexts(calls []telegramtest.Call) map[chatText]int {
	return countCalls(calls, "editMessageText")
}

func countCalls(calls []telegramtest.Call, method string) map[chatText]int {
	out := map[chatText]int{}
	for _, call := range calls {
		if call.Method != method || call.Code != 200 {
			continue
		}
		chat, _ := strconv.ParseInt(call.Params["chat_id"], 10, 64)
		out[chatText{chat, call.Params["text"]}]++
	}
	return out
}

// tail is the last n lines of s, without the dropped edits of blind taps.
func tail(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.Contains(l, "message to edit not found") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
