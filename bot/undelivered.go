package bot

import (
	"fmt"
	"math"
	"strings"

	"github.com/mentorbot/mentorbot/bot/export"
)

// undelivered is a page of /undelivered: the messages the outbox gave up
// on (dead letters), newest first, each with whom it was for and why.
// Someone who blocked the bot is not listed (she chose it); a file staff
// asked for that failed was followed by a short note to them.
func (t *turn) undelivered(w window) (listPage, error) {
	dead, total, err := t.tx.DeadLettersPage(w.offset, w.limit)
	if err != nil {
		return listPage{}, err
	}
	if total == 0 {
		return listPage{text: t.text("undelivered.none", nil)}, nil
	}
	var sb strings.Builder
	sb.WriteString(t.text("undelivered.head", map[string]any{"Count": total}))
	for _, d := range dead {
		m := d.Outgoing
		fmt.Fprintf(&sb, "\n%s · %s (%d) · %s · %s", t.dateTime(d.At), clip(t.nameOf(m.ChatID), 32), m.ChatID,
			t.text("undelivered.kind."+string(m.Kind), nil), clip(d.Reason, 90))
	}
	return listPage{text: sb.String(), total: total}, nil
}

// undeliveredFile sends every dead letter as a workbook.
func (t *turn) undeliveredFile() error { return t.fileJob("undelivered", "") }

// undeliveredFileTable builds it, in the worker (RunFileJobs).
func (t *turn) undeliveredFileTable(string) (fileTable, error) {
	dead, total, err := t.tx.DeadLettersPage(0, math.MaxInt)
	if err != nil {
		return fileTable{}, err
	}
	names := map[int64]string{}
	for _, d := range dead {
		if _, ok := names[d.Outgoing.ChatID]; !ok {
			names[d.Outgoing.ChatID] = t.nameOf(d.Outgoing.ChatID)
		}
	}
	return fileTable{export.Undelivered(dead, names, t.Location), "undelivered", t.text("undelivered.caption", map[string]any{"Count": total})}, nil
}
