package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/export/exporttest"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/store"
)

// testEnv is an Env whose variables come from a map and whose output is
// captured.
func testEnv(vars map[string]string, stdin string) (Env, *syncBuffer, *syncBuffer) {
	var out, errOut syncBuffer
	return Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return vars[k] },
	}, &out, &errOut
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// filledDB is a stopped bot's database file, filled by fill in one
// transaction.
func filledDB(t *testing.T, fill func(*store.Tx) error) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fill); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRun_Refuses(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"NoToken", nil, []string{"-db", db}, "TELEGRAM_BOT_TOKEN is not set"},
		{"ConfigMissing", map[string]string{"TELEGRAM_BOT_TOKEN": "x"}, []string{"-db", db, "-config", filepath.Join(dir, "none.toml")}, "read config"},
		{"ConfigUnknownKey", map[string]string{"TELEGRAM_BOT_TOKEN": "x", "MENTORBOT_CONFIG": writeFile(t, "a.toml", "timezon = \"Asia/Bishkek\"\n")}, []string{"-db", db}, "unknown setting timezon"},
		{"ConfigBadDeadline", map[string]string{"TELEGRAM_BOT_TOKEN": "x"}, []string{"-db", db, "-config", writeFile(t, "b.toml", "[applications]\ndeadline = \"11 Dec\"\n")}, "applications.deadline"},
		{"ConfigBadZone", map[string]string{"TELEGRAM_BOT_TOKEN": "x"}, []string{"-db", db, "-config", writeFile(t, "c.toml", "timezone = \"Mars/Olympus\"\n")}, "not a known time zone"},
		{"ConfigSyntax", map[string]string{"TELEGRAM_BOT_TOKEN": "x"}, []string{"-db", db, "-config", writeFile(t, "d.toml", "staff = [1,\n")}, "config"},
		{"ConfigBadSpread", map[string]string{"TELEGRAM_BOT_TOKEN": "x"}, []string{"-db", db, "-config", writeFile(t, "e.toml", "[selection]\nspread_limit = 0\n")}, "selection.spread_limit"},
		{"ConfigSchoolDates", map[string]string{"TELEGRAM_BOT_TOKEN": "x"}, []string{"-db", db, "-config", writeFile(t, "f.toml", "[school]\nstarts = \"2027-01-29\"\nends = \"2027-01-25\"\n")}, "school.ends is before"},
		{"BadFlag", nil, []string{"-nope"}, "usage"},
		{"UnknownCommand", nil, []string{"serve"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _, _ := testEnv(tt.vars, "")
			err := Main(context.Background(), tt.args, env)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error with %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestRun_DatabaseLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	env, _, _ := testEnv(map[string]string{"TELEGRAM_BOT_TOKEN": "x"}, "")
	start := time.Now()
	err = Main(context.Background(), []string{"-db", path}, env)
	if err == nil || !strings.Contains(err.Error(), "in use by another mentorbot process") {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("waited %v for the lock", d)
	}
	env, _, _ = testEnv(nil, "")
	err = Main(context.Background(), []string{"export", "applications", "-db", path}, env)
	if err == nil || !strings.Contains(err.Error(), "send /export in the chat") {
		t.Fatalf("export: got %v", err)
	}
}

// The real binary: one line on stderr, exit status 1, no stack trace.
func TestBinary_ErrorIsOneLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "mentorbot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-db", filepath.Join(t.TempDir(), "m.db"))
	cmd.Env = []string{"HOME=" + t.TempDir()}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("exit: %v", err)
	}
	if got := stderr.String(); strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "mentorbot: TELEGRAM_BOT_TOKEN is not set") {
		t.Errorf("stderr: %q", got)
	}

	// A damaged database: one line, never a stack trace, for every
	// command that opens it; check says it on stdout.
	data, _ := os.ReadFile(sampleDB(t, 300))
	cut := writeFile(t, "cut.db", string(data[:len(data)/2]))
	for _, args := range [][]string{{"run", "-db", cut}, {"export", "applications", "-db", cut}, {"check", "-db", cut}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"HOME=" + t.TempDir(), "TELEGRAM_BOT_TOKEN=x"}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Errorf("%s: exit %v", args[0], err)
		}
		got, prefix := stderr.String(), "mentorbot: open "+cut+": database file is damaged: the file is cut off"
		if args[0] == "check" {
			got, prefix = stdout.String()+stderr.String(), cut+": DAMAGED: the file is cut off"
		}
		if strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, prefix) || !strings.Contains(got, `restore a backup (README, "Restoring a backup")`) {
			t.Errorf("%s: output %q", args[0], got)
		}
	}
}

func TestRun_AgainstFakeTelegram(t *testing.T) {
	srv := telegramtest.NewServer(t)
	dbPath := filepath.Join(t.TempDir(), "m.db")
	env, _, logs := testEnv(map[string]string{
		"TELEGRAM_BOT_TOKEN":    telegramtest.Token,
		"TELEGRAM_API_ENDPOINT": srv.Endpoint(),
		"MENTORBOT_DB":          dbPath,
	}, "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Main(ctx, []string{"run"}, env) }()

	user := telegramtest.User{ID: 42, FirstName: "Айгүл", LanguageCode: "ky"}
	srv.SendText(user, "/start")
	msgs := srv.WaitMessages(t, user.ID, 1)
	if !strings.Contains(msgs[0].Text, "Тилди тандаңыз") {
		t.Errorf("first message %q", msgs[0].Text)
	}

	// The default menu is what a newcomer can use now, in her phone's
	// language, and in Kyrgyz for any other.
	newcomer := []string{"start", "language", "help", "schedule", "ask"}
	for _, lang := range []string{"ky", "ru", "en"} {
		if got := srv.Menu(user.ID, lang); !slices.Equal(got, newcomer) {
			t.Errorf("menu %q: %q, want %q", lang, got, newcomer)
		}
	}
	if ru, en := srv.MenuCommands(user.ID, "ru"), srv.MenuCommands(user.ID, "en"); ru[1].Description != "Сменить язык" || en[1].Description != "Тилди алмаштыруу" {
		t.Errorf("menus: %v, %v", ru, en)
	}

	cancel() // SIGTERM
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop on cancel")
	}
	if !strings.Contains(logs.String(), "stopping") {
		t.Errorf("no shutdown log:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), telegramtest.Token) {
		t.Error("the token is in the log")
	}
	// The file is free again and sound.
	db, err := store.Open(dbPath, store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Error(err)
	}
}

func TestExport_CSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	err = db.Update(func(tx *store.Tx) error {
		_, err := tx.Submit(store.Application{UserID: 7, Language: "ru", Category: store.CategoryUnder28,
			Answers: map[string]string{"full_name": "Иванова, Гульнара \"Гуля\"", "essay": "Строка 1\nСтрока 2"}}, at)
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	env, out, _ := testEnv(nil, "")
	if err := Main(context.Background(), []string{"export", "applications", "-db", path, "-format", "csv"}, env); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(out.String(), "\n", 2)
	if !strings.HasPrefix(lines[0], "\ufeffcode,language,category,submitted_at,status,source,arrived_at,full_name,sex,birth_date,") {
		t.Errorf("header %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], `A-001,ru,under28,2026-11-30T12:00:00+06:00,submitted,direct,,"Иванова, Гульнара ""Гуля""",`) {
		t.Errorf("row %q", lines[1])
	}
	// Without -format it is the same CSV.
	env, plain, _ := testEnv(nil, "")
	if err := Main(context.Background(), []string{"export", "applications", "-db", path}, env); err != nil || plain.String() != out.String() {
		t.Errorf("default format: %v\n%q", err, plain.String())
	}
	for _, args := range [][]string{{"-format", "pdf"}, {"-format", "xlsx", "-lang", "en"}} {
		env, _, _ = testEnv(nil, "")
		if err := Main(context.Background(), append([]string{"export", "applications", "-db", path}, args...), env); !errors.Is(err, errUsage) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}

// -format xlsx writes a workbook, its headers in -lang (Russian unless
// told), the times in the school's zone, a formula-looking answer as text.
func TestExport_XLSX(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *store.Tx) error {
		_, err := tx.Submit(store.Application{UserID: 7, Language: "ru", Category: store.CategoryUnder28,
			Answers: map[string]string{"full_name": `=HYPERLINK("x")`, "birth_date": "2001-02-03"}}, time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC))
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	bishkek, err := time.LoadLocation("Asia/Bishkek")
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string][]string{
		"":   {"Заявки", "Код,Язык,Категория,Подана,Статус,Откуда пришла,Дата поступления,ФИО,Пол,Дата рождения"},
		"ru": {"Заявки", "Код,Язык,Категория,Подана,Статус,Откуда пришла,Дата поступления,ФИО,Пол,Дата рождения"},
		"ky": {"Өтүнмөлөр", "Код,Тил,Категория,Берилген убакыт,Абалы,Кайдан келди,Келген күнү,Аты-жөнү,Жынысы,Туулган күнү"},
	} {
		args := []string{"export", "applications", "-db", path, "-format", "xlsx"}
		if lang != "" {
			args = append(args, "-lang", lang)
		}
		env, out, _ := testEnv(nil, "")
		if err := Main(context.Background(), args, env); err != nil {
			t.Fatal(err)
		}
		s, err := exporttest.Read([]byte(out.String()), bishkek)
		if err != nil {
			t.Fatal(err)
		}
		if s.Name != want[0] || len(s.Rows) != 2 || strings.Join(s.Rows[0][:10], ",") != want[1] ||
			strings.Join(s.Rows[1][:10], ",") != `A-001,ru,under28,2026-11-30T12:00:00+06:00,submitted,direct,,=HYPERLINK("x"),,2001-02-03` {
			t.Errorf("-lang %q: sheet %q, rows %q", lang, s.Name, s.Rows)
		}
	}
}

func TestBackup_CLI(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *store.Tx) error { _, err := tx.Submit(store.Application{UserID: 1}, time.Now()); return err }); err != nil {
		t.Fatal(err)
	}
	// While the bot holds the file, the command says what to do instead.
	env, out, _ := testEnv(nil, "")
	dir := t.TempDir()
	copyPath := filepath.Join(dir, "copy.db")
	if err := Main(context.Background(), []string{"backup", "-db", path, "-out", copyPath}, env); err == nil || !strings.Contains(err.Error(), "/backup") {
		t.Errorf("locked: %v", err)
	}
	db.Close()
	if err := Main(context.Background(), []string{"backup", "-db", path, "-out", copyPath}, env); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "Backup written and checked: "+copyPath+"\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	copyDB, err := store.Open(copyPath, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	if apps, _ := copyDB.Applications(); len(apps) != 1 {
		t.Errorf("copy has %d applications", len(apps))
	}
	// An existing file is never overwritten, and nothing is left beside it.
	err = Main(context.Background(), []string{"backup", "-db", path, "-out", copyPath}, env)
	if err == nil || !strings.Contains(err.Error(), "file already exists") {
		t.Errorf("over an existing file: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("beside the copy: %v", entries)
	}
}

// sampleDB writes a database with n users, each with a submitted
// application, and returns its path.
func sampleDB(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *store.Tx) error {
		for i := range n {
			if err := tx.PutUser(store.User{ID: int64(100 + i), Language: "ky"}); err != nil {
				return err
			}
			a := store.Application{UserID: int64(100 + i), Answers: map[string]string{"essay": strings.Repeat("Мектеп керек. ", 40)}}
			if _, err := tx.Submit(a, time.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheck_CLI(t *testing.T) {
	path := sampleDB(t, 1200)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	env, out, _ := testEnv(nil, "")
	if err := Main(context.Background(), []string{"check", "-db", path}, env); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%s: sound (schema %d, %.1f MB, 1 200 users, 1 200 applications)\n", path, store.SchemaVersion, float64(info.Size())/1e6)
	if got := out.String(); got != want {
		t.Errorf("sound file:\n got %q\nwant %q", got, want)
	}

	// Cut in the middle: one line naming the cause and the way out.
	data, _ := os.ReadFile(path)
	cut := writeFile(t, "cut.db", string(data[:len(data)/2]))
	env, out, _ = testEnv(nil, "")
	err = Main(context.Background(), []string{"check", "-db", cut}, env)
	if !errors.Is(err, errReported) {
		t.Errorf("damaged file: %v, want errReported (exit status 1, nothing more printed)", err)
	}
	want = fmt.Sprintf("%s: DAMAGED: the file is cut off: %d bytes, but its data needs ", cut, len(data)/2)
	if got := out.String(); !strings.HasPrefix(got, want) || !strings.HasSuffix(got, `; restore a backup (README, "Restoring a backup")`+"\n") || strings.Count(got, "\n") != 1 {
		t.Errorf("damaged file:\n got %q\nwant %q...", got, want)
	}

	// An empty file: refused, and left empty.
	empty := writeFile(t, "empty.db", "")
	env, out, _ = testEnv(nil, "")
	if err := Main(context.Background(), []string{"check", "-db", empty}, env); !errors.Is(err, errReported) {
		t.Errorf("empty file: %v", err)
	}
	if got, want := out.String(), empty+`: DAMAGED: the file is empty (0 bytes); restore a backup (README, "Restoring a backup")`+"\n"; got != want {
		t.Errorf("empty file:\n got %q\nwant %q", got, want)
	}
}

// A damaged database stops run, export and backup with one line that
// points to the restore steps.
func TestDamagedDatabase_OneLine(t *testing.T) {
	data, _ := os.ReadFile(sampleDB(t, 300))
	cut := writeFile(t, "cut.db", string(data[:len(data)/2]))
	for _, args := range [][]string{
		{"run", "-db", cut},
		{"export", "applications", "-db", cut},
		{"backup", "-db", cut, "-out", filepath.Join(t.TempDir(), "copy.db")},
		{"console", "-db", cut},
	} {
		env, _, _ := testEnv(map[string]string{"TELEGRAM_BOT_TOKEN": "x"}, "")
		err := Main(context.Background(), args, env)
		if err == nil || !strings.Contains(err.Error(), "database file is damaged: the file is cut off") ||
			!strings.HasSuffix(err.Error(), `restore a backup (README, "Restoring a backup")`) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v", args[0], err)
		}
	}
}

func TestCheckConfig(t *testing.T) {
	env, out, _ := testEnv(nil, "")
	if err := Main(context.Background(), []string{"check-config", "-config", "mentorbot.example.toml"}, env); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Config OK (mentorbot.example.toml)", "IV   2027-02-01 00:00 – 2027-04-11 00:00",
		"2027-03-04 15:00  meeting-1", "2027-03-08 09:00  greeting-8-march"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check-config output lacks %q:\n%s", want, out.String())
		}
	}
	bad := writeFile(t, "bad.toml", "[[programme.events]]\nid = \"m\"\ntitle_ky = \"Жолугушуу\"\nat = \"2027-02-30 15:00\"\naudience = \"village\"\n")
	env, _, _ = testEnv(nil, "")
	err := Main(context.Background(), []string{"check-config", "-config", bad}, env)
	for _, want := range []string{"programme.events[0] (m): at:", "title_ru: missing", "link: missing", "unknown audience"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad programme: got %v, want %q", err, want)
		}
	}
}

func TestExport_Scores(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *store.Tx) error {
		if _, err := tx.Submit(store.Application{UserID: 7, Category: store.Category28Plus, Answers: map[string]string{}}, time.Now()); err != nil {
			return err
		}
		if err := tx.PutUser(store.User{ID: 50, Roles: []store.Role{store.RoleCommission}}); err != nil {
			return err
		}
		return tx.PutScore(store.Score{Code: "A-001", MemberID: 50, Points: [7]int{4, 3, 2, 5, 4, 3, 5}, Confirmed: true})
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	env, out, _ := testEnv(nil, "")
	if err := Main(context.Background(), []string{"export", "scores", "-db", path}, env); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffcode,category,member_50_c1,member_50_c2,member_50_c3,member_50_c4,member_50_c5,member_50_c6,member_50_c7,member_50_total,mean,z_mean,alpha_without,recused,decision\n" +
		"A-001,28plus,4,3,2,5,4,3,5,77,77,,,,\n"
	if got := out.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// The README shows the example config; they must not drift apart.
func TestConfig_ReadmeShowsTheExample(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("mentorbot.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "```toml\n")
	block, _, _ = strings.Cut(block, "```")
	// The file's own first lines say how to use it; the README says that in prose.
	settings := string(example)[strings.Index(string(example), "# The school's time zone"):]
	if !ok || block != settings {
		t.Errorf("README's config block differs from mentorbot.example.toml")
	}
}

func TestConfig_ExampleAndDefaults(t *testing.T) {
	now := time.Date(2026, 11, 22, 4, 0, 0, 0, time.UTC)
	cfg, err := LoadConfig("mentorbot.example.toml", now)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Timezone != "Asia/Bishkek" || len(cfg.Staff) != 2 || cfg.Deadline().Format(time.RFC3339) != "2026-12-11T17:00:00+06:00" {
		t.Errorf("example config read as %+v, deadline %v", cfg, cfg.Deadline())
	}
	sel := cfg.SelectionOptions()
	if sel.SchoolStart.Format("2006-01-02") != "2027-01-25" || sel.Quotas[store.Category28Plus].Accept != 20 || sel.InviteTTL != 7*24*time.Hour {
		t.Errorf("example selection settings read as %+v", sel)
	}
	def, err := LoadConfig("", now)
	if err != nil {
		t.Fatal(err)
	}
	if got := def.Deadline().Format(time.RFC3339); got != "2026-12-11T17:00:00+06:00" {
		t.Errorf("default deadline %s", got)
	}
	late, _ := LoadConfig("", time.Date(2026, 12, 12, 0, 0, 0, 0, time.UTC))
	if got := late.Deadline().Format(time.RFC3339); got != "2027-12-11T17:00:00+06:00" {
		t.Errorf("default deadline after this year's: %s", got)
	}
}

func TestConsole_BothLanguages(t *testing.T) {
	script := strings.Join([]string{
		"2",                // Русский
		"1",                // Согласна
		"Иванова Гульнара", // her name; her sex is not asked
		"/language",
		"1",          // Кыргызча: the same question again, in Kyrgyz
		"15.03.1990", // her birth date
		"Ооба",       // a button picked by its label
		"/as staff",
		"/applications",
		"/backup",
		"/as applicant",
		"/quit",
	}, "\n")
	env, out, _ := testEnv(nil, script)
	db := filepath.Join(t.TempDir(), "console.db")
	if err := Main(context.Background(), []string{"console", "-db", db}, env); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"[1] Кыргызча   [2] Русский",
		"Раздел 1/8 · 2/21\n\nКогда вы родились?",
		"Бөлүм 1/8 · 2/21\n\nТуулган күнүңүз?",
		"Айылда туруктуу жашайсызбы?\n  [1] Ооба   [2] Жок",
		"Бөлүм 1/8 · 4/21\n\nКайсы облуста?",
		"You are: staff",
		"Өтүнмөлөр: 0",
		"Маалымат базасынын көчүрмөсүн жасап жатам",
		"📎 mentorbot-",
		"Маалымат базасынын көчүрмөсү. Анда жеке маалыматтар бар",
		"You are: applicant",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("console output lacks %q", want)
		}
	}
	// The copy /backup sent is a sound database, beside the console's.
	if _, rest, ok := strings.Cut(got, "📎 mentorbot-"); ok {
		_, rest, _ = strings.Cut(rest, "(")
		path, _, _ := strings.Cut(rest, ")")
		if filepath.Dir(path) != filepath.Join(filepath.Dir(db), "backups") {
			t.Errorf("the copy is at %s", path)
		}
		if err := store.CheckFile(path); err != nil {
			t.Errorf("the copy: %v", err)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}
