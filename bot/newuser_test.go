package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// run counts a new user's way through the bot: her steps (a tap or a
// typed message each; Telegram's START button, which sends /start,
// counts as a tap), and what she reads.
type run struct {
	p                *person
	steps, taps      int
	typed            int
	longest, summary int
	longestText      string
	chars            int
}

func (r *run) tap(label string) { r.p.taps(label); r.steps++; r.taps++ }
func (r *run) say(text string)  { r.p.says(text); r.steps++; r.typed++ }

// read takes the final texts of every message in her chat (edits
// included in place): the longest, the summary's length, and all the
// characters she was sent.
func (r *run) read(summaryMark string) {
	for _, m := range r.p.h.srv.Messages(r.p.user.ID) {
		n := utf8.RuneCountInString(m.Text)
		r.chars += n
		switch {
		case strings.HasPrefix(m.Text, summaryMark):
			r.summary = max(r.summary, n)
		case n > r.longest:
			r.longest, r.longestText = n, m.Text
		}
	}
}

// The new-user run: a woman new to the bot applies, answering
// only what the questions ask, with plausible answers (no e-mail, no
// experience to tell, ready for every stage, an essay of about 150 words
// in one message). No message is over 600 characters but the summary.
func TestNewUserRun(t *testing.T) {
	essay := strings.TrimSpace(strings.Repeat("Мен айылыма жардам бергим келет, анткени биздин айылда таза суу жана жол маселеси абдан курч. ", 10))
	for _, tt := range []struct {
		lang    string
		working bool // a teacher types her work; a woman who does not work taps it
	}{{"ky", true}, {"ru", true}, {"ky", false}, {"ru", false}} {
		lang := tt.lang
		t.Run(fmt.Sprintf("%s/working=%v", lang, tt.working), func(t *testing.T) {
			h := newHarness(t)
			tr := func(key string) string { return h.text(lang, key, nil) }
			r := &run{p: h.person(15000, lang)}
			r.p.says("/start") // the START button
			r.steps++
			r.taps++
			r.tap(map[string]string{"ky": "Кыргызча", "ru": "Русский"}[lang])
			r.tap(tr("consent.yes"))
			r.say("Асанова Айгүл Бакытовна")
			r.say("15.03.1990")
			r.tap(tr("answer.yes"))
			r.tap(tr("form.oblast.opt.naryn"))
			r.tap(tr("form.district.opt.at_bashy"))
			r.say("Кара-Коюн")
			r.say("Ак-Муз")
			if tt.working {
				r.say("Мугалим, Ак-Муз орто мектеби")
			} else {
				r.tap(tr("form.workplace.opt.none"))
			}
			r.tap(tr("answer.no"))
			r.p.sharesContact("996700123456", true) // the "share my number" button
			r.steps++
			r.taps++
			r.tap(tr("form.whatsapp.same"))
			r.tap(tr("form.email.skip"))
			for range 3 {
				r.tap(tr("answer.no"))
			}
			for range 4 {
				r.tap(tr("answer.yes"))
			}
			r.tap(tr("form.stages.all"))
			r.tap(tr("answer.done"))
			r.say(essay)
			r.tap(tr("answer.done"))
			r.tap(tr("summary.submit"))
			if last := h.srv.Last(r.p.user.ID).Text; !strings.Contains(last, "A-001") {
				t.Fatalf("not submitted: %q", last)
			}
			// A tapped district or "not working" is stored as if she had typed it.
			rows := exportRows(t, h)
			for j, col := range rows[0] {
				want := map[string]string{"district": tr("form.district.opt.at_bashy"), "workplace": tr("form.workplace.opt.none"), "sex": "female"}[col]
				if col == "workplace" && tt.working {
					want = "Мугалим, Ак-Муз орто мектеби"
				}
				if want != "" && rows[1][j] != want {
					t.Errorf("%s = %q, want %q", col, rows[1][j], want)
				}
			}
			r.read(tr("summary.title"))
			t.Logf("%s, working %v: %d steps, %d taps (%d%%), %d typed; longest message %d characters (summary %d); %d characters sent",
				lang, tt.working, r.steps, r.taps, 100*r.taps/r.steps, r.typed, r.longest, r.summary, r.chars)
			if r.longest > 600 {
				t.Errorf("a message of %d characters:\n%s", r.longest, r.longestText)
			}
			if r.taps*100 < 75*r.steps {
				t.Errorf("only %d of %d steps by tap", r.taps, r.steps)
			}
			if r.steps != r.taps+r.typed {
				t.Errorf("steps %d != taps %d + typed %d", r.steps, r.taps, r.typed)
			}
		})
	}
}
