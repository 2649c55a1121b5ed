package election

import (
	"fmt"
	"image/color"
	"slices"
	"strings"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/chart"
	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/bot/report"
	"github.com/mentorbot/mentorbot/store"
)

// tallyRow counts one group of participants. Of the reported results
// (the latest version of each), staff checked some against the
// protocol's photo: Verified (and Elected among them, VerifiedElected),
// Rejected, or not yet (Unchecked).
type tallyRow struct {
	Graduates, Registered, Reported, Elected       int
	Verified, VerifiedElected, Rejected, Unchecked int
}

// electionTally is the election as reported so far.
type electionTally struct {
	all        tallyRow
	byOblast   map[string]*tallyRow
	byCategory map[store.Category]*tallyRow
	unreported []store.User // registered candidates who have not reported
	unknown    int          // reported "not known yet"
	// unchecked are the latest results staff have not checked against
	// their photo yet, oldest first.
	unchecked []store.ResultReport
}

// tally counts the participants, the candidates and their latest reports,
// by oblast (from the candidacy) and by category (from the application).
func readTally(t *bot.Turn) (electionTally, error) {
	et := electionTally{byOblast: map[string]*tallyRow{}, byCategory: map[store.Category]*tallyRow{}}
	users, err := t.Tx.UsersWithRole(store.RoleParticipant)
	if err != nil {
		return et, err
	}
	for _, u := range users {
		app, err := t.Tx.ApplicationOf(u.ID)
		if err != nil && !bot.IsNotFound(err) {
			return et, err
		}
		c, err := t.Tx.Candidacy(u.ID)
		if err != nil && !bot.IsNotFound(err) {
			return et, err
		}
		oblast := c.Oblast
		if oblast == "" {
			oblast = app.Answers["oblast"]
		}
		rows := []*tallyRow{&et.all, row(et.byOblast, oblast), row(et.byCategory, app.Category)}
		reports, err := t.Tx.Reports(u.ID)
		if err != nil {
			return et, err
		}
		for _, r := range rows {
			r.Graduates++
		}
		if c.Registered != "yes" {
			continue
		}
		for _, r := range rows {
			r.Registered++
		}
		if len(reports) == 0 {
			et.unreported = append(et.unreported, u)
			continue
		}
		latest := reports[len(reports)-1]
		for _, r := range rows {
			r.count(latest)
		}
		if latest.Elected == "unknown" {
			et.unknown++
		}
		if latest.Check == "" {
			et.unchecked = append(et.unchecked, latest)
		}
	}
	slices.SortStableFunc(et.unchecked, func(a, b store.ResultReport) int { return a.At.Compare(b.At) })
	return et, nil
}

// count adds her latest result to the row.
func (r *tallyRow) count(latest store.ResultReport) {
	elected := latest.Elected == "yes"
	r.Reported++
	if elected {
		r.Elected++
	}
	switch latest.Check {
	case store.CheckVerified:
		r.Verified++
		if elected {
			r.VerifiedElected++
		}
	case store.CheckRejected:
		r.Rejected++
	default:
		r.Unchecked++
	}
}

func row[K comparable](m map[K]*tallyRow, k K) *tallyRow {
	if m[k] == nil {
		m[k] = &tallyRow{}
	}
	return m[k]
}

// tally is /tally: the live count for staff, refreshed each time asked.
func tally(t *bot.Turn) error {
	et, err := readTally(t)
	if err != nil {
		return err
	}
	var sb strings.Builder
	sb.WriteString(t.Text("tally.head", map[string]any{
		"Registered": et.all.Registered, "Reported": et.all.Reported, "Elected": et.all.Elected, "Unknown": et.unknown,
		"Count": et.all.Graduates, "Share": bot.Percent(et.all.Elected, et.all.Graduates), "Target": bot.Percent(int(report.TargetShare*100), 100),
	}))
	sb.WriteString("\n" + t.Text("tally.checks", map[string]any{
		"Verified": et.all.Verified, "Elected": et.all.VerifiedElected, "Rejected": et.all.Rejected, "Unchecked": et.all.Unchecked}))
	sb.WriteString("\n\n" + t.Text("tally.by_oblast", nil))
	for _, o := range form.Oblasts {
		if r := et.byOblast[o]; r != nil {
			fmt.Fprintf(&sb, "\n%s: %s", t.Text("form.oblast.opt."+o, nil), tallyLine(t, *r))
		}
	}
	sb.WriteString("\n\n" + t.Text("tally.by_category", nil))
	for _, c := range bot.Categories {
		if r := et.byCategory[c]; r != nil {
			fmt.Fprintf(&sb, "\n%s: %s", t.Text("category."+string(c), nil), tallyLine(t, *r))
		}
	}
	var buttons [][]store.Button
	if n := len(et.unchecked); n > 0 {
		buttons = append(buttons, []store.Button{t.ButtonWith("tally.check_photos", map[string]any{"Count": n}, prefixCheck+":")})
	}
	if len(et.unreported) > 0 {
		names := make([]string, 0, len(et.unreported))
		for _, u := range et.unreported {
			names = append(names, fmt.Sprintf("%s (%d)", bot.DisplayName(u), u.ID))
		}
		sb.WriteString("\n\n" + t.Text("tally.unreported", map[string]any{"Count": len(names)}) + "\n" + strings.Join(names, ", "))
		buttons = append(buttons, []store.Button{t.Button("tally.remind", prefixRemind+":")})
	}
	t.Send(sb.String(), buttons)
	return nil
}

func tallyLine(t *bot.Turn, r tallyRow) string {
	return t.Text("tally.line", map[string]any{"Registered": r.Registered, "Reported": r.Reported, "Elected": r.Elected,
		"Graduates": r.Graduates, "Share": bot.Percent(r.Elected, r.Graduates)})
}

// remindUnreported writes to every registered candidate who has not
// reported yet, with the day's buttons.
func remindUnreported(t *bot.Turn) error {
	et, err := readTally(t)
	if err != nil {
		return err
	}
	t.Notify(et.unreported, t.ByKey("election.reminder", nil), func(lang string) [][]store.Button { return electionButtons(t.Texts().Text, lang) })
	t.Log().Info("reminded candidates to report", "by", t.User.ID, "count", len(et.unreported))
	t.Say("tally.reminded", map[string]any{"Count": len(et.unreported)})
	return nil
}

// tallyChart is /tally_chart: the same count as a bar chart by oblast,
// drawn with gonum/plot and sent as a photo.
func tallyChart(t *bot.Turn) error {
	et, err := readTally(t)
	if err != nil {
		return err
	}
	png, err := drawTally(t, et)
	if err != nil {
		return err
	}
	t.Queue(store.Outgoing{Kind: store.KindPhoto, ChatID: t.Update.ChatID,
		Text:     t.Text("tally.chart_caption", map[string]any{"Elected": et.all.Elected, "Count": et.all.Graduates, "Share": bot.Percent(et.all.Elected, et.all.Graduates)}),
		Document: &store.File{Name: "tally.png", Data: png}})
	return nil
}

// drawTally renders registered, reported and elected candidates per
// oblast, with the 20% target of each oblast's graduates as a dot.
func drawTally(t *bot.Turn, et electionTally) ([]byte, error) {
	var oblasts []string
	for _, o := range form.Oblasts {
		if et.byOblast[o] != nil {
			oblasts = append(oblasts, o)
		}
	}
	if len(oblasts) == 0 {
		oblasts = slices.Clone(form.Oblasts)
	}
	series := func(get func(tallyRow) float64) []float64 {
		v := make([]float64, len(oblasts))
		for i, o := range oblasts {
			if r := et.byOblast[o]; r != nil {
				v[i] = get(*r)
			}
		}
		return v
	}
	c := chart.Bars{
		Title:  t.Text("tally.chart_title", nil),
		YLabel: t.Text("tally.chart_people", nil),
		Series: []chart.Series{
			{Label: t.Text("tally.chart_registered", nil), Values: series(func(r tallyRow) float64 { return float64(r.Registered) }), Color: color.RGBA{R: 158, G: 202, B: 225, A: 255}},
			{Label: t.Text("tally.chart_reported", nil), Values: series(func(r tallyRow) float64 { return float64(r.Reported) }), Color: color.RGBA{R: 66, G: 146, B: 198, A: 255}},
			{Label: t.Text("tally.chart_elected", nil), Values: series(func(r tallyRow) float64 { return float64(r.Elected) }), Color: color.RGBA{R: 8, G: 81, B: 156, A: 255}},
		},
		Target: chart.Series{Label: t.Text("tally.chart_target", nil), Values: series(func(r tallyRow) float64 { return report.TargetShare * float64(r.Graduates) })},
	}
	for _, o := range oblasts {
		c.Groups = append(c.Groups, t.Text("form.oblast.opt."+o, nil))
	}
	return c.PNG()
}

// exportResults is /results_export: one row per participant.
var exportResults = bot.SendsFile("results")

// exportResultsTable builds it, in the worker (RunFileJobs).
func exportResultsTable(t *bot.Turn, _ string) (bot.FileTable, error) {
	rows, err := export.ResultRows(t.Tx)
	if err != nil {
		return bot.FileTable{}, err
	}
	return bot.FileTable{Table: export.Results(rows, t.School().Location), Name: "results", Caption: t.Text("tally.export_caption", nil)}, nil
}
