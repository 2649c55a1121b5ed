package dialogue_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/store"
)

var bishkek = time.FixedZone("Asia/Bishkek", 6*3600)

// person is a fake turn: one person's updates, each handled in its own
// transaction on a real bbolt file, with what the bot said recorded.
type person struct {
	t     *testing.T
	db    *store.DB
	e     *dialogue.Engine
	tx    *store.Tx
	roles []store.Role
	said  []string // messages, "edit: ..." and "toast: ..."
	last  [][]store.Button
}

func (p *person) Text(key string, data any) string {
	if data == nil || fmt.Sprint(data) == "map[]" {
		return key
	}
	return fmt.Sprintf("%s%v", key, data)
}
func (p *person) Send(text string, buttons [][]store.Button) {
	p.said = append(p.said, text)
	p.last = buttons
}
func (p *person) Edit(text string, buttons [][]store.Button) {
	p.said = append(p.said, "edit: "+text)
	if buttons != nil {
		p.last = buttons // the buttons of the message she tapped, changed
	}
}
func (p *person) Toast(key string) {
	if key != "" {
		p.said = append(p.said, "toast: "+key)
	}
}
func (p *person) Tx() *store.Tx            { return p.tx }
func (p *person) UserID() int64            { return 42 }
func (p *person) Now() time.Time           { return time.Date(2027, 4, 11, 12, 0, 0, 0, bishkek) }
func (p *person) Location() *time.Location { return bishkek }
func (p *person) May(roles []store.Role) bool {
	return slices.ContainsFunc(roles, func(r store.Role) bool { return slices.Contains(p.roles, r) })
}

// turn runs fn as one update and returns what the bot said.
func (p *person) turn(fn func() error) []string {
	p.t.Helper()
	p.said = nil
	err := p.db.Update(func(tx *store.Tx) error {
		p.tx = tx
		return fn()
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return p.said
}

func (p *person) types(text string) []string {
	return p.turn(func() error {
		handled, err := p.e.Take(p, dialogue.In{Text: text, Typed: true})
		if err == nil && !handled {
			p.said = append(p.said, "(not in a dialogue)")
		}
		return err
	})
}

func (p *person) sends(m *store.Media, caption string) []string {
	return p.turn(func() error { _, err := p.e.Take(p, dialogue.In{Text: caption, Media: m, Typed: true}); return err })
}

// taps presses the button labelled label of the last question.
func (p *person) taps(label string) []string {
	p.t.Helper()
	for _, row := range p.last {
		for _, b := range row {
			if b.Text == label {
				return p.tapsData(b.Data)
			}
		}
	}
	p.t.Fatalf("no button %q in %v", label, p.last)
	return nil
}

func (p *person) tapsData(data string) []string {
	rest, _ := strings.CutPrefix(data, dialogue.Prefix+":")
	return p.turn(func() error { return p.e.Tap(p, rest) })
}

func (p *person) expect(got []string, want ...string) {
	p.t.Helper()
	if !slices.Equal(got, want) {
		p.t.Fatalf("the bot said\n  %q\nwant\n  %q", got, want)
	}
}

func (p *person) conversation() store.Conversation {
	var c store.Conversation
	if err := p.db.View(func(tx *store.Tx) (err error) { c, err = tx.Conversation(42); return err }); err != nil {
		p.t.Fatal(err)
	}
	return c
}

// report is a dialogue like the election day's: a choice that decides
// the path, a number, a text, a photo that may be skipped.
func report(done *map[string]string) *dialogue.Dialogue {
	return &dialogue.Dialogue{
		Name: "report", Version: 1, CancelButton: true,
		Steps: []dialogue.Step{
			{ID: "elected", Ask: "ask.elected", Takes: dialogue.Buttons, Options: func(*dialogue.Context) []dialogue.Option {
				return []dialogue.Option{{Value: "yes", Label: "yes"}, {Value: "no", Label: "no", Beside: true}}
			}, Next: func(c *dialogue.Context) string {
				if c.Answers["elected"] == "no" {
					return "note"
				}
				return ""
			}},
			{ID: "votes", Ask: "ask.votes", Again: "again.votes", Takes: dialogue.Number},
			{ID: "note", Ask: "ask.note", Takes: dialogue.Text, Max: 20},
			{ID: "photo", Ask: "ask.photo", Takes: dialogue.Media, Skip: "skip"},
		},
		Finish: func(c *dialogue.Context) error {
			*done = maps(c.Answers)
			c.Send("saved", nil)
			return nil
		},
	}
}

func maps(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func newPerson(t *testing.T, ds ...*dialogue.Dialogue) *person {
	db, err := store.Open(filepath.Join(t.TempDir(), "m.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &person{t: t, db: db, e: dialogue.NewEngine(ds...)}
}

func (p *person) start(name string) []string {
	return p.turn(func() error { return p.e.Start(p, name, nil) })
}

func TestDialogue_ThroughToTheEnd(t *testing.T) {
	var done map[string]string
	p := newPerson(t, report(&done))
	p.expect(p.start("report"), "ask.elected")
	if got := p.last; len(got) != 2 || len(got[0]) != 2 || got[1][0].Text != "dialogue.cancel" {
		t.Fatalf("first step's buttons %v: want yes/no on a row, then only ✖ (no Back on the first step)", got)
	}
	p.expect(p.types("maybe"), "input.use_buttons", "ask.elected")
	p.expect(p.types("Yes"), "ask.votes") // a typed label is a tap
	p.expect(p.types("many"), "input.need_number", "again.votes")
	p.expect(p.types("1 234"), "ask.note")
	p.expect(p.types(strings.Repeat("a", 21)), "form.invalid.too_longmap[Length:21 Max:20]", "ask.note")
	p.expect(p.types("All fine"), "ask.photo")
	p.expect(p.types("here it is"), "input.need_media", "ask.photo")
	p.expect(p.sends(&store.Media{Type: "photo", FileID: "AgAC1"}, ""), "saved")
	if want := map[string]string{"elected": "yes", "votes": "1234", "note": "All fine", "photo": "AgAC1"}; fmt.Sprint(done) != fmt.Sprint(want) {
		t.Errorf("finished with %v, want %v", done, want)
	}
	if c := p.conversation(); c.Active() {
		t.Errorf("still in %+v", c)
	}
	p.expect(p.types("and more"), "(not in a dialogue)")
}

func TestDialogue_BackKeepsLaterAnswers(t *testing.T) {
	var done map[string]string
	p := newPerson(t, report(&done))
	p.start("report")
	p.taps("yes")
	p.types("10")
	p.expect(p.taps("dialogue.back"), "edit: dialogue.went_back", "ask.votes")
	p.expect(p.taps("dialogue.back"), "edit: dialogue.went_back", "ask.elected")
	p.expect(p.taps("no"), "edit: ask.elected\n\n→ no", "ask.note") // the path changes
	p.types("Not this time")
	p.taps("skip")
	// "votes" was left behind on the way, but it is kept: Finish sees
	// every answer given and decides what still applies.
	if done["elected"] != "no" || done["note"] != "Not this time" || done["photo"] != "" {
		t.Errorf("finished with %v", done)
	}
}

func TestDialogue_StaleButtons(t *testing.T) {
	var done map[string]string
	p := newPerson(t, report(&done))
	p.start("report")
	old := p.last[0][0].Data // "yes" of the first question
	p.taps("yes")
	p.expect(p.tapsData(old), "toast: input.old_button", "ask.votes")
	p.types("3")
	p.types("ok")
	p.taps("skip")
	// The dialogue ended: its buttons are all stale now.
	p.expect(p.tapsData(old), "toast: input.old_button")
}

func TestDialogue_CancelAsksWhenTypedWorkIsLost(t *testing.T) {
	var done map[string]string
	p := newPerson(t, report(&done))
	p.start("report")
	// Nothing typed yet: leaving loses nothing, no question.
	p.expect(p.turn(func() error { _, err := p.e.Cancel(p); return err }), "dialogue.left")
	p.start("report")
	p.taps("no")
	p.types("A long note")
	p.expect(p.taps("dialogue.cancel"), "dialogue.leave_ask")
	p.expect(p.taps("dialogue.stay_button"), "edit: dialogue.stay", "ask.photo")
	p.expect(p.taps("dialogue.cancel"), "dialogue.leave_ask")
	p.expect(p.taps("dialogue.leave"), "dialogue.left")
	if done != nil {
		t.Errorf("a cancelled dialogue finished: %v", done)
	}
	if c := p.conversation(); c.Active() {
		t.Errorf("still in %+v", c)
	}
}

func TestDialogue_RoleTakenAway(t *testing.T) {
	var done map[string]string
	d := report(&done)
	d.Roles = []store.Role{store.RoleStaff}
	p := newPerson(t, d)
	p.roles = []store.Role{store.RoleStaff}
	p.start("report")
	p.taps("no")
	p.roles = nil
	lapsed := func() bool {
		var ok bool
		p.turn(func() (err error) {
			ok, err = p.e.Lapsed(p.tx, 42, p.May)
			return err
		})
		return ok
	}
	if !lapsed() {
		t.Error("Lapsed does not see the dialogue of the role taken away")
	}
	p.expect(p.types("a note"), "access.lapsed")
	if c := p.conversation(); c.Active() || done != nil {
		t.Errorf("a lapsed role's dialogue went on: %+v, %v", c, done)
	}
	if lapsed() {
		t.Error("Lapsed after the dialogue ended")
	}

	// A command instead of an answer: she has moved on, and the dialogue
	// ends without a word; the reminder of a command is not given either.
	for _, way := range []func() error{
		func() error { _, err := p.e.Reask(p); return err },
		func() error { return p.e.Remind(p) },
		func() error { _, err := p.e.Cancel(p); return err },
	} {
		p.roles = []store.Role{store.RoleStaff}
		p.start("report")
		p.roles = nil
		p.expect(p.turn(way))
		if c := p.conversation(); c.Active() {
			t.Errorf("a lapsed role's dialogue is still on: %+v", c)
		}
	}
}

// A step's own buttons (Links) come under its options, before Back and
// ✖; a refusal with no key of its own is said by the step's Again alone.
func TestDialogue_LinksAndQuietRefusal(t *testing.T) {
	var done string
	d := &dialogue.Dialogue{
		Name: "answer", Version: 1, CancelButton: true,
		Steps: []dialogue.Step{{ID: "post", Ask: "ask.post", Again: "again.post", Takes: dialogue.TextOrMedia,
			Parse: func(c *dialogue.Context) (string, error) {
				if c.In.Text == "" && c.In.Media == nil {
					return "", &dialogue.Refusal{}
				}
				return c.In.Text, nil
			},
			Links: func(c *dialogue.Context) [][]store.Button {
				return [][]store.Button{{{Text: "hand back", Data: "qh:" + c.Answers["question"]}}}
			}}},
		Finish: func(c *dialogue.Context) error { done = c.Answers["post"]; return nil },
	}
	p := newPerson(t, d)
	p.expect(p.turn(func() error { return p.e.Start(p, "answer", map[string]string{"question": "7"}) }), "ask.post")
	if got := p.last; len(got) != 2 || got[0][0].Data != "qh:7" || got[1][0].Text != "dialogue.cancel" {
		t.Fatalf("buttons %v: want the link, then ✖", got)
	}
	p.expect(p.turn(func() error { _, err := p.e.Take(p, dialogue.In{}); return err }), "again.post")
	if got := p.last; len(got) != 2 || got[0][0].Data != "qh:7" {
		t.Errorf("asked again with %v", got)
	}
	p.expect(p.types("An answer"))
	if done != "An answer" {
		t.Errorf("finished with %q", done)
	}
}

func TestDialogue_ReaskAndVersion(t *testing.T) {
	var done map[string]string
	d := report(&done)
	p := newPerson(t, d)
	p.start("report")
	p.taps("yes")
	p.expect(p.turn(func() error { _, err := p.e.Reask(p); return err }), "ask.votes")
	// The bot was upgraded and the dialogue changed: she starts again.
	p.e = dialogue.NewEngine(&dialogue.Dialogue{Name: "report", Version: 2, Steps: d.Steps, Finish: d.Finish})
	p.expect(p.types("10"), "(not in a dialogue)")
}

func TestParseDateTime(t *testing.T) {
	want := time.Date(2027, 3, 15, 15, 0, 0, 0, bishkek)
	for _, s := range []string{"15.03.2027 15:00", "15.3.2027 15:00", " 15.03.2027   15.00 ", "2027-03-15 15:00", "2027-03-15T15:00", "15/03/2027 15:00"} {
		if got, ok := dialogue.ParseDateTime(s, bishkek); !ok || !got.Equal(want) {
			t.Errorf("%q: %v %v", s, got, ok)
		}
	}
	for _, s := range []string{"", "15.03.2027", "32.03.2027 15:00", "15.03.2027 25:00", "tomorrow"} {
		if got, ok := dialogue.ParseDateTime(s, bishkek); ok {
			t.Errorf("%q read as %v", s, got)
		}
	}
}

// note is a one-step dialogue that may start in the middle of another.
func note(done *[]string) *dialogue.Dialogue {
	return &dialogue.Dialogue{
		Name: "note", Version: 1,
		Steps: []dialogue.Step{{ID: "text", Ask: "ask.text", Takes: dialogue.Text}},
		Finish: func(c *dialogue.Context) error {
			*done = append(*done, c.Answers["text"])
			c.Send("noted", nil)
			return nil
		},
	}
}

// A dialogue started in the middle of another (a tap on a reminder, a
// command that asks something) does not lose it: once it ends, done or
// left, the first goes on at the question she was on, her answers kept.
// Starting the same dialogue again starts it afresh.
func TestDialogue_InterruptedGoesOnAfter(t *testing.T) {
	var done map[string]string
	var notes []string
	p := newPerson(t, report(&done), note(&notes))
	p.start("report")
	p.taps("yes")
	p.expect(p.start("note"), "ask.text")
	p.expect(p.types("call Aigul"), "noted", "dialogue.resume", "ask.votes")
	p.types("12")

	p.expect(p.start("note"), "ask.text")
	p.expect(p.turn(func() error { _, err := p.e.Cancel(p); return err }), "dialogue.left", "dialogue.resume", "ask.note")
	p.types("fine")
	p.expect(p.sends(&store.Media{Type: "photo", FileID: "AgAC1"}, ""), "saved")
	if want := map[string]string{"elected": "yes", "votes": "12", "note": "fine", "photo": "AgAC1"}; fmt.Sprint(done) != fmt.Sprint(want) || !slices.Equal(notes, []string{"call Aigul"}) {
		t.Errorf("report %v, notes %q", done, notes)
	}
	if c := p.conversation(); c.Active() {
		t.Errorf("still in %+v", c)
	}

	p.start("report")
	p.taps("no")
	p.expect(p.start("report"), "ask.elected")
	if c := p.conversation(); c.Outer != nil {
		t.Errorf("the same dialogue started again kept the old one to go back to: %+v", c.Outer)
	}
}
