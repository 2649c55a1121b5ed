package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// event is a valid event of the programme, with extra lines.
func event(extra string) string {
	return "[[programme.events]]\nid = \"m1\"\ntitle_ky = \"Жолугушуу\"\ntitle_ru = \"Встреча\"\nat = \"2027-03-04 15:00\"\nlink = \"https://meet.example.org/m1\"\n" + extra
}

// Every number and duration of the file is refused when it is NaN,
// infinite, zero or absurd, in one line that names the setting and the
// value as written.
func TestLoadConfig_RefusesBadNumbers(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	rate := "broadcast.rate: want messages a second between 0.5 and 30, got "
	spread := "selection.spread_limit: want points (of 100) more than 0 and at most 100, got "
	reannounce := "mentoring.reannounce_after: want a duration such as 24h, from 1m to 720h (30 days), got "
	duration := "programme.events[0] (m1): duration: want for example 2h or 90m, more than 0 and at most 720h (30 days), got "
	remind := "programme.events[0] (m1): remind: want a time before the event, for example 24h or 1h, more than 0 and at most 1440h (60 days), got "
	tests := []struct {
		name, file, want string
	}{
		{"RateNaN", "[broadcast]\nrate = nan\n", rate + "NaN"},
		{"RateInf", "[broadcast]\nrate = inf\n", rate + "+Inf"},
		{"RateMinusInf", "[broadcast]\nrate = -inf\n", rate + "-Inf"},
		{"RateTiny", "[broadcast]\nrate = 1e-300\n", rate + "1e-300"},
		{"RateZero", "[broadcast]\nrate = 0\n", rate + "0"},
		{"RateSlow", "[broadcast]\nrate = 0.4\n", rate + "0.4"},
		{"RateAboveTelegram", "[broadcast]\nrate = 31\n", rate + "31"},
		{"SpreadNaN", "[selection]\nspread_limit = nan\n", spread + "NaN"},
		{"SpreadInf", "[selection]\nspread_limit = inf\n", spread + "+Inf"},
		{"SpreadZero", "[selection]\nspread_limit = 0\n", spread + "0"},
		{"SpreadNegative", "[selection]\nspread_limit = -5\n", spread + "-5"},
		{"SpreadOver100", "[selection]\nspread_limit = 100.5\n", spread + "100.5"},
		{"InviteDaysZero", "[selection]\ninvite_days = 0\n", "selection.invite_days: want days between 1 and 90, got 0"},
		{"InviteDaysHuge", "[selection]\ninvite_days = 200000\n", "selection.invite_days: want days between 1 and 90, got 200000"},
		{"InviteDaysMaxInt", "[selection]\ninvite_days = 9223372036854775807\n", "selection.invite_days: want days between 1 and 90, got 9223372036854775807"},
		{"Accept28PlusNegative", "[selection]\naccept_28plus = -1\n", "selection.accept_28plus: want a number of applicants between 0 and 1000, got -1"},
		{"AcceptUnder28Huge", "[selection]\naccept_under28 = 5000\n", "selection.accept_under28: want a number of applicants between 0 and 1000, got 5000"},
		{"WaitlistHuge", "[selection]\nwaitlist = 1001\n", "selection.waitlist: want a number of applicants between 0 and 1000, got 1001"},
		{"KeepZero", "[backup]\nkeep = 0\n", "backup.keep: want a number of copies between 1 and 1000, got 0"},
		{"KeepZeroWithoutBackups", "[backup]\ndir = \"\"\nkeep = 0\n", "backup.keep: want a number of copies between 1 and 1000, got 0"},
		{"KeepHuge", "[backup]\nkeep = 1000000\n", "backup.keep: want a number of copies between 1 and 1000, got 1000000"},
		{"BackupAt", "[backup]\nat = \"25:00\"\n", `backup.at: want "HH:MM", for example "03:00", got "25:00"`},
		{"ReannounceZero", "[mentoring]\nreannounce_after = \"0s\"\n", reannounce + `"0s"`},
		{"ReannounceSeconds", "[mentoring]\nreannounce_after = \"30s\"\n", reannounce + `"30s"`},
		{"ReannounceNegative", "[mentoring]\nreannounce_after = \"-1h\"\n", reannounce + `"-1h"`},
		{"ReannounceYear", "[mentoring]\nreannounce_after = \"8760h\"\n", reannounce + `"8760h"`},
		{"ReannounceOverflow", "[mentoring]\nreannounce_after = \"9999999999h\"\n", reannounce + `"9999999999h"`},
		{"ReannounceWord", "[mentoring]\nreannounce_after = \"soon\"\n", reannounce + `"soon"`},
		{"DurationZero", event("duration = \"0s\"\n"), duration + `"0s"`},
		{"DurationNegative", event("duration = \"-2h\"\n"), duration + `"-2h"`},
		{"DurationMonths", event("duration = \"721h\"\n"), duration + `"721h"`},
		{"RemindZero", event("remind = [\"24h\", \"0s\"]\n"), remind + `"0s"`},
		{"RemindMonths", event("remind = [\"1441h\"]\n"), remind + `"1441h"`},
		{"RemindOverflow", event("remind = [\"99999999999h\"]\n"), remind + `"99999999999h"`},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".toml")
			if err := os.WriteFile(path, []byte(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadConfig(path, now)
			want := "config " + path + ": " + tt.want
			if err == nil || err.Error() != want {
				t.Errorf("got  %v\nwant %s", err, want)
			}
		})
	}
}

// The bounds themselves are allowed, and read as written.
func TestLoadConfig_AcceptsTheBounds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "edges.toml")
	file := "[broadcast]\nrate = 0.5\n" +
		"[selection]\nspread_limit = 100\ninvite_days = 90\naccept_28plus = 1000\naccept_under28 = 0\nwaitlist = 1000\n" +
		"[backup]\nkeep = 1000\n" +
		"[mentoring]\nreannounce_after = \"1m\"\n" +
		event("duration = \"720h\"\nremind = [\"1440h\", \"1s\"]\n")
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	sel, e := cfg.SelectionOptions(), cfg.ProgrammeResolved().Events[0]
	switch {
	case cfg.Broadcast.Rate != 0.5, sel.SpreadLimit != 100, sel.InviteTTL != 90*24*time.Hour, sel.Quotas["28plus"].Accept != 1000, sel.Quotas["under28"].Waitlist != 1000:
		t.Errorf("read as rate %v, selection %+v", cfg.Broadcast.Rate, sel)
	case cfg.Backup.Keep != 1000, cfg.MentoringOptions().ReannounceAfter != time.Minute:
		t.Errorf("read as keep %d, reannounce %v", cfg.Backup.Keep, cfg.MentoringOptions().ReannounceAfter)
	case e.Duration != 720*time.Hour || len(e.Remind) != 2 || e.Remind[0] != 1440*time.Hour:
		t.Errorf("event read as %+v", e)
	}
	path30 := filepath.Join(t.TempDir(), "top.toml")
	if err := os.WriteFile(path30, []byte("[broadcast]\nrate = 30\n[mentoring]\nreannounce_after = \"720h\"\n[selection]\ninvite_days = 1\nspread_limit = 0.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(path30, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
}
