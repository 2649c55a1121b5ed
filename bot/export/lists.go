package export

import (
	"time"

	"github.com/mentorbot/mentorbot/bot/selection"
	"github.com/mentorbot/mentorbot/store"
)

// The files behind staff's long lists in the chat (/ranking, /people,
// /broadcasts, /audit, /undelivered): the whole list, one row per line of
// the list; and a broadcast's report.

// RoleHolder is someone who holds a role, for the people file.
type RoleHolder struct {
	Role store.Role
	User store.User
}

// People is who holds which role: role, Telegram ID, first name and
// language, in the order given.
func People(holders []RoleHolder) Table {
	tb := Table{Name: "people", Columns: []Column{{Key: "role"}, {Key: "user_id", Kind: Whole}, {Key: "first_name"}, {Key: "language"}}}
	for _, h := range holders {
		tb.Rows = append(tb.Rows, []any{string(h.Role), h.User.ID, h.User.FirstName, h.User.Language})
	}
	return tb
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

// Broadcasts is the broadcasts: number, times (in loc), status, audience,
// the recipients' outcome, and both texts.
func Broadcasts(lines []BroadcastLine, loc *time.Location) Table {
	tb := Table{Name: "broadcasts", Columns: []Column{
		{Key: "id", Kind: Whole}, {Key: "created_at", Kind: DateTime}, {Key: "status"}, {Key: "audience"},
		{Key: "started_at", Kind: DateTime}, {Key: "finished_at", Kind: DateTime},
		{Key: "sent", Kind: Whole}, {Key: "blocked", Kind: Whole}, {Key: "failed", Kind: Whole}, {Key: "left", Kind: Whole},
		{Key: "text_ky"}, {Key: "text_ru"},
	}}
	for _, l := range lines {
		b, c := l.Broadcast, l.Counts
		tb.Rows = append(tb.Rows, []any{b.ID, at(b.CreatedAt, loc), string(b.Status), b.Audience, at(b.StartedAt, loc), at(b.FinishedAt, loc),
			c.Sent, c.Blocked, c.Failed, c.Left, b.Text["ky"], b.Text["ru"]})
	}
	return tb
}

// BroadcastReport is one broadcast's recipients and where each copy
// stands: the report behind its "📄" button. Times are in loc.
func BroadcastReport(b store.Broadcast, rs []store.Recipient, loc *time.Location) Table {
	tb := Table{Name: "broadcast", Columns: []Column{
		{Key: "broadcast", Kind: Whole}, {Key: "user_id", Kind: Whole}, {Key: "language"}, {Key: "state"},
		{Key: "attempts", Kind: Whole}, {Key: "error"}, {Key: "at", Kind: DateTime},
	}}
	for _, r := range rs {
		tb.Rows = append(tb.Rows, []any{b.ID, r.UserID, r.Language, string(r.State), r.Attempts, r.Error, at(r.At, loc)})
	}
	return tb
}

// Audit is the audit log in the order given: time (in loc), who (ID and
// the name names holds for it), the action and its details.
func Audit(entries []store.AuditEntry, names map[int64]string, loc *time.Location) Table {
	tb := Table{Name: "audit", Columns: []Column{
		{Key: "at", Kind: DateTime}, {Key: "user_id", Kind: Whole}, {Key: "name"}, {Key: "action"}, {Key: "detail"},
	}}
	for _, e := range entries {
		tb.Rows = append(tb.Rows, []any{at(e.At, loc), e.UserID, names[e.UserID], e.Action, e.Detail})
	}
	return tb
}

// RankedCategory is the ranking of one category, best first.
type RankedCategory struct {
	Category store.Category
	Results  []selection.Result
}

// Ranking is the ranking as /ranking shows it: per category and place,
// the code, the name when names is set (once every application is
// decided), the mean, each member's total (columns in the order of
// members, blank where she has not confirmed), the spread and its flag,
// the mean standardised against each member's own scoring (z), the
// commission's agreement (Krippendorff's alpha) with the application left
// out, the bot's proposal and the decision.
func Ranking(ranking []RankedCategory, members []int64, names bool) Table {
	cols := []Column{{Key: "category"}, {Key: "place", Kind: Whole}, {Key: "code"}}
	if names {
		cols = append(cols, Column{Key: "full_name", Label: "form.full_name.label"})
	}
	cols = append(cols, Column{Key: "mean", Kind: Decimal})
	for _, m := range members {
		cols = append(cols, memberTotal(m))
	}
	cols = append(cols, Column{Key: "spread", Kind: Decimal}, Column{Key: "flagged"}, Column{Key: "z_mean", Kind: Decimal},
		Column{Key: "alpha_without", Kind: Decimal}, Column{Key: "proposed"}, Column{Key: "decision"})
	tb := Table{Name: "ranking", Columns: cols}
	ratings := selection.Ratings{}
	for _, cat := range ranking {
		for _, r := range cat.Results {
			if len(r.Totals) > 0 {
				ratings[r.App.Code] = r.Totals
			}
		}
	}
	ag := selection.Agree(ratings)
	for _, cat := range ranking {
		for i, r := range cat.Results {
			row := []any{string(cat.Category), i + 1, r.App.Code}
			if names {
				row = append(row, r.App.Answers["full_name"])
			}
			scored := len(r.Totals) > 0
			row = append(row, cell(scored, r.Mean))
			for _, m := range members {
				total, ok := r.Totals[m]
				row = append(row, cell(ok, total))
			}
			row = append(row, cell(scored, r.Spread), yesNo(r.Flagged))
			row = append(row, agreementCells(r.App.Code, ratings, ag)...)
			tb.Rows = append(tb.Rows, append(row, string(r.Proposed), decision(r.App.Status)))
		}
	}
	return tb
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// Undelivered is the dead letters in the order given: when the message
// was queued and given up (in loc), to whom (ID and the name names holds
// for it), what it was, after how many attempts, why, and the beginning
// of its text.
func Undelivered(dead []store.DeadLetter, names map[int64]string, loc *time.Location) Table {
	tb := Table{Name: "undelivered", Columns: []Column{
		{Key: "queued_at", Kind: DateTime}, {Key: "given_up_at", Kind: DateTime}, {Key: "chat_id", Kind: Whole}, {Key: "first_name"},
		{Key: "kind"}, {Key: "lane"}, {Key: "attempts", Kind: Whole}, {Key: "reason"}, {Key: "text"},
	}}
	for _, d := range dead {
		m := d.Outgoing
		tb.Rows = append(tb.Rows, []any{at(d.Queued, loc), at(d.At, loc), m.ChatID, names[m.ChatID], string(m.Kind),
			m.InLane().String(), d.Attempts, d.Reason, clipText(m.Text, 80)})
	}
	return tb
}

// clipText shortens s to at most n runes, marking the cut.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
