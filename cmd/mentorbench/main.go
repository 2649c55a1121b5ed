// Command mentorbench measures mentorbot under load: it builds the real
// mentorbot binary and a bare echo bot on the same library (echobot, the
// floor), runs each against the fake Bot API server of bot/telegramtest
// over loopback, and reports for each:
//
//   - start-up time: process start to its first getUpdates, on a new
//     database and on one with 10 000 stored women;
//   - resident memory (VmRSS) with those 10 000 stored, idle and after load;
//   - unloaded latency: one woman, one step at a time;
//   - paced: 1 000 women, steps arriving at -rate a second (Poisson), under
//     what mentorbot may send at Telegram's 30 messages a second: reply
//     latency p50 and p99, and the bot's CPU time per update;
//   - load: the same 1 000 women, each taking her next step as soon as her
//     last is answered: updates handled a second end to end;
//   - the sync calls (fdatasync, fsync) per update, counted with perf
//     stat when it is installed.
//
// Two floors are measured the same way: the echo bot, and the echo bot
// that records every update in bbolt before answering (echo+bbolt).
//
// Then the broadcast run (see broadcast.go), mentorbot against the fake
// server enforcing Telegram's limits: a broadcast to 1 000 participants
// alone, and again while staff list 10 000 applications and 100 women
// step through the form.
//
// A step is one update: /start, the language and consent taps, a typed
// answer or a button tap of the application form (see script.go). Its
// latency runs from pushing the update into the fake server to the bot's
// call that lets her take her next step (the next question) arriving there.
//
//	go run ./cmd/mentorbench [-bots mentorbot,echo] [-users 1000] [-stored 10000] [-broadcast=false] ...
//
// The same measurements run as benchmarks: go test -bench . -benchtime 1x ./cmd/mentorbench
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

func main() {
	cfg := DefaultConfig()
	short := flag.Bool("short", false, "a quick run with fewer women and short phases, to check that all works")
	flag.IntVar(&cfg.Users, "users", cfg.Users, "simulated women in the paced and load phases")
	flag.IntVar(&cfg.Stored, "stored", cfg.Stored, "women stored in mentorbot's database before it starts")
	flag.Float64Var(&cfg.Rate, "rate", cfg.Rate, "paced phase: steps arriving a second")
	flag.DurationVar(&cfg.Paced, "paced", cfg.Paced, "paced phase: how long steps arrive")
	flag.DurationVar(&cfg.Warmup, "warmup", cfg.Warmup, "load phase: warm-up before measuring")
	flag.DurationVar(&cfg.Load, "load", cfg.Load, "load phase: measured window")
	flag.IntVar(&cfg.Starts, "starts", cfg.Starts, "start-ups timed on each database")
	flag.StringVar(&cfg.Bins.Mentorbot, "mentorbot", "", "mentorbot binary (default: go build ./cmd/mentorbot)")
	flag.StringVar(&cfg.Bins.Echo, "echobot", "", "echo bot binary (default: go build ./cmd/mentorbench/echobot)")
	flag.StringVar(&cfg.Bins.Unpaced, "unpaced", "", "mentorbot binary with its pace lifted (default: built with go build -overlay)")
	bots := flag.String("bots", strings.Join(Bots, ","), "bots to measure, comma-separated: "+strings.Join(Bots, ", ")+"; empty for none")
	flag.BoolVar(&cfg.CountSyncs, "syncs", cfg.CountSyncs, "count the bots' fdatasync and fsync calls with perf stat (if installed)")
	broadcast := flag.Bool("broadcast", true, "also run the broadcast run against mentorbot")
	bc := &cfg.Broadcast
	flag.IntVar(&bc.Recipients, "recipients", bc.Recipients, "broadcast run: participants the broadcast goes to")
	flag.IntVar(&bc.Applications, "applications", bc.Applications, "broadcast run: submitted applications stored")
	flag.IntVar(&bc.Women, "women", bc.Women, "broadcast run: women stepping through the form meanwhile")
	flag.DurationVar(&bc.TapThink, "tap-think", bc.TapThink, "broadcast run: a woman's mean time before a tap (at least 2s)")
	flag.DurationVar(&bc.TypeThink, "type-think", bc.TypeThink, "broadcast run: a woman's mean time before a typed answer (at least 5s)")
	flag.IntVar(&bc.Listers, "listers", bc.Listers, "broadcast run: staff members sending /applications meanwhile")
	flag.StringVar(&bc.Only, "broadcast-phase", "", "broadcast run: only this phase, pace or mixed")
	flag.StringVar(&cfg.Dir, "dir", "", "keep binaries, databases and logs here (default: a temporary directory)")
	flag.Parse()
	if *short {
		// The short values, except where a flag says otherwise.
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		sc := ShortConfig()
		sb := sc.Broadcast
		for name, apply := range map[string]func(){
			"users": func() { cfg.Users = sc.Users }, "stored": func() { cfg.Stored = sc.Stored },
			"paced": func() { cfg.Paced = sc.Paced }, "warmup": func() { cfg.Warmup = sc.Warmup },
			"load": func() { cfg.Load = sc.Load }, "starts": func() { cfg.Starts = sc.Starts },
			"recipients": func() { bc.Recipients = sb.Recipients }, "applications": func() { bc.Applications = sb.Applications },
			"women": func() { bc.Women = sb.Women }, "listers": func() { bc.Listers = sb.Listers },
		} {
			if !set[name] {
				apply()
			}
		}
		bc.InProgress, bc.Lists, bc.Pages = sb.InProgress, sb.Lists, sb.Pages
		bc.ListGap, bc.Warmup = sb.ListGap, sb.Warmup
	}

	tb := newCmdTB(os.Stderr)
	cfg.Logf = tb.Logf
	code := 0
	func() {
		defer func() {
			if r := recover(); r != nil {
				f, ok := r.(errFatal)
				if !ok {
					tb.runCleanups()
					panic(r)
				}
				fmt.Fprintln(os.Stderr, "mentorbench:", f.msg)
				code = 1
			}
		}()
		var reps []Report
		for _, bot := range strings.Split(*bots, ",") {
			if bot = strings.TrimSpace(bot); bot == "" {
				continue
			}
			t0 := time.Now()
			reps = append(reps, Run(tb, cfg, bot))
			tb.Logf("%s: measured in %v", bot, time.Since(t0).Round(time.Second))
		}
		if len(reps) > 0 {
			fmt.Print(Format(cfg, reps))
		}
		if *broadcast {
			t0 := time.Now()
			r := RunBroadcast(tb, cfg)
			tb.Logf("broadcast: measured in %v", time.Since(t0).Round(time.Second))
			fmt.Print(FormatBroadcast(r))
		}
	}()
	tb.runCleanups()
	if tb.Failed() && code == 0 {
		code = 1
	}
	os.Exit(code)
}
