package bot_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
)

const naryn = "https://t.me/" + telegramtest.BotUsername + "?start=src-wa-naryn"

func TestLinks_MadeOpenedCounted(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	staff.says("/links")
	staff.expect(h.text("ru", "staff.links.none", nil))

	// Bad names are refused, and nothing is made.
	for _, bad := range []string{"WA-Naryn", "wa naryn", "нарын", "direct", "wa.naryn", strings.Repeat("a", 51)} {
		staff.says("/links " + bad)
		staff.expect(h.text("ru", "staff.links.bad_name", nil))
	}
	staff.says("/links wa-naryn")
	staff.expect("Ссылка для «wa-naryn» готова. Её можно вставить в WhatsApp, Facebook или SMS:\n" + naryn)
	staff.says("/links wa-naryn")
	staff.expect("Ссылка «wa-naryn» уже есть:\n" + naryn)
	staff.says("/links " + strings.Repeat("a", 50))
	staff.news()
	staff.says("/links ao_kara-koyun")
	staff.news()

	// A stranger opens the link: the short greeting in both languages.
	p := h.person(7701, "ru")
	p.says("/start src-wa-naryn")
	first := p.news()
	want := h.text("ky", "language.ask", nil) + "\n\n" + h.text("ru", "language.ask", nil)
	if len(first) != 1 || first[0] != want {
		t.Fatalf("her first messages %q, want %q", first, want)
	}
	// One short message with two buttons: it arrives on a slow network.
	if n := utf8.RuneCountInString(first[0]); n > 120 {
		t.Errorf("the first message is %d characters", n)
	}
	p.taps("Кыргызча")
	p.taps("Макулмун")
	p.news()
	upTo(t, p, "")
	p.taps(h.text("ky", "summary.submit", nil))
	// Another link later does not change where she came from.
	p.says("/start src-ao_kara-koyun")
	if u := userOf(t, h, p.user.ID); u.Source != "wa-naryn" {
		t.Errorf("her source %q, want wa-naryn", u.Source)
	}

	// A woman who opened the bot without a link is direct.
	direct := startForm(t, h, 7702)
	upTo(t, direct, "")
	direct.taps(h.text("ky", "summary.submit", nil))
	// One who only opened a link and stopped at the language.
	h.person(7703, "ky").says("/start src-ao_kara-koyun")
	// A link nobody made counts as none.
	h.person(7704, "ky").says("/start src-made-up")

	staff.says("/applications")
	got := staff.news()
	wantHead := funnelLine(2, 2, 0, 0) + "\n" +
		"По источникам (открыли бота · начали анкету · отправили, 28+/до 28):\n" +
		"direct: 2 · 1 · 1 (1/0)\n" +
		"wa-naryn: 1 · 1 · 1 (1/0)\n" +
		"ao_kara-koyun: 1 · 0 · 0 (0/0)\n"
	if len(got) != 1 || !strings.Contains(got[0], "\n"+wantHead+"\n") {
		t.Errorf("staff see %q\nwant the head %q", got, wantHead)
	}

	staff.says("/links")
	staff.expect("Ссылки по источникам: 3. Кто пришёл по ссылке, считается в /applications под её именем.\n\n" +
		strings.Repeat("a", 50) + " — https://t.me/" + telegramtest.BotUsername + "?start=src-" + strings.Repeat("a", 50) + " · открыли 0, отправили 0\n\n" +
		"ao_kara-koyun — https://t.me/" + telegramtest.BotUsername + "?start=src-ao_kara-koyun · открыли 1, отправили 0\n\n" +
		"wa-naryn — " + naryn + " · открыли 1, отправили 1\n\n" +
		"Новая ссылка: /links ИМЯ")

	rows := exportRows(t, h)
	code, source := slices.Index(rows[0], "code"), slices.Index(rows[0], "source")
	if len(rows) != 3 || source < 0 || rows[1][code] != "A-001" || rows[1][source] != "wa-naryn" ||
		rows[2][code] != "A-002" || rows[2][source] != "direct" {
		t.Errorf("export %q", rows)
	}

	// Applicants are refused the command.
	p.says("/links")
	if got := strings.Join(p.news(), "\n"); strings.Contains(got, "src-") {
		t.Errorf("an applicant sees links: %q", got)
	}
}
