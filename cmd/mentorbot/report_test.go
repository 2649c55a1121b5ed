package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/bot/export/exporttest"
	"github.com/mentorbot/mentorbot/bot/report"
	"github.com/mentorbot/mentorbot/bot/report/reporttest"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// reportDB is a stopped bot's database holding the report's scenario.
func reportDB(t *testing.T) string { return filledDB(t, reporttest.Fill) }

// reportSheets runs `mentorbot report` and reads the workbook it wrote.
func reportSheets(t *testing.T, path string, args ...string) []exporttest.Sheet {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report.xlsx")
	env, _, _ := testEnv(map[string]string{"MENTORBOT_DB": path}, "")
	env.Now = func() time.Time { return reporttest.At }
	if err := Main(context.Background(), append([]string{"report", "-out", out}, args...), env); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sheets, err := exporttest.ReadAll(data, reporttest.Bishkek)
	if err != nil {
		t.Fatal(err)
	}
	return sheets
}

func sameSheets(t *testing.T, got, want []exporttest.Sheet) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d sheets, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name || !slices.EqualFunc(got[i].Rows, want[i].Rows, slices.Equal) {
			t.Errorf("sheet %s:\n%q\nwant %s:\n%q", got[i].Name, got[i].Rows, want[i].Name, want[i].Rows)
		}
	}
}

// The command line writes the workbook /report sends: the scenario's
// figures, in the language asked.
func TestReport_StoppedBot(t *testing.T) {
	path := reportDB(t)
	texts, err := locales.New(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"ru", "ky"} {
		words := func(key string, data map[string]any) string { return texts.Text(lang, key, data) }
		var buf bytes.Buffer
		if err := export.Report(report.Compute(reporttest.Facts()), lang, reporttest.Bishkek, words).WriteXLSX(&buf, words); err != nil {
			t.Fatal(err)
		}
		want, err := exporttest.ReadAll(buf.Bytes(), reporttest.Bishkek)
		if err != nil {
			t.Fatal(err)
		}
		got := reportSheets(t, path, "-lang", lang)
		sameSheets(t, got, want)
		if lang == "ru" && got[0].Rows[2][0] != reporttest.Headline {
			t.Errorf("headline %q", got[0].Rows[2][0])
		}
	}

	env, _, _ := testEnv(map[string]string{"MENTORBOT_DB": path}, "")
	if err := Main(context.Background(), []string{"report"}, env); err == nil {
		t.Error("report without -out: no error")
	}
}

// While the bot runs and holds the file, report asks it and gets the
// workbook the stopped bot's file gives.
func TestReport_RunningBot(t *testing.T) {
	path := reportDB(t)
	srv := telegramtest.NewServer(t)
	env, _, _ := testEnv(map[string]string{
		"TELEGRAM_BOT_TOKEN": telegramtest.Token, "TELEGRAM_API_ENDPOINT": srv.Endpoint(), "MENTORBOT_DB": path,
	}, "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Main(ctx, []string{"run"}, env) }()
	user := telegramtest.User{ID: 42, FirstName: "Айгүл", LanguageCode: "ky"}
	id := srv.SendText(user, "/start")
	srv.WaitConfirmed(t, id)

	if _, err := store.Open(path, store.Options{ReadOnly: true, Timeout: 100 * time.Millisecond}); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("the running bot does not hold the file: %v", err)
	}
	running := reportSheets(t, path)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	stopped := reportSheets(t, path)
	sameSheets(t, running, stopped)
	if running[0].Rows[2][0] != reporttest.Headline {
		t.Errorf("headline from the running bot %q", running[0].Rows[2][0])
	}
}
