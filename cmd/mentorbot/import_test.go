package main

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// importAnswers are a whole form's answers, as stored.
func importAnswers(name, phone, born string) map[string]string {
	return map[string]string{
		"full_name": name, "sex": "female", "birth_date": born,
		"lives_in_village": "yes", "oblast": "naryn", "district": "Ат-Башы", "aiyl_okmotu": "Кара-Коюн",
		"village": "Ак-Муз", "workplace": "Мугалим", "similar_school": "no",
		"phone": phone, "whatsapp": phone, "email": "",
		"lsg_experience": "no", "community_experience": "no", "support_group": "yes", "support_group_text": "Аялдар кеңеши, 12 киши.",
		"ready_active": "yes", "ready_self_study": "yes", "ready_organise": "yes", "ready_free_time": "yes",
		"stage_application": "yes", "stage_info": "no", "stage_school": "yes", "stage_mentoring": "no",
		"stage_monitoring": "no", "stage_training": "no", "stage_budgeting": "no", "stage_portal": "no", "stage_final": "no",
		"essay": "Айылыбызда таза суу жок.\n\nМен депутат болгум келет.",
	}
}

// importDB is a database with, if chat, one application sent in the
// chat and, if paper, two entered from paper and e-mail.
func importDB(t *testing.T, chat, paper bool) string {
	t.Helper()
	arrived := time.Date(2026, 11, 5, 0, 0, 0, 0, time.FixedZone("+06", 6*3600))
	return filledDB(t, func(tx *store.Tx) error {
		if chat {
			if _, err := tx.Submit(store.Application{UserID: 7, Language: "ky", Answers: importAnswers("Чатта", "+996700000007", "1985-01-01")}, arrived); err != nil {
				return err
			}
		}
		if !paper {
			return nil
		}
		if _, err := tx.SubmitEntered(store.Application{Language: "ky", Source: store.SourcePaper, ArrivedAt: arrived,
			Answers: importAnswers("Асанова Айгүл", "+996700123456", "1990-03-15")}, arrived); err != nil {
			return err
		}
		_, err := tx.SubmitEntered(store.Application{Language: "ru", Source: store.SourceEmail, ArrivedAt: arrived.AddDate(0, 0, 1),
			Answers: importAnswers("Садыкова Бермет", "+77011234567", "2003-02-01")}, arrived)
		return err
	})
}

// paperOnly are the entered applications of path.
func paperOnly(t *testing.T, path string) []store.Application {
	t.Helper()
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	apps, err := db.Applications()
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Application
	for _, a := range apps {
		if a.Source == store.SourcePaper || a.Source == store.SourceEmail {
			out = append(out, a)
		}
	}
	return out
}

// Export, then import into another database: the same applications, with
// codes of their own there.
func TestImport_ExportRoundTrip(t *testing.T) {
	from := importDB(t, false, true)
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			env, out, _ := testEnv(nil, "")
			if err := Main(context.Background(), []string{"export", "applications", "-db", from, "-format", format}, env); err != nil {
				t.Fatal(err)
			}
			exported := paperOnly(t, from)
			file := filepath.Join(t.TempDir(), "paper."+format)
			if err := os.WriteFile(file, []byte(out.String()), 0o600); err != nil {
				t.Fatal(err)
			}
			to := importDB(t, true, false) // A-001 is taken there
			env, out, errOut := testEnv(nil, "")
			if err := Main(context.Background(), []string{"import", "applications", "-db", to, file}, env); err != nil {
				t.Fatalf("import: %v\n%s", err, errOut)
			}
			if got := out.String(); got != "Imported 2 application(s) from paper."+format+": A-002, A-003\n" {
				t.Errorf("stdout %q", got)
			}
			imported := paperOnly(t, to)
			if len(imported) != 2 {
				t.Fatalf("%d imported", len(imported))
			}
			for i, a := range imported {
				w := exported[i]
				if !maps.Equal(a.Answers, w.Answers) || a.Source != w.Source || !a.ArrivedAt.Equal(w.ArrivedAt) || a.Language != w.Language ||
					!store.Unlinked(a.UserID) || a.Status != store.StatusSubmitted || a.Category == "" {
					t.Errorf("imported %+v\nexported %+v", a, w)
				}
			}
		})
	}
}

func TestImport_BadRowImportsNothing(t *testing.T) {
	path := importDB(t, true, false)
	file := writeFile(t, "paper.csv", "\ufeffsource,arrived_at,full_name\n"+
		"paper,05.11.2026,Асанова Айгүл\n"+
		"fax,05.11.2026,Садыкова Бермет\n")
	env, out, errOut := testEnv(nil, "")
	err := Main(context.Background(), []string{"import", "applications", "-db", path, file}, env)
	if !errors.Is(err, errReported) || out.String() != "" {
		t.Fatalf("import: %v, stdout %q", err, out)
	}
	// The header lacks most columns: that is told first, on line 1.
	if got := errOut.String(); !strings.Contains(got, "paper.csv: line 1, column birth_date: the column is missing\n") || strings.Contains(got, "line 2") {
		t.Errorf("stderr %q", got)
	}

	// A whole header, and a bad row among good ones.
	good := func(name, source, phone string) []string {
		row := []string{source, "05.11.2026"}
		a := importAnswers(name, phone, "15.03.1990")
		for _, k := range importKeys {
			row = append(row, `"`+a[k]+`"`)
		}
		return row
	}
	lines := []string{strings.Join(append([]string{"source", "arrived_at"}, importKeys...), ",")}
	for _, r := range [][]string{good("Асанова Айгүл", "paper", "0700 12 34 56"), good("Садыкова Бермет", "fax", "0700 12 34 57"), good("Токтогулова Нургуль", "email", "0700 12 34 58")} {
		lines = append(lines, strings.Join(r, ","))
	}
	file = writeFile(t, "paper.csv", strings.Join(lines, "\n")+"\n")
	env, out, errOut = testEnv(nil, "")
	err = Main(context.Background(), []string{"import", "applications", "-db", path, file}, env)
	if !errors.Is(err, errReported) || out.String() != "" {
		t.Fatalf("import: %v, stdout %q", err, out)
	}
	// The essay spans three lines: the second row starts on line 5.
	if got := errOut.String(); got != "paper.csv: line 5 (row 3), column source: want paper or email\nmentorbot: paper.csv: 1 problem(s); nothing imported\n" {
		t.Errorf("stderr %q", got)
	}
	if strings.Contains(errOut.String(), "Бермет") {
		t.Error("a personal answer on stderr")
	}
	if n := len(paperOnly(t, path)); n != 0 {
		t.Errorf("%d imported", n)
	}
}

// A row whose phone an application in the database has, or an earlier
// row of the file, is a bad row: nothing is imported.
func TestImport_DuplicatePhones(t *testing.T) {
	path := importDB(t, true, false) // A-001 has +996700000007
	row := func(name, phone string) string {
		r := []string{"paper", "05.11.2026"}
		a := importAnswers(name, phone, "15.03.1990")
		for _, k := range importKeys {
			r = append(r, `"`+a[k]+`"`)
		}
		return strings.Join(r, ",")
	}
	header := strings.Join(append([]string{"source", "arrived_at"}, importKeys...), ",")
	// Each essay spans three lines: rows start on lines 2, 5, 8 and 11.
	file := writeFile(t, "paper.csv", strings.Join([]string{header,
		row("Асанова Айгүл", "0700 12 34 56"), row("Чатта", "0700 000 007"),
		row("Садыкова Бермет", "0555 12 34 56"), row("Асанова Айгүл", "+996 700 123 456")}, "\n")+"\n")
	env, out, errOut := testEnv(nil, "")
	err := Main(context.Background(), []string{"import", "applications", "-db", path, file}, env)
	if !errors.Is(err, errReported) || out.String() != "" {
		t.Fatalf("import: %v, stdout %q", err, out)
	}
	want := "paper.csv: line 5 (row 3), column phone: phone already in application A-001\n" +
		"paper.csv: line 11 (row 5), column phone: the same phone as line 2\n" +
		"mentorbot: paper.csv: 2 problem(s); nothing imported\n"
	if got := errOut.String(); got != want {
		t.Errorf("stderr %q\nwant   %q", got, want)
	}
	if n := len(paperOnly(t, path)); n != 0 {
		t.Errorf("%d imported", n)
	}
}

// importKeys are the form's columns, in the export's order.
var importKeys = []string{"full_name", "sex", "birth_date", "lives_in_village", "oblast", "district", "aiyl_okmotu", "village",
	"workplace", "similar_school", "phone", "whatsapp", "email", "lsg_experience", "lsg_experience_text",
	"community_experience", "community_group_text", "support_group", "support_group_text",
	"ready_active", "ready_self_study", "ready_organise", "ready_free_time",
	"stage_application", "stage_info", "stage_school", "stage_mentoring", "stage_monitoring", "stage_training",
	"stage_budgeting", "stage_portal", "stage_final", "essay"}

func TestImport_WhileTheBotRuns(t *testing.T) {
	path := importDB(t, true, false)
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	env, _, _ := testEnv(nil, "")
	lines := []string{strings.Join(append([]string{"source", "arrived_at"}, importKeys...), ",")}
	row := []string{"paper", "05.11.2026"}
	a := importAnswers("Асанова Айгүл", "0700 12 34 56", "15.03.1990")
	for _, k := range importKeys {
		row = append(row, `"`+a[k]+`"`)
	}
	file := writeFile(t, "good.csv", strings.Join(lines, "\n")+"\n"+strings.Join(row, ",")+"\n")
	err = Main(context.Background(), []string{"import", "applications", "-db", path, file}, env)
	if err == nil || !strings.Contains(err.Error(), "stop the bot first, or enter them in the chat with /application_add") {
		t.Fatalf("import while the file is held: %v", err)
	}
	// A bad file is told all the same: staff can mend it meanwhile.
	bad := writeFile(t, "bad.csv", strings.Join(lines, "\n")+"\n"+strings.Replace(strings.Join(row, ","), "paper", "fax", 1)+"\n")
	env, _, errOut := testEnv(nil, "")
	err = Main(context.Background(), []string{"import", "applications", "-db", path, bad}, env)
	if !errors.Is(err, errReported) || !strings.Contains(errOut.String(), "bad.csv: line 2, column source: want paper or email\n") {
		t.Errorf("a bad file while the file is held: %v, stderr %q", err, errOut)
	}
	for _, args := range [][]string{{"import"}, {"import", "scores"}, {"import", "applications", "-db", path}, {"import", "applications", "-db", path, file, file}} {
		if err := Main(context.Background(), args, env); !errors.Is(err, errUsage) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}
