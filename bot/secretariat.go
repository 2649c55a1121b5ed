package bot

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/bot/selection"
	"github.com/mentorbot/mentorbot/store"
)

// Stage II, the selection: staff run the scoring and decide, the
// commission scores (scoring.go).
var selectionFeature = Feature{
	Dialogues: []*dialogue.Dialogue{maskDialogue, recusalDialogue},
	Lists:     map[string]pagedList{"rank": {20, (*turn).ranking, (*turn).rankingFile}},
	Tables: map[string]func(*turn, string) (fileTable, error){
		"scores":  (*turn).exportScoresTable,
		"ranking": (*turn).rankingFileTable,
	},
	Sure:     map[string]func(*turn, string) error{"scoring": (*turn).closeScoring},
	Before:   (*turn).forgetMaskStep,
	RoleEnds: (*turn).scoresLeft,
	Commands: []Command{
		{Name: "scoring", Roles: staffOnly, Run: (*turn).scoringState, Help: true, Menu: true},
		{Name: "progress", Roles: staffOnly, Run: (*turn).progress, Help: true, Menu: true},
		{Name: "mask", Roles: staffOnly, Run: (*turn).showMasked, Help: true},
		{Name: "ranking", Roles: staffOnly, Run: firstPage("rank"), Help: true, Menu: true},
		{Name: "decide", Roles: staffOnly, Run: (*turn).decide, Help: true, Menu: true},
		{Name: "publish", Roles: staffOnly, Run: (*turn).askPublish, Help: true, Menu: true},
		{Name: "scores", Roles: staffOnly, Run: (*turn).exportScores, Help: true},
		{Name: "score", Roles: commissionOnly, Run: (*turn).nextToScore, Help: true, Menu: true},
	},
	Buttons: []Button{
		{Prefix: prefixScoring, Roles: staffOnly, Run: (*turn).tapScoring},
		{Prefix: prefixMask, Roles: staffOnly, Run: (*turn).tapMask},
		{Prefix: prefixDecide, Roles: staffOnly, Run: (*turn).tapDecide},
		{Prefix: prefixPublish, Roles: staffOnly, Run: (*turn).tapPublish},
		{Prefix: prefixScore, Roles: commissionOnly, Run: (*turn).tapScore},
		{Prefix: prefixRecusal, Roles: staffOnly, Run: (*turn).tapUndoRecusal},
	},
}

// Prefixes of staff's selection buttons, handled here.
const (
	prefixScoring = "scoring" // open or close the scoring
	prefixMask    = "mask"    // the masking of an application
	prefixDecide  = "dec"     // a decision on an application
	prefixPublish = "pub"     // sending the results
)

// standing is the selection as it stands: what staff's commands look at.
type standing struct {
	sel     store.Selection
	apps    []store.Application // active ones
	members []store.User        // the commission
	scores  []store.Score
}

func (t *turn) standing() (standing, error) {
	var st standing
	var err error
	if st.sel, err = t.tx.Selection(); err != nil {
		return st, err
	}
	if st.apps, err = t.activeApplications(); err != nil {
		return st, err
	}
	if st.members, err = t.tx.UsersWithRole(store.RoleCommission); err != nil {
		return st, err
	}
	st.scores, err = t.tx.Scores()
	return st, err
}

// confirmedBy counts the active applications member has confirmed.
func (st standing) confirmedBy(member int64) int {
	return st.countBy(member, func(s store.Score) bool { return s.Confirmed })
}

// recusedBy counts the active applications member stood aside from.
func (st standing) recusedBy(member int64) int {
	return st.countBy(member, store.Score.Recused)
}

func (st standing) countBy(member int64, counts func(store.Score) bool) int {
	active := map[string]bool{}
	for _, a := range st.apps {
		active[a.Code] = true
	}
	n := 0
	for _, s := range st.scores {
		if s.MemberID == member && active[s.Code] && counts(s) {
			n++
		}
	}
	return n
}

// leftFor counts the applications member still has to confirm: all but
// those she confirmed or stood aside from.
func (st standing) leftFor(member int64) int {
	return len(st.apps) - st.confirmedBy(member) - st.recusedBy(member)
}

// complete reports whether every member confirmed every application she
// did not stand aside from.
func (st standing) complete() bool {
	if len(st.members) == 0 || len(st.apps) == 0 {
		return false
	}
	for _, m := range st.members {
		if st.leftFor(m.ID) > 0 {
			return false
		}
	}
	return true
}

// stillToConfirm lists, one line each, the members who have
// applications left to confirm, and how many.
func (t *turn) stillToConfirm(st standing) string {
	var lines []string
	for _, m := range st.members {
		if n := st.leftFor(m.ID); n > 0 {
			lines = append(lines, t.text("scoring.member_left", map[string]any{"Name": displayName(m), "ID": m.ID, "Count": n}))
		}
	}
	return strings.Join(lines, "\n")
}

// agreement is how consistently the commission scored the active
// applications (selection.Agree).
func (st standing) agreement() selection.Agreement {
	return selection.Agree(selection.RatingsOf(st.apps, st.scores))
}

// decidable reports whether staff may decide: every score is in, or staff
// closed scoring.
func (st standing) decidable() bool { return st.complete() || st.sel.Phase == store.PhaseClosed }

// ranked returns the ranking of one category.
func (t *turn) ranked(st standing, cat store.Category) []selection.Result {
	var apps []store.Application
	for _, a := range st.apps {
		if a.Category == cat {
			apps = append(apps, a)
		}
	}
	return selection.Rank(apps, st.scores, t.Selection.SpreadLimit, t.Selection.Quotas[cat])
}

// allDecided reports whether every active application has a decision.
func (st standing) allDecided() bool {
	for _, a := range st.apps {
		if !a.Status.Decided() {
			return false
		}
	}
	return len(st.apps) > 0
}

// scoringState is /scoring: where scoring stands, with the button that
// opens or closes it. "/scoring close" asks whether to close it.
// Scoring does not open with nobody in the commission: staff are told how
// to invite a member.
func (t *turn) scoringState() error {
	st, err := t.standing()
	if err != nil {
		return err
	}
	if strings.EqualFold(strings.TrimSpace(t.u.Args), "close") && st.sel.PublishedAt.IsZero() && st.sel.Phase == store.PhaseOpen {
		return t.askCloseScoring(st)
	}
	data := map[string]any{"Apps": len(st.apps), "Members": len(st.members)}
	switch {
	case !st.sel.PublishedAt.IsZero():
		t.say("scoring.published", nil)
	case st.sel.Phase == store.PhaseOpen:
		t.send(t.text("scoring.is_open", data), [][]store.Button{{t.button("scoring.close", "scoring:close")}})
	case len(st.members) == 0:
		t.say("scoring.no_members", nil)
	default:
		key := "scoring.not_open"
		if st.sel.Phase == store.PhaseClosed {
			key = "scoring.is_closed"
		}
		if !t.closed() {
			key += "_before_deadline"
		}
		t.send(t.text(key, data), [][]store.Button{{t.button("scoring.open", "scoring:open")}})
	}
	return nil
}

// tapScoring opens scoring, telling every member, or asks whether to
// close it.
func (t *turn) tapScoring(action string) error {
	st, err := t.standing()
	if err != nil {
		return err
	}
	if !st.sel.PublishedAt.IsZero() {
		t.toast("scoring.published")
		return nil
	}
	switch {
	case action == "open" && st.sel.Phase != store.PhaseOpen && len(st.members) == 0:
		t.toast("")
		t.editButtons(nil)
		t.say("scoring.no_members", nil)
		return nil
	case action == "open" && st.sel.Phase != store.PhaseOpen:
		t.toast("")
		return t.openScoring(st)
	case action == "close" && st.sel.Phase == store.PhaseOpen:
		t.toast("")
		t.editButtons(nil)
		return t.askCloseScoring(st)
	}
	return t.oldButton()
}

// openScoring opens it and tells the members; staff hear how many got
// the message, and who did not (she blocked the bot).
func (t *turn) openScoring(st standing) error {
	st.sel.Phase, st.sel.OpenedAt = store.PhaseOpen, t.now
	if err := t.tx.PutSelection(st.sel); err != nil {
		return err
	}
	notified := t.notify(st.members, t.byKey("score.opened", map[string]any{"Count": len(st.apps)}), nil)
	t.Log.Info("scoring opened", "by", t.user.ID, "applications", len(st.apps), "members", len(st.members), "notified", notified)
	t.editButtons(nil)
	t.say("scoring.opened", map[string]any{"Apps": len(st.apps), "Count": notified})
	var unreached []string
	for _, m := range st.members {
		if m.Blocked {
			unreached = append(unreached, fmt.Sprintf("%s (%d)", displayName(m), m.ID))
		}
	}
	if len(unreached) > 0 {
		t.say("scoring.not_notified", map[string]any{"Names": strings.Join(unreached, ", ")})
	}
	return nil
}

// askCloseScoring asks staff, yes or no, whether to close scoring, saying
// who still has how many to confirm: their missing scores stay missing.
func (t *turn) askCloseScoring(st standing) error {
	q := t.text("scoring.close_ask", nil)
	if left := t.stillToConfirm(st); left != "" {
		q += "\n\n" + t.text("scoring.still_to_confirm", nil) + "\n" + left
	}
	return t.startDialogue(sureDialogue.Name, map[string]string{"question": q, "command": "scoring", "id": "close"})
}

// closeScoring is the yes to askCloseScoring.
func (t *turn) closeScoring(string) error {
	sel, err := t.tx.Selection()
	if err != nil {
		return err
	}
	if sel.Phase != store.PhaseOpen || !sel.PublishedAt.IsZero() {
		t.say("scoring.not_open_now", nil)
		return nil
	}
	sel.Phase, sel.ClosedAt = store.PhaseClosed, t.now
	if err := t.tx.PutSelection(sel); err != nil {
		return err
	}
	t.Log.Info("scoring closed", "by", t.user.ID)
	t.say("scoring.closed", nil)
	return nil
}

// progress is /progress: how many each member has scored.
func (t *turn) progress() error {
	st, err := t.standing()
	if err != nil {
		return err
	}
	var sb strings.Builder
	sb.WriteString(t.text("progress.head", map[string]any{"Phase": t.text("phase."+phaseKey(st.sel.Phase), nil), "Apps": len(st.apps)}))
	for _, m := range st.members {
		recused := st.recusedBy(m.ID)
		fmt.Fprintf(&sb, "\n• %s — %d: %d / %d", displayName(m), m.ID, st.confirmedBy(m.ID), len(st.apps)-recused)
		if recused > 0 {
			sb.WriteString(" " + t.text("progress.recused", map[string]any{"Count": recused}))
		}
	}
	if len(st.members) == 0 {
		sb.WriteString("\n" + t.text("progress.no_members", nil))
	}
	t.send(sb.String(), nil)
	return nil
}

func phaseKey(p store.Phase) string {
	if p == store.PhaseNotOpen {
		return "not_open"
	}
	return string(p)
}

// ranking is a page of /ranking: each category best first, with every
// member's total, a flag where they disagree, the bot's proposal and the
// decision. Names appear only once every application is decided.
//
// The pages run through both categories as one list, places counted
// within each. A page that starts inside a category repeats its title, so
// every page says which category (and quota) its places are in; the
// warning that scoring is incomplete and the legend are on every page.
// Ranking needs every score, so all are read, but only the page is
// rendered.
func (t *turn) ranking(w window) (listPage, error) {
	st, err := t.standing()
	if err != nil {
		return listPage{}, err
	}
	reveal := st.allDecided()
	ag := st.agreement()
	ranked := make([][]selection.Result, len(categories))
	sizes := make([]int, len(categories))
	total := 0
	for i, cat := range categories {
		ranked[i] = t.ranked(st, cat)
		sizes[i] = len(ranked[i])
		total += sizes[i]
	}
	var sb strings.Builder
	if !st.complete() {
		sb.WriteString(t.text("ranking.incomplete", nil) + "\n\n")
	}
	for _, s := range sectionsOn(sizes, w) {
		cat := categories[s.index]
		q := t.Selection.Quotas[cat]
		sb.WriteString(t.text("ranking.category", map[string]any{"Category": t.text("category."+string(cat), nil), "Accept": q.Accept, "Waitlist": q.Waitlist}))
		for i := s.from; i < s.to; i++ {
			sb.WriteString("\n" + t.rankLine(i+1, ranked[s.index][i], st, ag, reveal))
		}
		sb.WriteString("\n\n")
	}
	sb.WriteString(t.agreementText(ag) + "\n\n")
	sb.WriteString(t.text("ranking.legend", map[string]any{"Count": formatPoints(t.Selection.SpreadLimit)}))
	return listPage{text: strings.TrimSpace(sb.String()), total: total}, nil
}

// rankingFile sends the whole ranking as a workbook, as the pages show it.
func (t *turn) rankingFile() error { return t.fileJob("ranking", "") }

// rankingFileTable builds it, in the worker (RunFileJobs).
func (t *turn) rankingFileTable(string) (fileTable, error) {
	st, err := t.standing()
	if err != nil {
		return fileTable{}, err
	}
	var ranking []export.RankedCategory
	n := 0
	for _, cat := range categories {
		results := t.ranked(st, cat)
		ranking = append(ranking, export.RankedCategory{Category: cat, Results: results})
		n += len(results)
	}
	tb := export.Ranking(ranking, selection.Scorers(memberIDs(st.members), st.scores), st.allDecided())
	caption := t.text("ranking.caption", map[string]any{"Count": n}) + "\n" + t.agreementText(st.agreement())
	return fileTable{tb, "ranking", caption}, nil
}

// rankLine is "1. A-004 — 86 (84 · ✋ · 86) z +0.52 ⚠ → accepted". The
// totals are the members', then former members' (selection.Scorers); ✋
// is a member who stood aside. z is the mean of the members' totals
// standardised against each one's own scoring.
func (t *turn) rankLine(place int, r selection.Result, st standing, ag selection.Agreement, reveal bool) string {
	scorers := selection.Scorers(memberIDs(st.members), st.scores)
	recused := map[int64]bool{}
	for _, s := range st.scores {
		if s.Code == r.App.Code && s.Recused() {
			recused[s.MemberID] = true
		}
	}
	totals := make([]string, len(scorers))
	for i, id := range scorers {
		totals[i] = "–"
		if v, ok := r.Totals[id]; ok {
			totals[i] = formatPoints(v)
		} else if recused[id] {
			totals[i] = "✋"
		}
	}
	line := fmt.Sprintf("%d. %s", place, r.App.Code)
	if reveal {
		line += " " + clip(r.App.Answers["full_name"], listName)
	}
	if len(r.Totals) == 0 {
		line += " — –"
	} else {
		line += fmt.Sprintf(" — %s (%s) z %s", formatPoints(r.Mean), strings.Join(totals, " · "), zText(selection.ZMean(r.Totals, ag.Scales)))
	}
	if r.Flagged {
		line += " ⚠" + formatPoints(r.Spread)
	}
	if r.App.Status.Decided() {
		return line + " → " + t.text("decision."+string(r.App.Status), nil)
	}
	return line + " · " + t.text("ranking.proposed", map[string]any{"Decision": t.text("decision."+string(r.Proposed), nil)})
}

// zText is a z-mean with its sign and two decimals, "–" where there is
// none (selection.ZMean).
func zText(z float64, ok bool) string {
	if !ok {
		return "–"
	}
	z = math.Round(z*100) / 100
	if z > 0 {
		return "+" + strconv.FormatFloat(z, 'f', 2, 64)
	}
	if z == 0 {
		return "0.00" // not "-0.00"
	}
	return "−" + strconv.FormatFloat(-z, 'f', 2, 64) // the minus sign the legend shows
}

// alphaText is an alpha with two decimals, with the minus sign zText
// uses when it is below 0.
func alphaText(a float64) string {
	if a = math.Round(a*100) / 100; a < 0 {
		return "−" + strconv.FormatFloat(-a, 'f', 2, 64)
	}
	return strconv.FormatFloat(max(a, 0), 'f', 2, 64)
}

// agreementText is the commission's agreement as /ranking shows it: alpha
// and the applications whose leaving out would raise it most.
func (t *turn) agreementText(ag selection.Agreement) string {
	if !ag.AlphaOK {
		return t.text("ranking.agreement_none", nil)
	}
	text := t.text("ranking.agreement", map[string]any{"Alpha": alphaText(ag.Alpha)})
	var down []string
	for _, d := range ag.PullingDown(pullingDownShown) {
		down = append(down, t.text("ranking.without", map[string]any{"Code": d.Code, "Alpha": alphaText(d.Without)}))
	}
	if len(down) > 0 {
		text += "\n" + t.text("ranking.pulling_down", map[string]any{"Codes": strings.Join(down, ", ")})
	}
	return text
}

// pullingDownShown is how many of the applications that pull agreement
// down /ranking names: those to look at first; the workbooks have all.
const pullingDownShown = 3

// decide is /decide [CODE accept|waitlist|decline]: with a code it takes
// that decision; without, it shows the next undecided application in the
// ranking's order with the three choices and the bot's proposal.
func (t *turn) decide() error {
	// A decision mistyped is told how to write before anything else.
	fields := strings.Fields(t.u.Args)
	var status store.Status
	if len(fields) != 0 {
		var ok bool
		if status, ok = decisionWord(fields[len(fields)-1]); len(fields) != 2 || !ok {
			t.say("decide.usage", nil)
			return nil
		}
	}
	st, err := t.standing()
	if err != nil {
		return err
	}
	if !st.sel.PublishedAt.IsZero() {
		t.say("scoring.published", nil)
		return nil
	}
	if !st.decidable() {
		t.say("decide.not_yet", nil)
		return nil
	}
	if len(fields) == 0 {
		t.showUndecided(st, false)
		return nil
	}
	code, ok := store.ParseCode(fields[0])
	if !ok {
		t.say("staff.application.not_found", map[string]any{"Code": fields[0]})
		return nil
	}
	return t.setDecision(code, status)
}

func decisionWord(w string) (store.Status, bool) {
	switch strings.ToLower(w) {
	case "accept", "accepted":
		return store.StatusAccepted, true
	case "waitlist", "waitlisted":
		return store.StatusWaitlisted, true
	case "decline", "declined":
		return store.StatusDeclined, true
	}
	return "", false
}

// showUndecided shows the best undecided application, or says all are
// decided. edit replaces the message of the tap instead of sending.
func (t *turn) showUndecided(st standing, edit bool) {
	show := t.send
	if edit {
		show = t.edit
	}
	for _, cat := range categories {
		for i, r := range t.ranked(st, cat) {
			if r.App.Status.Decided() {
				continue
			}
			text := t.text("decide.next", map[string]any{"Category": t.text("category."+string(cat), nil)}) + "\n" +
				t.rankLine(i+1, r, st, st.agreement(), false)
			code := r.App.Code
			show(text, [][]store.Button{
				{t.button("decide.accept", "dec:"+code+":accepted"), t.button("decide.waitlist", "dec:"+code+":waitlisted"), t.button("decide.decline", "dec:"+code+":declined")},
				{t.button("decide.all_proposed", "dec:all")},
			})
			return
		}
	}
	show(t.text("decide.all_done", nil), nil)
}

// tapDecide takes a decision button: "CODE:status", or "all" for the
// bot's proposal on every undecided application.
func (t *turn) tapDecide(args string) error {
	st, err := t.standing()
	if err != nil {
		return err
	}
	if !st.sel.PublishedAt.IsZero() || !st.decidable() {
		t.toast("decide.not_yet")
		return nil
	}
	t.toast("")
	if args == "all" {
		for _, cat := range categories {
			for _, r := range t.ranked(st, cat) {
				if !r.App.Status.Decided() {
					if err := t.putDecision(r.App, r.Proposed); err != nil {
						return err
					}
				}
			}
		}
	} else {
		code, word, _ := strings.Cut(args, ":")
		status, ok := decisionWord(word)
		if !ok {
			return t.oldButton()
		}
		app, err := t.tx.Application(code)
		if err != nil {
			return err
		}
		if err := t.putDecision(app, status); err != nil {
			return err
		}
	}
	if st, err = t.standing(); err != nil {
		return err
	}
	t.showUndecided(st, true)
	return nil
}

// setDecision is a decision typed with /decide CODE WORD.
func (t *turn) setDecision(code string, status store.Status) error {
	app, err := t.tx.Application(code)
	if isNotFound(err) || (err == nil && !app.Active()) {
		t.say("staff.application.not_found", map[string]any{"Code": code})
		return nil
	}
	if err != nil {
		return err
	}
	if err := t.putDecision(app, status); err != nil {
		return err
	}
	t.say("decide.done", map[string]any{"Code": code, "Decision": t.text("decision."+string(status), nil)})
	return nil
}

func (t *turn) putDecision(app store.Application, status store.Status) error {
	app.Status, app.DecidedAt = status, t.now
	t.Log.Info("decision", "by", t.user.ID, "code", app.Code, "decision", status)
	return t.tx.PutApplication(app)
}

// publishRefusal is why the results cannot go out yet, "" when they
// can: not before the application deadline (a woman may still apply),
// not while a member has applications left to confirm unless staff
// closed scoring, and not before every application is decided.
func (t *turn) publishRefusal(st standing) string {
	switch {
	case !st.sel.PublishedAt.IsZero():
		return t.text("scoring.published", nil)
	case !t.closed():
		return t.text("publish.before_deadline", map[string]any{"Deadline": t.dateTime(t.Deadline)})
	case st.sel.Phase == store.PhaseNotOpen:
		return t.text("publish.not_scored", nil)
	case st.sel.Phase == store.PhaseOpen && !st.complete():
		return t.text("publish.scoring_open", nil) + "\n" + t.stillToConfirm(st)
	case !st.allDecided():
		return t.text("publish.undecided", nil)
	}
	return ""
}

// askPublish is /publish: the counts, and a button to send the results,
// or why they cannot go out yet.
func (t *turn) askPublish() error {
	st, err := t.standing()
	if err != nil {
		return err
	}
	if refusal := t.publishRefusal(st); refusal != "" {
		t.send(refusal, nil)
		return nil
	}
	count := map[store.Status]int{}
	for _, a := range st.apps {
		count[a.Status]++
	}
	t.send(t.text("publish.confirm", map[string]any{
		"Accepted": count[store.StatusAccepted], "Waitlisted": count[store.StatusWaitlisted], "Declined": count[store.StatusDeclined],
	}), [][]store.Button{{t.button("publish.go", "pub:go")}})
	return nil
}

// tapPublish sends every applicant her result, in her language, once: the
// message is queued and the application marked in the same transaction,
// so a second tap or a restart sends nothing again. Those accepted become
// participants.
func (t *turn) tapPublish(string) error {
	st, err := t.standing()
	if err != nil {
		return err
	}
	if !st.sel.PublishedAt.IsZero() {
		t.toast("scoring.published")
		return nil
	}
	if refusal := t.publishRefusal(st); refusal != "" {
		t.toast("")
		t.editButtons(nil)
		t.send(refusal, nil)
		return nil
	}
	t.toast("")
	sent := 0
	for _, app := range st.apps {
		if !app.PublishedAt.IsZero() {
			continue
		}
		if store.Unlinked(app.UserID) {
			// Entered from paper or e-mail, and she has not opened the
			// bot: staff tell her; she sees it here once she links it.
			app.PublishedAt = t.now
			if err := t.tx.PutApplication(app); err != nil {
				return err
			}
			continue
		}
		if err := t.publishResult(app); err != nil {
			return err
		}
		sent++
	}
	st.sel.PublishedAt = t.now
	if st.sel.Phase == store.PhaseOpen {
		st.sel.Phase, st.sel.ClosedAt = store.PhaseClosed, t.now
	}
	if err := t.tx.PutSelection(st.sel); err != nil {
		return err
	}
	t.Log.Info("results published", "by", t.user.ID, "messages", sent)
	t.editButtons(nil)
	t.say("publish.done", map[string]any{"Count": sent})
	return nil
}

func (t *turn) publishResult(app store.Application) error {
	u, err := t.tx.User(app.UserID)
	if err != nil && !isNotFound(err) {
		return err
	}
	if isNotFound(err) {
		u = store.User{ID: app.UserID, Language: app.Language}
	}
	if app.Status == store.StatusAccepted && !u.HasRole(store.RoleParticipant) {
		u.Roles = append(u.Roles, store.RoleParticipant)
		if err := t.saveOther(&u); err != nil {
			return err
		}
	}
	t.notify([]store.User{u}, t.byKey("result."+string(app.Status), map[string]any{
		"Code": app.Code, "Start": t.date(t.Selection.SchoolStart), "End": t.date(t.Selection.SchoolEnd),
	}), nil)
	app.PublishedAt = t.now
	return t.tx.PutApplication(app)
}

// exportScores is /scores: every member's scores as a workbook.
func (t *turn) exportScores() error { return t.fileJob("scores", "") }

// exportScoresTable builds it, in the worker (RunFileJobs).
func (t *turn) exportScoresTable(string) (fileTable, error) {
	st, err := t.standing()
	if err != nil {
		return fileTable{}, err
	}
	apps, err := t.tx.Applications()
	if err != nil {
		return fileTable{}, err
	}
	caption := t.text("staff.scores.caption", nil) + "\n" + t.agreementText(st.agreement())
	return fileTable{export.Scores(apps, st.scores, memberIDs(st.members)), "scores", caption}, nil
}

func memberIDs(users []store.User) []int64 {
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	return ids
}

// maskDialogue is staff rewriting the commission's copy of one free-text
// answer ("field") of an application ("code").
var maskDialogue = &dialogue.Dialogue{
	Name: "mask", Version: 1, Roles: staffOnly, CancelButton: true,
	Steps: []dialogue.Step{{ID: "text", Ask: "mask.send", Data: maskData, Takes: dialogue.Text, Max: MaxMessage}},
	Finish: func(c *dialogue.Context) error {
		return turnOf(c).saveMask(c.Answers["code"], c.Answers["field"], c.Answers["text"])
	},
}

// maskData names the application and the answer being rewritten.
func maskData(c *dialogue.Context) map[string]any {
	return map[string]any{"Code": c.Answers["code"], "Field": c.Text("form."+c.Answers["field"]+".label", nil)}
}

// legacyMaskStep starts the User.Step an older bot kept while staff
// rewrote a masked answer ("mask:A-001:essay"); the edit is a dialogue
// now, and such a step is dropped: she taps ✏️ again.
const legacyMaskStep = "mask:"

// forgetMaskStep drops a legacyMaskStep.
func (t *turn) forgetMaskStep() error {
	if strings.HasPrefix(t.user.Step, legacyMaskStep) {
		t.user.Step = ""
	}
	return nil
}

// showMasked is /mask CODE: the commission's copy of her free-text
// answers, with a button to rewrite each.
func (t *turn) showMasked() error {
	typed := strings.TrimSpace(t.u.Args)
	if typed == "" {
		t.say("mask.usage", nil)
		return nil
	}
	app, err := t.application(typed)
	if isNotFound(err) {
		t.say("staff.application.not_found", map[string]any{"Code": typed})
		return nil
	}
	if err != nil {
		return err
	}
	code := app.Code
	masked := maskedAnswers(app)
	var rows [][]store.Button
	var sb strings.Builder
	sb.WriteString(t.text("mask.head", map[string]any{"Code": code}))
	for _, f := range form.Fields {
		if v, ok := masked[f.ID]; ok && isFreeText(f) && v != "" {
			label := t.text("form."+f.ID+".label", nil)
			fmt.Fprintf(&sb, "\n\n%s:\n%s", label, v)
			rows = append(rows, []store.Button{{Text: "✏️ " + label, Data: "mask:" + code + ":" + f.ID}})
		}
	}
	t.send(sb.String(), rows)
	return nil
}

// tapMask starts rewriting one masked answer.
func (t *turn) tapMask(args string) error {
	code, field, _ := strings.Cut(args, ":")
	f, ok := form.ByID(field)
	if _, err := t.tx.Application(code); err != nil || !ok || !isFreeText(f) {
		return t.oldButton()
	}
	t.toast("")
	return t.startDialogue(maskDialogue.Name, map[string]string{"code": code, "field": field})
}

// saveMask keeps staff's rewritten answer.
func (t *turn) saveMask(code, field, text string) error {
	app, err := t.tx.Application(code)
	if isNotFound(err) {
		t.say("staff.application.not_found", map[string]any{"Code": code})
		return nil
	}
	if err != nil {
		return err
	}
	if app.Masked == nil {
		app.Masked = map[string]string{}
	}
	app.Masked[field] = text
	if err := t.tx.PutApplication(app); err != nil {
		return err
	}
	if err := t.audit(staffOnly, "mask text", code+" "+field); err != nil {
		return err
	}
	t.Log.Info("masked answer edited", "by", t.user.ID, "code", code, "field", field)
	t.say("mask.saved", map[string]any{"Code": code})
	return nil
}

// countScores counts a member's confirmed and unfinished scores of the
// active applications.
func (t *turn) countScores(member int64, f *freed) error {
	apps, err := t.activeApplications()
	if err != nil {
		return err
	}
	active := map[string]bool{}
	for _, a := range apps {
		active[a.Code] = true
	}
	scores, err := t.tx.Scores()
	if err != nil {
		return err
	}
	for _, s := range scores {
		switch {
		case s.MemberID != member || !active[s.Code]:
		case s.Confirmed:
			f.confirmed++
		default:
			f.unfinished++
		}
	}
	return nil
}

// scoresLeft is the end of a role for the selection (Feature.RoleEnds):
// a member who left the commission has her scores counted for staff.
func (t *turn) scoresLeft(u store.User, role store.Role, f *freed) (func() error, error) {
	if role != store.RoleCommission || t.holds(u, commissionOnly) {
		return nil, nil
	}
	return nil, t.countScores(u.ID, f)
}
