// Package election is the part of the bot for election day (stage V):
// a candidate's candidacy, her result and violation reports as dialogues,
// the "help now" button (a question through the core's Ask hook), staff's
// tally with its chart, the check of protocol photos, and the results
// export.
package election

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/bot/votes"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// Feature is election day: candidacy, the day's reports and help, and
// staff's tally (tally.go).
var Feature = bot.Feature{
	Commands: []bot.Command{
		{Name: "candidacy", For: bot.Participants, Run: startCandidacy, Help: true, Menu: true},
		{Name: "election", For: bot.Candidates, Run: electionDay, Help: true, Menu: true},
		{Name: "tally", Roles: bot.StaffOnly, Run: tally, Help: true, Menu: true},
		{Name: "tally_chart", Roles: bot.StaffOnly, Run: tallyChart, Help: true},
		{Name: "results_export", Roles: bot.StaffOnly, Run: exportResults, Help: true},
		{Name: "helper", Roles: bot.StaffOnly, Run: toggleHelper, Help: true},
		{Name: "violations", Roles: bot.StaffOrLawyer, Run: listViolations, Help: true, Menu: true},
	},
	Buttons: []bot.Button{
		{Prefix: prefixElection, Run: tapElection},
		{Prefix: prefixRemind, Roles: bot.StaffOnly, Run: tapRemind},
		{Prefix: prefixCheck, Roles: bot.StaffOnly, Run: checkPhotos},
	},
	Dialogues: []*dialogue.Dialogue{candidacyDialogue, resultDialogue, violationDialogue, photoCheckDialogue},
	Tables:    map[string]func(*bot.Turn, string) (bot.FileTable, error){"results": exportResultsTable},
	Messages: map[store.DueKind]func(*locales.Texts, string) (string, [][]store.Button){
		store.DueElection: func(texts *locales.Texts, lang string) (string, [][]store.Button) {
			return texts.Text(lang, "election.morning", nil), electionButtons(texts.Text, lang)
		},
	},
}

// Prefixes of the election day's buttons, handled here.
const (
	prefixElection = "el"  // a candidate's report, help or violation
	prefixRemind   = "elr" // staff remind those who have not reported
)

// The election day's three dialogues, as tables of steps (bot/dialogue):
// her candidacy before the vote, her result, and a violation she saw.
// Each step's question is "election.ask.<step>".

// yesNo are the buttons of a yes/no question; more may follow.
func yesNo(more ...dialogue.Option) func(*dialogue.Context) []dialogue.Option {
	return func(*dialogue.Context) []dialogue.Option {
		return append([]dialogue.Option{{Value: "yes", Label: "answer.yes"}, {Value: "no", Label: "answer.no", Beside: true}}, more...)
	}
}

// oblastOptions are the seven oblasts, one a row.
func oblastOptions(*dialogue.Context) []dialogue.Option {
	var out []dialogue.Option
	for _, o := range form.Oblasts {
		out = append(out, dialogue.Option{Value: o, Label: "form.oblast.opt." + o})
	}
	return out
}

// endIf ends the dialogue when the step's answer is value.
func endIf(step, value string) func(*dialogue.Context) string {
	return func(c *dialogue.Context) string {
		if c.Answers[step] == value {
			return dialogue.End
		}
		return ""
	}
}

// candidacyDialogue is /candidacy: was she registered as a candidate, and
// where, on which list. Where she stands is most often where her
// application says she lives: started with that place as known_oblast,
// known_district and known_aiyl, the dialogue asks her once whether it
// is right, and asks only what it does not know or she changes.
var candidacyDialogue = &dialogue.Dialogue{
	Name: "candidacy", Version: 2, Roles: []store.Role{store.RoleParticipant}, CancelButton: true,
	Steps: []dialogue.Step{
		{ID: "registered", Ask: "election.ask.registered", Data: electionDate, Takes: dialogue.Buttons, Options: yesNo(),
			Next: endIf("registered", "no")},
		{ID: "place", Ask: "election.ask.place", Data: knownPlace, Takes: dialogue.Buttons, Applies: placeKnown,
			Options: func(*dialogue.Context) []dialogue.Option {
				return []dialogue.Option{{Value: "yes", Label: "answer.yes"}, {Value: "change", Label: "election.place_change", Beside: true}}
			}},
		{ID: "oblast", Ask: "election.ask.oblast", Takes: dialogue.Buttons, Options: oblastOptions, Applies: asksPlace("oblast")},
		{ID: "district", Ask: "election.ask.district", Takes: dialogue.Text, Max: form.MaxShort, Applies: asksPlace("district")},
		{ID: "aiyl", Ask: "election.ask.aiyl", Takes: dialogue.Text, Max: form.MaxShort, Applies: asksPlace("aiyl")},
		{ID: "constituency", Ask: "election.ask.constituency", Takes: dialogue.Text, Max: form.MaxShort, Skip: "election.skip"},
		{ID: "list", Ask: "election.ask.list", Takes: dialogue.Buttons, Options: func(*dialogue.Context) []dialogue.Option {
			return []dialogue.Option{{Value: "party", Label: "election.party"}, {Value: "independent", Label: "election.independent", Beside: true}}
		}, Next: endIf("list", "independent")},
		{ID: "party", Ask: "election.ask.party", Takes: dialogue.Text, Max: form.MaxShort},
	},
	Finish: func(c *dialogue.Context) error { return saveCandidacy(bot.TurnOf(c), c.Answers) },
}

// placeParts are the parts of where she stands, as the candidacy's steps
// name them.
var placeParts = []string{"oblast", "district", "aiyl"}

// placeKnown reports whether the bot knows any part of her place.
func placeKnown(c *dialogue.Context) bool {
	for _, p := range placeParts {
		if c.Answers["known_"+p] != "" {
			return true
		}
	}
	return false
}

// asksPlace applies a part's step unless she said the known part is right.
func asksPlace(part string) func(*dialogue.Context) bool {
	return func(c *dialogue.Context) bool { return c.Answers["place"] != "yes" || c.Answers["known_"+part] == "" }
}

// placeOf is the part of her place the candidacy keeps: the known one
// she confirmed, or what she typed.
func placeOf(a map[string]string, part string) string {
	if a["place"] == "yes" && a["known_"+part] != "" {
		return a["known_"+part]
	}
	return a[part]
}

// knownPlace shows the place the bot knows, one part a line.
func knownPlace(c *dialogue.Context) map[string]any {
	var lines []string
	for _, p := range placeParts {
		v := c.Answers["known_"+p]
		if v == "" {
			continue
		}
		if p == "oblast" {
			v = c.Text("form.oblast.opt."+v, nil)
		}
		lines = append(lines, c.Text("election.place."+p, map[string]any{"Name": v}))
	}
	return map[string]any{"Where": strings.Join(lines, "\n")}
}

// resultDialogue is "Report my result": her votes, the votes cast, the
// voters, the seats, whether she was elected, and the protocol's photo.
// Each figure is checked against the ones that stand (votes.Figures), and
// a last step reads them all back: Confirm stores them, Change lets her
// pick one figure, and brings her back to the read-back once it is fixed.
// Nothing is stored before Confirm.
var resultDialogue = &dialogue.Dialogue{
	Name: "result", Version: 2, Roles: []store.Role{store.RoleCandidate}, CancelButton: true,
	Steps: []dialogue.Step{
		{ID: "received", Ask: "election.ask.received", Takes: dialogue.Number, Check: checkFigures("received"), Next: toReadBack},
		{ID: "cast", Ask: "election.ask.cast", Takes: dialogue.Number, Check: checkFigures("cast"), Next: toReadBack},
		{ID: "voters", Ask: "election.ask.voters", Takes: dialogue.Number, Skip: "election.skip", Check: checkFigures("voters"), Next: toReadBack},
		{ID: "seats", Ask: "election.ask.seats", Takes: dialogue.Number, Next: toReadBack,
			Check: func(_ *dialogue.Context, v string) error {
				if atoi(v) < 1 {
					return &dialogue.Refusal{Key: "election.invalid.seats"}
				}
				return nil
			}},
		{ID: "elected", Ask: "election.ask.elected", Takes: dialogue.Buttons, Next: toReadBack,
			Options: yesNo(dialogue.Option{Value: "unknown", Label: "election.unknown", Beside: true})},
		{ID: "protocol", Ask: "election.ask.protocol", Takes: dialogue.Media, Skip: "election.skip", Parse: photoOrFile("protocol_type")},
		{ID: "confirm", Prompt: readBack, Takes: dialogue.Buttons, Options: func(*dialogue.Context) []dialogue.Option {
			return []dialogue.Option{{Value: "confirm", Label: "election.confirm"}, {Value: "change", Label: "election.change", Beside: true}}
		}, Next: func(c *dialogue.Context) string {
			if c.Answers["confirm"] == "change" {
				return "fix"
			}
			return dialogue.End
		}},
		{ID: "fix", Ask: "election.ask.fix", Takes: dialogue.Buttons, Options: figureOptions,
			Next: func(c *dialogue.Context) string { return c.Answers["fix"] }},
	},
	Finish: func(c *dialogue.Context) error { return saveReport(bot.TurnOf(c), c.Answers) },
}

// fixing reports whether she is fixing one figure from the read-back:
// the steps after it are not asked again, so their answers stand.
func fixing(c *dialogue.Context) bool { return c.Answers["confirm"] == "change" }

// toReadBack goes back to the read-back once the figure she picked to
// fix is answered; otherwise on to the next figure.
func toReadBack(c *dialogue.Context) string {
	if fixing(c) {
		return "confirm"
	}
	return ""
}

// figureSteps are the steps whose figures the protocol's arithmetic
// ties together, in the dialogue's order.
var figureSteps = []string{"received", "cast", "voters"}

// standingFigures are the figures that stand once step is answered with
// v: those asked before it and, when she is fixing one from the
// read-back, every other one.
func standingFigures(c *dialogue.Context, step, v string) votes.Figures {
	f := votes.Figures{Received: votes.Unknown, Cast: votes.Unknown, Voters: votes.Unknown}
	slot := map[string]*int{"received": &f.Received, "cast": &f.Cast, "voters": &f.Voters}
	after := false
	for _, id := range figureSteps {
		answer := c.Answers[id]
		switch {
		case id == step:
			answer, after = v, true
		case after && !fixing(c):
			continue
		}
		if answer != "" {
			*slot[id] = atoi(answer)
		}
	}
	return f
}

// checkFigures refuses a figure that breaks the protocol's arithmetic
// with the figures that stand, naming both figures.
func checkFigures(step string) func(*dialogue.Context, string) error {
	return func(c *dialogue.Context, v string) error {
		f := standingFigures(c, step, v)
		switch f.Check() {
		case votes.ReceivedOverCast:
			return &dialogue.Refusal{Key: "election.invalid.cast", Data: map[string]any{"Received": f.Received, "Cast": f.Cast}}
		case votes.CastOverVoters:
			return &dialogue.Refusal{Key: "election.invalid.turnout", Data: map[string]any{"Cast": f.Cast, "Voters": f.Voters}}
		}
		return nil
	}
}

// figureLine is one of her answers as the read-back shows it, and as
// the button that fixes it is labelled.
func figureLine(c *dialogue.Context, step string) (key string, data map[string]any) {
	v := c.Answers[step]
	switch step {
	case "elected":
		return "election.figure.elected." + v, nil
	case "protocol":
		if v == "" {
			return "election.figure.protocol.none", nil
		}
		return "election.figure.protocol.sent", nil
	case "voters":
		if v == "" {
			return "election.figure.voters_none", nil
		}
	}
	return "election.figure." + step, map[string]any{"N": atoi(v)}
}

// readSteps are the answers the read-back shows, in order.
var readSteps = []string{"received", "cast", "voters", "seats", "elected", "protocol"}

// readBack is the read-back: every figure she gave, in one short message.
func readBack(c *dialogue.Context) string {
	lines := []string{c.Text("election.readback", nil)}
	for _, step := range readSteps {
		key, data := figureLine(c, step)
		lines = append(lines, c.Text(key, data))
	}
	return strings.Join(lines, "\n")
}

// figureOptions are the figures she may fix, one a row, each showing her
// answer.
func figureOptions(c *dialogue.Context) []dialogue.Option {
	var out []dialogue.Option
	for _, step := range readSteps {
		key, data := figureLine(c, step)
		out = append(out, dialogue.Option{Value: step, Label: key, Data: data})
	}
	return out
}

// violationDialogue is "Report a violation": what, where, and a photo or
// video of it if she has one.
var violationDialogue = &dialogue.Dialogue{
	Name: "violation", Version: 1, Roles: []store.Role{store.RoleCandidate}, CancelButton: true,
	Steps: []dialogue.Step{
		{ID: "what", Ask: "election.ask.what", Takes: dialogue.Text},
		{ID: "where", Ask: "election.ask.where", Takes: dialogue.Text},
		{ID: "evidence", Ask: "election.ask.evidence", Takes: dialogue.Media, Skip: "election.skip", Parse: photoOrFile("evidence_type")},
	},
	Finish: func(c *dialogue.Context) error { return saveViolation(bot.TurnOf(c), c.Answers) },
}

// photoOrFile reads a photo, video or file by its file_id, keeping its
// type in the answer typeKey if one is named.
func photoOrFile(typeKey string) func(*dialogue.Context) (string, error) {
	return func(c *dialogue.Context) (string, error) {
		m := c.In.Media
		if m == nil || (m.Type != "photo" && m.Type != "video" && m.Type != "document") {
			return "", &dialogue.Refusal{Key: "election.need_photo"}
		}
		if typeKey != "" {
			c.Answers[typeKey] = m.Type
		}
		return m.FileID, nil
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// electionDate is the election day, for the candidacy's first question.
func electionDate(c *dialogue.Context) map[string]any {
	t := bot.TurnOf(c)
	if e, ok := t.School().Programme.ElectionDay(); ok {
		return map[string]any{"Date": t.Date(e.At)}
	}
	return map[string]any{"Date": "–"}
}

// candidacy loads hers, or a new one.
func candidacy(t *bot.Turn) (store.Candidacy, error) {
	c, err := t.Tx.Candidacy(t.User.ID)
	if bot.IsNotFound(err) {
		return store.Candidacy{UserID: t.User.ID}, nil
	}
	return c, err
}

// isCandidate reports whether she registered as a candidate.
func isCandidate(t *bot.Turn) bool { return t.User.HasRole(store.RoleCandidate) }

// startCandidacy is /candidacy.
func startCandidacy(t *bot.Turn) error {
	if !t.User.HasRole(store.RoleParticipant) {
		t.Say("election.participants_only", nil)
		return nil
	}
	known, err := storedPlace(t)
	if err != nil {
		return err
	}
	return t.StartDialogue(candidacyDialogue.Name, known)
}

// knownPlace is where she stands as far as the bot knows: her candidacy
// if she recorded one, else where her application says she lives.
func storedPlace(t *bot.Turn) (map[string]string, error) {
	c, err := candidacy(t)
	if err != nil {
		return nil, err
	}
	if c.Registered == "yes" {
		return map[string]string{"known_oblast": c.Oblast, "known_district": c.District, "known_aiyl": c.AiylOkmotu}, nil
	}
	app, err := t.Tx.ApplicationOf(t.User.ID)
	if bot.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return map[string]string{"known_oblast": app.Answers["oblast"], "known_district": app.Answers["district"], "known_aiyl": app.Answers["aiyl_okmotu"]}, nil
}

// saveCandidacy keeps what she said of her candidacy, and makes her a
// candidate (or not).
func saveCandidacy(t *bot.Turn, a map[string]string) error {
	c, err := candidacy(t)
	if err != nil {
		return err
	}
	list := a["party"]
	if a["list"] == "independent" {
		list = "independent"
	}
	c = store.Candidacy{UserID: t.User.ID, Registered: a["registered"], UpdatedAt: t.Now}
	if c.Registered == "yes" {
		c.Oblast, c.District, c.AiylOkmotu = placeOf(a, "oblast"), placeOf(a, "district"), placeOf(a, "aiyl")
		c.Constituency, c.List = a["constituency"], list
	}
	if err := t.Tx.PutCandidacy(c); err != nil {
		return err
	}
	t.User.Roles = slices.DeleteFunc(t.User.Roles, func(r store.Role) bool { return r == store.RoleCandidate })
	if c.Registered != "yes" {
		t.Say("election.not_registered_noted", nil)
		return nil
	}
	t.User.Roles = append(t.User.Roles, store.RoleCandidate)
	data := map[string]any{"Date": "–"}
	if e, ok := t.School().Programme.ElectionDay(); ok {
		data["Date"] = t.Date(e.At)
	}
	t.Say("election.registered_noted", data)
	return nil
}

// tapElection handles the election day's buttons: "report", "help" and
// "violation" start things. Staff's "remind those who have not reported"
// is a button of its own in the access table ("elr").
func tapElection(t *bot.Turn, args string) error {
	switch args {
	case "report", "help", "violation":
		t.Toast("")
		return electionAction(t, args)
	}
	return t.OldButton()
}

// tapRemind is staff's button under the tally: remind the candidates who
// have not reported their result.
func tapRemind(t *bot.Turn, _ string) error {
	t.Toast("")
	return remindUnreported(t)
}

// electionAction starts a report, a call for help or a violation report.
func electionAction(t *bot.Turn, action string) error {
	if !isCandidate(t) {
		t.Say("election.not_candidate", nil)
		return nil
	}
	switch action {
	case "report":
		return t.StartDialogue(resultDialogue.Name, nil)
	case "violation":
		return t.StartDialogue(violationDialogue.Name, nil)
	}
	return t.Ask(store.KindHelp)
}

// electionDay is /election: the day's three buttons, all day.
func electionDay(t *bot.Turn) error {
	if !isCandidate(t) {
		t.Say("election.not_candidate", nil)
		return nil
	}
	t.Send(t.Text("election.buttons", nil), electionButtons(t.Texts().Text, t.Lang()))
	return nil
}

// electionButtons are "report my result", "I need help now", "report a violation".
func electionButtons(text func(lang, key string, data any) string, lang string) [][]store.Button {
	return [][]store.Button{
		{{Text: text(lang, "election.report", nil), Data: prefixElection + ":report"}},
		{{Text: text(lang, "election.help", nil), Data: prefixElection + ":help"}},
		{{Text: text(lang, "election.violation", nil), Data: prefixElection + ":violation"}},
	}
}

// saveReport stores a new version of her result, once she confirmed its
// read-back; flags what looks wrong to staff, makes her a deputy if she
// was elected, and says a word for what the result means to her.
func saveReport(t *bot.Turn, a map[string]string) error {
	r := store.ResultReport{UserID: t.User.ID, VotesReceived: atoi(a["received"]), VotesCast: atoi(a["cast"]), Voters: atoi(a["voters"]),
		Seats: atoi(a["seats"]), Elected: a["elected"], PhotoFileID: a["protocol"], At: t.Now}
	if r.PhotoFileID != "" && a["protocol_type"] != "photo" {
		r.PhotoType = a["protocol_type"]
	}
	versions, err := t.Tx.Reports(t.User.ID)
	if err != nil {
		return err
	}
	var before store.ResultReport
	if n := len(versions); n > 0 {
		before = versions[n-1]
		if votes.Tenfold(before.VotesReceived, r.VotesReceived) {
			r.Flags = append(r.Flags, "tenfold_change")
		}
	}
	if r, err = t.Tx.AddReport(r); err != nil {
		return err
	}
	t.User.Roles = slices.DeleteFunc(t.User.Roles, func(x store.Role) bool { return x == store.RoleDeputy })
	if r.Elected == "yes" {
		t.User.Roles = append(t.User.Roles, store.RoleDeputy)
	}
	t.Log().Info("election result reported", "user_id", t.User.ID, "version", r.Version, "flags", len(r.Flags))
	if err := tellFlagged(t, r); err != nil {
		return err
	}
	key := "election.report_saved"
	if r.Version > 1 {
		key = "election.report_corrected"
	}
	t.Say(key, map[string]any{"Version": r.Version})
	sayWhatNext(t, before.Elected, r.Elected)
	return nil
}

// tellFlagged tells staff what looks implausible in her result, if
// anything does.
func tellFlagged(t *bot.Turn, r store.ResultReport) error {
	if len(r.Flags) == 0 {
		return nil
	}
	flagged := func(lang string) string {
		var flags []string
		for _, f := range r.Flags {
			flags = append(flags, t.Texts().Text(lang, "election.flag."+f, nil))
		}
		return t.Texts().Text(lang, "election.flagged", map[string]any{"Name": bot.DisplayName(t.User), "ID": t.User.ID, "Version": r.Version, "Flags": strings.Join(flags, ", ")})
	}
	return t.TellStaffText(flagged)
}

// sayWhatNext congratulates an elected woman and tells her what the
// school does for new deputies (stage VI), or says a kind word to one
// who was not elected; once, when her result first says so (a
// correction of her figures is not a second victory).
func sayWhatNext(t *bot.Turn, before, now string) {
	if before == now {
		return
	}
	switch now {
	case "yes":
		t.Say("election.congratulations", nil)
	case "no":
		t.Say("election.not_elected", nil)
	}
}

// saveViolation keeps a violation report and shows it to staff and lawyers.
func saveViolation(t *bot.Turn, a map[string]string) error {
	v := store.Violation{UserID: t.User.ID, What: a["what"], Where: a["where"], At: t.Now}
	if a["evidence"] != "" {
		v.Media = &store.Media{Type: a["evidence_type"], FileID: a["evidence"]}
	}
	v, err := t.Tx.PutViolation(v)
	if err != nil {
		return err
	}
	data := map[string]any{"ID": v.ID, "Name": bot.DisplayName(t.User), "What": bot.Clip(v.What, 300), "Where": bot.Clip(v.Where, 200)}
	if err := t.TellStaff("election.violation_new", data); err != nil {
		return err
	}
	lawyers, err := t.Tx.UsersWithRole(store.RoleLawyer)
	if err != nil {
		return err
	}
	t.Notify(lawyers, t.ByKey("election.violation_new", data), nil)
	t.Say("election.violation_saved", map[string]any{"ID": v.ID})
	return nil
}

// listViolations is /violations for staff and lawyers.
func listViolations(t *bot.Turn) error {
	vs, err := t.Tx.Violations()
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		t.Say("election.no_violations", nil)
		return nil
	}
	for _, v := range vs {
		u, _ := t.Tx.User(v.UserID)
		post := store.Post{Text: v.What + "\n📍 " + v.Where, Media: v.Media}
		t.SendPost(t.Update.ChatID, fmt.Sprintf("⚠️ #%d · %s · %s", v.ID, t.DateTime(v.At), bot.DisplayName(u)), post, nil)
	}
	return nil
}

// toggleHelper is /helper ID: staff mark an experienced participant as a
// helper on election day, or unmark her. Her application's code does as
// well as her Telegram ID.
func toggleHelper(t *bot.Turn) error {
	arg := strings.TrimSpace(t.Update.Args)
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		app, appErr := t.Application(arg)
		if appErr != nil && !bot.IsNotFound(appErr) {
			return appErr
		}
		id, err = app.UserID, appErr
	}
	if err != nil {
		t.Say("election.helper_usage", nil)
		return nil
	}
	u, err := t.Tx.User(id)
	if bot.IsNotFound(err) {
		t.Say("election.helper_usage", nil)
		return nil
	}
	if err != nil {
		return err
	}
	data := map[string]any{"Name": bot.DisplayName(u), "ID": id}
	if !u.HasRole(store.RoleHelper) {
		u.Roles = append(u.Roles, store.RoleHelper)
		if err := t.SaveOther(&u); err != nil {
			return err
		}
		t.KeepSelf(u)
		t.Say("election.helper_on", data)
		return nil
	}
	u.Roles = slices.DeleteFunc(u.Roles, func(r store.Role) bool { return r == store.RoleHelper })
	u, freed, err := t.EndRole(u, store.RoleHelper)
	if err != nil {
		return err
	}
	t.KeepSelf(u)
	t.Say("election.helper_off", data)
	t.SayFreed(freed)
	return nil
}
