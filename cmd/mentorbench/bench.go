package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
)

// Config says what to measure and for how long.
type Config struct {
	// Users is how many women take part in the paced and the load phases.
	Users int
	// Stored is how many women the bot's database holds at start.
	Stored int
	// Rate is the paced phase's arrivals, steps a second: under what
	// mentorbot can reply to at Telegram's 30 messages a second.
	Rate float64
	// Paced is how long the paced phase pushes steps.
	Paced time.Duration
	// Warmup and Load are the load phase's warm-up and measured window.
	Warmup, Load time.Duration
	// Starts is how many start-ups to time on each database.
	Starts int
	// CountSyncs counts the bots' sync calls with perf, when it is
	// installed (see syncs.go).
	CountSyncs bool
	// Broadcast is the broadcast run's setup (see RunBroadcast).
	Broadcast BroadcastConfig
	// Dir holds the binaries, databases, config and logs.
	Dir  string
	Bins Binaries
	// Logf reports progress.
	Logf func(format string, args ...any)
	Seed uint64
}

// ShortConfig is a quick run, to check that everything works.
func ShortConfig() Config {
	cfg := DefaultConfig()
	cfg.Users, cfg.Stored, cfg.Paced, cfg.Warmup, cfg.Load, cfg.Starts = 100, 1000, 5*time.Second, 2*time.Second, 5*time.Second, 2
	cfg.Broadcast = ShortBroadcastConfig()
	return cfg
}

// DefaultConfig keeps each bot's run under two minutes on two cores.
func DefaultConfig() Config {
	return Config{
		Users: 1000, Stored: 10000, Rate: 6, Paced: 40 * time.Second,
		Warmup: 10 * time.Second, Load: 40 * time.Second, Starts: 5, Seed: 1,
		CountSyncs: true, Broadcast: DefaultBroadcastConfig(),
		Logf: func(string, ...any) {},
	}
}

// Phase is what one phase of a run measured.
type Phase struct {
	Name     string
	Users    int
	Window   time.Duration
	Updates  int     // steps completed in the window
	PerSec   float64 // Updates / Window
	Calls    int64   // Bot API calls other than getUpdates in the window
	FirstP50 time.Duration
	FirstP99 time.Duration
	DoneP50  time.Duration
	DoneP99  time.Duration
	DoneMax  time.Duration
	CPU      time.Duration // the bot's CPU time in the window
	// SysShare is the share of CPU spent in the kernel (from 10 ms ticks).
	SysShare float64
	// Unfetched is how many of the steps outstanding at the end of the
	// window the bot had not yet fetched: the others wait inside it.
	Unfetched int
	// Harness is the CPU time of this process (the fake server and the
	// simulated women) in the window: on two cores they share the machine.
	Harness time.Duration
	// CPUPerUpdate is CPU / Updates.
	CPUPerUpdate time.Duration
	// Syncs are the bot's sync calls in the window, if counted.
	Syncs syncs
	win   window
}

// SyncsPerUpdate is the bot's fdatasync and fsync calls per update.
func (p Phase) SyncsPerUpdate() float64 {
	return float64(p.Syncs.Fdatasync+p.Syncs.Fsync) / float64(max(p.Updates, 1))
}

// Report is one bot's run.
type Report struct {
	Bot string
	// StartEmpty and StartStored are start-up times (process start to its
	// first getUpdates) on a new database and on one with Config.Stored
	// women; the echo bot has no database and only StartEmpty.
	StartEmpty, StartStored []time.Duration
	// IdleRSS is the resident memory a second after start (on the stored
	// database), LoadRSS after the load phase, PeakRSS the most it held.
	IdleRSS, LoadRSS, PeakRSS int64
	// IdleCPU is the CPU time a second the bot uses with nothing to do.
	IdleCPU               time.Duration
	Unloaded, Paced, Load Phase
	Methods               map[string]int // Bot API calls by method, getUpdates aside, whole run
	Errors                map[string]int // calls answered with an error, by "method code"
	Logs                  map[string]int // the bot's log lines by level
	Unexpected            int            // calls to a chat with no step outstanding
	CallsPerUpdate        float64        // Bot API calls per step, paced phase
	// Counted says the bot's sync calls are counted (the phases'
	// Syncs); else SyncNote says why not.
	Counted  bool
	SyncNote string
	// IdleSyncs are the sync calls in the idle window (IdleCPU's).
	IdleSyncs syncs
}

// Bots are the bots Run knows: mentorbot as built, mentorbot with its
// pace lifted, and the two floors: the echo bot, and the echo bot that
// records every update in bbolt before answering.
var Bots = []string{"mentorbot", "unpaced", "echo", "echo+bbolt"}

// Run measures one bot of Bots.
func Run(tb testing.TB, cfg Config, which string) Report {
	tb.Helper()
	if cfg.Dir == "" {
		cfg.Dir = tb.TempDir()
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		tb.Fatal(err)
	}
	bin, err := cfg.Bins.path(cfg.Dir, which)
	if err != nil {
		tb.Fatal(err)
	}
	// Databases, config and logs of this bot go to a directory of its own.
	cfg.Dir = filepath.Join(cfg.Dir, "run-"+which)
	if err := os.RemoveAll(cfg.Dir); err != nil {
		tb.Fatal(err)
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		tb.Fatal(err)
	}
	rep := Report{Bot: which}
	rec := newRecorder(tb)
	echo := which == "echo" || which == "echo+bbolt"
	counter := cfg.syncCounter(&rep.SyncNote)
	rep.Counted = counter != nil

	// The stored women, written once into a template copied for each start.
	// The echo bot keeps nothing, but its women take the same steps.
	stored := storedByPos(cfg.Stored, storedIDs)
	template := filepath.Join(cfg.Dir, "stored.db")
	if !echo {
		t0 := time.Now()
		if err := populate(template, cfg.Stored, storedIDs); err != nil {
			tb.Fatal(err)
		}
		cfg.Logf("%s: wrote %d stored women in %v", which, cfg.Stored, time.Since(t0).Round(time.Millisecond))
	}
	configPath := filepath.Join(cfg.Dir, "mentorbot.toml")
	if err := os.WriteFile(configPath, []byte(benchConfig), 0o600); err != nil {
		tb.Fatal(err)
	}
	n := 0
	start := func(db string, counter *syncCounter) (*process, time.Duration) {
		n++
		env := []string{
			"TELEGRAM_BOT_TOKEN=" + telegramtest.Token,
			"TELEGRAM_API_ENDPOINT=" + rec.Endpoint(),
			"MENTORBOT_CONFIG=" + configPath,
			"MENTORBOT_DB=" + db,
		}
		args := []string{"run"}
		switch which {
		case "echo":
			args = nil
		case "echo+bbolt":
			args = []string{"-db", db}
		}
		polled := rec.arm()
		p := startProcess(tb, bin, args, env, filepath.Join(cfg.Dir, fmt.Sprintf("%s-%d.log", logName(which), n)), counter)
		select {
		case <-polled:
		case <-p.done:
			tb.Fatalf("%s exited before polling: %s", which, p.logTail())
		case <-time.After(30 * time.Second):
			tb.Fatalf("%s did not poll within 30s: %s", which, p.logTail())
		}
		return p, rec.firstPollAt().Sub(p.started)
	}
	freshDB := func(copyOf string) string {
		path := filepath.Join(cfg.Dir, fmt.Sprintf("run-%d.db", n+1))
		if copyOf != "" {
			if err := copyFile(copyOf, path); err != nil {
				tb.Fatal(err)
			}
		}
		return path
	}

	// Start-up, on a new database and on the stored one.
	for range cfg.Starts {
		p, d := start(freshDB(""), nil)
		p.stop(10 * time.Second)
		rep.StartEmpty = append(rep.StartEmpty, d)
	}
	for range cfg.Starts * boolInt(!echo) {
		p, d := start(freshDB(template), nil)
		p.stop(10 * time.Second)
		rep.StartStored = append(rep.StartStored, d)
	}
	cfg.Logf("%s: start-up %v (new database), %v (%d stored)", which, median(rep.StartEmpty), median(rep.StartStored), cfg.Stored)

	// The run itself, on the stored database (the echo bot with bbolt on
	// a new one: it keeps only updates).
	db := freshDB("")
	if !echo {
		db = freshDB(template)
	}
	p, _ := start(db, counter)
	time.Sleep(time.Second)
	rep.IdleRSS, _, _ = memory(p.pid())
	idle0, _ := cpuTime(p.pid())
	idleWin := window{from: time.Now()}
	time.Sleep(3 * time.Second)
	idle1, _ := cpuTime(p.pid())
	idleWin.to = time.Now()
	rep.IdleCPU = (idle1 - idle0) / 3
	time.Sleep(syncGuard)
	d := newDriver(tb, rec, echo, stored, cfg.Seed)
	type counters struct {
		cpu, user, sys, self time.Duration
		calls                int64
		samples              int
	}
	read := func() counters {
		c := counters{calls: rec.sends.Load(), samples: len(d.samples), self: selfCPU()}
		c.cpu, _ = cpuTime(p.pid())
		c.user, c.sys, _ = userSys(p.pid())
		return c
	}
	finish := func(ph *Phase, c0, c1 counters) {
		ph.Calls = c1.calls - c0.calls
		ph.Harness = c1.self - c0.self
		if ticks := (c1.user - c0.user) + (c1.sys - c0.sys); ticks > 0 {
			ph.SysShare = float64(c1.sys-c0.sys) / float64(ticks)
		}
	}
	phase := func(name string, users int, run func()) Phase {
		c0 := read()
		t0 := time.Now()
		run()
		c1 := read()
		ph := summarize(name, users, d.samples[c0.samples:], time.Since(t0), c1.cpu-c0.cpu)
		ph.win = window{from: t0, to: time.Now()}
		finish(&ph, c0, c1)
		if p.exited() {
			tb.Fatalf("%s exited during the %s phase: %s", which, name, p.logTail())
		}
		return ph
	}

	// Unloaded: one woman at a time, one step at a time: a new woman
	// through the whole dialogue, then a stored woman at every point of it.
	rep.Unloaded = phase("unloaded", 1, func() {
		d.walk(d.newSim(0), len(script))
		for pos := 1; pos < len(script); pos++ {
			d.walk(d.newSim(pos), 1)
		}
	})
	cfg.Logf("%s: unloaded: %d steps, p50 %v, p99 %v", which, rep.Unloaded.Updates, rep.Unloaded.DoneP50, rep.Unloaded.DoneP99)
	time.Sleep(syncGuard)

	// Paced: cfg.Users women, steps arriving at cfg.Rate a second.
	users := make([]*sim, cfg.Users)
	for i := range users {
		users[i] = d.randomSim()
	}
	rep.Paced = phase("paced", cfg.Users, func() { users = d.openLoop(users, cfg.Rate, cfg.Paced) })
	rep.CallsPerUpdate = float64(rep.Paced.Calls) / float64(max(rep.Paced.Updates, 1))
	cfg.Logf("%s: paced at %.1f/s: %d steps, p50 %v, p99 %v, %v CPU a step", which, cfg.Rate, rep.Paced.Updates, rep.Paced.DoneP50, rep.Paced.DoneP99, rep.Paced.CPUPerUpdate)
	time.Sleep(syncGuard)

	// Load: the same women, each taking her next step as soon as her last
	// is answered; measured after a warm-up.
	var c0 counters
	var loadWin window
	t0 := time.Now()
	marks := []time.Time{t0.Add(cfg.Warmup), t0.Add(cfg.Warmup + cfg.Load)}
	d.closedLoop(users, marks, func(i int) {
		switch i {
		case 0:
			c0 = read()
			loadWin.from = time.Now()
		case 1:
			c1 := read()
			loadWin.to = time.Now()
			rep.Load = summarize("load", cfg.Users, d.samples[c0.samples:], loadWin.to.Sub(loadWin.from), c1.cpu-c0.cpu)
			rep.Load.win = loadWin
			rep.Load.Unfetched = d.unfetched()
			finish(&rep.Load, c0, c1)
		}
	})
	if p.exited() {
		tb.Fatalf("%s exited during the load phase: %s", which, p.logTail())
	}
	rep.LoadRSS, rep.PeakRSS, _ = memory(p.pid())
	cfg.Logf("%s: load: %.1f steps/s, p50 %v, p99 %v, %v CPU a step", which, rep.Load.PerSec, rep.Load.DoneP50, rep.Load.DoneP99, rep.Load.CPUPerUpdate)

	p.stop(15 * time.Second)
	if p.syncs != "" {
		counted, err := countSyncs(p.syncs, p.syncsFrom, []window{idleWin, rep.Unloaded.win, rep.Paced.win, rep.Load.win})
		if err != nil {
			tb.Fatalf("%s: count the sync calls: %v", which, err)
		}
		rep.IdleSyncs, rep.Unloaded.Syncs, rep.Paced.Syncs, rep.Load.Syncs = counted[0], counted[1], counted[2], counted[3]
	}
	rep.Errors = rec.errorCounts()
	rep.Methods = rec.methodCounts()
	rep.Logs = p.logCounts()
	rep.Unexpected = d.unexpected
	return rep
}

// syncGuard is a pause between phases that follow each other at once, so
// that their sync counts, whose windows' edges may be off by tens of
// milliseconds (see countedSince), do not take each other's calls.
const syncGuard = 200 * time.Millisecond

// benchConfigWith is benchConfig with these staff members.
func benchConfigWith(staff []int64) string {
	ids := make([]string, len(staff))
	for i, id := range staff {
		ids[i] = fmt.Sprint(id)
	}
	return "staff = [" + strings.Join(ids, ", ") + "]\n\n" + benchConfig
}

// benchConfig opens the form (deadline and stage I) whatever today is, and
// sets the pace to the most Telegram allows.
const benchConfig = `# mentorbench: the form is open, and the pace is Telegram's limit.
[applications]
deadline = "2099-12-11 17:00"

[broadcast]
rate = 30

[[programme.stages]]
id = "I"
starts = "2020-01-01 00:00"
ends = "2099-12-11 17:00"
`

// syncCounter is the sync call counter the config asks for, or nil with
// the reason in note.
func (cfg Config) syncCounter(note *string) *syncCounter {
	if !cfg.CountSyncs {
		*note = "not asked (-syncs=false)"
		return nil
	}
	t, err := newSyncCounter()
	if err != nil {
		*note = err.Error()
		return nil
	}
	return t
}

// logName is a bot's name fit for a file name.
func logName(which string) string { return strings.ReplaceAll(which, "+", "-") }

func summarize(name string, users int, samples []sample, window, cpu time.Duration) Phase {
	ph := Phase{Name: name, Users: users, Window: window, Updates: len(samples), CPU: cpu}
	if len(samples) == 0 {
		return ph
	}
	ph.PerSec = float64(len(samples)) / window.Seconds()
	ph.CPUPerUpdate = cpu / time.Duration(len(samples))
	first := make([]time.Duration, len(samples))
	done := make([]time.Duration, len(samples))
	for i, s := range samples {
		first[i], done[i] = s.first, s.complete
	}
	slices.Sort(first)
	slices.Sort(done)
	ph.FirstP50, ph.FirstP99 = quantile(first, 0.50), quantile(first, 0.99)
	ph.DoneP50, ph.DoneP99 = quantile(done, 0.50), quantile(done, 0.99)
	ph.DoneMax = done[len(done)-1]
	return ph
}

// quantile is the nearest-rank q-quantile of sorted values.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return quantile(s, 0.5)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
