package dialogue

import (
	"fmt"
	"strings"

	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/store"
)

// Inputs beyond the basic ones.
const (
	// Checklist is one message of toggles, one per Option, and Done
	// (Step.Done): a tap ticks or unticks an item on that message; Done
	// answers the values ticked, in the order of Options, joined by ","
	// ("" for none). Coming back to the step shows her earlier ticks.
	Checklist Input = TextOrMedia + 1 + iota
	// Phone is her number: her phone's "share my number" button
	// (Step.Share) or typed. Without a Parse the number is taken as it
	// came; a dialogue reads it with its own rules (the form's
	// form.ParsePhone). Back is a second keyboard button, which sends
	// its label: a typed "⬅️ Back" is Back on every step.
	Phone
	// MultiPart is a text written in several messages (Step.Parts): each
	// message is added and acknowledged, Done answers the whole.
	MultiPart
)

// Values of the buttons of the inputs above.
const (
	valueDone     = "done"
	valueClear    = "clear"
	valueClearYes = "clearyes"
	valueClearNo  = "clearno"
	valueKeep     = "keep"
	valueAll      = "all"
	tickPrefix    = "t"
)

// Parts configures a MultiPart step.
type Parts struct {
	// Sep joins the parts.
	Sep string
	// MaxPart is the longest message taken, in characters.
	MaxPart int
	// Check, if set, refuses the whole text with one more part (too
	// long, say) before it is kept.
	Check func(c *Context, whole string) error
	// Receipt is the message after a part is kept: words so far, say.
	Receipt func(c *Context, whole string) string
	// Clear and Keep are label keys: start over (shown with Done once
	// there is text), and keep the answer given before (shown instead,
	// when she comes back to a step answered before).
	Clear, Keep string
	// Empty is said on Done with nothing written; Cleared after Clear.
	Empty, Cleared string
	// ClearAsk, if set, asks before Clear deletes what she wrote, with
	// the buttons labelled by the keys ClearYes and ClearNo; No shows
	// the Receipt again, so she goes on writing.
	ClearAsk          func(c *Context, whole string) string
	ClearYes, ClearNo string
}

// readPhone reads a Phone step's answer without a Parse of its own.
func readPhone(c *Context) (string, error) {
	if c.In.Contact != "" {
		return c.In.Contact, nil
	}
	text, err := Typed(c)
	if err != nil {
		return "", err
	}
	return form.CleanText(text, form.MaxShort)
}

// ownButtons are the buttons of the inputs above, before the step's
// skip and the engine's Back; nil for other inputs.
func ownButtons(c *Context, s *Step) [][]store.Button {
	switch s.Takes {
	case Checklist:
		ticked := c.Partial()
		var rows [][]store.Button
		for i, o := range options(c, s) {
			mark := "⬜ "
			if isTicked(ticked, o.Value) {
				mark = "✅ "
			}
			rows = append(rows, []store.Button{{Text: mark + label(c, o), Data: c.data(fmt.Sprintf("%s%d", tickPrefix, i))}})
		}
		if s.All != "" {
			rows = append(rows, []store.Button{{Text: c.Text(s.All, nil), Data: c.data(valueAll)}})
		}
		return append(rows, []store.Button{{Text: c.Text(s.Done, nil), Data: c.data(valueDone)}})
	case MultiPart:
		switch {
		case c.Partial() != "":
			return [][]store.Button{{{Text: c.Text(s.Done, nil), Data: c.data(valueDone)}, {Text: c.Text(s.Parts.Clear, nil), Data: c.data(valueClear)}}}
		case c.Answers[s.ID] != "" && s.Parts.Keep != "":
			return [][]store.Button{{{Text: c.Text(s.Parts.Keep, nil), Data: c.data(valueKeep)}}}
		}
	}
	return nil
}

// takeOwn takes what she typed on a MultiPart or Checklist step; done is
// false for other inputs (and for a MultiPart step, for anything but
// text: the engine refuses it).
func (e *Engine) takeOwn(c *Context, s *Step) (done bool, err error) {
	switch {
	case s.Takes == Checklist:
		_, err := refused(c, s, &Refusal{Key: "input.use_buttons"})
		return true, err
	case s.Takes != MultiPart || !c.In.Typed || c.In.Media != nil:
		return false, nil
	}
	part, err := form.CleanText(c.In.Text, s.Parts.MaxPart)
	if err == nil {
		whole := part
		if have := c.Partial(); have != "" {
			whole = have + s.Parts.Sep + part
		}
		if s.Parts.Check != nil {
			err = s.Parts.Check(c, whole)
		}
		if err == nil {
			c.setPartial(whole)
			c.conv.Updated = c.Now()
			c.Send(s.Parts.Receipt(c, whole), buttons(c, s))
			return true, c.Tx().PutConversation(*c.conv)
		}
	}
	var r refuser
	if !asRefusal(err, &r) {
		return true, err
	}
	key, data := r.Refusal()
	c.Send(c.Text(key, data), buttons(c, s)) // her parts so far stay
	return true, nil
}

// tapOwn takes a button of a Checklist or MultiPart step.
func (e *Engine) tapOwn(c *Context, s *Step, value string) (done bool, err error) {
	switch s.Takes {
	case Checklist:
		return true, e.tapChecklist(c, s, value)
	case MultiPart:
		return true, e.tapParts(c, s, value)
	}
	return false, nil
}

func (e *Engine) tapChecklist(c *Context, s *Step, value string) error {
	opts := options(c, s)
	switch value {
	case valueDone:
		ticked := c.Partial()
		var lines, values []string
		for _, o := range opts {
			mark := "⬜ "
			if isTicked(ticked, o.Value) {
				mark = "✅ "
				values = append(values, o.Value)
			}
			lines = append(lines, mark+label(c, o))
		}
		answer := strings.Join(values, ",")
		if s.Check != nil {
			var r refuser
			if err := s.Check(c, answer); asRefusal(err, &r) {
				// Asked again on the same message: the list stays
				// once in her chat, with her ticks and its buttons.
				key, data := r.Refusal()
				c.Edit(prompt(c, s)+"\n\n"+c.Text(key, data), buttons(c, s))
				return c.Tx().PutConversation(*c.conv)
			} else if err != nil {
				return err
			}
		}
		c.Edit(prompt(c, s)+"\n\n"+strings.Join(lines, "\n"), nil)
		return e.answer(c, s, answer)
	case valueAll:
		var all []string
		for _, o := range opts {
			all = append(all, o.Value)
		}
		c.setPartial(strings.Join(all, ","))
		c.conv.Updated = c.Now()
		c.Edit(prompt(c, s), buttons(c, s))
		return c.Tx().PutConversation(*c.conv)
	}
	var i int
	if _, err := fmt.Sscanf(value, tickPrefix+"%d", &i); err != nil || i < 0 || i >= len(opts) {
		c.Toast("input.old_button")
		return ask(c, false)
	}
	c.setPartial(toggle(c.Partial(), opts[i].Value))
	c.conv.Updated = c.Now()
	c.Edit(prompt(c, s), buttons(c, s))
	return c.Tx().PutConversation(*c.conv)
}

func (e *Engine) tapParts(c *Context, s *Step, value string) error {
	switch value {
	case valueDone:
		if c.Partial() == "" {
			c.Send(c.Text(s.Parts.Empty, nil), nil)
			return nil
		}
		return e.answer(c, s, c.Partial())
	case valueClear:
		if s.Parts.ClearAsk != nil && c.Partial() != "" {
			c.Send(s.Parts.ClearAsk(c, c.Partial()), [][]store.Button{{
				{Text: c.Text(s.Parts.ClearYes, nil), Data: c.data(valueClearYes)},
				{Text: c.Text(s.Parts.ClearNo, nil), Data: c.data(valueClearNo)},
			}})
			return c.Tx().PutConversation(*c.conv)
		}
		fallthrough
	case valueClearYes:
		c.setPartial("")
		c.conv.Updated = c.Now()
		c.Send(c.Text(s.Parts.Cleared, nil), nil)
		return c.Tx().PutConversation(*c.conv)
	case valueClearNo:
		if have := c.Partial(); have != "" {
			c.Edit(s.Parts.Receipt(c, have), buttons(c, s))
			return c.Tx().PutConversation(*c.conv)
		}
	case valueKeep:
		if v := c.Answers[s.ID]; v != "" {
			return e.answer(c, s, v)
		}
	}
	c.Toast("input.old_button")
	return ask(c, false)
}

// Ticked reports whether item is among the comma-separated ticks, as a
// Checklist answers.
func Ticked(ticks, item string) bool { return isTicked(ticks, item) }

func isTicked(ticks, item string) bool {
	for _, s := range strings.Split(ticks, ",") {
		if s == item {
			return true
		}
	}
	return false
}

// toggle ticks item, or unticks it when it was ticked.
func toggle(ticks, item string) string {
	var keep []string
	found := false
	for _, s := range strings.Split(ticks, ",") {
		switch {
		case s == "":
		case s == item:
			found = true
		default:
			keep = append(keep, s)
		}
	}
	if !found {
		keep = append(keep, item)
	}
	return strings.Join(keep, ",")
}
