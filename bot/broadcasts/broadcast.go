// Package broadcasts is the part of the bot for staff's broadcasts: a
// message composed as a dialogue (text in both languages, the audience,
// now or later), then sent to every recipient through the outbox's bulk
// lane with its progress edited in place (Run, Tend), stopped, resumed
// or reported as a workbook. The audiences are the core's (bot.AudienceOf),
// shared with the calendar's events.
package broadcasts

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/store"
)

// Feature is broadcasts: composed on the dialogue engine, then sent and
// reported (broadcastrun.go).
var Feature = bot.Feature{
	Commands: []bot.Command{
		{Name: "broadcast", Roles: bot.StaffOnly, Run: composeBroadcast, Help: true, Menu: true},
		{Name: "broadcasts", Roles: bot.StaffOnly, Run: bot.FirstPage("bc"), Help: true, Menu: true},
	},
	Buttons:   []bot.Button{{Prefix: prefixBroadcast, Roles: bot.StaffOnly, Run: tapBroadcast}},
	Dialogues: []*dialogue.Dialogue{broadcastDialogue},
	Lists:     map[string]bot.PagedList{"bc": {Size: 5, Page: listBroadcasts, File: broadcastsFile}}, // each takes four lines and a button
	Tables: map[string]func(*bot.Turn, string) (bot.FileTable, error){
		"broadcasts": broadcastsFileTable,
		"broadcast":  broadcastReportTable,
	},
	Due: map[store.DueKind]bot.DueFunc{store.DueBroadcast: func(b *bot.Bot, tx *store.Tx, d store.Due, _ time.Time) (int, error) {
		return startScheduled(b, tx, d)
	}},
}

// prefixBroadcast is a button on a broadcast's report: pause, resume, stop.
const prefixBroadcast = "bc"

// broadcastDialogue is /broadcast: the Kyrgyz version, the Russian one
// (either may be skipped, or be a photo or file with a caption), the
// audience, then a preview with the number of recipients: send now, or
// later at a date and time.
var broadcastDialogue = &dialogue.Dialogue{
	Name: "broadcast", Version: 1, Roles: bot.StaffOnly, CancelButton: true,
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
		{ID: "narrow", Ask: "bc.audience", Takes: dialogue.Buttons, Options: bot.NarrowOptions, Check: someoneIn("audience")},
		{ID: "confirm", Before: previewBroadcast, Prompt: confirmBroadcast, Takes: dialogue.Buttons,
			Options: func(*dialogue.Context) []dialogue.Option {
				return []dialogue.Option{{Value: "now", Label: "bc.send_now"}, {Value: "later", Label: "bc.schedule", Beside: true}}
			},
			Check: func(c *dialogue.Context, _ string) error {
				// The message tapped becomes the progress report.
				c.Answers["progress"] = strconv.Itoa(bot.TurnOf(c).Update.MessageID)
				return nil
			},
			Next: func(c *dialogue.Context) string {
				if c.Answers["confirm"] == "now" {
					return dialogue.End
				}
				return ""
			}},
		{ID: "when", Ask: "bc.when", Data: bot.ExampleTime, Takes: dialogue.DateTime, Check: bot.InFuture},
	},
	Finish: func(c *dialogue.Context) error { return saveBroadcast(bot.TurnOf(c), c.Answers) },
}

// broadcastVersion reads one language's version: text, or a photo or
// file with its caption (kept once, for both languages).
func broadcastVersion(c *dialogue.Context) (string, error) {
	in := c.In
	if !in.Typed {
		return "", &dialogue.Refusal{Key: "input.need_text"}
	}
	limit := bot.MaxMessage
	if in.Media != nil || c.Answers["media"] != "" {
		limit = bot.CaptionMax
	}
	text := strings.TrimSpace(in.Text)
	if !bot.Fits(text, limit) {
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
	for _, a := range bot.Audiences {
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
		t := bot.TurnOf(c)
		users, err := bot.AudienceOf(t.Tx, audience, t.School().StaffIDs)
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
func draftBroadcast(t *bot.Turn, a map[string]string) store.Broadcast {
	b := store.Broadcast{CreatedBy: t.User.ID, CreatedAt: t.Now, Text: map[string]string{}, Audience: bot.AnsweredAudience(a)}
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
	t := bot.TurnOf(c)
	t.Queue(broadcastCopy(draftBroadcast(t, c.Answers), t.Update.ChatID, t.Lang()))
}

// confirmBroadcast counts the recipients, by language.
func confirmBroadcast(c *dialogue.Context) string {
	t := bot.TurnOf(c)
	audience := bot.AnsweredAudience(c.Answers)
	users, _ := bot.AudienceOf(t.Tx, audience, t.School().StaffIDs)
	byLang := map[string]int{}
	for _, u := range users {
		byLang[bot.UserLang(u)]++
	}
	return c.Text("bc.confirm", map[string]any{"Count": len(users), "Ky": byLang["ky"], "Ru": byLang["ru"],
		"Audience": c.Text("audience."+strings.Split(audience, ":")[0], nil)})
}

// startBroadcast is /broadcast.
func composeBroadcast(t *bot.Turn) error { return t.StartDialogue(broadcastDialogue.Name, nil) }

// saveBroadcast keeps the broadcast written, and starts it now or plans
// it for its time.
func saveBroadcast(t *bot.Turn, a map[string]string) error {
	b := draftBroadcast(t, a)
	b.ProgressChat = t.Update.ChatID
	b.ProgressMessageID, _ = strconv.Atoi(a["progress"])
	if a["confirm"] == "now" {
		b.Status = store.BroadcastDraft
		var err error
		if b, err = t.Tx.PutBroadcast(b); err != nil {
			return err
		}
		if err := t.Audit(bot.StaffOnly, "broadcast", fmt.Sprintf("%d to %s", b.ID, b.Audience)); err != nil {
			return err
		}
		return launchBroadcast(t, b)
	}
	at, err := time.Parse(time.RFC3339, a["when"])
	if err != nil {
		return fmt.Errorf("broadcast time %q: %w", a["when"], err)
	}
	b.Status, b.ScheduledAt = store.BroadcastScheduled, at
	if b, err = t.Tx.PutBroadcast(b); err != nil {
		return err
	}
	if err := t.Plan(store.Due{At: at, Kind: store.DueBroadcast, EventID: strconv.Itoa(b.ID)}); err != nil {
		return err
	}
	if err := t.Audit(bot.StaffOnly, "broadcast", fmt.Sprintf("%d to %s at %s", b.ID, b.Audience, at.In(t.School().Location).Format("2006-01-02 15:04"))); err != nil {
		return err
	}
	t.Say("bc.scheduled", map[string]any{"ID": b.ID, "When": t.DateTime(at)})
	return nil
}

// broadcastArg loads a broadcast by ID.
func broadcastArg(t *bot.Turn, id string) (store.Broadcast, bool, error) {
	return bot.ByID(id, t.Tx.Broadcast)
}

// tapBroadcast handles the buttons of a broadcast sent or planned:
// "ACTION:ID".
func tapBroadcast(t *bot.Turn, args string) error {
	parts := strings.SplitN(args, ":", 3)
	if len(parts) < 2 {
		return t.OldButton()
	}
	b, ok, err := broadcastArg(t, parts[1])
	if !ok {
		return bot.ErrOr(err, t.OldButton)
	}
	t.Toast("")
	switch parts[0] {
	case "pause", "resume", "cancel":
		return controlBroadcast(t, b, parts[0])
	case "again":
		return sendAgain(t, b)
	case "csv":
		return broadcastReport(t, b)
	}
	return t.OldButton()
}

// launchBroadcast starts sending: the recipients are fixed now, and the
// message staff tapped becomes the progress report.
func launchBroadcast(t *bot.Turn, b store.Broadcast) error {
	if b.Status != store.BroadcastDraft && b.Status != store.BroadcastScheduled {
		return t.OldButton()
	}
	b.ProgressChat, b.ProgressMessageID = t.Update.ChatID, t.Update.MessageID
	n, err := Start(t.Tx, b, t.School().StaffIDs, t.Now)
	if err != nil {
		return err
	}
	t.Log().Info("broadcast started", "by", t.User.ID, "broadcast", b.ID, "recipients", n)
	t.Edit(t.Text("bc.started", map[string]any{"ID": b.ID, "Count": n}), controlButtons(t.Texts(), t.Lang(), store.Broadcast{ID: b.ID, Status: store.BroadcastRunning}))
	return nil
}

// startBroadcast fixes the recipients of b, marks it running and puts
// their copies in the outbox, all in the caller's transaction.
func Start(tx *store.Tx, b store.Broadcast, staffIDs []int64, now time.Time) (int, error) {
	users, err := bot.AudienceOf(tx, b.Audience, staffIDs)
	if err != nil {
		return 0, err
	}
	for _, u := range users {
		if err := tx.PutRecipient(store.Recipient{BroadcastID: b.ID, UserID: u.ID, Language: bot.UserLang(u), State: store.RecipientPending}); err != nil {
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
func startScheduled(b *bot.Bot, tx *store.Tx, d store.Due) (int, error) {
	id, _ := strconv.Atoi(d.EventID)
	bc, err := tx.Broadcast(id)
	if bot.IsNotFound(err) || (err == nil && bc.Status != store.BroadcastScheduled) {
		return 0, nil // cancelled meanwhile
	}
	if err != nil {
		return 0, err
	}
	return Start(tx, bc, b.StaffIDs, b.Now())
}

// controlBroadcast pauses, resumes or cancels a broadcast. A pause takes
// the copies still waiting out of the outbox (a copy on its way at that
// moment still arrives and counts); resuming puts them back.
func controlBroadcast(t *bot.Turn, b store.Broadcast, action string) error {
	var err error
	switch {
	case action == "pause" && b.Status == store.BroadcastRunning:
		b.Status = store.BroadcastPaused
		_, err = t.Tx.UnqueueRecipients(b)
	case action == "resume" && b.Status == store.BroadcastPaused:
		b.Status = store.BroadcastRunning
		_, err = t.Tx.QueueRecipients(b, t.Now)
	case action == "cancel" && b.Status != store.BroadcastDone && b.Status != store.BroadcastCancelled:
		b.Status = store.BroadcastCancelled
		_, err = t.Tx.UnqueueRecipients(b)
	default:
		return t.OldButton()
	}
	if err != nil {
		return err
	}
	if _, err := t.Tx.PutBroadcast(b); err != nil {
		return err
	}
	t.Log().Info("broadcast "+action, "by", t.User.ID, "broadcast", b.ID)
	if b.Status == store.BroadcastCancelled {
		t.EditButtons(nil)
		t.Say("bc.cancelled", map[string]any{"ID": b.ID})
		return nil
	}
	t.EditButtons(controlButtons(t.Texts(), t.Lang(), b))
	return nil
}

// sendAgain is the report's "send again to those not reached": the
// recipients whose copy failed get it again (not those who blocked the
// bot), and the report's message shows the progress.
func sendAgain(t *bot.Turn, b store.Broadcast) error {
	if b.Status != store.BroadcastDone || b.Failed == 0 {
		return t.OldButton()
	}
	b, n, err := t.Tx.RetryFailed(b)
	if err != nil {
		return err
	}
	b.Status, b.FinishedAt = store.BroadcastRunning, time.Time{}
	b.ProgressChat, b.ProgressMessageID, b.ProgressAt = t.Update.ChatID, t.Update.MessageID, t.Now
	if b, err = t.Tx.PutBroadcast(b); err != nil {
		return err
	}
	if _, err := t.Tx.QueueRecipients(b, t.Now); err != nil {
		return err
	}
	t.Log().Info("broadcast sent again to those not reached", "by", t.User.ID, "broadcast", b.ID, "recipients", n)
	t.Edit(t.Text("bc.started", map[string]any{"ID": b.ID, "Count": n}), controlButtons(t.Texts(), t.Lang(), b))
	return nil
}

// listBroadcasts is a page of /broadcasts: the broadcasts, newest first,
// with their counts, and a button for each one's report. Only the page's
// recipients are counted.
func listBroadcasts(t *bot.Turn, w bot.Window) (bot.Page, error) {
	all, err := sentBroadcasts(t)
	if err != nil {
		return bot.Page{}, err
	}
	if len(all) == 0 {
		return bot.Page{Text: t.Text("bc.none", nil)}, nil
	}
	var sb strings.Builder
	var reports []store.Button
	for _, b := range all[min(w.Offset, len(all)):min(w.Offset+w.Limit, len(all))] {
		rs, err := t.Tx.Recipients(b.ID)
		if err != nil {
			return bot.Page{}, err
		}
		c := bot.CountRecipients(rs)
		fmt.Fprintf(&sb, "#%d · %s · %s · %s\n%s\n✅ %d 🚫 %d ❌ %d ⏳ %d\n\n", b.ID, t.DateTime(b.CreatedAt), t.Text("bc.status."+string(b.Status), nil), b.Audience,
			bot.Clip(b.TextFor(t.Lang()), 60), c.Sent, c.Blocked, c.Failed, c.Left)
		reports = append(reports, store.Button{Text: fmt.Sprintf("📄 #%d", b.ID), Data: fmt.Sprintf(prefixBroadcast+":csv:%d", b.ID)})
	}
	p := bot.Page{Text: strings.TrimSpace(sb.String()), Total: len(all)}
	if len(reports) > 0 {
		p.Buttons = [][]store.Button{reports}
	}
	return p, nil
}

// broadcastReport sends a broadcast's recipients and their outcome as a
// workbook (the button's data still says csv, so old buttons work).
func broadcastReport(t *bot.Turn, b store.Broadcast) error {
	return t.FileJob("broadcast", strconv.Itoa(b.ID))
}

// broadcastReportTable builds it, in the worker (RunFileJobs).
func broadcastReportTable(t *bot.Turn, id string) (bot.FileTable, error) {
	b, ok, err := broadcastArg(t, id)
	if !ok {
		return bot.FileTable{}, bot.ErrOr(err, func() error { return fmt.Errorf("broadcast %s is gone", id) })
	}
	rs, err := t.Tx.Recipients(b.ID)
	if err != nil {
		return bot.FileTable{}, err
	}
	return bot.FileTable{Table: export.BroadcastReport(b, rs, t.School().Location), Name: fmt.Sprintf("broadcast-%d", b.ID), Caption: t.Text("bc.csv", nil)}, nil
}

// sentBroadcasts are the broadcasts past the draft, newest first.
func sentBroadcasts(t *bot.Turn) ([]store.Broadcast, error) {
	all, err := t.Tx.Broadcasts()
	if err != nil {
		return nil, err
	}
	all = slices.DeleteFunc(all, func(b store.Broadcast) bool { return b.Status == store.BroadcastDraft })
	slices.SortFunc(all, func(a, b store.Broadcast) int { return cmp.Compare(b.ID, a.ID) })
	return all, nil
}

// broadcastsFile sends every broadcast with its recipients counted as a
// workbook.
var broadcastsFile = bot.SendsFile("broadcasts")

// broadcastsFileTable builds it, in the worker (RunFileJobs).
func broadcastsFileTable(t *bot.Turn, _ string) (bot.FileTable, error) {
	all, err := sentBroadcasts(t)
	if err != nil {
		return bot.FileTable{}, err
	}
	lines := make([]export.BroadcastLine, len(all))
	for i, b := range all {
		rs, err := t.Tx.Recipients(b.ID)
		if err != nil {
			return bot.FileTable{}, err
		}
		c := bot.CountRecipients(rs)
		lines[i] = export.BroadcastLine{Broadcast: b, Counts: export.BroadcastCounts{Sent: c.Sent, Blocked: c.Blocked, Failed: c.Failed, Left: c.Left}}
	}
	return bot.FileTable{Table: export.Broadcasts(lines, t.School().Location), Name: "broadcasts", Caption: t.Text("bc.list_caption", map[string]any{"Count": len(lines)})}, nil
}
