package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzLoadConfig: any file either loads into a usable config or is
// refused with one error; never a panic, never half a config.
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
	})
}
