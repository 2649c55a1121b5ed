package bot

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/store"
)

// Broadcasts: composed on the dialogue engine, then sent and reported
// (broadcastrun.go).
var broadcastFeature = Feature{
	Dialogues: []*dialogue.Dialogue{broadcastDialogue},
	Lists:     map[string]pagedList{"bc": {5, (*turn).listBroadcasts, (*turn).broadcastsFile}}, // each takes four lines and a button
	Tables: map[string]func(*turn, string) (fileTable, error){
		"broadcasts": (*turn).broadcastsFileTable,
		"broadcast":  (*turn).broadcastReportTable,
	},
	Due: map[store.DueKind]DueFunc{store.DueBroadcast: func(b *Bot, tx *store.Tx, d store.Due, _ time.Time) (int, error) {
		return b.startScheduled(tx, d)
	}},
	Commands: []Command{
		{Name: "broadcast", Roles: staffOnly, Run: (*turn).startBroadcast, Help: true, Menu: true},
		{Name: "broadcasts", Roles: staffOnly, Run: firstPage("bc"), Help: true, Menu: true},
	},
	Buttons: []Button{{Prefix: prefixBroadcast, Roles: staffOnly, Run: (*turn).tapBroadcast}},
}

// prefixBroadcast is a button on a broadcast's report: pause, resume, stop.
const prefixBroadcast = "bc"

// broadcastDialogue is /broadcast: the Kyrgyz version, the Russian one
// (either may be skipped, or be a photo or file with a caption), the
// audience, then a preview with the number of recipients: send now, or
// later at a date and time.
var broadcastDialogue = &dialogue.Dialogue{
	Name: "broadcast", Version: 1, Roles: staffOnly, CancelButton: true,
	Steps: []dialogue.Step{
		{ID: "ky", Ask: "bc.write.ky", Takes: dialogue.TextOrMedia, Skip: "bc.skip", Parse: broadcastVersion},
		{ID: "ru", Ask: "bc.write.ru", Takes: dialogue.TextOrMedia, Skip: "bc.skip", Parse: broadcastVersion,
			Check: func(c *dialogue.Context, v string) error {
				if v == "" && c.Answers["ky"] == "" && c.Answers["media"] == "" {
					return &dialogue.Refusal{Key: "bc.empty"}
				}
				return nil
			},
			Next: func(c *dialogue.Context) string {
				if (c.Answers["ky"] == "") != (c.Answers["ru"] == "") {
					return "one"
				}
				return "audience"
			}},
		{ID: "one", Prompt: oneVersion, Takes: dialogue.Buttons, Options: func(*dialogue.Context) []dialogue.Option {
			return []dialogue.Option{{Value: "yes", Label: "bc.send_one"}}
		}},
		{ID: "audience", Ask: "bc.audience", Takes: dialogue.Buttons, Options: audienceOptions, Check: someoneIn(""),
			Next: func(c *dialogue.Context) string {
				if a := c.Answers["audience"]; a == "oblast" || a == "category" {
					return "narrow"
				}
				return "confirm"
			}},
		{ID: "narrow", Ask: "bc.audience", Takes: dialogue.Buttons, Options: narrowOptions, Check: someoneIn("audience")},
		{ID: "confirm", Before: previewBroadcast, Prompt: confirmBroadcast, Takes: dialogue.Buttons,
			Options: func(*dialogue.Context) []dialogue.Option {
				return []dialogue.Option{{Value: "now", Label: "bc.send_now"}, {Value: "later", Label: "bc.schedule", Beside: true}}
			},
			Check: func(c *dialogue.Context, _ string) error {
				// The message tapped becomes the progress report.
				c.Answers["progress"] = strconv.Itoa(turnOf(c).u.MessageID)
				return nil
			},
			Next: func(c *dialogue.Context) string {
				if c.Answers["confirm"] == "now" {
					return dialogue.End
				}
				return ""
			}},
		{ID: "when", Ask: "bc.when", Data: exampleTime, Takes: dialogue.DateTime, Check: inFuture},
	},
	Finish: func(c *dialogue.Context) error { return turnOf(c).saveBroadcast(c.Answers) },
}

// broadcastVersion reads one language's version: text, or a photo or
// file with its caption (kept once, for both languages).
func broadcastVersion(c *dialogue.Context) (string, error) {
	in := c.In
	if !in.Typed {
		return "", &dialogue.Refusal{Key: "input.need_text"}
	}
	limit := MaxMessage
	if in.Media != nil || c.Answers["media"] != "" {
		limit = captionMax
	}
	text := strings.TrimSpace(in.Text)
	if !fits(text, limit) {
		return "", &dialogue.Refusal{Key: "bc.too_long", Data: map[string]any{"Count": limit}}
	}
	if in.Media != nil {
		c.Answers["media"], c.Answers["media_type"] = in.Media.FileID, in.Media.Type
	}
	return text, nil
}

// oneVersion asks whether to send the one version there is to everyone.
func oneVersion(c *dialogue.Context) string {
	have, missing := "ky", "ru"
	if c.Answers["ky"] == "" {
		have, missing = "ru", "ky"
	}
	return c.Text("bc.one_version", map[string]any{"Missing": c.Text("language.name."+missing, nil), "Have": c.Text("language.name."+have, nil)})
}

func audienceOptions(*dialogue.Context) []dialogue.Option {
	var out []dialogue.Option
	for _, a := range broadcastAudiences {
		out = append(out, dialogue.Option{Value: a, Label: "audience." + a})
	}
	return out
}

// someoneIn refuses an audience nobody is in. Picking a kind that is
// narrowed next (oblast, category) is not judged yet.
func someoneIn(kindStep string) func(*dialogue.Context, string) error {
	return func(c *dialogue.Context, v string) error {
		audience := v
		if kindStep != "" {
			audience = c.Answers[kindStep] + ":" + v
		} else if v == "oblast" || v == "category" {
			return nil
		}
		t := turnOf(c)
		users, err := audienceOf(t.tx, audience, t.StaffIDs)
		if err != nil {
			return err
		}
		if len(users) == 0 {
			return &dialogue.Refusal{Key: "bc.nobody"}
		}
		return nil
	}
}

// draftBroadcast is the broadcast the answers describe.
func draftBroadcast(t *turn, a map[string]string) store.Broadcast {
	b := store.Broadcast{CreatedBy: t.user.ID, CreatedAt: t.now, Text: map[string]string{}, Audience: broadcastAudience(a)}
	for _, lang := range []string{"ky", "ru"} {
		if a[lang] != "" {
			b.Text[lang] = a[lang]
		}
	}
	if a["media"] != "" {
		b.Media = &store.Media{Type: a["media_type"], FileID: a["media"]}
	}
	return b
}

// previewBroadcast shows the message itself, as recipients in her
// language will see it, before asking to send it.
func previewBroadcast(c *dialogue.Context) {
	t := turnOf(c)
	t.out = append(t.out, broadcastCopy(draftBroadcast(t, c.Answers), t.u.ChatID, t.lang()))
}

// confirmBroadcast counts the recipients, by language.
func confirmBroadcast(c *dialogue.Context) string {
	t := turnOf(c)
	audience := broadcastAudience(c.Answers)
	users, _ := audienceOf(t.tx, audience, t.StaffIDs)
	byLang := map[string]int{}
	for _, u := range users {
		byLang[userLang(u)]++
	}
	return c.Text("bc.confirm", map[string]any{"Count": len(users), "Ky": byLang["ky"], "Ru": byLang["ru"],
		"Audience": c.Text("audience."+strings.Split(audience, ":")[0], nil)})
}

// startBroadcast is /broadcast.
func (t *turn) startBroadcast() error { return t.startDialogue(broadcastDialogue.Name, nil) }

// saveBroadcast keeps the broadcast written, and starts it now or plans
// it for its time.
func (t *turn) saveBroadcast(a map[string]string) error {
	b := draftBroadcast(t, a)
	b.ProgressChat = t.u.ChatID
	b.ProgressMessageID, _ = strconv.Atoi(a["progress"])
	if a["confirm"] == "now" {
		b.Status = store.BroadcastDraft
		var err error
		if b, err = t.tx.PutBroadcast(b); err != nil {
			return err
		}
		if err := t.audit(staffOnly, "broadcast", fmt.Sprintf("%d to %s", b.ID, b.Audience)); err != nil {
			return err
		}
		return t.launchBroadcast(b)
	}
	at, err := time.Parse(time.RFC3339, a["when"])
	if err != nil {
		return fmt.Errorf("broadcast time %q: %w", a["when"], err)
	}
	b.Status, b.ScheduledAt = store.BroadcastScheduled, at
	if b, err = t.tx.PutBroadcast(b); err != nil {
		return err
	}
	if err := t.planDue(t.tx, store.Due{At: at, Kind: store.DueBroadcast, EventID: strconv.Itoa(b.ID)}); err != nil {
		return err
	}
	if err := t.audit(staffOnly, "broadcast", fmt.Sprintf("%d to %s at %s", b.ID, b.Audience, at.In(t.Location).Format("2006-01-02 15:04"))); err != nil {
		return err
	}
	t.say("bc.scheduled", map[string]any{"ID": b.ID, "When": t.dateTime(at)})
	return nil
}

// broadcastArg loads a broadcast by ID.
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

// tapBroadcast handles the buttons of a broadcast sent or planned:
// "ACTION:ID".
func (t *turn) tapBroadcast(args string) error {
	parts := strings.SplitN(args, ":", 3)
	if len(parts) < 2 {
		return t.oldButton()
	}
	b, ok, err := t.broadcastArg(parts[1])
	if !ok {
		return errOr(err, t.oldButton)
	}
	t.toast("")
	switch parts[0] {
	case "pause", "resume", "cancel":
		return t.controlBroadcast(b, parts[0])
	case "again":
		return t.sendAgain(b)
	case "csv":
		return t.broadcastReport(b)
	}
	return t.oldButton()
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

// broadcastReport sends a broadcast's recipients and their outcome as a
// workbook (the button's data still says csv, so old buttons work).
func (t *turn) broadcastReport(b store.Broadcast) error {
	return t.fileJob("broadcast", strconv.Itoa(b.ID))
}

// broadcastReportTable builds it, in the worker (RunFileJobs).
func (t *turn) broadcastReportTable(id string) (fileTable, error) {
	b, ok, err := t.broadcastArg(id)
	if !ok {
		return fileTable{}, errOr(err, func() error { return fmt.Errorf("broadcast %s is gone", id) })
	}
	rs, err := t.tx.Recipients(b.ID)
	if err != nil {
		return fileTable{}, err
	}
	return fileTable{export.BroadcastReport(b, rs, t.Location), fmt.Sprintf("broadcast-%d", b.ID), t.text("bc.csv", nil)}, nil
}

// sentBroadcasts are the broadcasts past the draft, newest first.
func (t *turn) sentBroadcasts() ([]store.Broadcast, error) {
	all, err := t.tx.Broadcasts()
	if err != nil {
		return nil, err
	}
	all = slices.DeleteFunc(all, func(b store.Broadcast) bool { return b.Status == store.BroadcastDraft })
	slices.SortFunc(all, func(a, b store.Broadcast) int { return cmp.Compare(b.ID, a.ID) })
	return all, nil
}

// broadcastsFile sends every broadcast with its recipients counted as a
// workbook.
func (t *turn) broadcastsFile() error { return t.fileJob("broadcasts", "") }

// broadcastsFileTable builds it, in the worker (RunFileJobs).
func (t *turn) broadcastsFileTable(string) (fileTable, error) {
	all, err := t.sentBroadcasts()
	if err != nil {
		return fileTable{}, err
	}
	lines := make([]export.BroadcastLine, len(all))
	for i, b := range all {
		rs, err := t.tx.Recipients(b.ID)
		if err != nil {
			return fileTable{}, err
		}
		c := countRecipients(rs)
		lines[i] = export.BroadcastLine{Broadcast: b, Counts: export.BroadcastCounts{Sent: c.sent, Blocked: c.blocked, Failed: c.failed, Left: c.left}}
	}
	return fileTable{export.Broadcasts(lines, t.Location), "broadcasts", t.text("bc.list_caption", map[string]any{"Count": len(lines)})}, nil
}
