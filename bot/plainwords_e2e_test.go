package bot_test

import (
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

// The progress mark is on every question, counted over the questions she
// is asked (a "yes" that asks for a story adds one); the form does not ask
// her sex and records it as the paper form prints it; the years of the
// "similar school" question follow the deadline.
func TestPlainWords_MarkNoSexQuestionYears(t *testing.T) {
	for _, tt := range []struct {
		lang, picker, consent, yes, no, name string
		want                                 []string // first question, the one after her name, similar school, the story after a yes
	}{
		{"ky", "Кыргызча", "Макулмун", "Ооба", "Жок", "Асанова Айгүл", []string{
			"Бөлүм 1/8 · 1/21\nСиз жөнүндө\n\nАты-жөнүңүз? Фамилияңызды, атыңызды жана атаңыздын атын жазыңыз.",
			"Бөлүм 1/8 · 2/21\n\nТуулган күнүңүз? Мисалы: 15.03.1990",
			"Бөлүм 1/8 · 9/21\n\nАкыркы эки жылда (2025–2026) болочок депутаттар үчүн ушуга окшош мектепте окудуңузбу?",
			"Бөлүм 3/8 · 14/22\n\nОшол тууралуу айтып бериңиз: кандай көйгөй болду, аларга кантип жеттиңиз, чогуу эмне кылдыңыздар, эмне чыкты.",
		}},
		{"ru", "Русский", "Согласна", "Да", "Нет", "Иванова Гульнара", []string{
			"Раздел 1/8 · 1/21\nО вас\n\nКак вас зовут? Напишите фамилию, имя и отчество.",
			"Раздел 1/8 · 2/21\n\nКогда вы родились? Например: 15.03.1990",
			"Раздел 1/8 · 9/21\n\nЗа последние два года (2025–2026) вы учились в похожей школе для будущих депутатов?",
			"Раздел 3/8 · 14/22\n\nРасскажите об этом: какая была проблема, как вы до них достучались, что сделали вместе и что получилось.",
		}},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			h := newHarness(t)
			p := h.person(14001, tt.lang)
			p.says("/start")
			p.taps(tt.picker)
			p.taps(tt.consent)
			if got := p.news(); got[len(got)-1] != tt.want[0] {
				t.Fatalf("first question %q, want %q", got[len(got)-1], tt.want[0])
			}
			p.says(tt.name)
			p.expect(tt.want[1])
			if d := draftOf(t, h, p.user.ID); d.Answers["sex"] != "female" {
				t.Errorf("sex stored as %q, want female", d.Answers["sex"])
			}
			p.says("15.03.1990")
			p.taps(tt.yes)
			p.taps(h.text(tt.lang, "form.oblast.opt.naryn", nil))
			p.says("Ат-Башы")
			p.says("Кара-Коюн")
			p.says("Ак-Муз")
			p.says("Мугалим")
			got := p.news()
			for i, q := range got { // every question under its mark: 3/21 ... 9/21
				if mark := h.text(tt.lang, "form.mark", map[string]any{"Section": 1, "Sections": 8, "N": i + 3, "Total": 21}); !strings.HasPrefix(q, mark+"\n\n") {
					t.Errorf("question %q without the mark %q", q, mark)
				}
			}
			if len(got) != 7 || got[6] != tt.want[2] {
				t.Fatalf("she sees %q, last want %q", got, tt.want[2])
			}
			p.taps(tt.no)
			p.says("0700123456")
			p.taps(h.text(tt.lang, "form.whatsapp.same", nil))
			p.taps(h.text(tt.lang, "form.email.skip", nil))
			p.news()
			p.taps(tt.yes) // she has worked with the aiyl okmotu: the story is one more question
			p.expect(tt.want[3])
		})
	}
}

// Submitted, the application keeps "female" for the exports and the
// commission, and her own summary does not show a question she was not
// asked.
func TestPlainWords_SexRecordedNotShown(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 14002)
	upTo(t, p, "")
	summary := h.srv.Last(p.user.ID).Text
	if strings.Contains(summary, h.text("ky", "form.sex.label", nil)) || !strings.Contains(summary, "📋") {
		t.Errorf("her summary:\n%s", summary)
	}
	p.taps(h.text("ky", "summary.submit", nil))
	rows := exportRows(t, h)
	for j, col := range rows[0] {
		if col == "sex" && rows[1][j] != "female" {
			t.Errorf("exported sex %q, want female", rows[1][j])
		}
	}
	if !strings.Contains(strings.Join(rows[0], ","), ",sex,") {
		t.Errorf("no sex column: %v", rows[0])
	}
}

// /start and /help tell her where her application is, in her language:
// a draft with its progress, sent (with code and date), withdrawn, and
// once the results are sent out accepted (with the school's dates),
// waitlisted, not selected. A decision not yet sent out is still "sent".
func TestPlainWords_StatusInStartAndHelp(t *testing.T) {
	type status struct {
		set  func(a *store.Application)
		want map[string]string
	}
	published := func(s store.Status) func(a *store.Application) {
		return func(a *store.Application) { a.Status, a.DecidedAt, a.PublishedAt = s, today, today }
	}
	sent := map[string]string{
		"ky": "Сиздин A-001 өтүнмөңүз 22.11.2026 күнү жөнөтүлгөн жана тандоону күтүп жатат. Жыйынтыгын ушул жерге жазабыз.",
		"ru": "Ваша заявка A-001 отправлена 22.11.2026 и ждёт отбора. О результате мы напишем сюда.",
	}
	statuses := []status{
		{nil, sent},
		{func(a *store.Application) { a.Status, a.DecidedAt = store.StatusAccepted, today }, sent},
		{published(store.StatusAccepted), map[string]string{
			"ky": "🎉 A-001 өтүнмөңүз кабыл алынды: сиз Мектептин катышуучусусуз! Мектеп Бишкекте 25.01.2027 – 29.01.2027 өтөт. Сапар тууралуу сизге жазабыз. График: /schedule",
			"ru": "🎉 Ваша заявка A-001 принята: вы участница Школы! Школа пройдёт в Бишкеке с 25.01.2027 по 29.01.2027. Мы напишем вам о поездке. Расписание: /schedule",
		}},
		{published(store.StatusWaitlisted), map[string]string{
			"ky": "A-001 өтүнмөңүз резервде. Орун бошосо, дароо жазабыз.",
			"ru": "Ваша заявка A-001 в резерве. Если освободится место, мы сразу вам напишем.",
		}},
		{published(store.StatusDeclined), map[string]string{
			"ky": "A-001 өтүнмөңүз бул жолу тандоодон өткөн жок. Өтүнмө бергениңиз үчүн рахмат! Кийинки жолу да сизди күтөбүз.",
			"ru": "Ваша заявка A-001 в этот раз не прошла отбор. Спасибо, что подали её! Будем рады вам в следующем наборе.",
		}},
		{func(a *store.Application) { a.Status, a.WithdrawnAt = store.StatusWithdrawn, today }, map[string]string{
			"ky": "Сиз A-001 өтүнмөнү кайтарып алгансыз (22.11.2026). Ал тандоого катышпайт.",
			"ru": "Вы отозвали заявку A-001 (22.11.2026). В отборе она не участвует.",
		}},
	}
	draft := map[string]string{
		"ky": "Анкетаңыз башталган: 21 суроонун 2 суроосуна жооп бердиңиз. Улантуу: /start",
		"ru": "Ваша анкета начата: отвечено 2 из 21. Продолжить: /start",
	}
	for _, lang := range []string{"ky", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			helpHead := func(p *person, status string) {
				t.Helper()
				p.says("/help")
				got := p.news()
				if want := h.text(lang, "help.text", nil) + "\n\n" + status + "\n\n/start"; len(got) == 0 || !strings.HasPrefix(got[0], want) {
					t.Fatalf("/help shows %q, want it to begin %q", got, want)
				}
			}
			// A draft: two answers of 21 (her sex is not one of them).
			d := h.person(14011, lang)
			d.says("/start")
			d.taps(map[string]string{"ky": "Кыргызча", "ru": "Русский"}[lang])
			d.taps(h.text(lang, "consent.yes", nil))
			d.says("Асанова Айгүл")
			d.says("15.03.1990")
			d.news()
			helpHead(d, draft[lang])
			d.says("/start")
			d.expect(h.text(lang, "form.welcome_back", map[string]any{"Done": 2, "Count": 21}), d.again("lives_in_village"))

			p := apply(t, h, applicant{14012, lang, "Иванова Гульнара Петровна", "01.06.1985", "Кун-Туу"})
			for _, s := range statuses {
				if s.set != nil {
					if err := h.db.Update(func(tx *store.Tx) error {
						a, err := tx.ApplicationOf(p.user.ID)
						if err != nil {
							return err
						}
						s.set(&a)
						return tx.PutApplication(a)
					}); err != nil {
						t.Fatal(err)
					}
				}
				p.says("/start")
				p.expect(s.want[lang])
				helpHead(p, s.want[lang])
			}
		})
	}
}

// "Start over" on the essay asks first, with how many words it deletes;
// the essay shows the words saved and left, on every part and when she
// comes back to it; Back from an essay begun asks first too.
func TestPlainWords_EssayCountsAndStartOver(t *testing.T) {
	for _, tt := range []struct {
		lang                                            string
		receipt, ask, cleared, resumed, backAsk, stayed string
		clear, no, yes, done                            string
	}{
		{lang: "ky",
			receipt: "Сакталды: 9 сөз, дагы 991 сөз жазсаңыз болот. Уланта бериңиз же «Даяр» баскычын басыңыз.",
			ask:     "Бүт дилбаянды (9 сөз) өчүрүп, кайра баштайсызбы?",
			cleared: "Дилбаян өчүрүлдү. Даяр болгондо кайра жазыңыз.",
			resumed: "Мурун жазганыңыз сакталган: 9 сөз, дагы 991 сөз жазсаңыз болот. Уланта бериңиз же «Даяр» баскычын басыңыз.",
			backAsk: "Артка кайтасызбы? Бул жерге жазганыңыз өчүп калат.",
			stayed:  "Улантабыз.",
			clear:   "Кайра баштоо", no: "Жок, калсын", yes: "Ооба, өчүрүү", done: "Даяр ✔"},
		{lang: "ru",
			receipt: "Сохранено: 9 слов, можно ещё 991. Пишите дальше или нажмите «Готово».",
			ask:     "Удалить всё эссе (9 слов) и начать заново?",
			cleared: "Эссе удалено. Пишите заново, когда будете готовы.",
			resumed: "Вы уже написали 9 слов, они сохранены; можно ещё 991. Пишите дальше или нажмите «Готово».",
			backAsk: "Вернуться назад? То, что вы написали здесь, удалится.",
			stayed:  "Продолжаем.",
			clear:   "Начать заново", no: "Нет, оставить", yes: "Да, удалить", done: "Готово ✔"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			h := newHarness(t)
			p := fillTo(t, h, 14021, tt.lang, "essay")
			p.says(essayPart1)
			p.expect(tt.receipt)
			p.taps(tt.clear)
			p.expect(tt.ask)
			p.taps(tt.no) // nothing deleted: the receipt again, with Done
			p.expect()
			if last := h.srv.Last(p.user.ID); last.Text != tt.receipt || len(last.Buttons) == 0 {
				t.Fatalf("after No: %q %v", last.Text, last.Buttons)
			}

			// She goes away and comes back after a restart: her words are there.
			h.restart()
			p.says("/start")
			essay := p.again("essay") + "\n\n" + tt.resumed
			p.expect(h.text(tt.lang, "form.welcome_back", map[string]any{"Done": 20, "Count": 21}), essay)

			// Back with an essay begun asks first; she stays.
			p.taps(h.text(tt.lang, "dialogue.back", nil))
			p.expect(tt.backAsk)
			p.taps(h.text(tt.lang, "dialogue.stay_button", nil))
			p.expect(essay)

			// Start over, confirmed: the essay is empty.
			p.taps(tt.clear)
			p.news()
			p.taps(tt.yes)
			p.expect(tt.cleared)
			if d := draftOf(t, h, p.user.ID); d.Answers["essay"] != "" {
				t.Errorf("essay answer %q", d.Answers["essay"])
			}
			p.taps(tt.done)
			p.expect(h.text(tt.lang, "form.essay.empty", nil))
		})
	}
}

// The stages checklist: Done with nothing ticked asks again kindly on the
// same message; "all" ticks every stage; after Done the stages are in her
// chat once.
func TestPlainWords_Checklist(t *testing.T) {
	for _, lang := range []string{"ky", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			tr := func(key string) string { return h.text(lang, key, nil) }
			p := fillTo(t, h, 14031, lang, "stages")
			question := h.srv.Last(p.user.ID)
			p.taps(tr("answer.done"))
			p.expect() // no new message: the checklist itself asks again
			again := h.srv.Last(p.user.ID)
			if want := p.again("stages") + "\n\n" + tr("form.stages.none"); again.ID != question.ID || again.Text != want || len(again.Buttons) != 12 {
				t.Fatalf("after Done with none: %q (%d rows), want %q", again.Text, len(again.Buttons), want)
			}
			p.taps(tr("form.stages.all"))
			for _, row := range h.srv.Last(p.user.ID).Buttons[:9] {
				if !strings.HasPrefix(row[0].Text, "✅ ") {
					t.Errorf("not ticked by all: %q", row[0].Text)
				}
			}
			p.taps(tr("answer.done"))
			p.expect(p.ask("essay"))
			var lines []string
			for _, item := range []string{"stage_application", "stage_info", "stage_school", "stage_mentoring",
				"stage_monitoring", "stage_training", "stage_budgeting", "stage_portal", "stage_final"} {
				lines = append(lines, "✅ "+tr("form."+item+".short"))
			}
			done := h.srv.Messages(p.user.ID)
			if want := p.again("stages") + "\n\n" + strings.Join(lines, "\n"); done[len(done)-2].Text != want {
				t.Errorf("after Done: %q, want %q", done[len(done)-2].Text, want)
			}
			label := tr("form.stage_portal.short")
			n := 0
			for _, m := range done {
				n += strings.Count(m.Text, label)
			}
			if n != 1 {
				t.Errorf("%q is %d times in her chat, want once", label, n)
			}
			d := draftOf(t, h, p.user.ID)
			if d.Answers["stage_final"] != "yes" || d.Answers["stage_application"] != "yes" {
				t.Errorf("stages stored: %v", d.Answers)
			}
		})
	}
}

// fillTo takes a new person through the form in lang, by the buttons'
// labels of that language, until the question stop is asked.
func fillTo(t *testing.T, h *harness, id int64, lang, stop string) *person {
	t.Helper()
	tr := func(key string) string { return h.text(lang, key, nil) }
	p := h.person(id, lang)
	p.says("/start")
	p.taps(map[string]string{"ky": "Кыргызча", "ru": "Русский"}[lang])
	p.taps(tr("consent.yes"))
	steps := []struct {
		field string
		do    func()
	}{
		{"full_name", func() { p.says("Асанова Айгүл") }},
		{"birth_date", func() { p.says("15.03.1990") }},
		{"lives_in_village", func() { p.taps(tr("answer.yes")) }},
		{"oblast", func() { p.taps(tr("form.oblast.opt.osh")) }},
		{"district", func() { p.says("Ноокат") }},
		{"aiyl_okmotu", func() { p.says("Гүлистан") }},
		{"village", func() { p.says("Гүлистан") }},
		{"workplace", func() { p.says("Мугалим") }},
		{"similar_school", func() { p.taps(tr("answer.no")) }},
		{"phone", func() { p.says("0700123456") }},
		{"whatsapp", func() { p.taps(tr("form.whatsapp.same")) }},
		{"email", func() { p.taps(tr("form.email.skip")) }},
		{"lsg_experience", func() { p.taps(tr("answer.no")) }},
		{"community_experience", func() { p.taps(tr("answer.no")) }},
		{"support_group", func() { p.taps(tr("answer.no")) }},
		{"ready_active", func() { p.taps(tr("answer.yes")) }},
		{"ready_self_study", func() { p.taps(tr("answer.yes")) }},
		{"ready_organise", func() { p.taps(tr("answer.yes")) }},
		{"ready_free_time", func() { p.taps(tr("answer.yes")) }},
	}
	for _, s := range steps {
		if s.field == stop {
			break
		}
		s.do()
	}
	if stop == "essay" {
		p.taps(tr("form.stages.all"))
		p.taps(tr("answer.done"))
	}
	p.news()
	return p
}
