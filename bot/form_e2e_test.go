package bot_test

import (
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

// draftOf is her stored application draft.
func draftOf(t *testing.T, h *harness, id int64) store.Application {
	t.Helper()
	return stored(t, h, func(tx *store.Tx) (store.Application, error) { return tx.Draft(id) })
}

// Back through the form: several questions back, an answer changed that
// drops one follow-up and another that makes one needed, forward again;
// and back from the summary to the last question.
func TestForm_BackThroughTheForm(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 7001)
	ky := func(key string) string { return h.text("ky", key, nil) }
	back := ky("dialogue.back")
	upTo(t, p, "lsg_experience")
	p.taps("Ооба")
	p.says("Айыл өкмөтү менен жол оңдоттук.")
	p.news()
	p.taps("Жок") // 4.1
	p.expect(p.ask("support_group"))

	// Three questions back: 4.1, 3.2, 3.1; the text she wrote is kept
	// until the answer that asked for it changes.
	p.taps(back)
	p.expect(p.ask("community_experience"))
	p.taps(back)
	p.expect(p.ask("lsg_experience_text"))
	if d := draftOf(t, h, p.user.ID); d.Answers["lsg_experience_text"] == "" || d.Answers["community_experience"] != "no" {
		t.Fatalf("answers after Back: %v", d.Answers)
	}
	p.taps(back)
	p.expect(p.ask("lsg_experience"))
	p.taps("Жок") // no follow-up now
	p.expect(p.ask("community_experience"))
	p.taps("Ооба") // a follow-up now
	p.expect(p.ask("community_group_text"))
	p.says("Аялдар кеңеши.")
	p.expect(p.ask("support_group"))
	d := draftOf(t, h, p.user.ID)
	if _, ok := d.Answers["lsg_experience_text"]; ok || d.Answers["lsg_experience"] != "no" ||
		d.Answers["community_experience"] != "yes" || d.Answers["community_group_text"] != "Аялдар кеңеши." {
		t.Fatalf("answers after the changes: %v", d.Answers)
	}

	// Every question after the first has Back; the phone's is on her
	// keyboard, beside "share my number", and typed it is Back too.
	p.taps("Жок")
	for range 4 {
		p.taps("Ооба")
	}
	p.taps("Баарын белгилөө")
	p.taps("Даяр ✔")
	p.says("Айылыма жардам бергим келет.")
	p.taps("Даяр ✔")
	p.news()
	// Back from the summary: the essay, with how long it is; kept as it is.
	p.taps(back)
	p.expect(h.texts.Plural("ky", "form.essay.current", 4, map[string]any{"Max": 1000, "Left": 996}), p.ask("essay"))
	p.taps(ky("form.essay.keep"))
	if got := strings.Join(p.news(), "\n"); !strings.Contains(got, "📋") || !strings.Contains(got, "Айылыма жардам бергим келет.") {
		t.Fatalf("after keeping the essay: %s", got)
	}
}

func TestForm_BackOnThePhoneKeyboard(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 7002)
	back := h.text("ky", "dialogue.back", nil)
	upTo(t, p, "phone")
	last := h.srv.Last(p.user.ID)
	if len(last.ReplyKeyboard) != 1 || len(last.ReplyKeyboard[0]) != 2 || !last.ReplyKeyboard[0][0].RequestContact || last.ReplyKeyboard[0][1].Text != back {
		t.Fatalf("phone keyboard: %+v", last.ReplyKeyboard)
	}
	p.says(back)
	p.expect(h.text("ky", "dialogue.went_back", nil), p.ask("similar_school"))
	if msgs := h.srv.Messages(p.user.ID); !msgs[len(msgs)-2].RemoveKeyboard {
		t.Error("the share-number keyboard stays up after Back")
	}
	p.taps("Жок")
	p.expect(p.ask("phone"))
}

// /cancel in the middle of the form keeps her answers; /start goes on.
func TestForm_CancelKeepsTheDraft(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 7003)
	upTo(t, p, "district")
	p.says("/cancel")
	p.expect(h.text("ky", "form.left", nil))
	if d := draftOf(t, h, p.user.ID); d.Answers["oblast"] != "osh" || d.Answers["full_name"] != "Асанова Айгүл" {
		t.Fatalf("draft after /cancel: %v", d.Answers)
	}
	// What she types now is not an answer: she is told how to go on.
	p.says("Ноокат")
	p.expect(h.text("ky", "form.left", nil))
	if _, ok := draftOf(t, h, p.user.ID).Answers["district"]; ok {
		t.Fatal("a text after /cancel was taken as the district")
	}
	p.says("/start")
	p.expect(h.text("ky", "form.welcome_back", map[string]any{"Done": 4, "Count": 21}), p.ask("district"))
	p.says("Ноокат")
	p.expect(p.ask("aiyl_okmotu"))

	// In Russian too, plainly.
	r := h.person(7004, "ru")
	r.says("/start")
	r.taps("Русский")
	r.taps("Согласна")
	r.says("Иванова Гульнара")
	r.news()
	r.says("/cancel")
	r.expect(h.text("ru", "form.left", nil))
}

// A button of a question she went back from, and one of the old
// summary, get a notice and the question she is on.
func TestForm_StaleButtons(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 7005)
	upTo(t, p, "similar_school")
	later := h.srv.Last(p.user.ID)
	p.taps(h.text("ky", "dialogue.back", nil))
	p.expect(p.ask("workplace"))
	if got := h.srv.Messages(p.user.ID); got[len(got)-2].Text != h.text("ky", "dialogue.went_back", nil) {
		t.Errorf("the question she went back from reads %q", got[len(got)-2].Text)
	}
	id := p.tapsOn(later.ID, "f:similar_school:no")
	if a, ok := h.srv.AnswerTo(id); !ok || a.Text != h.text("ky", "input.old_button", nil) {
		t.Errorf("old button answered %+v", a)
	}
	p.expect(p.ask("workplace"))
	p.tapsOn(later.ID, "sum:submit")
	p.expect(p.ask("workplace"))
	d := draftOf(t, h, p.user.ID)
	if _, ok := d.Answers["similar_school"]; ok || d.Answers["workplace"] != "Иштебейм" {
		t.Errorf("answers: %v", d.Answers)
	}
}

// A command typed while a text is awaited is a command; her next text
// is not taken as the answer until she says to go on.
func TestForm_CommandDuringATextStep(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 7006)
	upTo(t, p, "district")
	p.says("/schedule")
	got := p.news()
	if n := len(got); n < 2 || got[n-1] != h.text("ky", "dialogue.still", nil) {
		t.Fatalf("after /schedule she sees %q", got)
	}
	p.says("эскертме")
	p.expect(h.text("ky", "dialogue.still", nil))
	p.taps(h.text("ky", "dialogue.go_on", nil))
	p.expect(p.ask("district"))
	p.says("/help")
	if got := p.news(); got[len(got)-1] != p.ask("district") {
		t.Fatalf("after /help: %q", got)
	}
	p.says("/language")
	p.news()
	p.taps("Русский")
	p.expect(p.ask("district"))
	p.says("Ноокатский")
	if d := draftOf(t, h, p.user.ID); d.Answers["district"] != "Ноокатский" {
		t.Fatalf("district %q", d.Answers["district"])
	}
}

// A woman the bot before the dialogue engine left in the middle of the
// form goes on at the question she was on, with her ticks and essay parts.
func TestForm_OldRecordGoesOn(t *testing.T) {
	h := newHarness(t)
	ky := func(key string) string { return h.text("ky", key, nil) }
	p := startForm(t, h, 7007)
	upTo(t, p, "stages")
	e := startForm(t, h, 7008)
	upTo(t, e, "essay")
	// Their records as the old bot left them: the step on the user, the
	// ticks and the essay's parts in the draft, no conversation; then
	// the new bot starts.
	err := h.db.Update(func(tx *store.Tx) error {
		for id, old := range map[int64][2]string{p.user.ID: {"stages", "stage_info,stage_final"}, e.user.ID: {"essay", essayPart1}} {
			u, err := tx.User(id)
			if err != nil {
				return err
			}
			u.Step = old[0]
			if err := tx.PutUser(u); err != nil {
				return err
			}
			d, err := tx.Draft(id)
			if err != nil {
				return err
			}
			d.Pending = old[1]
			if err := tx.PutDraft(d); err != nil {
				return err
			}
			if err := tx.PutConversation(store.Conversation{UserID: id}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h.restart()

	p.says("/start")
	p.expect(h.text("ky", "form.welcome_back", map[string]any{"Done": 19, "Count": 21}), p.again("stages"))
	var ticked []string
	for _, row := range h.srv.Last(p.user.ID).Buttons {
		if strings.HasPrefix(row[0].Text, "✅") {
			ticked = append(ticked, row[0].Text)
		}
	}
	if want := []string{"✅ " + ky("form.stage_info.short"), "✅ " + ky("form.stage_final.short")}; strings.Join(ticked, "|") != strings.Join(want, "|") {
		t.Errorf("ticked %q, want %q", ticked, want)
	}
	p.taps("Даяр ✔")
	p.expect(p.ask("essay"))
	if d := draftOf(t, h, p.user.ID); d.Answers["stage_info"] != "yes" || d.Answers["stage_final"] != "yes" || d.Answers["stage_school"] != "no" || d.Pending != "" {
		t.Errorf("draft: %v, pending %q", d.Answers, d.Pending)
	}

	// Mid-essay: her next part is added to the part she sent before.
	e.says(essayPart2)
	e.expect("Сакталды: 18 сөз, дагы 982 сөз жазсаңыз болот. Уланта бериңиз же «Даяр» баскычын басыңыз.")
	e.taps("Даяр ✔")
	e.news()
	if d := draftOf(t, h, e.user.ID); d.Answers["essay"] != essayPart1+"\n\n"+essayPart2 {
		t.Errorf("essay %q", d.Answers["essay"])
	}
	var u store.User
	if err := h.db.View(func(tx *store.Tx) (err error) { u, err = tx.User(e.user.ID); return err }); err != nil || u.Step != "" {
		t.Errorf("user step %q after the move, %v", u.Step, err)
	}
}
