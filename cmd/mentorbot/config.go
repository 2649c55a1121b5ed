package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/mentorbot/mentorbot/schedule"
)

// Config is the TOML configuration file. Every setting has a default, so
// the bot runs without a file; see mentorbot.example.toml for each one.
type Config struct {
	// Timezone is the school's zone: dates are shown and deadlines judged in it.
	Timezone string `toml:"timezone"`
	// Staff are the Telegram user IDs of the first staff members.
	Staff        []int64            `toml:"staff"`
	Applications ApplicationsConfig `toml:"applications"`

	location *time.Location
	deadline time.Time
}

// ApplicationsConfig is stage I: taking applications.
type ApplicationsConfig struct {
	// Deadline is "YYYY-MM-DD HH:MM" in Timezone. Empty means the next
	// 11 December, 17:00, the first run's deadline rolled forward.
	Deadline string `toml:"deadline"`
}

// DefaultConfig is the configuration with no file.
func DefaultConfig() Config {
	return Config{Timezone: schedule.Location}
}

// LoadConfig reads the file at path over the defaults; an empty path gives
// the defaults. now fixes the default deadline.
func LoadConfig(path string, now time.Time) (Config, error) {
	cfg := DefaultConfig()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("read config: %w", err)
		}
		md, err := toml.Decode(string(data), &cfg)
		if err != nil {
			return Config{}, fmt.Errorf("config %s: %w", path, err)
		}
		if undecoded := md.Undecoded(); len(undecoded) > 0 {
			keys := make([]string, len(undecoded))
			for i, k := range undecoded {
				keys[i] = k.String()
			}
			return Config{}, fmt.Errorf("config %s: unknown setting %s", path, strings.Join(keys, ", "))
		}
	}
	if err := cfg.resolve(now); err != nil {
		if path == "" {
			return Config{}, err
		}
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// resolve checks the settings and works out the derived values.
func (c *Config) resolve(now time.Time) error {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil || c.Timezone == "" {
		return fmt.Errorf("timezone %q is not a known time zone (for example %q)", c.Timezone, schedule.Location)
	}
	c.location = loc
	for _, id := range c.Staff {
		if id <= 0 {
			return fmt.Errorf("staff: %d is not a Telegram user ID", id)
		}
	}
	if c.Applications.Deadline == "" {
		c.deadline = schedule.NextAnnual(now, time.December, 11, 17, 0, loc)
		return nil
	}
	c.deadline, err = time.ParseInLocation("2006-01-02 15:04", c.Applications.Deadline, loc)
	if err != nil {
		return errors.New(`applications.deadline: want "YYYY-MM-DD HH:MM", for example "2026-12-11 17:00"`)
	}
	return nil
}

// Location is the resolved time zone.
func (c Config) Location() *time.Location { return c.location }

// Deadline is the resolved application deadline.
func (c Config) Deadline() time.Time { return c.deadline }
