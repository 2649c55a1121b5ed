package export

import (
	"fmt"
	"strconv"

	"github.com/mentorbot/mentorbot/bot/selection"
	"github.com/mentorbot/mentorbot/store"
)

// Scores is the selection: per application its code and category, each
// member's seven scores and weighted total (blank where she has not
// confirmed), the mean of the totals, and the decision. Members are
// columns in the order given, then former members who confirmed a score
// (selection.Scorers), so the mean is the columns' mean; withdrawn
// applications are kept, with their status, so the file accounts for
// every code.
func Scores(apps []store.Application, scores []store.Score, members []int64) Table {
	members = selection.Scorers(members, scores)
	cols := []Column{{Key: "code"}, {Key: "category"}}
	for _, m := range members {
		for k := 1; k <= store.Criteria; k++ {
			cols = append(cols, Column{Key: fmt.Sprintf("member_%d_c%d", m, k), Kind: Whole, Label: "export.col.member_criterion",
				Args: map[string]any{"Member": m, "Criterion": k}})
		}
		cols = append(cols, memberTotal(m))
	}
	cols = append(cols, Column{Key: "mean", Kind: Decimal}, Column{Key: "decision"})
	tb := Table{Name: "scores", Columns: cols}
	confirmed := map[string]store.Score{}
	for _, s := range scores {
		if s.Confirmed {
			confirmed[s.Code+"|"+strconv.FormatInt(s.MemberID, 10)] = s
		}
	}
	for _, a := range apps {
		row := []any{a.Code, string(a.Category)}
		sum, n := 0.0, 0
		for _, m := range members {
			s, ok := confirmed[a.Code+"|"+strconv.FormatInt(m, 10)]
			total, complete := selection.Total(s.Points)
			for k := range store.Criteria {
				row = append(row, cell(ok, s.Points[k]))
			}
			row = append(row, cell(ok && complete, total))
			if ok && complete {
				sum += total
				n++
			}
		}
		tb.Rows = append(tb.Rows, append(row, cell(n > 0, sum/float64(max(n, 1))), decision(a.Status)))
	}
	return tb
}

// memberTotal is the column of a member's weighted total.
func memberTotal(m int64) Column {
	return Column{Key: fmt.Sprintf("member_%d_total", m), Kind: Decimal, Label: "export.col.member_total", Args: map[string]any{"Member": m}}
}

// cell is v, or blank when there is nothing to show.
func cell(ok bool, v any) any {
	if !ok {
		return nil
	}
	return v
}

// decision is the status once decided or withdrawn, else empty.
func decision(s store.Status) string {
	if s.Decided() || s == store.StatusWithdrawn {
		return string(s)
	}
	return ""
}
