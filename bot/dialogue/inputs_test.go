package dialogue_test

import (
	"fmt"
	"testing"

	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/store"
)

// keeper keeps answers in a map, as the form keeps them in a draft.
type keeper struct{ saved map[string]string }

func (k *keeper) Load(*dialogue.Context) (map[string]string, error) { return maps(k.saved), nil }
func (k *keeper) Save(_ *dialogue.Context, a map[string]string) error {
	k.saved = maps(a)
	return nil
}

// survey has a checklist, a step asked only when "b" is ticked, a text
// in parts and a phone, with its answers kept outside the conversation.
func survey(k *keeper, done *map[string]string) *dialogue.Dialogue {
	return &dialogue.Dialogue{
		Name: "survey", Version: 1, Keep: k,
		Steps: []dialogue.Step{
			{ID: "items", Ask: "ask.items", Takes: dialogue.Checklist, Done: "done", Options: func(*dialogue.Context) []dialogue.Option {
				return []dialogue.Option{{Value: "a", Label: "a"}, {Value: "b", Label: "b"}, {Value: "c", Label: "c"}}
			}},
			{ID: "why", Ask: "ask.why", Takes: dialogue.Text,
				Applies: func(c *dialogue.Context) bool { return dialogue.Ticked(c.Answers["items"], "b") }},
			{ID: "story", Ask: "ask.story", Takes: dialogue.MultiPart, Done: "done", Parts: &dialogue.Parts{
				Sep: " / ", MaxPart: 50, Clear: "clear", Keep: "keep", Empty: "empty", Cleared: "cleared",
				Check: func(_ *dialogue.Context, whole string) error {
					if len(whole) > 20 {
						return &dialogue.Refusal{Key: "too_long"}
					}
					return nil
				},
				Receipt: func(_ *dialogue.Context, whole string) string { return "got " + whole },
			}},
			{ID: "phone", Ask: "ask.phone", Takes: dialogue.Phone, Share: "share"},
		},
		Finish: func(c *dialogue.Context) error {
			*done = maps(c.Answers)
			c.Send("saved", nil)
			return nil
		},
	}
}

func labels(rows [][]store.Button) string {
	var out []string
	for _, r := range rows {
		for _, b := range r {
			out = append(out, b.Text)
		}
	}
	return fmt.Sprint(out)
}

func TestInputs_ChecklistPartsPhoneAndSkippedSteps(t *testing.T) {
	k := &keeper{saved: map[string]string{}}
	var done map[string]string
	p := newPerson(t, survey(k, &done))
	p.expect(p.start("survey"), "ask.items")
	if got := labels(p.last); got != "[⬜ a ⬜ b ⬜ c done]" {
		t.Fatalf("checklist buttons %s", got)
	}
	p.expect(p.types("a"), "input.use_buttons", "ask.items")
	p.taps("⬜ a")
	p.taps("⬜ b")
	p.expect(p.taps("✅ a"), "edit: ask.items") // ticks change on the same message
	p.expect(p.taps("done"), "edit: ask.items\n\n⬜ a\n✅ b\n⬜ c", "ask.why")
	p.expect(p.types("because"), "ask.story")

	// Back twice: the checklist shows her ticks again; unticking b passes
	// over the step that needed it, and its answer is no longer used.
	p.expect(p.taps("dialogue.back"), "edit: dialogue.went_back", "ask.why")
	p.expect(p.taps("dialogue.back"), "edit: dialogue.went_back", "ask.items")
	if got := labels(p.last); got != "[⬜ a ✅ b ⬜ c done]" {
		t.Fatalf("checklist buttons after Back %s", got)
	}
	p.taps("✅ b")
	p.expect(p.taps("done"), "edit: ask.items\n\n⬜ a\n⬜ b\n⬜ c", "ask.story")
	if got := labels(p.last); got != "[dialogue.back]" {
		t.Fatalf("story buttons before a part: %s", got)
	}

	// A text in parts: each part acknowledged, a refused one leaves the
	// parts kept; Clear starts again; Done takes the whole.
	p.expect(p.taps("dialogue.back"), "edit: dialogue.went_back", "ask.items")
	p.taps("done")
	p.expect(p.types("one"), "got one")
	p.expect(p.types("two"), "got one / two")
	p.expect(p.types("a much longer part"), "too_long")
	doneData := p.last[0][0].Data // Done under her last receipt
	p.expect(p.taps("clear"), "cleared")
	p.expect(p.tapsData(doneData), "empty")
	p.types("three")
	p.expect(p.tapsData(doneData), "ask.phone")
	if c := p.conversation(); len(c.Answers) != 0 || c.Partial != "" {
		t.Errorf("the conversation holds answers kept elsewhere: %+v", c)
	}
	if k.saved["story"] != "three" || k.saved["items"] != "" {
		t.Errorf("kept %v", k.saved)
	}

	// The phone: typed Back is Back; a shared contact is the answer.
	p.expect(p.types("dialogue.back"), "edit: dialogue.went_back", "ask.story")
	if got := labels(p.last); got != "[keep dialogue.back]" {
		t.Fatalf("story buttons when answered before: %s", got)
	}
	p.expect(p.taps("keep"), "ask.phone")
	p.expect(p.turn(func() error { _, err := p.e.Take(p, dialogue.In{Contact: "+996700123456", Own: true}); return err }), "saved")
	if done["phone"] != "+996700123456" || done["story"] != "three" {
		t.Errorf("finished with %v", done)
	}
}

// Buttons named by step: a button of the step she is on works whenever
// it was sent; another step's is stale; Place puts her at a step.
func TestInputs_ButtonsNamedByStepAndPlace(t *testing.T) {
	var done map[string]string
	d := report(&done)
	d.Name, d.Callback = "named", "x"
	p := newPerson(t, d)
	p.expect(p.turn(func() error { return p.e.Place(p, "named", "votes", []string{"elected"}, "", false) }))
	tapStep := func(data string) []string {
		return p.turn(func() error {
			handled, err := p.e.TapStep(p, "x", data)
			if !handled {
				p.said = append(p.said, "(not handled)")
			}
			return err
		})
	}
	p.expect(tapStep("elected:no"), "toast: input.old_button", "ask.votes")
	if got := p.last[len(p.last)-1][0].Data; got != "x:votes:back" {
		t.Fatalf("Back's data %q", got)
	}
	p.types("12")
	p.expect(tapStep("note:back"), "edit: dialogue.went_back", "ask.votes")
	p.expect(p.turn(func() error { _, err := p.e.TapStep(p, "y", "votes:back"); return err }))
}
