package bot_test

import (
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/store"
)

// submitted stores n submitted applications, A-001 on, every third under
// 28, from women 50001 on.
func submitted(t testing.TB, db *store.DB, n int) {
	t.Helper()
	err := db.Update(func(tx *store.Tx) error {
		first := 0
		if apps, err := tx.Applications(); err == nil {
			first = len(apps)
		}
		for i := first; i < first+n; i++ {
			a := store.Application{UserID: int64(50001 + i), Language: "ky", Category: categoryOf(i), Answers: map[string]string{"full_name": fmt.Sprintf("Асанова Айгүл %d", i+1)}}
			if _, err := tx.Submit(a, today); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func categoryOf(i int) store.Category {
	if i%3 == 2 {
		return store.CategoryUnder28
	}
	return store.Category28Plus
}

// applicationRows are the lines of /applications for A-from to A-to.
func applicationRows(from, to int) string {
	var lines []string
	for i := from; i <= to; i++ {
		cat := "28 лет и старше"
		if categoryOf(i-1) == store.CategoryUnder28 {
			cat = "до 28 лет"
		}
		lines = append(lines, fmt.Sprintf("A-%03d · %s · 22.11.2026 · Асанова Айгүл %d", i, cat, i))
	}
	return strings.Join(lines, "\n")
}

// listMessage is the one message a list command sent: it fails unless
// exactly one arrived.
func listMessage(t *testing.T, p *person) telegramtest.Message {
	t.Helper()
	if got := p.news(); len(got) != 1 {
		t.Fatalf("%d messages, want one: %q", len(got), got)
	}
	return p.h.srv.Last(p.user.ID)
}

// shown is the message with id as her chat shows it now; nothing new may
// have arrived: a page button edits, it never sends.
func shown(t *testing.T, p *person, id int) telegramtest.Message {
	t.Helper()
	if got := p.news(); len(got) != 0 {
		t.Fatalf("a page tap sent %q, want only an edit", got)
	}
	for _, m := range p.h.srv.Messages(p.user.ID) {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("no message %d", id)
	return telegramtest.Message{}
}

// pageButtons are the data of a message's buttons, row by row.
func pageButtons(m telegramtest.Message) [][]string {
	var rows [][]string
	for _, row := range m.Buttons {
		var r []string
		for _, b := range row {
			r = append(r, b.Text+" "+b.Data)
		}
		rows = append(rows, r)
	}
	return rows
}

func checkButtons(t *testing.T, m telegramtest.Message, want ...[]string) {
	t.Helper()
	got := pageButtons(m)
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("buttons %q, want %q", got, want)
	}
}

func checkText(t *testing.T, m telegramtest.Message, want string) {
	t.Helper()
	if m.Text != want {
		t.Errorf("page:\n%s\nwant:\n%s", m.Text, want)
	}
}

// fileRows sends the file button's tap and returns the workbook's rows.
func fileRows(t *testing.T, p *person, msg int, list string) (telegramtest.Message, [][]string) {
	t.Helper()
	p.tapsOn(msg, "pgf:"+list)
	if got := p.news(); len(got) != 1 {
		t.Fatalf("file button sent %d messages", len(got))
	}
	doc := p.h.srv.Last(p.user.ID)
	if doc.Document == nil {
		t.Fatalf("file button sent %q, no document", doc.Text)
	}
	return doc, sheetRows(t, doc.Document)
}

func TestPaging_Applications(t *testing.T) {
	h := newHarness(t)
	submitted(t, h.db, 45)
	staff := &person{h: h, user: staffUser}
	file := []string{"📄 Весь список файлом pgf:apps"}
	head := h.text("ru", "staff.applications.count", map[string]any{"Count": 45, "Older": 30, "Younger": 15, "Deadline": "11.12.2026 17:00"})
	hint := h.text("ru", "staff.applications.hint", nil)

	staff.says("/applications")
	msg := listMessage(t, staff)
	// The first page also counts the form's way and the sources: these
	// were stored as submitted, by no link.
	sources := "\nНачали анкету: 45, отправили: 45, получили напоминание: 0, вернулись после напоминания: 0." +
		"\nПо источникам (открыли бота · начали анкету · отправили, 28+/до 28):\ndirect: 0 · 45 · 45 (30/15)\n"
	checkText(t, msg, head+sources+"\n"+applicationRows(1, 20)+"\n\n"+hint+"\n\nСтраница 1/3")
	checkButtons(t, msg, []string{"▶ pg:apps:2"}, file)

	staff.taps("▶")
	page := shown(t, staff, msg.ID)
	checkText(t, page, head+"\n"+applicationRows(21, 40)+"\n\n"+hint+"\n\nСтраница 2/3")
	checkButtons(t, page, []string{"◀ pg:apps:1", "▶ pg:apps:3"}, file)

	// A new application between taps: the last page has it.
	submitted(t, h.db, 1)
	staff.taps("▶")
	page = shown(t, staff, msg.ID)
	head46 := h.text("ru", "staff.applications.count", map[string]any{"Count": 46, "Older": 31, "Younger": 15, "Deadline": "11.12.2026 17:00"})
	checkText(t, page, head46+"\n"+applicationRows(41, 46)+"\n\n"+hint+"\n\nСтраница 3/3")
	checkButtons(t, page, []string{"◀ pg:apps:2"}, file)

	// An old button past the end shows the last page; ◀ goes back.
	staff.tapsOn(msg.ID, "pg:apps:9")
	checkText(t, shown(t, staff, msg.ID), page.Text)
	staff.taps("◀")
	checkText(t, shown(t, staff, msg.ID), head46+"\n"+applicationRows(21, 40)+"\n\n"+hint+"\n\nСтраница 2/3")

	// The file holds every application, as /export does.
	doc, rows := fileRows(t, staff, msg.ID, "apps")
	apps, _ := h.db.Applications()
	if len(rows) != 1+46 || doc.Document.Name != "applications-2026-11-22.xlsx" || !sameRows(rows, h.tableRows(t, export.Applications(apps, bishkek), "ru")) {
		t.Errorf("file %s with %d rows:\n%q", doc.Document.Name, len(rows), rows)
	}
	if doc.Document.Caption != h.text("ru", "staff.export.caption", map[string]any{"Count": 46}) {
		t.Errorf("caption %q", doc.Document.Caption)
	}
	// One message for the list, one edit per tap, one document.
	if n := len(h.srv.CallsTo("sendMessage")); n != 1 {
		t.Errorf("%d messages sent to staff, want 1", n)
	}
	if n := len(h.srv.CallsTo("editMessageText")); n != 4 {
		t.Errorf("%d edits, want one per page tap (4)", n)
	}

	// Someone who is not staff cannot page, even with the button's data.
	p := h.person(9001, "ru")
	p.says("/start")
	p.news()
	id := p.tapsOn(msg.ID, "pg:apps:2")
	if a, _ := h.srv.AnswerTo(id); a.Text != h.text("ru", "access.denied", nil) {
		t.Errorf("her tap answered %+v", a)
	}
	id = p.tapsOn(msg.ID, "pgf:apps")
	if a, _ := h.srv.AnswerTo(id); a.Text != h.text("ru", "access.denied", nil) {
		t.Errorf("her file tap answered %+v", a)
	}
	if got := p.news(); len(got) != 0 {
		t.Errorf("she got %q", got)
	}
	if n := len(h.srv.CallsTo("editMessageText")); n != 4 {
		t.Errorf("her tap edited a message")
	}
	// Staff's taps are in the audit log.
	var log []store.AuditEntry
	h.db.View(func(tx *store.Tx) (err error) { log, err = tx.AuditLog(100); return err })
	if !slices.ContainsFunc(log, func(e store.AuditEntry) bool { return e.Action == "button pg" && e.Detail == "apps:3" }) ||
		!slices.ContainsFunc(log, func(e store.AuditEntry) bool { return e.Action == "button pgf" && e.Detail == "apps" }) {
		t.Errorf("page taps not audited: %+v", log)
	}
}

func TestPaging_ApplicationsOnePage(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	staff.says("/applications")
	msg := listMessage(t, staff)
	checkText(t, msg, h.text("ru", "staff.applications.count", map[string]any{"Count": 0, "Older": 0, "Younger": 0, "Deadline": "11.12.2026 17:00"}))
	checkButtons(t, msg)
	submitted(t, h.db, 3)
	staff.says("/applications")
	msg = listMessage(t, staff)
	if !strings.HasSuffix(msg.Text, applicationRows(1, 3)+"\n\n"+h.text("ru", "staff.applications.hint", nil)) {
		t.Errorf("one page:\n%s", msg.Text)
	}
	checkButtons(t, msg, []string{"📄 Весь список файлом pgf:apps"})
}

// rankingFixture: 25 applications aged 28 and over and 10 under 28, all
// scored 80 by both members, except A-022: 100 and 20, flagged.
func rankingFixture(t *testing.T, h *harness) {
	t.Helper()
	err := h.db.Update(func(tx *store.Tx) error {
		for _, id := range []int64{9101, 9102} {
			if err := tx.PutUser(store.User{ID: id, FirstName: "Член", Language: "ru", Roles: []store.Role{store.RoleCommission}}); err != nil {
				return err
			}
		}
		for i := 1; i <= 35; i++ {
			cat := store.Category28Plus
			if i > 25 {
				cat = store.CategoryUnder28
			}
			a, err := tx.Submit(store.Application{UserID: int64(60000 + i), Language: "ru", Category: cat, Answers: map[string]string{"full_name": fmt.Sprint("Айгүл ", i)}}, today)
			if err != nil {
				return err
			}
			for m, p := range map[int64]int{9101: 4, 9102: 4} {
				if a.Code == "A-022" {
					p = map[int64]int{9101: 5, 9102: 1}[m]
				}
				s := store.Score{Code: a.Code, MemberID: m, Points: [7]int{p, p, p, p, p, p, p}, Confirmed: true}
				if err := tx.PutScore(s); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPaging_Ranking(t *testing.T) {
	h := newHarness(t)
	rankingFixture(t, h)
	staff := &person{h: h, user: staffUser}
	older := "28 лет и старше · принять 20, резерв 5"
	younger := "до 28 лет · принять 15, резерв 5"
	// One application split wide (100 and 20), the other 34 scored 80 by
	// both: the members agree on nothing but 80, and alpha is below 0;
	// leaving out A-022 leaves no variation, so alpha without it is not
	// defined, and leaving out any other moves alpha by less than
	// selection.MinRise: none is named as pulling it down. The members'
	// z-scores mirror each other (9102's deviations are three times
	// 9101's, opposite), so every z-mean is 0.
	legend := h.text("ru", "ranking.agreement", map[string]any{"Alpha": "−0.59"}) + "\n\n" + h.text("ru", "ranking.legend", map[string]any{"Count": "20"})
	line := func(place, code int, proposal string) string {
		return fmt.Sprintf("%d. A-%03d — 80 (80 · 80) z 0.00 · предлагаю: %s", place, code, proposal)
	}

	staff.says("/ranking")
	msg := listMessage(t, staff)
	var first []string
	for i := 1; i <= 20; i++ {
		first = append(first, line(i, i, "принята"))
	}
	checkText(t, msg, older+"\n"+strings.Join(first, "\n")+"\n\n"+legend+"\n\nСтраница 1/2")
	checkButtons(t, msg, []string{"▶ pg:rank:2"}, []string{"📄 Весь список файлом pgf:rank"})

	// Page 2 goes on inside the first category, under its title again,
	// then the second category from place 1.
	staff.taps("▶")
	page := shown(t, staff, msg.ID)
	second := []string{older, line(21, 21, "в резерве"), line(22, 23, "в резерве"), line(23, 24, "в резерве"), line(24, 25, "в резерве"),
		"25. A-022 — 60 (100 · 20) z 0.00 ⚠80 · предлагаю: в резерве", "", younger}
	for i := 1; i <= 10; i++ {
		second = append(second, line(i, 25+i, "принята"))
	}
	checkText(t, page, strings.Join(second, "\n")+"\n\n"+legend+"\n\nСтраница 2/2")
	checkButtons(t, page, []string{"◀ pg:rank:1"}, []string{"📄 Весь список файлом pgf:rank"})

	doc, rows := fileRows(t, staff, msg.ID, "rank")
	if len(rows) != 1+35 || doc.Document.Name != "ranking-2026-11-22.xlsx" || doc.Document.Caption != h.text("ru", "ranking.caption", map[string]any{"Count": 35})+"\n"+h.text("ru", "ranking.agreement", map[string]any{"Alpha": "−0.59"}) {
		t.Fatalf("file %s %q with %d rows", doc.Document.Name, doc.Document.Caption, len(rows))
	}
	wantRows := map[int]string{
		0:  "Категория,Место,Код,Средний балл,Член 9101: итог,Член 9102: итог,Разброс,Большой разброс,Средний z (по шкале каждого члена),Альфа без этой заявки,Предложение бота,Решение",
		1:  "28plus,1,A-001,80,80,80,0,no,0,-0.59,accepted,",
		25: "28plus,25,A-022,60,100,20,80,yes,0,,waitlisted,",
		35: "under28,10,A-035,80,80,80,0,no,0,-0.59,accepted,",
	}
	for i, want := range wantRows {
		if got := strings.Join(rows[i], ","); got != want {
			t.Errorf("row %d: %s, want %s", i, got, want)
		}
	}
}

func TestPaging_People(t *testing.T) {
	h := newHarness(t)
	err := h.db.Update(func(tx *store.Tx) error {
		for i := 1; i <= 25; i++ {
			if err := tx.PutUser(store.User{ID: int64(70000 + i), FirstName: fmt.Sprint("Наставник ", i), Language: "ky", Roles: []store.Role{store.RoleMentor}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	staff := &person{h: h, user: staffUser}
	mentors := func(from, to int) string {
		var lines []string
		for i := from; i <= to; i++ {
			lines = append(lines, fmt.Sprintf("• Наставник %d — %d", i, 70000+i))
		}
		return strings.Join(lines, "\n")
	}
	hint := h.text("ru", "people.hint", nil)

	staff.says("/people")
	msg := listMessage(t, staff)
	checkText(t, msg, "Комиссия (0)\n\nНаставники (25)\n"+mentors(1, 20)+"\n\n"+hint+"\n\nСтраница 1/2")
	checkButtons(t, msg, []string{"▶ pg:people:2"}, []string{"📄 Весь список файлом pgf:people"})
	staff.taps("▶")
	checkText(t, shown(t, staff, msg.ID), "Наставники (25)\n"+mentors(21, 25)+"\n\nЮристы (0)\n\nСотрудники (1)\n• Altynai — 900\n\n"+hint+"\n\nСтраница 2/2")

	doc, rows := fileRows(t, staff, msg.ID, "people")
	if len(rows) != 1+26 || doc.Document.Caption != h.text("ru", "people.caption", map[string]any{"Count": 26}) {
		t.Fatalf("file %q with %d rows", doc.Document.Caption, len(rows))
	}
	for i, want := range map[int]string{0: "Роль,ID в Telegram,Имя в Telegram,Язык", 1: "mentor,70001,Наставник 1,ky", 26: "staff,900,Altynai,"} {
		if got := strings.Join(rows[i], ","); got != want {
			t.Errorf("row %d: %s, want %s", i, got, want)
		}
	}
}

func TestPaging_Broadcasts(t *testing.T) {
	h := newHarness(t)
	err := h.db.Update(func(tx *store.Tx) error {
		for i := 1; i <= 7; i++ {
			b, err := tx.PutBroadcast(store.Broadcast{CreatedBy: staffUser.ID, CreatedAt: today.Add(time.Duration(i) * time.Hour), Status: store.BroadcastDone,
				Audience: "participants", Text: map[string]string{"ky": fmt.Sprint("Кабар ", i), "ru": fmt.Sprint("Новость ", i)}})
			if err != nil {
				return err
			}
			for u, state := range []store.RecipientState{store.RecipientSent, store.RecipientSent, store.RecipientBlocked} {
				if err := tx.PutRecipient(store.Recipient{BroadcastID: b.ID, UserID: int64(80000 + u), Language: "ru", State: state}); err != nil {
					return err
				}
			}
		}
		// A draft is not a broadcast yet: not listed.
		_, err := tx.PutBroadcast(store.Broadcast{CreatedBy: staffUser.ID, Status: store.BroadcastDraft})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	staff := &person{h: h, user: staffUser}
	entry := func(id int) string {
		return fmt.Sprintf("#%d · 22.11.2026 %02d:00 · отправлена · participants\nНовость %d\n✅ 2 🚫 1 ❌ 0 ⏳ 0", id, 10+id, id)
	}
	report := func(id int) string { return fmt.Sprintf("📄 #%d bc:csv:%d", id, id) }
	file := []string{"📄 Весь список файлом pgf:bc"}

	staff.says("/broadcasts")
	msg := listMessage(t, staff)
	checkText(t, msg, strings.Join([]string{entry(7), entry(6), entry(5), entry(4), entry(3)}, "\n\n")+"\n\nСтраница 1/2")
	checkButtons(t, msg, []string{report(7), report(6), report(5), report(4), report(3)}, []string{"▶ pg:bc:2"}, file)
	staff.taps("▶")
	page := shown(t, staff, msg.ID)
	checkText(t, page, entry(2)+"\n\n"+entry(1)+"\n\nСтраница 2/2")
	checkButtons(t, page, []string{report(2), report(1)}, []string{"◀ pg:bc:1"}, file)

	doc, rows := fileRows(t, staff, msg.ID, "bc")
	if len(rows) != 1+7 || doc.Document.Caption != h.text("ru", "bc.list_caption", map[string]any{"Count": 7}) {
		t.Fatalf("file %q with %d rows", doc.Document.Caption, len(rows))
	}
	if got, want := strings.Join(rows[7], ","), "1,2026-11-22T11:00:00+06:00,done,participants,,,2,1,0,0,Кабар 1,Новость 1"; got != want {
		t.Errorf("last row: %s, want %s", got, want)
	}
}

func TestPaging_Audit(t *testing.T) {
	h := newHarness(t)
	err := h.db.Update(func(tx *store.Tx) error {
		for i := 1; i <= 45; i++ {
			if err := tx.Audit(store.AuditEntry{At: today.Add(-time.Duration(46-i) * time.Minute), UserID: staffUser.ID, Action: fmt.Sprint("/a", i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	staff := &person{h: h, user: staffUser}
	rows := func(from, to int) string {
		var lines []string
		for i := from; i >= to; i-- {
			lines = append(lines, fmt.Sprintf("%s · Altynai (900) · /a%d ", today.Add(-time.Duration(46-i)*time.Minute).Format("02.01.2006 15:04"), i))
		}
		return strings.Join(lines, "\n")
	}
	head := h.text("ru", "audit.head", nil)

	staff.says("/audit")
	msg := listMessage(t, staff)
	checkText(t, msg, head+"\n22.11.2026 10:00 · Altynai (900) · /audit \n"+rows(45, 27)+"\n\nСтраница 1/3")
	checkButtons(t, msg, []string{"▶ pg:audit:2:46"}, []string{"📄 Весь список файлом pgf:audit"})
	// The taps are audited too, yet the pages stay as they were shown.
	staff.taps("▶")
	checkText(t, shown(t, staff, msg.ID), head+"\n"+rows(26, 7)+"\n\nСтраница 2/3")
	staff.taps("▶")
	page := shown(t, staff, msg.ID)
	checkText(t, page, head+"\n"+rows(6, 1)+"\n\nСтраница 3/3")
	checkButtons(t, page, []string{"◀ pg:audit:2:46"}, []string{"📄 Весь список файлом pgf:audit"})

	// The file is the whole log now: the 46, both taps and this one.
	doc, csvRows := fileRows(t, staff, msg.ID, "audit")
	if len(csvRows) != 1+49 || doc.Document.Caption != h.text("ru", "audit.caption", map[string]any{"Count": 49}) {
		t.Fatalf("file %q with %d rows", doc.Document.Caption, len(csvRows))
	}
	for i, want := range map[int]string{0: "Время,ID в Telegram,Имя,Действие,Подробности", 1: "2026-11-22T10:00:00+06:00,900,Altynai,button pgf,audit", 49: "2026-11-22T09:15:00+06:00,900,Altynai,/a1,"} {
		if got := strings.Join(csvRows[i], ","); got != want {
			t.Errorf("row %d: %s, want %s", i, got, want)
		}
	}
}

// With 10 000 applications, /applications queues one message (it queued
// 152 before the lists had pages), and a page tap one edit and the tap's
// answer.
func TestPaging_TenThousandApplications(t *testing.T) {
	b, db := bareBot(t, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return today })
	b.StaffIDs = []int64{staffUser.ID}
	submitted(t, db, 10000)
	before := countOutbox(t, db)
	if err := b.Handle(t.Context(), bot.Update{ID: 1, ChatID: 900, UserID: 900, Private: true, LangCode: "ru", Kind: bot.KindText, Text: "/applications", Command: "applications"}); err != nil {
		t.Fatal(err)
	}
	// Her first message also sets her staff menu: not a message.
	out := slices.DeleteFunc(newOutbox(t, db, before), func(m store.Outgoing) bool { return m.Kind == store.KindMenu })
	if len(out) != 1 || !strings.Contains(out[0].Text, "Страница 1/500") {
		t.Fatalf("%d messages queued: %+v", len(out), out)
	}
	before = countOutbox(t, db)
	tap := bot.Update{ID: 2, ChatID: 900, UserID: 900, Private: true, LangCode: "ru", Kind: bot.KindCallback, CallbackID: "1", CallbackData: "pg:apps:250", MessageID: 5}
	if err := b.Handle(t.Context(), tap); err != nil {
		t.Fatal(err)
	}
	out = newOutbox(t, db, before)
	if len(out) != 2 || out[0].Kind != store.KindCallback || out[1].Kind != store.KindEdit || !strings.Contains(out[1].Text, "A-5000 ·") || !strings.Contains(out[1].Text, "Страница 250/500") {
		t.Fatalf("a tap queued %+v", out)
	}
}

// BenchmarkPaging_PageTap is one ▶ tap on /applications among 10 000.
func BenchmarkPaging_PageTap(bm *testing.B) {
	b, db := bareBot(bm, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return today })
	b.StaffIDs = []int64{staffUser.ID}
	submitted(bm, db, 10000)
	id := 0
	for bm.Loop() {
		id++
		u := bot.Update{ID: id, ChatID: 900, UserID: 900, Private: true, LangCode: "ru", Kind: bot.KindCallback, CallbackID: fmt.Sprint(id), CallbackData: fmt.Sprintf("pg:apps:%d", 1+id%500), MessageID: 5}
		if err := b.Handle(bm.Context(), u); err != nil {
			bm.Fatal(err)
		}
	}
}

// A page of the longest names the form takes still fits one message: the
// rows show the start of each name, /application the whole.
func TestPaging_LongNamesFit(t *testing.T) {
	h := newHarness(t)
	long := strings.Repeat("Айгүл ", 33) + "Асанова" // 205 characters, more than the form's 200
	err := h.db.Update(func(tx *store.Tx) error {
		for i := range 25 {
			if _, err := tx.Submit(store.Application{UserID: int64(50001 + i), Category: store.Category28Plus, Answers: map[string]string{"full_name": long}}, today); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	staff := &person{h: h, user: staffUser}
	staff.says("/applications")
	msg := listMessage(t, staff)
	row := "A-020 · 28 лет и старше · 22.11.2026 · Айгүл Айгүл Айгүл Айгүл Айгүл Айгүл Айгүл Айгүл Айгүл Айгүл…"
	if !strings.Contains(msg.Text, row+"\n\n") || strings.Contains(msg.Text, long) || !strings.HasSuffix(msg.Text, "Страница 1/2") {
		t.Errorf("page of long names:\n%s", msg.Text)
	}
}
