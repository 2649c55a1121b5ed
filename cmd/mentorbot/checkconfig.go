package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/schedule"
	"github.com/mentorbot/mentorbot/store"
)

// runCheckConfig is "mentorbot check-config": validate the config and
// print the programme, so staff see what the bot will do before it runs.
func runCheckConfig(args []string, env Env) error {
	fs := flag.NewFlagSet("check-config", flag.ContinueOnError)
	var c common
	c.register(fs, env, "mentorbot.db")
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	now := time.Now()
	cfg, err := LoadConfig(c.config, now)
	if err != nil {
		return err
	}
	name := c.config
	if name == "" {
		name = "no file: the defaults"
	}
	printProgramme(env, name, cfg, now)
	return nil
}

func printProgramme(env Env, name string, cfg Config, now time.Time) {
	loc := cfg.Location()
	w := env.Stdout
	fmt.Fprintf(w, "Config OK (%s). Time zone %s. Application deadline %s.\n\nStages:\n", name, loc, cfg.Deadline().In(loc).Format(schedule.TimeLayout))
	p := cfg.ProgrammeResolved()
	for _, s := range p.Stages {
		fmt.Fprintf(w, "  %-4s %s – %s\n", s.ID, s.Starts.In(loc).Format(schedule.TimeLayout), s.Ending.In(loc).Format(schedule.TimeLayout))
	}
	fmt.Fprintln(w, "\nComing events:")
	coming := 0
	for _, e := range p.Events {
		if e.Ends().Before(now) {
			continue
		}
		coming++
		fmt.Fprintf(w, "  %s  %-16s %-8s to %s\n      %s\n", e.At.In(loc).Format(schedule.TimeLayout), e.ID, e.Kind, e.Audience, e.Title["ru"])
		var before []string
		for _, r := range e.Remind {
			before = append(before, r.String())
		}
		if len(before) > 0 {
			fmt.Fprintf(w, "      reminders %s before\n", strings.Join(before, ", "))
		}
		if e.Kind == store.EventMeeting && e.Link == "" {
			fmt.Fprintln(w, "      NO LINK YET: reminders will say the link comes later; set it in [[programme.events]]")
		}
	}
	if coming == 0 {
		fmt.Fprintln(w, "  none")
	}
}
