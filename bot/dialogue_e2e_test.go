package bot_test

import (
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

// What every dialogue on the engine gives her, shown on the candidacy:
// a command in the middle of a text step is a command, /help and /start
// show the question again, Back returns a step, an old button gets a
// notice, and /cancel leaves, asking first when typed work would be lost.
func TestDialogue_CandidacyWaysOutAndBack(t *testing.T) {
	h := newHarness(t)
	ids := graduates(t, h, 81001, 1, "ru")
	p := h.person(ids[0], "ru")
	ask := func(step string, data map[string]any) string { return h.text("ru", "election.ask."+step, data) }
	registered := ask("registered", map[string]any{"Date": "11.04.2027"})

	p.says("/candidacy")
	p.expect(registered)
	p.taps("Да")
	p.expect(ask("place", map[string]any{"Where": h.text("ru", "election.place.oblast", map[string]any{"Name": "Нарынская"})}))
	p.taps(h.text("ru", "election.place_change", nil))
	p.expect(ask("oblast", nil))
	oblastMsg := h.srv.Last(p.user.ID)
	p.taps("Нарынская")
	p.expect(ask("district", nil))

	// A command while a text is awaited runs as a command; the dialogue
	// is set aside: what she types next is not taken for the district
	// until she says to go on.
	p.says("/schedule")
	got := p.news()
	if n := len(got); n < 2 || got[n-1] != h.text("ru", "dialogue.still", nil) {
		t.Fatalf("after /schedule she sees %q", got)
	}
	p.says("a note to myself")
	p.expect(h.text("ru", "dialogue.still", nil))
	p.taps(h.text("ru", "dialogue.go_on", nil))
	p.expect(ask("district", nil))
	p.says("/help")
	if got := p.news(); got[len(got)-1] != ask("district", nil) {
		t.Fatalf("after /help she sees %q", got)
	}
	p.says("Ат-Башы")
	p.expect(ask("aiyl", nil))

	// Back: the district again, her answer kept.
	p.taps(h.text("ru", "dialogue.back", nil))
	p.expect(ask("district", nil))
	if msgs := h.srv.Messages(p.user.ID); msgs[len(msgs)-2].Text != h.text("ru", "dialogue.went_back", nil) {
		t.Errorf("the message with Back reads %q", msgs[len(msgs)-2].Text)
	}
	p.says("Ат-Башы району")
	p.expect(ask("aiyl", nil))

	// A button from an earlier question: a notice, and the current one.
	id := p.tapsOn(oblastMsg.ID, oblastMsg.Buttons[0][0].Data)
	if a, ok := h.srv.AnswerTo(id); !ok || a.Text != h.text("ru", "input.old_button", nil) {
		t.Errorf("old button answered %+v", a)
	}
	p.expect(ask("aiyl", nil))

	// /cancel asks first: what she typed would be lost.
	p.says("/cancel")
	p.expect(h.text("ru", "dialogue.leave_ask", nil))
	p.taps(h.text("ru", "dialogue.stay_button", nil))
	p.expect(ask("aiyl", nil))
	p.says("/cancel")
	p.news()
	p.taps(h.text("ru", "dialogue.leave", nil))
	p.expect(h.text("ru", "dialogue.left", nil))
	err := h.db.View(func(tx *store.Tx) error {
		if _, err := tx.Candidacy(p.user.ID); err == nil {
			t.Error("a cancelled candidacy was saved")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Nothing left to cancel; her next text is no answer.
	p.says("/cancel")
	if got := p.news(); len(got) == 0 || got[0] != h.text("ru", "dialogue.nothing_to_cancel", nil) {
		t.Errorf("second /cancel: %q", got)
	}
}

// The tester's case: staff start a broadcast, look at /people, and type
// a note to herself. The note is not taken as the broadcast's text.
func TestDialogue_BroadcastNoteAfterACommand(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	staff.says("/broadcast")
	staff.expect(h.text("ru", "bc.write.ky", nil))
	staff.says("/people")
	staff.news()
	staff.says("Just a note to myself")
	staff.expect(h.text("ru", "dialogue.still", nil))
	staff.taps(h.text("ru", "dialogue.leave", nil))
	staff.expect(h.text("ru", "dialogue.left", nil))
	if err := h.db.View(func(tx *store.Tx) error {
		if bs, _ := tx.Broadcasts(); len(bs) != 0 {
			t.Errorf("broadcasts %+v", bs)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// A dialogue started in the middle of another does not lose it: staff
// writing a broadcast add an event first, and once it is saved the
// broadcast goes on at the Russian text with the Kyrgyz one kept.
func TestDialogue_EventInTheMiddleOfABroadcast(t *testing.T) {
	h := newHarness(t)
	h.clock.Set(bishkekTime(t, "2027-03-01 10:00"))
	staff := &person{h: h, user: staffUser}
	staff.says("/broadcast")
	staff.says("Жолугушуу жылдырылды.")
	staff.expect(h.text("ru", "bc.write.ky", nil), h.text("ru", "bc.write.ru", nil))
	addMeeting(staff, "10.03.2027 15:00", "Жолугушуу", "Встреча", "https://meet.example.org/m", "participants")
	staff.expect(h.text("ru", "event.added", map[string]any{"ID": "e-0310-1", "When": "10.03.2027 15:00", "Count": 0}),
		h.text("ru", "dialogue.resume", nil), h.text("ru", "bc.write.ru", nil))
	staff.says("Встреча переносится.")
	staff.taps(h.text("ru", "audience.everyone", nil))
	if got := staff.news(); len(got) < 2 || got[len(got)-2] != "Встреча переносится." {
		t.Fatalf("preview after the event: %q", got)
	}
}
