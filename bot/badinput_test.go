package bot_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/store"
)

// startForm takes a new person through the language and consent to the
// first question of the form.
func startForm(t *testing.T, h *harness, id int64) *person {
	t.Helper()
	p := h.person(id, "ky")
	p.says("/start")
	p.taps("Кыргызча")
	p.taps("Макулмун")
	p.news()
	return p
}

// upTo answers the form in Kyrgyz until the question named by stop is asked.
func upTo(t *testing.T, p *person, stop string) {
	t.Helper()
	steps := []struct {
		field string
		do    func()
	}{
		{"full_name", func() { p.says("Асанова Айгүл") }},
		{"birth_date", func() { p.says("15.03.1990") }},
		{"lives_in_village", func() { p.taps("Ооба") }},
		{"oblast", func() { p.taps("Ош") }},
		{"district", func() { p.says("Ноокат") }},
		{"aiyl_okmotu", func() { p.says("Гүлистан") }},
		{"village", func() { p.says("Гүлистан") }},
		{"workplace", func() { p.says("Иштебейм") }},
		{"similar_school", func() { p.taps("Жок") }},
		{"phone", func() { p.says("0700123456") }},
		{"whatsapp", func() { p.taps("Ошол эле номер") }},
		{"email", func() { p.taps("Өткөрүп жиберүү") }},
		{"lsg_experience", func() { p.taps("Жок") }},
		{"community_experience", func() { p.taps("Жок") }},
		{"support_group", func() { p.taps("Жок") }},
		{"ready_active", func() { p.taps("Ооба") }},
		{"ready_self_study", func() { p.taps("Ооба") }},
		{"ready_organise", func() { p.taps("Ооба") }},
		{"ready_free_time", func() { p.taps("Ооба") }},
		{"stages", func() { p.taps("Баарын белгилөө"); p.taps("Даяр ✔") }},
		{"essay", func() { p.says("Айылыма жардам бергим келет."); p.taps("Даяр ✔") }},
	}
	for _, s := range steps {
		if s.field == stop {
			p.news()
			return
		}
		s.do()
	}
	p.news()
}

// ask is the question of field as the bot sends it to her: its progress
// mark, counted over the questions her stored answers ask her, the
// section's title on the first question of a section, and the question.
func (p *person) ask(field string) string { return p.question(field, true) }

// again is the question of field asked again (after a refusal, or as the
// same step): without the section's title.
func (p *person) again(field string) string { return p.question(field, false) }

func (p *person) question(field string, title bool) string {
	p.h.t.Helper()
	var answers map[string]string
	lang := "ky"
	if err := p.h.db.View(func(tx *store.Tx) error {
		if u, err := tx.User(p.user.ID); err == nil && u.Language != "" {
			lang = u.Language
		}
		if d, err := tx.Draft(p.user.ID); err == nil {
			answers = d.Answers
		}
		return nil
	}); err != nil {
		p.h.t.Fatal(err)
	}
	f, ok := form.ByID(field)
	if !ok {
		p.h.t.Fatalf("no field %q", field)
	}
	n, total := form.Position(field, answers)
	head := p.h.text(lang, "form.mark", map[string]any{"Section": f.Section, "Sections": form.Sections, "N": n, "Total": total})
	if title {
		for _, g := range form.Fields {
			if g.Section == f.Section && g.Asked(answers) {
				if g.ID == field {
					head += "\n" + p.h.text(lang, fmt.Sprintf("form.section.%d", f.Section), nil)
				}
				break
			}
		}
	}
	return head + "\n\n" + p.h.text(lang, "form."+field+".ask", map[string]any{"From": 2025, "To": 2026})
}

func TestBadInput_NonTextWhereTextIsExpected(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 6001)
	q := p.again("full_name")
	needText := h.text("ky", "input.need_text", nil)
	for name, send := range map[string]func(){
		"Sticker":  func() { h.settle(h.srv.SendSticker(p.user)) },
		"Photo":    func() { h.settle(h.srv.SendPhoto(p.user, "менин сүрөтүм")) },
		"Voice":    func() { h.settle(h.srv.SendVoice(p.user)) },
		"Document": func() { h.settle(h.srv.SendDocument(p.user, "cv.pdf")) },
		"Location": func() { h.settle(h.srv.SendLocation(p.user)) },
		"Contact":  func() { p.sharesContact("+996700123456", true) },
	} {
		t.Run(name, func(t *testing.T) {
			send()
			p.expect(needText, q)
		})
	}
	// Nothing was stored as her name.
	p.says("Асанова Айгүл")
	p.expect(p.ask("birth_date"))
}

func TestBadInput_RealTelegramPayloads(t *testing.T) {
	// Fixtures from other libraries' test suites, replayed as they are.
	// They come from users the bot never met: each must get a sensible
	// answer or none, and never stall the bot.
	h := newHarness(t)
	for _, name := range []string{"sticker", "photo", "document", "contact", "edited_message", "message__de_sticker",
		"message__de_image", "09_voice_message", "10_message_with_document", "callback_query",
		"callback_query_inaccessible_message", "message_topic", "new_chat_members", "message__issue_427",
		"update__issue_523", "update__issue_1107_2", "13_callback_query", "my_chat_member", "update__dice_works"} {
		h.settle(h.srv.PushFixture(name))
	}
	if v := h.srv.Violations(); len(v) > 0 {
		t.Fatalf("calls that break the spec: %v", v)
	}
	// And she is still served afterwards.
	p := h.person(6002, "ru")
	p.says("/start")
	if got := p.news(); len(got) != 1 || !strings.Contains(got[0], "Тилди тандаңыз") {
		t.Fatalf("after the fixtures: %q", got)
	}
}

// A name, a place or a story with no letter ("2" sent by a tap on the
// wrong key, "...", a lone emoji) is refused and asked again, not stored.
func TestBadInput_NoLetters(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 6013)
	for _, slip := range []string{"2", "...", "👍", "+996"} {
		p.says(slip)
		p.expect(h.text("ky", "form.invalid.no_letters", nil), p.again("full_name"))
	}
	p.says("Асанова Айгүл")
	if got := h.srv.Last(p.user.ID).Text; !strings.Contains(got, h.text("ky", "form.birth_date.ask", nil)) {
		t.Errorf("after her name she sees %q", got)
	}
}

func TestBadInput_LongAnswerToShortField(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 6003)
	p.says(strings.Repeat("а", 5000))
	p.expect(h.text("ky", "form.invalid.too_long", map[string]any{"Max": 200, "Length": 5000}),
		p.again("full_name"))
}

func TestBadInput_Dates(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 6004)
	upTo(t, p, "birth_date")
	tests := []struct {
		name, typed, key string
		data             map[string]any
	}{
		{"Impossible", "31.02.1990", "form.invalid.date_impossible", map[string]any{"Input": "31.02.1990"}},
		{"Garbage", "былтыр", "form.invalid.date", nil},
		{"Future", "01.01.2030", "form.invalid.date_future", nil},
		{"TooOld", "01.01.1900", "form.invalid.date_too_old", nil},
		{"UnderEighteen", "12.12.2008", "form.ineligible.age", map[string]any{"Deadline": "11.12.2026"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.says(tt.typed)
			p.expect(h.text("ky", tt.key, tt.data), p.ask("birth_date"))
		})
	}
	t.Run("EighteenOnTheDeadline", func(t *testing.T) {
		p.says("11.12.2008")
		p.expect(p.ask("lives_in_village"))
	})
}

func TestBadInput_Ineligible(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 6005)
	upTo(t, p, "lives_in_village")
	p.taps("Жок")
	p.expect(h.text("ky", "form.ineligible.village", nil), p.ask("lives_in_village"))
	p.says("ооба") // typed instead of tapped
	p.expect(p.ask("oblast"))
	p.says("Ош") // typed label
	p.says("Ноокат")
	p.says("Гүлистан")
	p.says("Гүлистан")
	p.says("Иштебейм")
	p.news()
	p.taps("Ооба")
	p.expect(h.text("ky", "form.ineligible.similar_school", nil), p.ask("similar_school"))
}

func TestBadInput_PhoneAndEmail(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 6006)
	upTo(t, p, "phone")
	p.says("12345")
	p.expect(h.text("ky", "form.invalid.phone_short", map[string]any{"Digits": 5}), p.again("phone"))
	if last := h.srv.Last(p.user.ID); len(last.ReplyKeyboard) != 1 || !last.ReplyKeyboard[0][0].RequestContact {
		t.Fatalf("phone question without the share button: %+v", last.ReplyKeyboard)
	}
	p.sharesContact("+7 701 123 45 67", false) // a Kazakh number from her address book
	p.expect(h.text("ky", "form.phone.not_own", nil), p.again("phone"))
	p.sharesContact("+996 555 010 203", true)
	p.expect("Номер жазылды: +996555010203", p.ask("whatsapp"))
	if msgs := h.srv.Messages(p.user.ID); !msgs[len(msgs)-2].RemoveKeyboard {
		t.Error("the share-number keyboard stays up")
	}
	p.says("0555 010 203")
	p.news()
	p.says("aigul@")
	p.expect(h.text("ky", "form.invalid.email", nil), p.ask("email"))
	p.says("Aigul@Mail.KG")
	p.expect(p.ask("lsg_experience"))
}

func TestBadInput_OldButtonsAndEdits(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 6007)
	upTo(t, p, "lives_in_village")
	question := h.srv.Last(p.user.ID).ID
	p.taps("Ооба")
	p.news()

	// A tap on the answered question's button: a notice, the current question again.
	id := p.tapsOn(question, "f:lives_in_village:no")
	if a, ok := h.srv.AnswerTo(id); !ok || a.Text != h.text("ky", "input.old_button", nil) {
		t.Errorf("callback answer %+v", a)
	}
	p.expect(p.ask("oblast"))

	// A button the bot never made.
	p.tapsOn(question, "nonsense")
	p.expect(p.ask("oblast"))

	// She edits a message she sent: the edit is not taken as an answer.
	h.settle(h.srv.EditText(p.user, 1, "Жок"))
	p.expect(h.text("ky", "input.edited", nil), p.ask("oblast"))

	// A button of the language picker, long after.
	p.tapsOn(h.srv.Messages(p.user.ID)[0].ID, "lang:ru")
	p.expect(p.ask("oblast"))

	// An unknown command, and a staff command from someone who is not staff.
	p.says("/foo")
	p.expect(h.text("ru", "input.unknown_command", nil), p.ask("oblast"))
	p.says("/export")
	p.expect(h.text("ru", "access.denied", nil), p.ask("oblast"))
}

func TestBadInput_Essay(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 6008)
	upTo(t, p, "essay")
	// Done before writing anything.
	p.says(strings.Repeat("сөз ", 600))
	p.news()
	p.says(strings.Repeat("дагы ", 401))
	p.expect(h.text("ky", "form.essay.too_long", map[string]any{"Words": 1001, "Max": 1000, "Have": 600}))
	p.says(strings.Repeat("дагы ", 400))
	p.news()
	p.taps("Даяр ✔")
	summary := strings.Join(p.news(), "\n")
	if !strings.Contains(summary, "(1000 сөз)") {
		t.Fatalf("summary: %s", summary)
	}
	// Too long a summary would be refused by Telegram: every part fits.
	for _, m := range h.srv.Messages(p.user.ID) {
		if n := len([]rune(m.Text)); n > 4096 {
			t.Errorf("message of %d characters", n)
		}
	}
}

func TestGroupChat(t *testing.T) {
	h := newHarness(t)
	u := h.person(6009, "ky").user
	h.settle(h.srv.SendGroupText(-100500, u, "Саламатсыздарбы!"))
	h.settle(h.srv.SendGroupText(-100500, u, "/start"))
	msgs := h.srv.Messages(-100500)
	if len(msgs) != 1 || msgs[0].Text != h.text("ky", "group.private_only", nil) {
		t.Fatalf("group sees %+v", msgs)
	}
	err := h.db.View(func(tx *store.Tx) error {
		_, err := tx.User(u.ID)
		return err
	})
	if err == nil {
		t.Error("a group message stored a user")
	}
}

func TestDeadline(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 6010)
	upTo(t, p, "") // the whole form, up to the summary
	h.clock.Set(deadline)
	p.taps("✅ Өтүнмөнү жөнөтүү")
	closed := h.text("ky", "app.closed", map[string]any{"Deadline": "11.12.2026 17:00"})
	p.expect(closed)
	if apps, _ := h.db.Applications(); len(apps) != 0 {
		t.Fatalf("%d applications after the deadline", len(apps))
	}
	// A newcomer after the deadline is told at once.
	late := h.person(6011, "ky")
	late.says("/start")
	late.taps("Кыргызча")
	late.taps("Макулмун")
	late.expect(h.text("ky", "language.chosen", nil), h.text("ky", "consent.ask", nil)+"\n\n✅ Макулмун", closed)
}
