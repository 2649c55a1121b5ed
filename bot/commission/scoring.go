package commission

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/bot/selection"
	"github.com/mentorbot/mentorbot/bot/textnorm"
	"github.com/mentorbot/mentorbot/store"
)

// prefixScore is a commission member's score of a criterion.
const prefixScore = "sc"

// nextToScore is /score: the application she is in the middle of, or the
// next one she has not scored, shown blind.
func nextToScore(t *bot.Turn) error {
	sel, err := t.Tx.Selection()
	if err != nil {
		return err
	}
	if sel.Phase != store.PhaseOpen {
		t.Say("score.not_open", nil)
		return nil
	}
	apps, err := activeApplications(t)
	if err != nil {
		return err
	}
	var next *store.Application
	done, recused := 0, 0
	for i := range apps {
		s, err := t.Tx.Score(apps[i].Code, t.User.ID)
		switch {
		case err == nil && s.Recused():
			recused++ // she stood aside: it leaves her list
		case err == nil && s.Confirmed:
			done++
		case err == nil && next == nil:
			next = &apps[i] // half-scored comes first
		case bot.IsNotFound(err) && next == nil:
			next = &apps[i]
		case err != nil && !bot.IsNotFound(err):
			return err
		}
	}
	total := len(apps) - recused
	if next == nil {
		t.Say("score.all_done", map[string]any{"Count": total})
		return nil
	}
	t.Say("score.progress", map[string]any{"Done": done, "Total": total, "Left": total - done})
	t.Send(blindView(t, *next), nil)
	s, err := scoreOf(t, next.Code)
	if err != nil {
		return err
	}
	t.Send(criterionText(t, s, firstUnscored(s)), criterionButtons(t, s, firstUnscored(s)))
	return nil
}

// activeApplications are the submitted applications not withdrawn.
func activeApplications(t *bot.Turn) ([]store.Application, error) {
	apps, err := t.Tx.Applications()
	if err != nil {
		return nil, err
	}
	var active []store.Application
	for _, a := range apps {
		if a.Active() {
			active = append(active, a)
		}
	}
	return active, nil
}

// blindView shows an application by its code only: the answers the
// criteria need (sections 3–8), with what could identify her masked.
// Nothing of section 1 or 2 is shown: not her name, birth date, village,
// workplace, phone or e-mail.
func blindView(t *bot.Turn, a store.Application) string {
	blind := store.Application{Answers: maskedAnswers(a)}
	return t.Text("score.head", map[string]any{"Code": a.Code}) + "\n\n" + t.SummaryText(blind.Answers, false, 3)
}

// maskedAnswers are her answers from section 3 on, free text masked: by
// staff's edit where there is one, else automatically.
func maskedAnswers(a store.Application) map[string]string {
	id := selection.Identity{
		FullName: a.Answers["full_name"], Phone: a.Answers["phone"], WhatsApp: a.Answers["whatsapp"],
		Email: a.Answers["email"], Village: a.Answers["village"], AiylOkmotu: a.Answers["aiyl_okmotu"],
	}
	out := map[string]string{}
	for _, f := range form.Fields {
		if f.Section < 3 {
			continue
		}
		keys := []string{f.ID}
		if f.Kind == form.Checklist {
			keys = f.Items
		}
		for _, k := range keys {
			v, ok := a.Answers[k]
			if !ok {
				continue
			}
			if isFreeText(f) {
				if m, edited := a.Masked[k]; edited {
					v = m
				} else {
					v, _ = selection.Mask(v, id)
				}
			}
			// Bidi controls in answers stored before the form removed
			// them would reorder what the commission reads.
			out[k] = textnorm.ForStaff(v)
		}
	}
	return out
}

func isFreeText(f form.Field) bool { return f.Kind == form.LongText || f.Kind == form.Essay }

// scoreOf loads her scores of an application, empty if she has none yet.
func scoreOf(t *bot.Turn, code string) (store.Score, error) {
	s, err := t.Tx.Score(code, t.User.ID)
	if bot.IsNotFound(err) {
		return store.Score{Code: code, MemberID: t.User.ID}, nil
	}
	return s, err
}

func firstUnscored(s store.Score) int {
	for i, p := range s.Points {
		if p == 0 {
			return i
		}
	}
	return 0
}

// criterionText shows one criterion, its weight, what shows it, and her
// scores so far.
func criterionText(t *bot.Turn, s store.Score, k int) string {
	return t.Text("score.criterion", map[string]any{
		"Code": s.Code, "N": k + 1, "Weight": selection.Weights[k],
		"Name": t.Text(fmt.Sprintf("criterion.%d.name", k+1), nil),
		"Hint": t.Text(fmt.Sprintf("criterion.%d.hint", k+1), nil),
	}) + "\n\n" + t.Text("score.so_far", map[string]any{"Points": pointsLine(s)})
}

func pointsLine(s store.Score) string {
	parts := make([]string, len(s.Points))
	for i, p := range s.Points {
		parts[i] = "–"
		if p > 0 {
			parts[i] = strconv.Itoa(p)
		}
	}
	return strings.Join(parts, " · ")
}

// criterionButtons are 1–5 (her choice marked), back and forward, and the
// summary once all seven have a score.
func criterionButtons(t *bot.Turn, s store.Score, k int) [][]store.Button {
	var points []store.Button
	for p := 1; p <= selection.MaxPoints; p++ {
		label := strconv.Itoa(p)
		if s.Points[k] == p {
			label = "✓" + label
		}
		points = append(points, store.Button{Text: label, Data: fmt.Sprintf(prefixScore+":%s:p:%d:%d", s.Code, k, p)})
	}
	var nav []store.Button
	if k > 0 {
		nav = append(nav, store.Button{Text: "◀", Data: fmt.Sprintf(prefixScore+":%s:g:%d", s.Code, k-1)})
	}
	if k < store.Criteria-1 {
		nav = append(nav, store.Button{Text: "▶", Data: fmt.Sprintf(prefixScore+":%s:g:%d", s.Code, k+1)})
	}
	rows := [][]store.Button{points, nav}
	if s.Complete() {
		rows = append(rows, []store.Button{t.Button("score.to_summary", prefixScore+":"+s.Code+":sum")})
	}
	// Until she confirms she can still stand aside (recusal.go).
	return append(rows, []store.Button{t.Button("recusal.button", prefixScore+":"+s.Code+":know")})
}

// scoreSummary lists her seven scores and the weighted total, with
// Confirm and a button per criterion to change it.
func scoreSummary(t *bot.Turn, s store.Score) (string, [][]store.Button) {
	var sb strings.Builder
	sb.WriteString(t.Text("score.summary", map[string]any{"Code": s.Code}))
	for k, p := range s.Points {
		fmt.Fprintf(&sb, "\n%d. %s (%d%%): %d", k+1, t.Text(fmt.Sprintf("criterion.%d.name", k+1), nil), selection.Weights[k], p)
	}
	total, _ := selection.Total(s.Points)
	sb.WriteString("\n\n" + t.Text("score.total", map[string]any{"Total": bot.FormatPoints(total)}))
	var change []store.Button
	for k := range s.Points {
		change = append(change, store.Button{Text: "✏️" + strconv.Itoa(k+1), Data: fmt.Sprintf(prefixScore+":%s:g:%d", s.Code, k)})
	}
	return sb.String(), [][]store.Button{{t.Button("score.confirm", prefixScore+":"+s.Code+":ok")}, change[:4], change[4:]}
}

// tapScore handles the scoring buttons: "CODE:p:K:P" scores criterion K,
// "CODE:g:K" goes to it, "CODE:sum" shows the summary, "CODE:ok" confirms,
// "CODE:know" asks how she knows the applicant (recusal.go).
func tapScore(t *bot.Turn, args string) error {
	parts := strings.Split(args, ":")
	if len(parts) < 2 {
		return t.OldButton()
	}
	s, ok, err := openScore(t, parts[0])
	if !ok || err != nil {
		return err
	}
	switch {
	case parts[1] == "p" && len(parts) == 4:
		k, err1 := strconv.Atoi(parts[2])
		p, err2 := strconv.Atoi(parts[3])
		if err1 != nil || err2 != nil || k < 0 || k >= store.Criteria || p < 1 || p > selection.MaxPoints {
			return t.OldButton()
		}
		return setPoints(t, s, k, p)
	case parts[1] == "g" && len(parts) == 3:
		k, err := strconv.Atoi(parts[2])
		if err != nil || k < 0 || k >= store.Criteria {
			return t.OldButton()
		}
		t.Toast("")
		t.Edit(criterionText(t, s, k), criterionButtons(t, s, k))
		return nil
	case parts[1] == "sum" && s.Complete():
		t.Toast("")
		t.Edit(scoreSummary(t, s))
		return nil
	case parts[1] == "ok" && s.Complete():
		return confirmScore(t, s)
	case parts[1] == "know":
		return askRecusal(t, s)
	}
	return t.OldButton()
}

// openScore loads her scores of code if she may still change them
// (mayScore), and answers her tap with why not if she may not.
func openScore(t *bot.Turn, code string) (s store.Score, ok bool, err error) {
	s, refusal, err := mayScore(t, code)
	if err != nil {
		return s, false, err
	}
	if refusal != "" {
		t.Toast(refusal)
		return s, false, nil
	}
	return s, true, nil
}

// mayScore loads her scores of code, and the message key of why she may
// not change them, "" if she may: scoring is open, the application is
// active, and she has neither confirmed nor stood aside.
func mayScore(t *bot.Turn, code string) (s store.Score, refusal string, err error) {
	sel, err := t.Tx.Selection()
	if err != nil {
		return s, "", err
	}
	app, err := t.Tx.Application(code)
	if err != nil && !bot.IsNotFound(err) {
		return s, "", err
	}
	if sel.Phase != store.PhaseOpen || err != nil || !app.Active() {
		return s, "score.closed", nil
	}
	if s, err = scoreOf(t, code); err != nil {
		return s, "", err
	}
	switch {
	case s.Confirmed:
		return s, "score.already_confirmed", nil
	case s.Recused():
		return s, "recusal.already", nil
	}
	return s, "", nil
}

// setPoints records one score and moves to the next unscored criterion,
// or to the summary when all seven have one.
func setPoints(t *bot.Turn, s store.Score, k, p int) error {
	s.Points[k] = p
	s.UpdatedAt = t.Now
	if err := t.Tx.PutScore(s); err != nil {
		return err
	}
	t.Toast("")
	if s.Complete() {
		t.Edit(scoreSummary(t, s))
		return nil
	}
	next := firstUnscored(s)
	t.Edit(criterionText(t, s, next), criterionButtons(t, s, next))
	return nil
}

// confirmScore makes her scores final and shows the next application.
func confirmScore(t *bot.Turn, s store.Score) error {
	s.Confirmed, s.ConfirmedAt, s.UpdatedAt = true, t.Now, t.Now
	if err := t.Tx.PutScore(s); err != nil {
		return err
	}
	t.Toast("")
	total, _ := selection.Total(s.Points)
	t.Edit(t.Text("score.confirmed", map[string]any{"Code": s.Code, "Total": bot.FormatPoints(total)}), nil)
	return nextToScore(t)
}
