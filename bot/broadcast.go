package bot

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/schedule"
	"github.com/mentorbot/mentorbot/store"
)

// Awaited parts of a broadcast staff are writing.
const (
	awaitBroadcastText = "bctext:" // + "ky:ID" or "ru:ID": that language's version
	awaitBroadcastTime = "bctime:" // + ID: when to send it
)

// broadcastAudiences are offered as buttons; oblast and category open a
// second picker.
var broadcastAudiences = []string{"everyone", "applicants", "participants", "candidates", "deputies", "mentors", "oblast", "category"}

// startBroadcast is /broadcast: write it in Kyrgyz, then in Russian.
func (t *turn) startBroadcast() error {
	b, err := t.tx.PutBroadcast(store.Broadcast{CreatedBy: t.user.ID, CreatedAt: t.now, Text: map[string]string{}, Status: store.BroadcastDraft})
	if err != nil {
		return err
	}
	t.askBroadcastText(b, "ky")
	return nil
}

func (t *turn) askBroadcastText(b store.Broadcast, lang string) {
	t.user.Awaiting = fmt.Sprintf("%s%s:%d", awaitBroadcastText, lang, b.ID)
	t.send(t.text("bc.write."+lang, nil), [][]store.Button{{t.button("bc.skip", fmt.Sprintf("bc:skip:%d:%s", b.ID, lang))}})
}

// broadcastArg loads a draft broadcast by ID.
func (t *turn) broadcastArg(id string) (store.Broadcast, bool, error) {
	n, err := strconv.Atoi(id)
	if err != nil {
		return store.Broadcast{}, false, nil
	}
	b, err := t.tx.Broadcast(n)
	if isNotFound(err) {
		return b, false, nil
	}
	return b, err == nil, err
}

// broadcastText takes one language's version: text, or a photo or
// document with its caption.
func (t *turn) broadcastText(arg string) error {
	lang, id, _ := strings.Cut(arg, ":")
	b, ok, err := t.broadcastArg(id)
	if !ok || b.Status != store.BroadcastDraft {
		return err
	}
	limit := MaxMessage
	if t.u.Media != nil || b.Media != nil {
		limit = captionMax
	}
	text := strings.TrimSpace(t.u.Text)
	switch {
	case t.u.Kind != KindText && t.u.Media == nil:
		t.say("input.need_text", nil)
		t.askBroadcastText(b, lang)
		return nil
	case !fits(text, limit):
		t.say("bc.too_long", map[string]any{"Max": limit})
		t.askBroadcastText(b, lang)
		return nil
	}
	if t.u.Media != nil {
		b.Media = t.u.Media
	}
	b.Text[lang] = text
	if _, err := t.tx.PutBroadcast(b); err != nil {
		return err
	}
	if err := t.audit(staffOnly, "broadcast text", id+" "+lang); err != nil {
		return err
	}
	return t.nextBroadcastStep(b, lang)
}

// nextBroadcastStep goes from Kyrgyz to Russian, then to the check that
// both are there, then to the audience.
func (t *turn) nextBroadcastStep(b store.Broadcast, done string) error {
	if done == "ky" {
		t.askBroadcastText(b, "ru")
		return nil
	}
	ky, ru := b.Text["ky"] != "", b.Text["ru"] != ""
	switch {
	case !ky && !ru && b.Media == nil:
		t.say("bc.empty", nil)
		t.askBroadcastText(b, "ky")
		return nil
	case ky != ru:
		have, missing := "ky", "ru"
		if ru {
			have, missing = "ru", "ky"
		}
		t.send(t.text("bc.one_version", map[string]any{
			"Missing": t.text("language.name."+missing, nil), "Have": t.text("language.name."+have, nil),
		}), [][]store.Button{{t.button("bc.send_one", fmt.Sprintf("bc:one:%d", b.ID)), t.button("bc.cancel", fmt.Sprintf("bc:cancel:%d", b.ID))}})
		return nil
	}
	t.askAudience(b)
	return nil
}

func (t *turn) askAudience(b store.Broadcast) {
	var rows [][]store.Button
	for _, a := range broadcastAudiences {
		rows = append(rows, []store.Button{t.button("audience."+a, fmt.Sprintf("bc:to:%d:%s", b.ID, a))})
	}
	t.send(t.text("bc.audience", nil), rows)
}

// tapBroadcast handles the broadcast buttons: "ACTION:ID[:ARG]".
func (t *turn) tapBroadcast(args string) error {
	parts := strings.SplitN(args, ":", 3)
	if len(parts) < 2 {
		return t.oldButton()
	}
	b, ok, err := t.broadcastArg(parts[1])
	if !ok {
		return errOr(err, t.oldButton)
	}
	arg := ""
	if len(parts) == 3 {
		arg = parts[2]
	}
	t.toast("")
	switch parts[0] {
	case "skip":
		if b.Status != store.BroadcastDraft || t.user.Awaiting != fmt.Sprintf("%s%s:%d", awaitBroadcastText, arg, b.ID) {
			return t.oldButton()
		}
		t.user.Awaiting = ""
		t.editButtons(nil)
		return t.nextBroadcastStep(b, arg)
	case "one":
		t.editButtons(nil)
		t.askAudience(b)
		return nil
	case "to":
		return t.pickAudience(b, arg)
	case "go":
		return t.launchBroadcast(b)
	case "later":
		t.user.Awaiting = fmt.Sprintf("%s%d", awaitBroadcastTime, b.ID)
		b.ProgressChat, b.ProgressMessageID = t.u.ChatID, t.u.MessageID
		if _, err := t.tx.PutBroadcast(b); err != nil {
			return err
		}
		t.say("bc.when", nil)
		return nil
	case "pause", "resume", "cancel":
		return t.controlBroadcast(b, parts[0])
	case "again":
		return t.sendAgain(b)
	case "csv":
		return t.broadcastReport(b)
	}
	return t.oldButton()
}

// pickAudience takes the audience, narrowing oblast and category with a
// second picker, then shows the preview and the number of recipients.
func (t *turn) pickAudience(b store.Broadcast, audience string) error {
	if b.Status != store.BroadcastDraft {
		return t.oldButton()
	}
	switch audience {
	case "oblast", "category":
		values := schedule.Oblasts
		label := "form.oblast.opt."
		if audience == "category" {
			values, label = []string{string(store.Category28Plus), string(store.CategoryUnder28)}, "category."
		}
		var rows [][]store.Button
		for _, v := range values {
			rows = append(rows, []store.Button{{Text: t.text(label+v, nil), Data: fmt.Sprintf("bc:to:%d:%s:%s", b.ID, audience, v)}})
		}
		t.edit(t.text("bc.audience", nil), rows)
		return nil
	}
	if schedule.CheckAudience(audience) != nil {
		return t.oldButton()
	}
	users, err := audienceOf(t.tx, audience, t.StaffIDs)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		t.say("bc.nobody", nil)
		return nil
	}
	b.Audience = audience
	if _, err := t.tx.PutBroadcast(b); err != nil {
		return err
	}
	t.editButtons(nil)
	// The preview is the message itself, as recipients in her language see it.
	t.out = append(t.out, broadcastCopy(b, t.u.ChatID, t.lang()))
	byLang := map[string]int{}
	for _, u := range users {
		byLang[userLang(u)]++
	}
	t.send(t.text("bc.confirm", map[string]any{"Count": len(users), "Ky": byLang["ky"], "Ru": byLang["ru"], "Audience": t.text("audience."+strings.Split(audience, ":")[0], nil)}),
		[][]store.Button{
			{t.button("bc.send_now", fmt.Sprintf("bc:go:%d", b.ID)), t.button("bc.schedule", fmt.Sprintf("bc:later:%d", b.ID))},
			{t.button("bc.cancel", fmt.Sprintf("bc:cancel:%d", b.ID))},
		})
	return nil
}

// launchBroadcast starts sending: the recipients are fixed now, and the
// message staff tapped becomes the progress report.
func (t *turn) launchBroadcast(b store.Broadcast) error {
	if b.Status != store.BroadcastDraft && b.Status != store.BroadcastScheduled {
		return t.oldButton()
	}
	b.ProgressChat, b.ProgressMessageID = t.u.ChatID, t.u.MessageID
	n, err := startBroadcast(t.tx, b, t.StaffIDs, t.now)
	if err != nil {
		return err
	}
	t.Log.Info("broadcast started", "by", t.user.ID, "broadcast", b.ID, "recipients", n)
	t.edit(t.text("bc.started", map[string]any{"ID": b.ID, "Count": n}), controlButtons(t.Texts, t.lang(), store.Broadcast{ID: b.ID, Status: store.BroadcastRunning}))
	return nil
}

// startBroadcast fixes the recipients of b, marks it running and puts
// their copies in the outbox, all in the caller's transaction.
func startBroadcast(tx *store.Tx, b store.Broadcast, staffIDs []int64, now time.Time) (int, error) {
	users, err := audienceOf(tx, b.Audience, staffIDs)
	if err != nil {
		return 0, err
	}
	for _, u := range users {
		if err := tx.PutRecipient(store.Recipient{BroadcastID: b.ID, UserID: u.ID, Language: userLang(u), State: store.RecipientPending}); err != nil {
			return 0, err
		}
	}
	b.Status, b.Total, b.StartedAt = store.BroadcastRunning, len(users), now
	b.ProgressAt = now
	if b, err = tx.PutBroadcast(b); err != nil {
		return 0, err
	}
	return tx.QueueRecipients(b, now)
}

// scheduleBroadcast takes the time to send a broadcast later: a due item,
// the same mechanism as reminders, so a restart does not lose it.
func (t *turn) scheduleBroadcast(id string) error {
	b, ok, err := t.broadcastArg(id)
	if !ok || b.Status != store.BroadcastDraft {
		return err
	}
	at, ok := t.eventTime(t.u.Text)
	if !ok {
		t.user.Awaiting = awaitBroadcastTime + id
		return nil
	}
	b.Status, b.ScheduledAt = store.BroadcastScheduled, at
	if _, err := t.tx.PutBroadcast(b); err != nil {
		return err
	}
	if err := t.planDue(t.tx, store.Due{At: at, Kind: store.DueBroadcast, EventID: id}); err != nil {
		return err
	}
	if err := t.audit(staffOnly, "broadcast time", id+" "+at.In(t.Location).Format("2006-01-02 15:04")); err != nil {
		return err
	}
	t.say("bc.scheduled", map[string]any{"ID": b.ID, "When": t.dateTime(at)})
	return nil
}

// startScheduled starts a scheduled broadcast when its due item comes.
func (b *Bot) startScheduled(tx *store.Tx, d store.Due) (int, error) {
	id, _ := strconv.Atoi(d.EventID)
	bc, err := tx.Broadcast(id)
	if isNotFound(err) || (err == nil && bc.Status != store.BroadcastScheduled) {
		return 0, nil // cancelled meanwhile
	}
	if err != nil {
		return 0, err
	}
	return startBroadcast(tx, bc, b.StaffIDs, b.Now())
}

// controlBroadcast pauses, resumes or cancels a broadcast. A pause takes
// the copies still waiting out of the outbox (a copy on its way at that
// moment still arrives and counts); resuming puts them back.
func (t *turn) controlBroadcast(b store.Broadcast, action string) error {
	var err error
	switch {
	case action == "pause" && b.Status == store.BroadcastRunning:
		b.Status = store.BroadcastPaused
		_, err = t.tx.UnqueueRecipients(b)
	case action == "resume" && b.Status == store.BroadcastPaused:
		b.Status = store.BroadcastRunning
		_, err = t.tx.QueueRecipients(b, t.now)
	case action == "cancel" && b.Status != store.BroadcastDone && b.Status != store.BroadcastCancelled:
		b.Status = store.BroadcastCancelled
		t.user.Awaiting = ""
		_, err = t.tx.UnqueueRecipients(b)
	default:
		return t.oldButton()
	}
	if err != nil {
		return err
	}
	if _, err := t.tx.PutBroadcast(b); err != nil {
		return err
	}
	t.Log.Info("broadcast "+action, "by", t.user.ID, "broadcast", b.ID)
	if b.Status == store.BroadcastCancelled {
		t.editButtons(nil)
		t.say("bc.cancelled", map[string]any{"ID": b.ID})
		return nil
	}
	t.editButtons(controlButtons(t.Texts, t.lang(), b))
	return nil
}

// sendAgain is the report's "send again to those not reached": the
// recipients whose copy failed get it again (not those who blocked the
// bot), and the report's message shows the progress.
func (t *turn) sendAgain(b store.Broadcast) error {
	if b.Status != store.BroadcastDone || b.Failed == 0 {
		return t.oldButton()
	}
	b, n, err := t.tx.RetryFailed(b)
	if err != nil {
		return err
	}
	b.Status, b.FinishedAt = store.BroadcastRunning, time.Time{}
	b.ProgressChat, b.ProgressMessageID, b.ProgressAt = t.u.ChatID, t.u.MessageID, t.now
	if b, err = t.tx.PutBroadcast(b); err != nil {
		return err
	}
	if _, err := t.tx.QueueRecipients(b, t.now); err != nil {
		return err
	}
	t.Log.Info("broadcast sent again to those not reached", "by", t.user.ID, "broadcast", b.ID, "recipients", n)
	t.edit(t.text("bc.started", map[string]any{"ID": b.ID, "Count": n}), controlButtons(t.Texts, t.lang(), b))
	return nil
}

// listBroadcasts is a page of /broadcasts: the broadcasts, newest first,
// with their counts, and a button for each one's report. Only the page's
// recipients are counted.
func (t *turn) listBroadcasts(w window) (listPage, error) {
	all, err := t.sentBroadcasts()
	if err != nil {
		return listPage{}, err
	}
	if len(all) == 0 {
		return listPage{text: t.text("bc.none", nil)}, nil
	}
	var sb strings.Builder
	var reports []store.Button
	for _, b := range all[min(w.offset, len(all)):min(w.offset+w.limit, len(all))] {
		rs, err := t.tx.Recipients(b.ID)
		if err != nil {
			return listPage{}, err
		}
		c := countRecipients(rs)
		fmt.Fprintf(&sb, "#%d · %s · %s · %s\n%s\n✅ %d 🚫 %d ❌ %d ⏳ %d\n\n", b.ID, t.dateTime(b.CreatedAt), t.text("bc.status."+string(b.Status), nil), b.Audience,
			clip(b.TextFor(t.lang()), 60), c.sent, c.blocked, c.failed, c.left)
		reports = append(reports, store.Button{Text: fmt.Sprintf("📄 #%d", b.ID), Data: fmt.Sprintf("bc:csv:%d", b.ID)})
	}
	p := listPage{text: strings.TrimSpace(sb.String()), total: len(all)}
	if len(reports) > 0 {
		p.buttons = [][]store.Button{reports}
	}
	return p, nil
}

// broadcastReport sends a broadcast's recipients and their outcome as CSV.
func (t *turn) broadcastReport(b store.Broadcast) error {
	rs, err := t.tx.Recipients(b.ID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"broadcast", "user_id", "language", "state", "attempts", "error", "at"})
	for _, r := range rs {
		at := ""
		if !r.At.IsZero() {
			at = r.At.In(t.Location).Format("2006-01-02T15:04:05Z07:00")
		}
		_ = w.Write([]string{strconv.Itoa(b.ID), strconv.FormatInt(r.UserID, 10), r.Language, string(r.State), strconv.Itoa(r.Attempts), r.Error, at})
	}
	w.Flush()
	t.out = append(t.out, store.Outgoing{Kind: store.KindDocument, ChatID: t.u.ChatID, Text: t.text("bc.csv", nil),
		Document: &store.File{Name: fmt.Sprintf("broadcast-%d.csv", b.ID), Data: buf.Bytes()}})
	return nil
}
