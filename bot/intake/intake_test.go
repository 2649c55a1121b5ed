package intake_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/bot/intake"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

var (
	bishkek  = time.FixedZone("Asia/Bishkek", 6*60*60)
	deadline = time.Date(2026, 12, 11, 17, 0, 0, 0, bishkek)
	today    = time.Date(2026, 12, 20, 10, 0, 0, 0, bishkek)
	rules    = form.Rules{Deadline: deadline, Location: bishkek, Now: today}
)

func words(t testing.TB, lang string) intake.Words {
	t.Helper()
	texts, err := locales.New(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return func(key string, data map[string]any) string { return texts.Text(lang, key, data) }
}

func reader(t testing.TB) *intake.Reader {
	return intake.NewReader(rules, words(t, "ky"), words(t, "ru"))
}

// paperAnswers are a whole form's answers, as stored.
func paperAnswers() map[string]string {
	return map[string]string{
		"full_name": "Асанова Айгүл", "sex": "female", "birth_date": "1990-03-15",
		"lives_in_village": "yes", "oblast": "naryn", "district": "Ат-Башы", "aiyl_okmotu": "Кара-Коюн",
		"village": "Ак-Муз", "workplace": "Мугалим", "similar_school": "no",
		"phone": "+996700123456", "whatsapp": "+996700123456", "email": "",
		"lsg_experience": "yes", "lsg_experience_text": "Мектептин чатырын оңдоттук.",
		"community_experience": "no", "support_group": "no",
		"ready_active": "yes", "ready_self_study": "yes", "ready_organise": "yes", "ready_free_time": "no",
		"stage_application": "yes", "stage_info": "no", "stage_school": "yes", "stage_mentoring": "no",
		"stage_monitoring": "no", "stage_training": "no", "stage_budgeting": "no", "stage_portal": "no", "stage_final": "no",
		"essay": "Айылыбызда таза суу жок.\n\nМен депутат болгум келет.",
	}
}

func paperApps() []store.Application {
	second := paperAnswers()
	second["full_name"], second["phone"], second["whatsapp"], second["email"] = "Садыкова Бермет", "+77011234567", "+77011234567", "bermet@mail.kg"
	second["birth_date"] = "2003-02-01"
	return []store.Application{
		{Code: "A-007", Language: "ky", Category: store.Category28Plus, Status: store.StatusSubmitted, SubmittedAt: today,
			Source: store.SourcePaper, ArrivedAt: time.Date(2026, 12, 11, 0, 0, 0, 0, bishkek), Answers: paperAnswers()},
		{Code: "A-009", Language: "ru", Category: store.CategoryUnder28, Status: store.StatusSubmitted, SubmittedAt: today,
			Source: store.SourceEmail, ArrivedAt: time.Date(2026, 11, 5, 0, 0, 0, 0, bishkek), Answers: second},
	}
}

// checkSame compares what was read with the applications exported.
func checkSame(t *testing.T, got, want []store.Application) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d applications read, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if !maps.Equal(g.Answers, w.Answers) {
			for k := range w.Answers {
				if g.Answers[k] != w.Answers[k] {
					t.Errorf("%s: %s = %q, want %q", w.Code, k, g.Answers[k], w.Answers[k])
				}
			}
			t.Errorf("%s: answers differ: %d read, %d written", w.Code, len(g.Answers), len(w.Answers))
		}
		if g.Source != w.Source || !g.ArrivedAt.Equal(w.ArrivedAt) || g.Language != w.Language || g.Category != w.Category || g.Code != "" {
			t.Errorf("%s read as source %s, arrived %v, language %s, category %s, code %q", w.Code, g.Source, g.ArrivedAt, g.Language, g.Category, g.Code)
		}
	}
}

func TestRead_ExportRoundTrip(t *testing.T) {
	tb := export.Applications(paperApps(), bishkek)
	for _, tc := range []struct {
		name   string
		format export.Format
		lang   string
	}{{"csv", export.CSV, ""}, {"xlsx ru", export.XLSX, "ru"}, {"xlsx ky", export.XLSX, "ky"}} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			var w export.Words
			if tc.lang != "" {
				w = words(t, tc.lang)
			}
			if err := tb.Write(&buf, tc.format, w); err != nil {
				t.Fatal(err)
			}
			got, err := reader(t).Read(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			checkSame(t, got, paperApps())
		})
	}
}

// A file typed by hand: Russian headers, a semicolon, answers as a person
// writes them, no byte-order mark.
func TestRead_TypedByHand(t *testing.T) {
	ru := words(t, "ru")
	header := []string{ru("export.col.source", nil), ru("export.col.arrived_at", nil)}
	values := []string{"paper", "5 мая"}
	typed := map[string]string{"birth_date": "15 марта 1990", "lives_in_village": "да", "oblast": "Нарын",
		"similar_school": "нет", "phone": "0700 12 34 56", "whatsapp": "0700 12 34 56", "sex": ""}
	for _, c := range export.ApplicationColumns()[export.ApplicationRecordColumns:] {
		header = append(header, ru(c.LabelKey(), nil))
		v, ok := typed[c.Key]
		if !ok {
			v = paperAnswers()[c.Key]
		}
		values = append(values, `"`+strings.ReplaceAll(v, `"`, `""`)+`"`)
	}
	file := strings.Join(header, ";") + "\r\n" + strings.Join(values, ";") + "\r\n"
	got, err := reader(t).Read([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	want := paperApps()[:1]
	want[0].Language = "ru"
	want[0].ArrivedAt = time.Date(2026, 5, 5, 0, 0, 0, 0, bishkek)
	checkSame(t, got, want)
}

func TestRead_BadRowsRefusedByLine(t *testing.T) {
	apps := paperApps()
	apps[0].Answers["essay"] = "Биринчи сап.\nЭкинчи сап." // the row spans two lines of the file
	bad := paperApps()[1]
	bad.Answers["phone"] = "12345"
	late := paperApps()[1]
	late.ArrivedAt = deadline.AddDate(0, 0, 1)
	young := paperApps()[1]
	young.Answers["birth_date"] = "2010-01-01"
	tb := export.Applications(append(apps, bad, late, young), bishkek)
	var buf bytes.Buffer
	if err := tb.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := reader(t).Read(buf.Bytes())
	var ps intake.Problems
	if !errors.As(err, &ps) || got != nil {
		t.Fatalf("read %d applications, err %v", len(got), err)
	}
	// Lines of the file (each essay spans some), and rows as Excel shows them.
	want := "line 7 (row 4), column phone: refused by the form (form.invalid.phone_short)\n" +
		"line 10 (row 5), column arrived_at: arrived after the deadline: it takes no part in the selection\n" +
		"line 13 (row 6), column birth_date: refused by the form (form.ineligible.age)"
	if err.Error() != want {
		t.Errorf("problems:\n%s\nwant:\n%s", err, want)
	}
	if strings.Contains(err.Error(), "12345") {
		t.Error("a reason quotes the cell")
	}
}

func TestRead_BadHeaders(t *testing.T) {
	for name, tc := range map[string]struct{ file, want string }{
		"empty":   {"", "line 1: the file is empty: want a header row and a row per application"},
		"unknown": {"\ufeffsource,arrived_at,shoe_size\n", "line 1: column 3: the header is none of the applications export's"},
		"binary":  {"\xff\xfe\x00", "line 1: the file is neither a workbook (.xlsx) nor UTF-8 text (save the CSV as UTF-8)"},
	} {
		_, err := reader(t).Read([]byte(tc.file))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %s", name, err, tc.want)
		}
	}
	_, err := reader(t).Read([]byte("source,arrived_at\npaper,01.12.2026\n"))
	if err == nil || !strings.Contains(err.Error(), "line 1, column full_name: the column is missing") {
		t.Errorf("missing columns: %v", err)
	}
}

// FuzzRead: any file is read or refused with problems, never a panic or
// another error; what is read passes the form's own completeness rule.
func FuzzRead(f *testing.F) {
	var buf bytes.Buffer
	if err := export.Applications(paperApps(), bishkek).WriteCSV(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("source,arrived_at\npaper,5 мая\n"))
	f.Add([]byte("\ufeffcode;source\n\"a\n;b"))
	rd := reader(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		apps, err := rd.Read(data)
		var ps intake.Problems
		if err != nil {
			if !errors.As(err, &ps) || len(ps) == 0 || apps != nil {
				t.Fatalf("err %v (%T), %d applications", err, err, len(apps))
			}
			return
		}
		for _, a := range apps {
			if _, missing := form.NextMissing(a.Answers); missing || a.ArrivedAt.After(today) || a.Source == "" {
				t.Fatalf("read an application the form would not take: %+v", a)
			}
		}
	})
}

// A phone of an earlier row, or of an application already stored, makes
// a bad row: one woman is scored once.
func TestRead_DuplicatePhones(t *testing.T) {
	apps := paperApps()
	third := apps[0]
	third.Answers = maps.Clone(third.Answers)
	third.Answers["full_name"] = "Асанова Айгүл (экинчи)"
	apps = append(apps, third)
	var buf bytes.Buffer
	if err := export.Applications(apps, bishkek).Write(&buf, export.CSV, nil); err != nil {
		t.Fatal(err)
	}
	rd := reader(t)
	_, err := rd.Read(buf.Bytes())
	var ps intake.Problems
	if !errors.As(err, &ps) || ps.Error() != "line 8 (row 4), column phone: the same phone as line 2" {
		t.Fatalf("a phone twice in the file: %v", err)
	}

	rd.Known = func(phone string) string {
		if phone == "+77011234567" {
			return "A-003"
		}
		return ""
	}
	_, err = rd.Read(buf.Bytes())
	if !errors.As(err, &ps) || ps.Error() != "line 5 (row 3), column phone: phone already in application A-003\n"+
		"line 8 (row 4), column phone: the same phone as line 2" {
		t.Fatalf("a phone in the database: %v", err)
	}
	if strings.Contains(err.Error(), "+7701") || strings.Contains(err.Error(), "Айгүл") {
		t.Error("a personal answer in the reasons")
	}
}
