package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/mentorbot/mentorbot/bot/selection"
	"github.com/mentorbot/mentorbot/store"
)

// The files behind staff's long lists in the chat (/ranking, /people,
// /broadcasts, /audit): the whole list, one row per line of the list.

// RoleHolder is someone who holds a role, for the people file.
type RoleHolder struct {
	Role store.Role
	User store.User
}

// People writes who holds which role: role, Telegram ID, first name and
// language, in the order given.
func People(w io.Writer, holders []RoleHolder) error {
	rows := [][]string{{"role", "user_id", "first_name", "language"}}
	for _, h := range holders {
		rows = append(rows, []string{string(h.Role), strconv.FormatInt(h.User.ID, 10), h.User.FirstName, h.User.Language})
	}
	return writeAll(w, "people", rows)
}

// BroadcastCounts are where a broadcast's recipients stand.
type BroadcastCounts struct {
	Sent, Blocked, Failed, Left int
}

// BroadcastLine is a broadcast with its recipients counted.
type BroadcastLine struct {
	Broadcast store.Broadcast
	Counts    BroadcastCounts
}

// Broadcasts writes the broadcasts: number, times (in loc), status,
// audience, the recipients' outcome, and both texts.
func Broadcasts(w io.Writer, lines []BroadcastLine, loc *time.Location) error {
	rows := [][]string{{"id", "created_at", "status", "audience", "started_at", "finished_at", "sent", "blocked", "failed", "left", "text_ky", "text_ru"}}
	for _, l := range lines {
		b, c := l.Broadcast, l.Counts
		rows = append(rows, []string{
			strconv.Itoa(b.ID), timeCell(b.CreatedAt, loc), string(b.Status), b.Audience, timeCell(b.StartedAt, loc), timeCell(b.FinishedAt, loc),
			strconv.Itoa(c.Sent), strconv.Itoa(c.Blocked), strconv.Itoa(c.Failed), strconv.Itoa(c.Left), b.Text["ky"], b.Text["ru"],
		})
	}
	return writeAll(w, "broadcasts", rows)
}

// Audit writes the audit log in the order given: time (in loc), who (ID
// and the name names holds for it), the action and its details.
func Audit(w io.Writer, entries []store.AuditEntry, names map[int64]string, loc *time.Location) error {
	rows := [][]string{{"at", "user_id", "name", "action", "detail"}}
	for _, e := range entries {
		rows = append(rows, []string{timeCell(e.At, loc), strconv.FormatInt(e.UserID, 10), names[e.UserID], e.Action, e.Detail})
	}
	return writeAll(w, "audit log", rows)
}

// RankedCategory is the ranking of one category, best first.
type RankedCategory struct {
	Category store.Category
	Results  []selection.Result
}

// Ranking writes the ranking as /ranking shows it: per category and
// place, the code, the name when names is set (once every application is
// decided), the mean, each member's total (columns in the order of
// members, blank where she has not confirmed), the spread and its flag,
// the bot's proposal and the decision.
func Ranking(w io.Writer, ranking []RankedCategory, members []int64, names bool) error {
	header := []string{"category", "place", "code"}
	if names {
		header = append(header, "full_name")
	}
	header = append(header, "mean")
	for _, m := range members {
		header = append(header, fmt.Sprintf("member_%d_total", m))
	}
	rows := [][]string{append(header, "spread", "flagged", "proposed", "decision")}
	for _, cat := range ranking {
		for i, r := range cat.Results {
			row := []string{string(cat.Category), strconv.Itoa(i + 1), r.App.Code}
			if names {
				row = append(row, r.App.Answers["full_name"])
			}
			row = append(row, cell(len(r.Totals) > 0, number(r.Mean)))
			for _, m := range members {
				total, ok := r.Totals[m]
				row = append(row, cell(ok, number(total)))
			}
			rows = append(rows, append(row, cell(len(r.Totals) > 0, number(r.Spread)), yesNo(r.Flagged), string(r.Proposed), decision(r.App.Status)))
		}
	}
	return writeAll(w, "ranking", rows)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// timeCell is t in loc as RFC 3339, or empty for no time.
func timeCell(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

// writeAll writes rows as CSV; what names the file in errors.
func writeAll(w io.Writer, what string, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	return nil
}

// Undelivered writes the dead letters in the order given: when the
// message was queued and given up (in loc), to whom (ID and the name
// names holds for it), what it was, after how many attempts, why, and the
// beginning of its text.
func Undelivered(w io.Writer, dead []store.DeadLetter, names map[int64]string, loc *time.Location) error {
	rows := [][]string{{"queued_at", "given_up_at", "chat_id", "first_name", "kind", "lane", "attempts", "reason", "text"}}
	for _, d := range dead {
		m := d.Outgoing
		rows = append(rows, []string{
			timeCell(d.Queued, loc), timeCell(d.At, loc), strconv.FormatInt(m.ChatID, 10), names[m.ChatID], string(m.Kind),
			m.InLane().String(), strconv.Itoa(d.Attempts), d.Reason, clipText(m.Text, 80),
		})
	}
	return writeAll(w, "undelivered", rows)
}

// clipText shortens s to at most n runes, marking the cut.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
