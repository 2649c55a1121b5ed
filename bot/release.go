package bot

import (
	"slices"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// Work that belongs to a role ends with the role. Every conversation
// that needs a role is a dialogue whose Roles say so (bot/dialogue), and
// the engine checks them before it takes anything, so a dialogue ends
// the same way whether staff took the role away with /revoke, /helper,
// by editing the config, or in a way nobody foresaw: her next message or
// tap on it is told that nothing was saved ("access.lapsed"), and a
// command she sends instead ends it without a word.

// freed is what the end of a role set free, for the staff member who
// ended it.
type freed struct {
	step      bool // the dialogue she is in needs the role: it saves nothing more
	questions int  // questions she had taken, back in their queues
	// confirmed and unfinished count her scores of active applications,
	// when the role was the commission's.
	confirmed, unfinished int
}

// endRole ends the work u had for the roles she no longer holds (the
// caller has taken the role out of u.Roles) and saves her, in the turn's
// transaction:
//   - a dialogue she is in that needs them can save nothing more; her
//     next message gets the notice instead of being taken as that role's
//     answer (the engine sees to it);
//   - questions she had taken and not answered go back to their queues
//     and are announced again; answered ones keep her as their mentor
//     until the participant replies, and the reply then goes to the queue
//     (replyQuestion);
//   - her scores stay: confirmed ones count in the ranking, as given while
//     she was a member; unconfirmed ones never count and wait, unchanged,
//     in case she is invited back. The decisions no longer wait for her,
//     since only current members are counted.
func (t *turn) endRole(u store.User, role store.Role) (store.User, freed, error) {
	var f freed
	lapsed, err := dialogues.Lapsed(t.tx, u.ID, func(roles []store.Role) bool { return t.holds(u, roles) })
	if err != nil {
		return u, f, err
	}
	f.step = lapsed
	kinds, err := t.releaseQuestions(u, &f)
	if err != nil {
		return u, f, err
	}
	// Saved before the announcements, so that she is not among those told.
	if err := t.saveOther(&u); err != nil {
		return u, f, err
	}
	for _, k := range kinds {
		if _, err := t.Bot.announceQuestions(t.tx, k, t.now); err != nil {
			return u, f, err
		}
	}
	if role == store.RoleCommission && !t.holds(u, commissionOnly) {
		if err := t.countScores(u.ID, &f); err != nil {
			return u, f, err
		}
	}
	t.Log.Info("role's work ended", "user_id", u.ID, "role", role, "questions", f.questions, "step", f.step)
	return u, f, nil
}

// releaseQuestions puts back in their queues the questions u took and has
// not answered, in queues she no longer serves, and returns those queues.
func (t *turn) releaseQuestions(u store.User, f *freed) ([]store.QuestionKind, error) {
	qs, err := t.tx.Questions()
	if err != nil {
		return nil, err
	}
	var kinds []store.QuestionKind
	for _, q := range qs {
		if q.TakenBy != u.ID || q.Status != store.QuestionTaken || t.serves(u, q.Kind) {
			continue
		}
		q.Status, q.TakenBy, q.AnnouncedAt = store.QuestionOpen, 0, time.Time{} // announced again as new
		if _, err := t.tx.PutQuestion(q); err != nil {
			return nil, err
		}
		f.questions++
		if !slices.Contains(kinds, q.Kind) {
			kinds = append(kinds, q.Kind)
		}
	}
	return kinds, nil
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

// sayFreed tells the staff member who ended a role what that set free,
// in one message; nothing when nothing was.
func (t *turn) sayFreed(f freed) {
	var lines []string
	if f.questions > 0 {
		lines = append(lines, t.text("revoke.questions", map[string]any{"Count": f.questions}))
	}
	if f.step {
		lines = append(lines, t.text("revoke.step", nil))
	}
	if f.confirmed+f.unfinished > 0 {
		lines = append(lines, t.text("revoke.scores", map[string]any{"Confirmed": f.confirmed, "Unfinished": f.unfinished}))
	}
	if lines != nil {
		t.send(strings.Join(lines, "\n"), nil)
	}
}
