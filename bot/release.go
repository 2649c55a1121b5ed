package bot

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// Work that belongs to a role ends with the role. Two tables say which
// pending work needs which role: awaitHandlers (User.Awaiting) and
// roleSteps (User.Step). lapsedWork reads them both, for the turn of her
// next message and for /revoke alike, so a step is cancelled the same way
// whether staff took the role away with /revoke, /helper, by editing the
// config, or in a way nobody foresaw.

// roleStep is a step of User.Step that is a role's work: her next message
// goes to run, if she still holds one of roles; ask asks for it again.
type roleStep struct {
	prefix string
	roles  []store.Role
	run    func(*turn) error
	ask    func(*turn)
}

// roleSteps are the role's steps of User.Step; the form's steps are
// everyone's and are not listed.
var roleSteps = []roleStep{
	{stepMaskPrefix, staffOnly, (*turn).saveMask, (*turn).askMask},
}

// roleStepOf finds the role's step a User.Step names.
func roleStepOf(step string) (roleStep, bool) {
	for _, s := range roleSteps {
		if strings.HasPrefix(step, s.prefix) {
			return s, true
		}
	}
	return roleStep{}, false
}

// awaitLapsed is what /revoke leaves in Awaiting in place of the work it
// cancelled, so that her next message gets the notice instead of being
// taken for something else. A command clears it (command), and so does
// anything that awaits a new answer from her.
const awaitLapsed = "lapsed"

// lapsedWork reports whether u's pending step (step) or awaited answer
// (await) needs a role she no longer holds. An awaited answer about a
// question also needs a role that serves the question's queue.
func (b *Bot) lapsedWork(tx *store.Tx, u store.User) (step, await bool, err error) {
	if s, ok := roleStepOf(u.Step); ok {
		step = !b.holds(u, s.roles)
	}
	if u.Awaiting == awaitLapsed {
		return step, true, nil
	}
	h, arg, ok := awaitHandlerOf(u.Awaiting)
	if !ok || h.roles == nil {
		return step, false, nil
	}
	if !b.holds(u, h.roles) {
		return step, true, nil
	}
	if h.ofQuestion {
		id, convErr := strconv.Atoi(arg)
		if convErr != nil {
			return step, false, nil // the handler copes with a bad argument
		}
		q, err := tx.Question(id)
		if isNotFound(err) {
			return step, false, nil
		}
		if err != nil {
			return step, false, err
		}
		return step, !serves(u, q.Kind), nil
	}
	return step, false, nil
}

// endLapsedWork drops her pending step and awaited answer where they need
// a role she no longer holds, before anything could save her message for
// that role. It reports whether her message was meant for them: then she
// is told, kindly, that it was not saved, and nothing else takes it.
func (t *turn) endLapsedWork() (bool, error) {
	step, await, err := t.lapsedWork(t.tx, t.user)
	if err != nil {
		return false, err
	}
	if step {
		t.user.Step = ""
	}
	if await {
		t.user.Awaiting = ""
	}
	if !await && !(step && t.user.Awaiting == "") {
		return false, nil // nothing lapsed, or the message is awaited by something still hers
	}
	t.Log.Info("pending work of a role she no longer holds dropped", "user_id", t.user.ID)
	t.say("access.lapsed", nil)
	return true, nil
}

// stepOfRole hands her message to the role's step she is on, if any.
func (t *turn) stepOfRole() (bool, error) {
	s, ok := roleStepOf(t.user.Step)
	if !ok {
		return false, nil
	}
	return true, s.run(t)
}

// freed is what the end of a role set free, for the staff member who
// ended it.
type freed struct {
	step      bool // her pending step or awaited answer was cancelled
	questions int  // questions she had taken, back in their queues
	// confirmed and unfinished count her scores of active applications,
	// when the role was the commission's.
	confirmed, unfinished int
}

// endRole ends the work u had for the roles she no longer holds (the
// caller has taken the role out of u.Roles) and saves her, in the turn's
// transaction:
//   - her pending step or awaited answer for them is cancelled; her next
//     message gets the notice (awaitLapsed) instead of being taken as
//     that role's answer;
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
	step, await, err := t.lapsedWork(t.tx, u)
	if err != nil {
		return u, f, err
	}
	if step {
		u.Step = ""
	}
	inDialogue, err := dialogues.Lapse(t.tx, u.ID, func(roles []store.Role) bool { return t.holds(u, roles) }, t.now)
	if err != nil {
		return u, f, err
	}
	if await || inDialogue || (step && u.Awaiting == "") {
		u.Awaiting, f.step = awaitLapsed, true
	}
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
		if q.TakenBy != u.ID || q.Status != store.QuestionTaken || serves(u, q.Kind) {
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
