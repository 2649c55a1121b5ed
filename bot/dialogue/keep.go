package dialogue

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mentorbot/mentorbot/store"
)

// # Answers kept elsewhere, buttons named by step
//
// A dialogue whose answers others read while she is still answering
// (the application form: staff and the exports read her draft) sets
// Dialogue.Keep: the engine loads the answers from the Keeper at each
// turn and saves them after each answer, and the conversation record
// holds only her place (step, path, the partial answer of the step she
// is on). Leaving such a dialogue leaves the answers where they are.
//
// A dialogue that sets Callback names its buttons by step rather than by
// question count: "<Callback>:<step>:<value>", routed to [Engine.TapStep].
// A button of the step she is on is taken whenever it was sent (Done
// under an earlier receipt of an essay), a button of another step is
// stale; and the data stay the same from one version of the bot to the
// next, so the buttons an earlier version sent keep working.

// Keeper keeps a dialogue's answers in a record of its own.
type Keeper interface {
	// Load returns the answers so far.
	Load(c *Context) (map[string]string, error)
	// Save stores answers after one was given (it may drop answers
	// that no longer apply from the map).
	Save(c *Context, answers map[string]string) error
}

// ButtonsEditor is a Turn that can take the buttons off the message she
// tapped and leave its text (see Step.KeepText).
type ButtonsEditor interface {
	EditButtons(buttons [][]store.Button)
}

// ContactAsker is a Turn that can ask for her number with her phone's
// own "share my number" button (a Phone step), and hide that keyboard.
type ContactAsker interface {
	// AskContact sends text with a keyboard of two buttons: share, which
	// shares her number, and back (if not ""), which sends its label.
	AskContact(text, share, back string)
	// HideContact sends text and hides the keyboard.
	HideContact(text string)
}

// open is the context of a turn of dialogue d, with its answers.
func open(t Turn, d *Dialogue, conv *store.Conversation) (*Context, error) {
	c := context(t, d, conv)
	c.was = conv.Step
	if d.Keep != nil {
		answers, err := d.Keep.Load(c)
		if err != nil {
			return nil, fmt.Errorf("dialogue %s: load answers: %w", d.Name, err)
		}
		if answers == nil {
			answers = map[string]string{}
		}
		c.Answers, conv.Answers = answers, nil
	}
	return c, nil
}

// isOpen asks the dialogue's Open.
func isOpen(c *Context) bool { return c.Dialogue.Open == nil || c.Dialogue.Open(c) }

// Repeated reports whether the step being asked is the one she was on
// when the turn began (a refusal, /help, a stale button): a prompt may
// leave out what she has already read.
func (c *Context) Repeated() bool { return c.was != "" && c.was == c.conv.Step }

// Came reports whether she came through step id on her way to this one
// (Back takes a step off her way).
func (c *Context) Came(id string) bool { return slices.Contains(c.conv.Path, id) }

// Step is the ID of the step she is on.
func (c *Context) Step() string { return c.conv.Step }

// Partial is the answer being built on the step she is on: the ticks of
// a checklist, the parts of a text in several messages.
func (c *Context) Partial() string {
	s := c.Dialogue.step(c.conv.Step)
	switch {
	case c.conv.PartialOf == c.conv.Step:
		return c.conv.Partial
	case s != nil && s.Takes == Checklist:
		return c.Answers[s.ID] // her earlier ticks, on Back or a change
	}
	return ""
}

func (c *Context) setPartial(v string) { c.conv.Partial, c.conv.PartialOf = v, c.conv.Step }

// data is the data of a button of the step she is on.
func (c *Context) data(value string) string {
	if c.Dialogue.Callback != "" {
		if s := c.Dialogue.step(c.conv.Step); s != nil && s.Callback != "" {
			return s.Callback + ":" + value
		}
		return c.Dialogue.Callback + ":" + c.conv.Step + ":" + value
	}
	return data(c.conv.Asked, value)
}

// TapStep takes a button of a dialogue whose buttons are named by step
// (see Dialogue.Callback): data is "<step>:<value>". handled is false
// when she is in no dialogue with that callback.
func (e *Engine) TapStep(t Turn, callback, data string) (handled bool, err error) {
	step, value, _ := strings.Cut(data, ":")
	d, conv, err := e.Current(t)
	if err != nil {
		return true, err
	}
	if d == nil || d.Callback != callback {
		return false, nil
	}
	if step != conv.Step {
		t.Toast("input.old_button")
		return true, e.reask(t, d, &conv)
	}
	// A tap on the question she is on is meant for it, even after a
	// command set the dialogue aside.
	conv.Aside, conv.Leaving = false, false
	return true, e.tap(t, d, &conv, value)
}

// Place puts her in dialogue name at step, with path the steps she came
// through and partial the answer being built there, without asking: her
// place was kept elsewhere (a record of an earlier version of the bot, a
// draft she comes back to). With ask the step is asked, as a new
// question; without, the next thing she sends goes on from there.
func (e *Engine) Place(t Turn, name, step string, path []string, partial string, ask bool) error {
	d, ok := e.byName[name]
	if !ok || d.step(step) == nil {
		return fmt.Errorf("place in dialogue %q at %q: no such dialogue or step", name, step)
	}
	conv, err := t.Tx().Conversation(t.UserID())
	if err != nil {
		return err
	}
	conv = store.Conversation{UserID: t.UserID(), Dialogue: d.Name, Version: d.Version, Step: step, Path: path,
		Asked: conv.Asked, Started: t.Now(), Updated: t.Now()}
	if partial != "" {
		conv.Partial, conv.PartialOf = partial, step
	}
	if !ask {
		return t.Tx().PutConversation(conv)
	}
	c, err := open(t, d, &conv)
	if err != nil {
		return err
	}
	c.was = ""
	return e.ask(c)
}

// ask asks the step she is on, if the dialogue is open.
func (e *Engine) ask(c *Context) error {
	if !isOpen(c) {
		return c.Tx().PutConversation(*c.conv)
	}
	return ask(c, false)
}

// mark shows on the question she tapped what she answered.
func mark(c *Context, s *Step, label string) {
	if be, ok := c.Turn.(ButtonsEditor); ok && s.KeepText {
		be.EditButtons(nil)
		return
	}
	c.Edit(prompt(c, s)+"\n\n→ "+label, nil)
}

// send sends the question of s with its buttons.
func send(c *Context, s *Step, text string) {
	if asker, ok := c.Turn.(ContactAsker); ok && s.Takes == Phone {
		back := ""
		if len(c.conv.Path) > 0 && !s.NoBack {
			back = c.Text("dialogue.back", nil)
		}
		asker.AskContact(text, c.Text(s.Share, nil), back)
		return
	}
	c.Send(text, buttons(c, s))
}

// wentBack tells her she went back from step from.
func wentBack(c *Context, from *Step) {
	if asker, ok := c.Turn.(ContactAsker); ok && from != nil && from.Takes == Phone {
		asker.HideContact(c.Text("dialogue.went_back", nil))
		return
	}
	c.Edit(c.Text("dialogue.went_back", nil), nil)
}

// asRefusal finds a kind refusal in err.
func asRefusal(err error, r *refuser) bool { return errors.As(err, r) }

// askInPlace puts the buttons of the step she is on on the message she
// tapped, leaving its text; false when the turn cannot.
func askInPlace(c *Context) bool {
	be, ok := c.Turn.(ButtonsEditor)
	if !ok {
		return false
	}
	be.EditButtons(buttons(c, c.Dialogue.step(c.conv.Step)))
	return true
}
