package export

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mentorbot/mentorbot/bot/selection"
	"github.com/mentorbot/mentorbot/store"
)

// Scores is the selection: per application its code and category, each
// member's seven scores and weighted total (blank where she has not
// confirmed or stood aside), the mean of the totals, the mean of the
// totals standardised against each member's own scoring (z), the
// commission's agreement (Krippendorff's alpha) with the application left
// out, the members who stood aside and why ("9102: neighbour"), and the
// decision. Agreement and z are over the active applications
// (selection.Agree); a withdrawn one has them blank. Members are
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
	cols = append(cols, Column{Key: "mean", Kind: Decimal}, Column{Key: "z_mean", Kind: Decimal}, Column{Key: "alpha_without", Kind: Decimal},
		Column{Key: "recused"}, Column{Key: "decision"})
	tb := Table{Name: "scores", Columns: cols}
	confirmed := map[string]store.Score{}
	recused := map[string][]string{}
	for _, s := range scores {
		if s.Confirmed {
			confirmed[s.Code+"|"+strconv.FormatInt(s.MemberID, 10)] = s
		}
		if s.Recused() {
			recused[s.Code] = append(recused[s.Code], fmt.Sprintf("%d: %s", s.MemberID, s.Recusal))
		}
	}
	ratings := selection.RatingsOf(apps, scores)
	ag := selection.Agree(ratings)
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
		row = append(row, cell(n > 0, sum/float64(max(n, 1))))
		row = append(row, agreementCells(a.Code, ratings, ag)...)
		slices.Sort(recused[a.Code])
		tb.Rows = append(tb.Rows, append(row, strings.Join(recused[a.Code], ", "), decision(a.Status)))
	}
	return tb
}

// agreementCells are an application's z-mean and the commission's alpha
// without it, blank where there is none.
func agreementCells(code string, ratings selection.Ratings, ag selection.Agreement) []any {
	z, zok := selection.ZMean(ratings[code], ag.Scales)
	d, dok := ag.Without[code]
	return []any{cell(zok, z), cell(dok, d.Without)}
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
