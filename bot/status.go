package bot

import (
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// showStatus is staff's /status: the figures of `mentorbot status` (the
// schema, the last update handled, the outbox by lane, dead letters,
// running broadcasts, the next due items, the last backup), in staff's
// language and the school's time. It reads them with the turn's own
// transaction: the update is already being handled in one, and a second
// one inside it could wait on the first.
func (t *Turn) showStatus() error {
	h, err := t.Tx.Health(t.bot.BackupDir)
	if err != nil {
		return err
	}
	lines := []string{t.Text("health.head", nil), t.Text("health.schema", map[string]any{"Schema": h.Schema}), t.lastUpdateLine(h)}
	total := 0
	for _, l := range store.Lanes {
		total += h.Outbox[l]
	}
	lines = append(lines, t.Text("health.outbox", map[string]any{"Total": total,
		"Tap": h.Outbox[store.LaneTap], "Reply": h.Outbox[store.LaneReply], "Notice": h.Outbox[store.LaneNotice], "Bulk": h.Outbox[store.LaneBulk]}))
	lines = append(lines, t.Text("health.dead", map[string]any{"Count": h.DeadLetters}))
	lines = append(lines, t.broadcastLines(h.Broadcasts)...)
	lines = append(lines, t.dueLines(h.NextDue)...)
	lines = append(lines, t.backupLine(h))
	t.Send(strings.Join(lines, "\n"), nil)
	return nil
}

// lastUpdateLine tells the newest update handled, and when.
func (t *Turn) lastUpdateLine(h store.Health) string {
	if h.LastHandledAt.IsZero() {
		return t.Text("health.last_update.none", map[string]any{"Hours": int(store.HandledFor.Hours())})
	}
	return t.Text("health.last_update", map[string]any{"ID": h.LastUpdate, "When": t.DateTime(h.LastHandledAt), "Ago": t.ago(h.LastHandledAt)})
}

// broadcastLines is a line per broadcast running or paused.
func (t *Turn) broadcastLines(list []store.Broadcast) []string {
	if len(list) == 0 {
		return []string{t.Text("health.broadcasts.none", nil)}
	}
	var lines []string
	for _, b := range list {
		lines = append(lines, t.Text("health.broadcast", map[string]any{
			"ID": b.ID, "Status": t.Text("bc.status."+string(b.Status), nil), "Settled": b.Settled(), "Total": b.Total,
			"Sent": b.Sent, "Blocked": b.Blocked, "Failed": b.Failed,
		}))
	}
	return lines
}

// dueLines lists the next due items: what, of which event, and when.
func (t *Turn) dueLines(due []store.Due) []string {
	if len(due) == 0 {
		return []string{t.Text("health.due.none", nil)}
	}
	lines := []string{t.Text("health.due.head", nil)}
	for _, d := range due {
		lines = append(lines, t.Text("health.due", map[string]any{
			"When": t.DateTime(d.At), "Kind": t.Text("health.due.kind."+string(d.Kind), nil), "ID": d.EventID,
		}))
	}
	return lines
}

// backupLine tells the newest complete backup and its age.
func (t *Turn) backupLine(h store.Health) string {
	if h.LastBackup == "" {
		return t.Text("health.backup.none", nil)
	}
	return t.Text("health.backup", map[string]any{"Name": h.LastBackup, "When": t.DateTime(h.LastBackupAt), "Ago": t.ago(h.LastBackupAt)})
}

// ago says how long ago at was, in whole minutes, hours or days: enough
// to see that something has stopped.
func (t *Turn) ago(at time.Time) string {
	d := t.Now.Sub(at)
	switch {
	case d < time.Minute:
		return t.Text("health.ago.now", nil)
	case d < time.Hour:
		return t.Text("health.ago.minutes", map[string]any{"N": int(d.Minutes())})
	case d < 48*time.Hour:
		return t.Text("health.ago.hours", map[string]any{"N": int(d.Hours())})
	}
	return t.Text("health.ago.days", map[string]any{"N": int(d.Hours() / 24)})
}

// Counts tallies a broadcast's recipients.
type Counts struct{ Total, Sent, Blocked, Failed, Left int }

// CountRecipients counts a broadcast's recipients by their outcome.
func CountRecipients(rs []store.Recipient) Counts {
	c := Counts{Total: len(rs)}
	for _, r := range rs {
		switch r.State {
		case store.RecipientSent:
			c.Sent++
		case store.RecipientBlocked:
			c.Blocked++
		case store.RecipientFailed:
			c.Failed++
		default:
			c.Left++
		}
	}
	return c
}
