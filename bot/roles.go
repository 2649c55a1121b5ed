package bot

import (
	"strings"

	"github.com/mentorbot/mentorbot/store"
)

// Work that belongs to a role ends with the role. Every conversation
// that needs a role is a dialogue whose Roles say so (bot/dialogue), and
// the engine checks them before it takes anything, so a dialogue ends
// the same way whether staff took the role away with /revoke, /helper,
// by editing the config, or in a way nobody foresaw: her next message or
// tap on it is told that nothing was saved ("access.lapsed"), and a
// command she sends instead ends it without a word.

// Freed is what the end of a role set free, for the staff member who
// ended it.
type Freed struct {
	Step      bool // the dialogue she is in needs the role: it saves nothing more
	Questions int  // questions she had taken, back in their queues
	// Confirmed and unfinished count her scores of active applications,
	// when the role was the commission's.
	Confirmed, Unfinished int
}

// EndRole ends the work u had for the roles she no longer holds (the
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
//
// The parts free their own work (Feature.RoleEnds): mentoring the
// questions, the selection the scores.
func (t *Turn) EndRole(u store.User, role store.Role) (store.User, Freed, error) {
	var f Freed
	lapsed, err := t.Dialogues().Lapsed(t.Tx, u.ID, func(roles []store.Role) bool { return t.bot.Holds(u, roles) })
	if err != nil {
		return u, f, err
	}
	f.Step = lapsed
	var afters []func() error
	for _, feat := range t.bot.routes.features {
		if feat.RoleEnds == nil {
			continue
		}
		after, err := feat.RoleEnds(t, u, role, &f)
		if err != nil {
			return u, f, err
		}
		if after != nil {
			afters = append(afters, after)
		}
	}
	// Saved before the parts tell others (the questions announced again),
	// so that she is not among those told.
	if err := t.SaveOther(&u); err != nil {
		return u, f, err
	}
	for _, after := range afters {
		if err := after(); err != nil {
			return u, f, err
		}
	}
	t.Log().Info("role's work ended", "user_id", u.ID, "role", role, "questions", f.Questions, "step", f.Step)
	return u, f, nil
}

// SayFreed tells the staff member who ended a role what that set free,
// in one message; nothing when nothing was.
func (t *Turn) SayFreed(f Freed) {
	var lines []string
	if f.Questions > 0 {
		lines = append(lines, t.Text("revoke.questions", map[string]any{"Count": f.Questions}))
	}
	if f.Step {
		lines = append(lines, t.Text("revoke.step", nil))
	}
	if f.Confirmed+f.Unfinished > 0 {
		lines = append(lines, t.Text("revoke.scores", map[string]any{"Confirmed": f.Confirmed, "Unfinished": f.Unfinished}))
	}
	if lines != nil {
		t.Send(strings.Join(lines, "\n"), nil)
	}
}

// KeepSelf copies what a staff action changed in her own record into
// t.user, which commit saves last.
func (t *Turn) KeepSelf(u store.User) {
	if u.ID == t.User.ID {
		t.User.Roles, t.User.Step, t.User.Menu = u.Roles, u.Step, u.Menu
	}
}
