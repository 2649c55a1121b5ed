// Package dialogue holds conversations: each dialogue of the bot (a
// broadcast being written, an election report, an event being added, ...)
// is declared as a table of steps, and one engine walks every table the
// same way.
//
// # Basics
//
// A [Dialogue] is a name and a list of [Step]s. A step says what it asks
// (a message key, or its own text), what it takes (buttons, text, a
// number, a date, a photo or a file; a checklist, a phone number, a text
// in several messages: inputs.go), how to read and check what she
// sent, and which step comes next (by default the next row; it may depend
// on the answers). When the last step is answered, Finish does what the
// dialogue is for, in the same transaction.
//
// Where she is (the dialogue, the step, her answers so far, the steps she
// came through) is one store.Conversation per person, written in the
// update's transaction by the engine alone. Every dialogue gets the same
// ways out and back:
//
//   - "⬅️ Back" on every step after the first returns to the step before,
//     keeping the answers given since where they still apply;
//   - /cancel (and "✖" on the dialogues that show it) leaves the dialogue;
//     when leaving would lose text she typed, she is asked first;
//   - a button from an earlier question, an ended dialogue or an old
//     message gets a short notice and the current question again;
//   - a refused answer is explained in a word and the question asked again
//     in short (a step's Again), not its long text;
//   - a dialogue that needs a role re-checks it before it takes anything:
//     a role taken away ends its work, and nothing is saved. Her next
//     message or tap on it is told so; a command she sends instead ends
//     it without a word, since she has moved on.
//
// Commands are not the engine's: the router runs a command typed in the
// middle of a step as a command, and /help, /language and /start show the
// current step again with [Engine.Reask].
//
// A step may apply only given earlier answers (Step.Applies): it is
// passed over forward and back. A dialogue whose answers others read
// while she answers keeps them in a record of its own, and may name its
// buttons by step (keep.go); the application form does both.
//
// # Adding a dialogue
//
// Declare its table, with its texts in locales/, and register it with the
// engine; start it with [Engine.Start] from a command or a button. Adding
// a step is one row plus its texts.
package dialogue

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// Turn is what the engine needs of the update being handled; the bot's
// core implements it.
type Turn interface {
	// Text is a message in her language.
	Text(key string, data any) string
	// Send queues a message to her chat.
	Send(text string, buttons [][]store.Button)
	// Edit replaces the text and buttons of the message she tapped (or
	// sends a new one when she typed).
	Edit(text string, buttons [][]store.Button)
	// Toast answers her tap; key "" answers without a notice.
	Toast(key string)
	Tx() *store.Tx
	UserID() int64
	Now() time.Time
	// Location is the school's time zone, for the dates she types.
	Location() *time.Location
	// May reports whether she holds one of roles.
	May(roles []store.Role) bool
}

// Prefix starts the data of every button the engine makes:
// "dg:<question number>:<value>".
const Prefix = "dg"

// Values of the engine's own buttons.
const (
	valueBack     = "back"
	valueBackSure = "backsure"
	valueLeave    = "leave"
	valueStay     = "stay"
	valueSkip     = "skip"
)

// End is the Next of a step after which the dialogue is done.
const End = "\x00end"

// Input is what a step takes.
type Input int

// Inputs.
const (
	Buttons     Input = iota // one of Options (a typed label counts too)
	Text                     // typed text, of at most Max characters
	Number                   // a whole number, as people type it: "1 234"
	Date                     // a date: "15.03.2027", "2027-03-15", ...
	DateTime                 // a date and time: "15.03.2027 15:00", ...
	Media                    // a photo, video, voice message or file, with an optional caption
	TextOrMedia              // either
)

// Option is one button of a step: the answer it gives, and its label.
type Option struct {
	Value string
	// Label is a message key, or, with Raw, the label itself.
	Label string
	Raw   bool
	// Data is the label's placeholders.
	Data any
	// Beside puts the button on the row of the one before.
	Beside bool
	// Gives, if set, is the answer a tap gives instead of Value, which
	// stays the button's data ("same number" gives the number).
	Gives string
}

// Step is one row of a dialogue.
type Step struct {
	ID string
	// Ask is the question's message key, with Data's placeholders; or
	// Prompt, when set, writes the whole question.
	Ask    string
	Data   func(c *Context) map[string]any
	Prompt func(c *Context) string
	// Again, if set, is the message key asked after a refused answer
	// instead of the whole question. A refusal whose Key is "" says
	// nothing itself: Again says it all.
	Again string
	Takes Input
	// Max is the longest text taken, in characters (default 3000).
	Max int
	// Options are the step's buttons.
	Options func(c *Context) []Option
	// Skip, if set, is the message key of a button that answers "".
	Skip string
	// Links, if set, are buttons of the bot's own shown under the step's
	// options: not answers, they work whenever tapped, like any other
	// button of the bot (a mentor's "hand the question back", say).
	Links func(c *Context) [][]store.Button
	// Parse, if set, reads what she sent instead of the engine's reading
	// for Takes; Check refuses an answer read. Either refuses kindly by
	// returning an error that has a Refusal method (*Refusal does); any
	// other error is a bug.
	Parse func(c *Context) (string, error)
	Check func(c *Context, answer string) error
	// Next is the step after this one, by ID: "" is the next row, End
	// ends the dialogue. It sees the answer just given in c.Answers.
	Next func(c *Context) string
	// NoBack hides Back on this step (the first step has none anyway).
	NoBack bool
	// Before, if set, runs each time the step is asked, before its
	// question: a preview of what the answers make, say.
	Before func(c *Context)
	// Applies, if set, says whether the step is asked given the answers:
	// a step that does not apply is passed over, forward and back.
	Applies func(c *Context) bool
	// Taken, if set, runs once the step's answer is taken, before the
	// next step is asked (a receipt, say).
	Taken func(c *Context, answer string) error
	// KeepText leaves the text of a question answered by a tap as it was
	// and takes only its buttons away (a summary over several messages),
	// where the turn can do that (see ButtonsEditor).
	KeepText bool
	// InPlace asks the step, after a tap, by putting its buttons on the
	// message she tapped instead of a new message (a list that belongs to
	// that message: the answers to change, under the summary); Back from
	// it puts the step before's buttons back there.
	InPlace bool
	// Callback, in a dialogue with buttons named by step, makes this
	// step's buttons "<Callback>:<value>": the data an earlier version of
	// the bot gave them, which the router hands back to the step.
	Callback string
	// Parts configures a MultiPart step (see inputs.go).
	Parts *Parts
	// All, if set, is the label key of a Checklist's button that ticks
	// every item. A Checklist's Check sees the answer on Done; a refusal
	// is told on the checklist itself, which stays open.
	All string
	// Done is the label key of the Done button of a Checklist or a
	// MultiPart step; Share the label key of a Phone step's button that
	// shares her number.
	Done  string
	Share string
}

// Dialogue is a conversation declared as a table of steps.
type Dialogue struct {
	// Name identifies it in the store: keep it once people use it.
	Name string
	// Version changes when the steps change so that a stored
	// conversation of the old version cannot go on: she starts again.
	Version int
	// Roles, if set, are who may hold it; re-checked at every input.
	Roles []store.Role
	Steps []Step
	// CancelButton shows "✖" beside Back on every step.
	CancelButton bool
	// Finish does what the dialogue is for, once the last step is
	// answered, in the update's transaction; it tells her so.
	Finish func(c *Context) error
	// Left, if set, is called when she leaves with /cancel or ✖ (to tidy
	// a draft); without it she is told the dialogue was left.
	Left func(c *Context) error
	// Lost reports whether leaving loses what she typed (she is then
	// asked first). Without it: whether she answered a typed step.
	Lost func(c *Context) bool
	// Keep, if set, keeps the answers in a record of the dialogue's own
	// instead of the conversation (see keep.go).
	Keep Keeper
	// Callback, if set, names the dialogue's buttons by step instead of
	// by question count: "<Callback>:<step>:<value>" (see keep.go).
	Callback string
	// Open, if set, is asked before she is asked or anything is taken:
	// false means the dialogue is closed for now (she was told why by
	// Open); her place and answers stay.
	Open func(c *Context) bool
}

// Context is a dialogue's step at work: the turn, her answers so far and
// what she just sent.
type Context struct {
	Turn
	Dialogue *Dialogue
	Answers  map[string]string
	// In is what she sent; zero while a question is being asked.
	In   In
	conv *store.Conversation
	// was is the step she was on when the turn began ("" on Start).
	was string
	// tapped is set when she tapped a button of the dialogue.
	tapped bool
}

// In is what she sent.
type In struct {
	// Text is her typed text, or the caption of her photo or file.
	Text string
	// Media is her photo, video, voice message or file.
	Media *store.Media
	// Typed is false for anything else she sent: a sticker, a location,
	// a contact.
	Typed bool
	// Contact is the number of a contact she shared, and Own whether
	// Telegram says it is her own.
	Contact string
	Own     bool
}

// Refusal is a kind refusal of what she sent: the message key saying why.
type Refusal struct {
	Key  string
	Data map[string]any
}

func (r *Refusal) Error() string { return "refused: " + r.Key }

// Refusal makes *Refusal a refusal for the engine.
func (r *Refusal) Refusal() (string, map[string]any) { return r.Key, r.Data }

// refuser is an error that refuses kindly (form.Invalid is one too).
type refuser interface {
	Refusal() (string, map[string]any)
}

// Engine runs the registered dialogues.
type Engine struct {
	byName map[string]*Dialogue
}

// NewEngine returns an engine running dialogues. A table that cannot
// work (no steps, a duplicate name or step, a Next to a step that does
// not exist is found when it happens) panics: it is a bug in the code.
func NewEngine(dialogues ...*Dialogue) *Engine {
	e := &Engine{byName: map[string]*Dialogue{}}
	for _, d := range dialogues {
		e.Register(d)
	}
	return e
}

// Register adds a dialogue.
func (e *Engine) Register(d *Dialogue) {
	if d.Name == "" || len(d.Steps) == 0 || d.Finish == nil {
		panic(fmt.Sprintf("dialogue %q: a dialogue needs a name, steps and Finish", d.Name))
	}
	if _, dup := e.byName[d.Name]; dup {
		panic(fmt.Sprintf("dialogue %q registered twice", d.Name))
	}
	seen := map[string]bool{}
	for _, s := range d.Steps {
		if s.ID == "" || seen[s.ID] || strings.Contains(s.ID, ":") {
			panic(fmt.Sprintf("dialogue %q: step %q is empty, doubled or has a colon", d.Name, s.ID))
		}
		seen[s.ID] = true
	}
	e.byName[d.Name] = d
}

// Dialogues returns the registered dialogues, for tests.
func (e *Engine) Dialogues() []*Dialogue {
	out := make([]*Dialogue, 0, len(e.byName))
	for _, d := range e.byName {
		out = append(out, d)
	}
	return out
}

// Start begins dialogue name for her, with answers given beforehand (an
// ID it works on, say), leaving any dialogue she was in, and asks its
// first step.
func (e *Engine) Start(t Turn, name string, answers map[string]string) error {
	d, ok := e.byName[name]
	if !ok {
		return fmt.Errorf("start dialogue %q: not registered", name)
	}
	conv, err := t.Tx().Conversation(t.UserID())
	if err != nil {
		return err
	}
	if answers == nil {
		answers = map[string]string{}
	}
	was := conv
	conv = store.Conversation{UserID: t.UserID(), Dialogue: d.Name, Version: d.Version, Step: d.Steps[0].ID,
		Answers: answers, Asked: conv.Asked, Started: t.Now()}
	if was.Active() && was.Dialogue != d.Name && !was.Leaving {
		// She was in the middle of another dialogue: it waits, and goes
		// on where she was once this one ends. Three deep at most.
		was.Aside = false
		if was.Outer != nil {
			was.Outer.Outer = nil
		}
		conv.Outer = &was
	}
	c, err := open(t, d, &conv)
	if err != nil {
		return err
	}
	c.was = ""
	if d.Keep != nil && len(answers) > 0 {
		for k, v := range answers {
			c.Answers[k] = v
		}
		if err := d.Keep.Save(c, c.Answers); err != nil {
			return err
		}
	}
	if !isOpen(c) {
		return nil
	}
	if s := d.step(conv.Step); s.Applies != nil && !s.Applies(c) {
		next, err := e.next(c, s)
		if err != nil || next == End {
			return err
		}
		conv.Step = next
	}
	return ask(c, false)
}

// Current returns the dialogue she is in, if any.
func (e *Engine) Current(t Turn) (*Dialogue, store.Conversation, error) {
	conv, err := t.Tx().Conversation(t.UserID())
	if err != nil || !conv.Active() {
		return nil, conv, err
	}
	d, ok := e.byName[conv.Dialogue]
	if !ok || d.Version != conv.Version || d.step(conv.Step) == nil {
		// A dialogue removed or changed since: she starts again.
		return nil, conv, e.end(t, &conv)
	}
	return d, conv, nil
}

// In reports whether she is in dialogue name.
func (e *Engine) In(t Turn, name string) (bool, error) {
	d, _, err := e.Current(t)
	return d != nil && d.Name == name, err
}

// Take hands what she typed or sent to the dialogue she is in. handled
// is false when she is in none.
func (e *Engine) Take(t Turn, in In) (handled bool, err error) {
	c, found, err := e.opened(t)
	if !found || err != nil {
		return found, err
	}
	conv := c.conv
	c.In = in
	if !e.mayGoOn(c) {
		return true, e.finish(t, conv)
	}
	if !isOpen(c) {
		return true, nil
	}
	if conv.Aside {
		return true, setAside(t, conv) // not an answer: she is asked first
	}
	conv.Leaving = false
	s := c.Dialogue.step(conv.Step)
	if in.Typed && len(conv.Path) > 0 && !s.NoBack && strings.TrimSpace(in.Text) == t.Text("dialogue.back", nil) {
		return true, e.goBack(c, s) // Back typed, or tapped on a keyboard of her phone's
	}
	if done, err := e.takeOwn(c, s); done || err != nil {
		return true, err
	}
	answer, err := read(c, s)
	if ok, err := refused(c, s, err); ok || err != nil {
		return true, err
	}
	return true, e.answer(c, s, answer)
}

// Tap takes one of the engine's buttons: data without the prefix,
// "<question number>:<value>". A button of an earlier question gets a
// notice and the current question again.
func (e *Engine) Tap(t Turn, data string) error {
	num, value, _ := strings.Cut(data, ":")
	asked, _ := strconv.Atoi(num)
	d, conv, err := e.Current(t)
	if err != nil {
		return err
	}
	if d == nil || asked != conv.Asked {
		t.Toast("input.old_button")
		if d == nil {
			return nil
		}
		return e.reask(t, d, &conv)
	}
	return e.tap(t, d, &conv, value)
}

// tap takes the value of a current button of dialogue d.
func (e *Engine) tap(t Turn, d *Dialogue, conv *store.Conversation, value string) error {
	c, err := open(t, d, conv)
	if err != nil {
		return err
	}
	c.tapped = true
	if !e.mayGoOn(c) {
		t.Toast("")
		return e.finish(t, conv)
	}
	t.Toast("")
	if !isOpen(c) {
		return nil
	}
	switch value {
	case valueBack:
		return e.goBack(c, d.step(conv.Step))
	case valueBackSure:
		return e.back(c)
	case valueLeave:
		return e.leave(c)
	case valueStay:
		conv.Leaving, conv.Aside = false, false
		t.Edit(t.Text("dialogue.stay", nil), nil)
		return ask(c, false)
	case cancelValue:
		_, err := e.Cancel(t)
		return err
	}
	s := d.step(conv.Step)
	if done, err := e.tapOwn(c, s, value); done || err != nil {
		return err
	}
	if value == valueSkip && s.Skip != "" {
		if s.Check != nil {
			if ok, err := refused(c, s, s.Check(c, "")); ok || err != nil {
				return err
			}
		}
		mark(c, s, t.Text(s.Skip, nil))
		return e.answer(c, s, "")
	}
	for _, o := range options(c, s) {
		if o.Value == value {
			if s.Check != nil {
				if ok, err := refused(c, s, s.Check(c, value)); ok || err != nil {
					return err
				}
			}
			mark(c, s, label(c, o))
			if o.Gives != "" {
				value = o.Gives
			}
			return e.answer(c, s, value)
		}
	}
	t.Toast("input.old_button")
	return ask(c, false)
}

// reask asks the current step of d again, if the dialogue is open.
func (e *Engine) reask(t Turn, d *Dialogue, conv *store.Conversation) error {
	c, err := open(t, d, conv)
	if err != nil || !isOpen(c) {
		return err
	}
	return ask(c, false)
}

// cancelValue is the ✖ button's value.
const cancelValue = "cancel"

// Reask shows the step she is on again (after /help, /language, /start).
// handled is false when she is in no dialogue.
func (e *Engine) Reask(t Turn) (handled bool, err error) {
	c, err := e.live(t)
	if c == nil || err != nil {
		return false, err
	}
	if !isOpen(c) {
		return true, nil
	}
	c.conv.Aside = false
	return true, ask(c, false)
}

// live is the dialogue she is in, opened, for a command: nil when she is
// in none, or when it needs a role she no longer holds (it then ends
// without a word: a command means she moved on).
func (e *Engine) live(t Turn) (*Context, error) {
	c, in, err := e.opened(t)
	if !in || err != nil {
		return nil, err
	}
	if lapsed(c) {
		return nil, e.end(t, c.conv)
	}
	return c, nil
}

// opened is the dialogue she is in, opened with her answers so far; in
// is false when she is in none.
func (e *Engine) opened(t Turn) (c *Context, in bool, err error) {
	d, conv, err := e.Current(t)
	if d == nil || err != nil {
		return nil, false, err
	}
	c, err = open(t, d, &conv)
	return c, true, err
}

// Remind follows a command typed in the middle of a dialogue: the
// dialogue is set aside, and she is asked whether to go on with it or
// leave it. Until she answers, what she types is not taken as an answer
// (it may be meant for the command, or for nobody): she is asked again.
func (e *Engine) Remind(t Turn) error {
	c, err := e.live(t)
	if c == nil || err != nil {
		return err
	}
	c.conv.Aside = true
	return setAside(t, c.conv)
}

// setAside asks her whether to go on with the dialogue set aside.
func setAside(t Turn, conv *store.Conversation) error {
	return askAbout(t, conv, "dialogue.still", "dialogue.go_on", valueStay, "dialogue.leave", valueLeave)
}

// askAbout asks her a question about the dialogue itself (go on with it?
// leave it?), with two of the engine's buttons, as a question of its own:
// buttons of the step before are stale.
func askAbout(t Turn, conv *store.Conversation, question, first, firstValue, second, secondValue string) error {
	conv.Asked++
	conv.Updated = t.Now()
	t.Send(t.Text(question, nil), [][]store.Button{{
		{Text: t.Text(first, nil), Data: data(conv.Asked, firstValue)},
		{Text: t.Text(second, nil), Data: data(conv.Asked, secondValue)},
	}})
	return t.Tx().PutConversation(*conv)
}

// Cancel is /cancel: she leaves the dialogue she is in, asked first when
// that loses what she typed. handled is false when she is in none.
func (e *Engine) Cancel(t Turn) (handled bool, err error) {
	c, err := e.live(t)
	if c == nil || err != nil {
		return false, err
	}
	if !c.conv.Leaving && e.loses(c) {
		c.conv.Leaving = true
		return true, askAbout(t, c.conv, "dialogue.leave_ask", "dialogue.leave", valueLeave, "dialogue.stay_button", valueStay)
	}
	return true, e.leave(c)
}

// Lapsed reports whether userID is in a dialogue that needs a role she
// no longer holds (holds tells), for the staff member who took the role
// away. Nothing of it can be saved any more: the engine re-checks the
// roles at every input, and her next message or tap on it is told that
// the role's work ended (a command ends it without a word). It is left
// in place until then, so that the notice reaches her once.
func (e *Engine) Lapsed(tx *store.Tx, userID int64, holds func([]store.Role) bool) (bool, error) {
	conv, err := tx.Conversation(userID)
	if err != nil || !conv.Active() {
		return false, err
	}
	d, ok := e.byName[conv.Dialogue]
	return ok && d.Roles != nil && !holds(d.Roles), nil
}

// End ends the dialogue she is in without a word (the dialogue did its
// work another way, or a role was taken away).
func (e *Engine) End(t Turn) error {
	conv, err := t.Tx().Conversation(t.UserID())
	if err != nil || !conv.Active() {
		return err
	}
	return e.end(t, &conv)
}

func context(t Turn, d *Dialogue, conv *store.Conversation) *Context {
	if conv.Answers == nil {
		conv.Answers = map[string]string{}
	}
	return &Context{Turn: t, Dialogue: d, Answers: conv.Answers, conv: conv}
}

func (d *Dialogue) step(id string) *Step {
	for i := range d.Steps {
		if d.Steps[i].ID == id {
			return &d.Steps[i]
		}
	}
	return nil
}

// mayGoOn re-checks the dialogue's roles: a role taken away ends its
// work, with a word, and nothing is saved.
func (e *Engine) mayGoOn(c *Context) bool {
	if !lapsed(c) {
		return true
	}
	c.Send(c.Text("access.lapsed", nil), nil)
	return false
}

// lapsed reports whether the dialogue needs a role she no longer holds.
func lapsed(c *Context) bool {
	return c.Dialogue.Roles != nil && !c.May(c.Dialogue.Roles)
}

// next is the step after s, given the answers, passing over the steps
// that do not apply.
func (e *Engine) next(c *Context, s *Step) (string, error) {
	for {
		id, err := e.nextRow(c, s)
		if err != nil || id == End {
			return id, err
		}
		s = c.Dialogue.step(id)
		if s.Applies == nil || s.Applies(c) {
			return id, nil
		}
	}
}

// nextRow is the step after s by its Next or the table's order.
func (e *Engine) nextRow(c *Context, s *Step) (string, error) {
	if s.Next != nil {
		if id := s.Next(c); id != "" {
			if id != End && c.Dialogue.step(id) == nil {
				return "", fmt.Errorf("dialogue %s: step %s goes to %q, which it does not have", c.Dialogue.Name, s.ID, id)
			}
			return id, nil
		}
	}
	for i := range c.Dialogue.Steps {
		if c.Dialogue.Steps[i].ID == s.ID && i+1 < len(c.Dialogue.Steps) {
			return c.Dialogue.Steps[i+1].ID, nil
		}
	}
	return End, nil
}

// answer records the answer to s and goes on: the next step, or the end.
func (e *Engine) answer(c *Context, s *Step, value string) error {
	c.Answers[s.ID] = value
	c.conv.Partial, c.conv.PartialOf = "", ""
	if c.Dialogue.Keep != nil {
		if err := c.Dialogue.Keep.Save(c, c.Answers); err != nil {
			return err
		}
	}
	if s.Taken != nil {
		if err := s.Taken(c, value); err != nil {
			return err
		}
	}
	next, err := e.next(c, s)
	if err != nil {
		return err
	}
	c.conv.Path = append(c.conv.Path, s.ID)
	if next == End {
		if err := c.Dialogue.Finish(c); err != nil {
			return err
		}
		return e.finish(c.Turn, c.conv)
	}
	c.conv.Step = next
	return ask(c, false)
}

// back returns to the step before, keeping every answer.
func (e *Engine) back(c *Context) error {
	path := c.conv.Path
	if len(path) == 0 {
		return ask(c, false)
	}
	from := c.Dialogue.step(c.conv.Step)
	c.conv.Step, c.conv.Path = path[len(path)-1], path[:len(path)-1]
	for s := c.Dialogue.step(c.conv.Step); s != nil && s.Applies != nil && !s.Applies(c) && len(c.conv.Path) > 0; s = c.Dialogue.step(c.conv.Step) {
		// An answer changed since made this step not apply: the one before.
		c.conv.Step, c.conv.Path = c.conv.Path[len(c.conv.Path)-1], c.conv.Path[:len(c.conv.Path)-1]
	}
	c.conv.Partial, c.conv.PartialOf = "", ""
	if from != nil && from.InPlace && c.tapped {
		if done := askInPlace(c); done {
			return c.Tx().PutConversation(*c.conv)
		}
	}
	wentBack(c, from)
	return ask(c, false)
}

// goBack is Back on step s: a text in several messages that going back
// would lose is kept until she says so (the parts she sent are not an
// answer yet).
func (e *Engine) goBack(c *Context, s *Step) error {
	if s != nil && s.Takes == MultiPart && c.Partial() != "" {
		c.Send(c.Text("dialogue.back_ask", nil), [][]store.Button{{
			{Text: c.Text("dialogue.back_sure", nil), Data: c.data(valueBackSure)},
			{Text: c.Text("dialogue.stay_button", nil), Data: c.data(valueStay)},
		}})
		return c.Tx().PutConversation(*c.conv)
	}
	return e.back(c)
}

// leave ends the dialogue at her wish.
func (e *Engine) leave(c *Context) error {
	if c.Dialogue.Left != nil {
		if err := c.Dialogue.Left(c); err != nil {
			return err
		}
	} else {
		c.Send(c.Text("dialogue.left", nil), nil)
	}
	return e.finish(c.Turn, c.conv)
}

// end ends the dialogue she is in. The one it interrupted, if any, is
// hers again, without a word: her next message goes to it.
func (e *Engine) end(t Turn, conv *store.Conversation) error {
	outer := conv.Outer
	*conv = store.Conversation{UserID: conv.UserID, Asked: conv.Asked, Updated: t.Now()}
	if outer != nil {
		if d, ok := e.byName[outer.Dialogue]; ok && d.Version == outer.Version && d.step(outer.Step) != nil {
			o := *outer
			o.Asked, o.Updated, o.Leaving = conv.Asked, conv.Updated, false
			*conv = o
		}
	}
	return t.Tx().PutConversation(*conv)
}

// finish ends the dialogue she is in, and asks the question of the one
// it interrupted again, saying they go back to it.
func (e *Engine) finish(t Turn, conv *store.Conversation) error {
	if err := e.end(t, conv); err != nil || !conv.Active() {
		return err
	}
	c, err := open(t, e.byName[conv.Dialogue], conv)
	if err != nil {
		return err
	}
	if !isOpen(c) || lapsed(c) {
		return nil // it says so itself at her next message
	}
	t.Send(t.Text("dialogue.resume", nil), nil)
	return ask(c, false)
}

// loses reports whether leaving would lose what she typed.
func (e *Engine) loses(c *Context) bool {
	if c.Dialogue.Lost != nil {
		return c.Dialogue.Lost(c)
	}
	for _, s := range c.Dialogue.Steps {
		if s.Takes != Buttons && c.Answers[s.ID] != "" {
			return true
		}
	}
	return false
}

// ask asks the step she is on; short asks a refused step again in short.
func ask(c *Context, short bool) error {
	s := c.Dialogue.step(c.conv.Step)
	if s == nil {
		return fmt.Errorf("dialogue %s: no step %q", c.Dialogue.Name, c.conv.Step)
	}
	c.conv.Asked++
	c.conv.Updated = c.Now()
	if s.Before != nil {
		s.Before(c)
	}
	if s.InPlace && c.tapped && !short {
		if done := askInPlace(c); done {
			return c.Tx().PutConversation(*c.conv)
		}
	}
	text := prompt(c, s)
	if short && s.Again != "" {
		text = c.Text(s.Again, nil)
	}
	send(c, s, text)
	return c.Tx().PutConversation(*c.conv)
}

func prompt(c *Context, s *Step) string {
	if s.Prompt != nil {
		return s.Prompt(c)
	}
	var data map[string]any
	if s.Data != nil {
		data = s.Data(c)
	}
	return c.Text(s.Ask, data)
}

// buttons are the step's options, its skip, and Back and ✖.
func buttons(c *Context, s *Step) [][]store.Button {
	data := c.data
	var rows [][]store.Button
	if own := ownButtons(c, s); own != nil {
		rows = own
	}
	for _, o := range options(c, s) {
		if s.Takes == Checklist {
			break // ownButtons shows them with their ticks
		}
		b := store.Button{Text: label(c, o), Data: data(o.Value)}
		if o.Beside && len(rows) > 0 {
			rows[len(rows)-1] = append(rows[len(rows)-1], b)
			continue
		}
		rows = append(rows, []store.Button{b})
	}
	if s.Skip != "" {
		rows = append(rows, []store.Button{{Text: c.Text(s.Skip, nil), Data: data(valueSkip)}})
	}
	if s.Links != nil {
		rows = append(rows, s.Links(c)...)
	}
	var nav []store.Button
	if len(c.conv.Path) > 0 && !s.NoBack {
		nav = append(nav, store.Button{Text: c.Text("dialogue.back", nil), Data: data(valueBack)})
	}
	if c.Dialogue.CancelButton {
		nav = append(nav, store.Button{Text: c.Text("dialogue.cancel", nil), Data: data(cancelValue)})
	}
	if nav != nil {
		rows = append(rows, nav)
	}
	return rows
}

func data(asked int, value string) string { return fmt.Sprintf("%s:%d:%s", Prefix, asked, value) }

func options(c *Context, s *Step) []Option {
	if s.Options == nil {
		return nil
	}
	return s.Options(c)
}

func label(c *Context, o Option) string {
	if o.Raw {
		return o.Label
	}
	return c.Text(o.Label, o.Data)
}

// refused tells her kindly why an answer was refused and asks again in
// short. ok is false for no refusal; an error that is no refusal is a bug.
func refused(c *Context, s *Step, err error) (ok bool, _ error) {
	if err == nil {
		return false, nil
	}
	var r refuser
	if !errors.As(err, &r) {
		return false, err
	}
	if key, data := r.Refusal(); key != "" {
		c.Send(c.Text(key, data), nil)
	}
	return true, ask(c, true)
}
