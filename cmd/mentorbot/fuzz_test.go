package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/schedule"
)

// FuzzLoadConfig: any file either loads into a usable config or is
// refused with one error; never a panic, never half a config, never a
// number outside its bounds (NaN, Inf, 0 or absurd).
func FuzzLoadConfig(f *testing.F) {
	example, err := os.ReadFile("mentorbot.example.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(example))
	f.Add("timezone = \"Asia/Bishkek\"\n[applications]\ndeadline = \"2027-02-30 17:00\"\n")
	f.Add("[[programme.events]]\nid = \"m\"\nkind = \"greeting\"\nat = \"2027-03-08 09:00\"\n")
	f.Add("staff = [-1]\n")
	f.Add("[broadcast]\nrate = 1e309\n")
	dir := f.TempDir()
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, content string) {
		path := filepath.Join(dir, "fuzz.toml")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := LoadConfig(path, now)
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("an empty error")
			}
			return
		}
		if cfg.Location() == nil || cfg.Deadline().IsZero() || cfg.SelectionOptions().Quotas == nil {
			t.Fatalf("loaded a half config: %+v", cfg)
		}
		if err := inBounds(cfg); err != nil {
			t.Fatal(err)
		}
	})
}

// inBounds checks every number of a loaded config against the bounds the
// example file documents.
func inBounds(cfg Config) error {
	sel, m := cfg.SelectionOptions(), cfg.MentoringOptions()
	switch {
	case !(cfg.Broadcast.Rate >= 0.5 && cfg.Broadcast.Rate <= 30):
		return fmt.Errorf("loaded rate %v", cfg.Broadcast.Rate)
	case !(sel.SpreadLimit > 0 && sel.SpreadLimit <= 100):
		return fmt.Errorf("loaded spread_limit %v", sel.SpreadLimit)
	case sel.InviteTTL < 24*time.Hour || sel.InviteTTL > 90*24*time.Hour:
		return fmt.Errorf("loaded invite_days %v", sel.InviteTTL)
	case cfg.Backup.Keep < 1 || cfg.Backup.Keep > 1000:
		return fmt.Errorf("loaded keep %d", cfg.Backup.Keep)
	case m.ReannounceAfter < time.Minute || m.ReannounceAfter > 30*24*time.Hour:
		return fmt.Errorf("loaded reannounce_after %v", m.ReannounceAfter)
	}
	for c, q := range sel.Quotas {
		if q.Accept < 0 || q.Accept > 1000 || q.Waitlist < 0 || q.Waitlist > 1000 {
			return fmt.Errorf("loaded quota %s %+v", c, q)
		}
	}
	for _, e := range cfg.ProgrammeResolved().Events {
		if e.Duration < 0 || e.Duration > schedule.MaxEventDuration {
			return fmt.Errorf("loaded event %s lasting %v", e.ID, e.Duration)
		}
		for _, r := range e.Remind {
			if r <= 0 || r > schedule.MaxRemindBefore {
				return fmt.Errorf("loaded event %s reminded %v before", e.ID, r)
			}
		}
	}
	return nil
}

// FuzzReportRequest: any line on the status socket is either a report
// request in a supported language at a moment it writes back the same,
// or not one (and the asker gets the health); never a panic.
func FuzzReportRequest(f *testing.F) {
	f.Add("report ru 2027-10-20T12:00:00+06:00\n")
	f.Add("status\n")
	f.Add("")
	f.Add("report en 2027-10-20T12:00:00Z")
	f.Fuzz(func(t *testing.T, line string) {
		lang, at, ok := reportRequest(line)
		if !ok {
			if lang != "" || !at.IsZero() {
				t.Fatalf("refused %q but read %q %v", line, lang, at)
			}
			return
		}
		if lang != "ky" && lang != "ru" {
			t.Fatalf("%q read as language %q", line, lang)
		}
		again, _, ok := reportRequest("report " + lang + " " + at.Format(time.RFC3339) + "\n")
		if !ok || again != lang {
			t.Fatalf("%q: its own request %q not read back", line, at.Format(time.RFC3339))
		}
	})
}
