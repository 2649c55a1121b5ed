package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/mentorbot/mentorbot/bot/selection"
	"github.com/mentorbot/mentorbot/store"
)

// Scores writes the selection as CSV: per application its code and
// category, each member's seven scores and weighted total (blank where she
// has not confirmed), the mean of the totals, and the decision. Members
// are columns in the order given, then former members who confirmed a
// score (selection.Scorers), so the mean is the columns' mean; withdrawn
// applications are kept, with their status, so the file accounts for
// every code.
func Scores(w io.Writer, apps []store.Application, scores []store.Score, members []int64) error {
	members = selection.Scorers(members, scores)
	cw := csv.NewWriter(w)
	header := []string{"code", "category"}
	for _, m := range members {
		for k := 1; k <= store.Criteria; k++ {
			header = append(header, fmt.Sprintf("member_%d_c%d", m, k))
		}
		header = append(header, fmt.Sprintf("member_%d_total", m))
	}
	header = append(header, "mean", "decision")
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write scores header: %w", err)
	}
	confirmed := map[string]store.Score{}
	for _, s := range scores {
		if s.Confirmed {
			confirmed[s.Code+"|"+strconv.FormatInt(s.MemberID, 10)] = s
		}
	}
	for _, a := range apps {
		row := []string{a.Code, string(a.Category)}
		sum, n := 0.0, 0
		for _, m := range members {
			s, ok := confirmed[a.Code+"|"+strconv.FormatInt(m, 10)]
			total, complete := selection.Total(s.Points)
			for k := range store.Criteria {
				row = append(row, cell(ok, strconv.Itoa(s.Points[k])))
			}
			row = append(row, cell(ok && complete, number(total)))
			if ok && complete {
				sum += total
				n++
			}
		}
		row = append(row, cell(n > 0, number(sum/float64(max(n, 1)))), decision(a.Status))
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write scores of %s: %w", a.Code, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write scores: %w", err)
	}
	return nil
}

func cell(ok bool, v string) string {
	if !ok {
		return ""
	}
	return v
}

// number writes a total with two decimals at most: 77, 81.33.
func number(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

// decision is the status once decided or withdrawn, else empty.
func decision(s store.Status) string {
	if s.Decided() || s == store.StatusWithdrawn {
		return string(s)
	}
	return ""
}
