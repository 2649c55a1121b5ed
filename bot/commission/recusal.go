package commission

import (
	"slices"
	"strconv"
	"strings"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/store"
)

// A commission member lives in the oblasts the applicants come from and
// may know one of them. Before she confirms her scores of an application
// she can say so ("I know this person": a relative, a neighbour, a
// colleague, other): she stands aside from it (a recusal, kept on her
// Score and in the audit log), staff are told who, which code and why,
// the application leaves her list, and its mean is over the others (a
// recused score is never confirmed, so it never counts). Staff can undo a
// recusal made by mistake from the notice they got: the application comes
// back to her list.

// prefixRecusal is staff's button that undoes a recusal:
// "rcs:CODE:MEMBER".
const prefixRecusal = "rcs"

// recusalDialogue asks her how she knows the applicant of "code".
var recusalDialogue = &dialogue.Dialogue{
	Name: "recusal", Version: 1, Roles: bot.CommissionOnly, CancelButton: true,
	Steps: []dialogue.Step{{ID: "why", Ask: "recusal.ask", Takes: dialogue.Buttons,
		Data: func(c *dialogue.Context) map[string]any { return map[string]any{"Code": c.Answers["code"]} },
		Options: func(*dialogue.Context) []dialogue.Option {
			var opts []dialogue.Option
			for i, r := range store.Recusals {
				opts = append(opts, dialogue.Option{Value: string(r), Label: "recusal.why." + string(r), Beside: i%2 == 1})
			}
			return opts
		}}},
	Finish: func(c *dialogue.Context) error {
		return recuse(bot.TurnOf(c), c.Answers["code"], store.Recusal(c.Answers["why"]))
	},
}

// askRecusal is her tap on "I know this person" under an application.
func askRecusal(t *bot.Turn, s store.Score) error {
	t.Toast("")
	return t.StartDialogue(recusalDialogue.Name, map[string]string{"code": s.Code})
}

// recuse keeps her recusal from code, tells staff, and shows her the
// next application. Scores she had begun are dropped.
func recuse(t *bot.Turn, code string, why store.Recusal) error {
	if !slices.Contains(store.Recusals, why) {
		return t.OldButton()
	}
	// She may have confirmed from another message meanwhile, or staff
	// closed scoring: her answer came by a tap the engine has answered.
	if _, refusal, err := mayScore(t, code); refusal != "" || err != nil {
		if refusal != "" {
			t.Say(refusal, nil)
		}
		return err
	}
	s := store.Score{Code: code, MemberID: t.User.ID, Recusal: why, RecusedAt: t.Now, UpdatedAt: t.Now}
	if err := t.Tx.PutScore(s); err != nil {
		return err
	}
	// Her own action, not staff's, so not through t.Audit: the log is
	// where staff look when someone asks why a member's column is blank.
	if err := t.Tx.Audit(store.AuditEntry{At: t.Now, UserID: t.User.ID, Action: "recusal", Detail: code + " " + string(why)}); err != nil {
		return err
	}
	staff, err := bot.StaffOf(t.Tx, t.School().StaffIDs)
	if err != nil {
		return err
	}
	name, member := bot.DisplayName(t.User), t.User.ID
	t.Notify(staff, func(lang string) string {
		return t.Texts().Text(lang, "recusal.staff", map[string]any{
			"Name": name, "ID": member, "Code": code, "What": t.Texts().Text(lang, "recusal.reason."+string(why), nil),
		})
	}, func(lang string) [][]store.Button {
		return [][]store.Button{{{Text: t.Texts().Text(lang, "recusal.undo", nil), Data: prefixRecusal + ":" + code + ":" + strconv.FormatInt(member, 10)}}}
	})
	t.Log().Info("recusal", "member", member, "code", code, "why", why)
	t.Say("recusal.done", map[string]any{"Code": code})
	return nextToScore(t)
}

// tapUndoRecusal is staff's "recused by mistake": her recusal from the
// application goes, and she is told it is back in her list.
func tapUndoRecusal(t *bot.Turn, args string) error {
	code, memberText, _ := strings.Cut(args, ":")
	member, err := strconv.ParseInt(memberText, 10, 64)
	if err != nil {
		return t.OldButton()
	}
	sel, err := t.Tx.Selection()
	if err != nil {
		return err
	}
	if !sel.PublishedAt.IsZero() {
		t.Toast("scoring.published")
		return nil
	}
	s, err := t.Tx.Score(code, member)
	if bot.IsNotFound(err) || err == nil && !s.Recused() {
		t.Toast("recusal.not_recused")
		t.EditButtons(nil)
		return nil
	}
	if err != nil {
		return err
	}
	if err := t.Tx.PutScore(store.Score{Code: code, MemberID: member, UpdatedAt: t.Now}); err != nil {
		return err
	}
	t.TapTaken()
	u, err := t.Tx.User(member)
	if err != nil && !bot.IsNotFound(err) {
		return err
	}
	t.Log().Info("recusal undone", "by", t.User.ID, "member", member, "code", code)
	t.Say("recusal.undone", map[string]any{"Code": code, "Name": bot.DisplayName(u), "ID": member})
	if err == nil && sel.Phase == store.PhaseOpen {
		t.Notify([]store.User{u}, t.ByKey("recusal.back", map[string]any{"Code": code}), nil)
	}
	return nil
}
