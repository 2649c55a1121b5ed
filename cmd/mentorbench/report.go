package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
)

// Format renders the reports as a Markdown table, one column per bot, and
// mentorbot's CPU time per update as a multiple of the echo bot's.
func Format(cfg Config, reps []Report) string {
	var b strings.Builder
	b.WriteString("\n| | " + strings.Join(names(reps), " | ") + " |\n|---|" + strings.Repeat("---|", len(reps)) + "\n")
	row := func(label string, cell func(Report) string) {
		cells := make([]string, len(reps))
		for i, r := range reps {
			cells[i] = cell(r)
		}
		fmt.Fprintf(&b, "| %s | %s |\n", label, strings.Join(cells, " | "))
	}
	row("start-up, new database (median)", func(r Report) string { return ms(median(r.StartEmpty)) })
	row(fmt.Sprintf("start-up, %d stored (median)", cfg.Stored), func(r Report) string { return orDash(len(r.StartStored) > 0, ms(median(r.StartStored))) })
	row(fmt.Sprintf("RSS idle, %d stored", cfg.Stored), func(r Report) string { return mb(r.IdleRSS) })
	row("RSS after load / peak", func(r Report) string { return mb(r.LoadRSS) + " / " + mb(r.PeakRSS) })
	row("CPU time a second, idle", func(r Report) string { return ms(r.IdleCPU) })
	row("unloaded: steps, latency p50 / p99", func(r Report) string { return latency(r.Unloaded) })
	row(fmt.Sprintf("paced %.0f steps/s, %d women: steps, latency p50 / p99", cfg.Rate, cfg.Users), func(r Report) string { return latency(r.Paced) })
	row("paced: first reply p50 / p99", func(r Report) string { return ms(r.Paced.FirstP50) + " / " + ms(r.Paced.FirstP99) })
	row("paced: Bot API calls per update", func(r Report) string { return fmt.Sprintf("%.2f", r.CallsPerUpdate) })
	row("paced: CPU time per update (kernel share)", func(r Report) string { return cpu(r.Paced) })
	row(fmt.Sprintf("load, %d women: updates/s end to end", cfg.Users), func(r Report) string { return fmt.Sprintf("%.1f", r.Load.PerSec) })
	row("load: Bot API calls/s", func(r Report) string { return fmt.Sprintf("%.1f", float64(r.Load.Calls)/r.Load.Window.Seconds()) })
	row("load: latency p50 / p99 / max", func(r Report) string {
		return ms(r.Load.DoneP50) + " / " + ms(r.Load.DoneP99) + " / " + ms(r.Load.DoneMax)
	})
	row("load: women ÷ updates/s (steady-state latency, Little's law)", func(r Report) string {
		if r.Load.PerSec == 0 {
			return "–"
		}
		return ms(time.Duration(float64(r.Load.Users) / r.Load.PerSec * float64(time.Second)))
	})
	row(fmt.Sprintf("load: updates not yet confirmed by the bot at the end (%d steps outstanding)", cfg.Users), func(r Report) string { return fmt.Sprint(r.Load.Unfetched) })
	row("load: CPU time per update (kernel share)", func(r Report) string { return cpu(r.Load) })
	row("load: CPU use, bot / harness (cores)", func(r Report) string {
		return fmt.Sprintf("%.2f / %.2f", r.Load.CPU.Seconds()/r.Load.Window.Seconds(), r.Load.Harness.Seconds()/r.Load.Window.Seconds())
	})
	row("idle: fdatasync + fsync a second", func(r Report) string {
		return orDash(r.Counted, fmt.Sprintf("%.1f", float64(r.IdleSyncs.Fdatasync+r.IdleSyncs.Fsync)/3))
	})
	row("unloaded: fdatasync + fsync per update", func(r Report) string { return syncsCell(r, r.Unloaded) })
	row("paced: fdatasync + fsync per update", func(r Report) string { return syncsCell(r, r.Paced) })
	row("load: fdatasync + fsync per update", func(r Report) string { return syncsCell(r, r.Load) })
	row("Bot API calls by method, whole run", func(r Report) string { return counts(r.Methods) })
	row("calls answered with an error", func(r Report) string { return counts(r.Errors) })
	row("bot log lines by level", func(r Report) string { return counts(r.Logs) })
	row("calls to a chat with no step outstanding", func(r Report) string { return fmt.Sprint(r.Unexpected) })

	byName := map[string]*Report{}
	for i := range reps {
		byName[reps[i].Bot] = &reps[i]
	}
	for _, floor := range []string{"echo", "echo+bbolt"} {
		f := byName[floor]
		if f == nil || f.Paced.CPUPerUpdate == 0 || f.Load.CPUPerUpdate == 0 {
			continue
		}
		for _, name := range []string{"mentorbot", "unpaced"} {
			if r := byName[name]; r != nil {
				fmt.Fprintf(&b, "\n%s's CPU time per update: %.1f× %s's at %.0f steps/s, %.1f× with %d women as fast as each bot answers.",
					name, ratio(r.Paced.CPUPerUpdate, f.Paced.CPUPerUpdate), floor, cfg.Rate,
					ratio(r.Load.CPUPerUpdate, f.Load.CPUPerUpdate), cfg.Users)
			}
		}
		b.WriteString("\n")
	}
	if f := byName["echo+bbolt"]; f != nil && f.Counted {
		for _, name := range []string{"mentorbot", "unpaced"} {
			if r := byName[name]; r != nil && r.Counted {
				fmt.Fprintf(&b, "\n%s's fdatasync + fsync per update: %.2f against echo+bbolt's %.2f at %.0f steps/s, %.2f against %.2f as fast as each answers.",
					name, r.Paced.SyncsPerUpdate(), f.Paced.SyncsPerUpdate(), cfg.Rate, r.Load.SyncsPerUpdate(), f.Load.SyncsPerUpdate())
			}
		}
		b.WriteString("\n")
	}
	for _, r := range reps {
		if !r.Counted {
			fmt.Fprintf(&b, "\n%s: sync calls not counted: %s.", r.Bot, r.SyncNote)
		}
	}
	return b.String()
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

// syncsCell is a phase's sync calls per update, fdatasync and fsync apart
// when there are fsyncs.
func syncsCell(r Report, p Phase) string {
	if !r.Counted {
		return "–"
	}
	per := func(n int) float64 { return float64(n) / float64(max(p.Updates, 1)) }
	if p.Syncs.Fsync == 0 {
		return fmt.Sprintf("%.2f", per(p.Syncs.Fdatasync))
	}
	return fmt.Sprintf("%.2f + %.2f", per(p.Syncs.Fdatasync), per(p.Syncs.Fsync))
}

// FormatBroadcast renders the broadcast run as a Markdown table, one
// column per phase.
func FormatBroadcast(r BroadcastReport) string {
	c := r.Config
	var b strings.Builder
	fmt.Fprintf(&b, "\nmentorbot at rate %d against Telegram's limits (%.0f a second overall, burst %d; %.0f a second a chat, burst %d):\n",
		telegramRate, telegramtest.TelegramLimits.Overall, telegramtest.TelegramLimits.OverallBurst,
		telegramtest.TelegramLimits.PerChat, telegramtest.TelegramLimits.PerChatBurst)
	var phases []BroadcastPhase
	b.WriteString("\n|")
	for _, p := range []BroadcastPhase{r.Pace, r.Mixed} {
		if p.Name != "" {
			phases = append(phases, p)
			b.WriteString(" | " + map[string]string{"pace": "broadcast alone", "mixed": "with staff lists and women"}[p.Name])
		}
	}
	b.WriteString(" |\n|---|" + strings.Repeat("---|", len(phases)) + "\n")
	row := func(label string, cell func(BroadcastPhase) string) {
		cells := make([]string, len(phases))
		for i, p := range phases {
			cells[i] = cell(p)
		}
		fmt.Fprintf(&b, "| %s | %s |\n", label, strings.Join(cells, " | "))
	}
	ideal := c.Ideal()
	row(fmt.Sprintf("copies to %d participants accepted / refused 429", c.Recipients), func(p BroadcastPhase) string {
		return fmt.Sprintf("%d / %d", p.Copies, p.Refused)
	})
	row(fmt.Sprintf("first copy to last (× the ideal %d/30 s = %s)", c.Recipients, ms(ideal)), func(p BroadcastPhase) string {
		return fmt.Sprintf("%s (%.2f×)", ms(p.Spread), p.SpreadRatio(c))
	})
	row("\"send now\" to the report (× the ideal)", func(p BroadcastPhase) string {
		return fmt.Sprintf("%s (%.2f×)", ms(p.ToReport), p.ReportRatio(c))
	})
	row("429s in the phase, by the overall / a chat's limit", func(p BroadcastPhase) string {
		return fmt.Sprintf("%d / %d", p.ByOverall, p.ByChat)
	})
	row("Bot API calls/s over the phase", func(p BroadcastPhase) string {
		return fmt.Sprintf("%.1f", float64(p.Calls)/p.Window.Seconds())
	})
	row("CPU time over the phase, per copy", func(p BroadcastPhase) string {
		return fmt.Sprintf("%s, %s", ms(p.CPU), us(p.CPU/time.Duration(max(p.Copies, 1))))
	})
	row("fdatasync + fsync over the phase, per copy", func(p BroadcastPhase) string {
		if !r.Counted {
			return "–"
		}
		n := p.Syncs.Fdatasync + p.Syncs.Fsync
		return fmt.Sprintf("%d, %.2f", n, float64(n)/float64(max(p.Copies, 1)))
	})
	row(fmt.Sprintf("women (%d) during the broadcast: steps, steps/s", c.Women), func(p BroadcastPhase) string {
		return orDash(p.Women.Updates > 0, fmt.Sprintf("%d, %.1f", p.Women.Updates, p.Women.PerSec))
	})
	row("women during the broadcast: latency p50 / p99 / max", func(p BroadcastPhase) string {
		return orDash(p.Women.Updates > 0, ms(p.Women.DoneP50)+" / "+ms(p.Women.DoneP99)+" / "+ms(p.Women.DoneMax))
	})
	row("women during the broadcast: first reply p50 / p99", func(p BroadcastPhase) string {
		return orDash(p.Women.Updates > 0, ms(p.Women.FirstP50)+" / "+ms(p.Women.FirstP99))
	})
	row("women: longest time with steps outstanding and none answered (from, since the phase began)", func(p BroadcastPhase) string {
		return orDash(p.WomenAll.Updates > 0, fmt.Sprintf("%s (%s)", ms(p.Stall), ms(p.StallAt)))
	})
	row("women, whole phase: steps, latency p50 / p99", func(p BroadcastPhase) string {
		return orDash(p.WomenAll.Updates > 0, latency(p.WomenAll))
	})
	row(fmt.Sprintf("staff's /applications of %d: lists, paged", c.Applications), func(p BroadcastPhase) string {
		return orDash(len(p.Lists) > 0, fmt.Sprintf("%d, %v", len(p.Lists), p.Paged))
	})
	row("/applications: to its first message p50 / max", func(p BroadcastPhase) string {
		return orDash(len(p.Lists) > 0, listTimes(p.Lists, func(l listRound) time.Time { return l.First }))
	})
	row("/applications: to its last message (or last page looked at): done, p50 / max", func(p BroadcastPhase) string {
		return orDash(len(p.Lists) > 0, listTimes(p.Lists, func(l listRound) time.Time { return l.Done }))
	})
	row("/applications: messages (or pages) each", func(p BroadcastPhase) string {
		if len(p.Lists) == 0 {
			return "–"
		}
		var n []string
		for _, l := range p.Lists {
			n = append(n, fmt.Sprint(l.Messages))
		}
		return strings.Join(n, ", ")
	})
	fmt.Fprintf(&b, "\nBot API calls by method, whole run: %s.\nCalls answered with an error: %s.\nBot log lines by level: %s.\nCalls to a chat with nothing outstanding: %d.\n",
		counts(r.Methods), counts(r.Errors), counts(r.Logs), r.Unexpected)
	if !r.Counted {
		fmt.Fprintf(&b, "Sync calls not counted: %s.\n", r.SyncNote)
	}
	return b.String()
}

// listTimes is how many lists got that far by the end of the phase, and
// the p50 and max time from sending /applications.
func listTimes(lists []listRound, at func(listRound) time.Time) string {
	var ds []time.Duration
	for _, l := range lists {
		if t := at(l); !t.IsZero() {
			ds = append(ds, t.Sub(l.Sent))
		}
	}
	if len(ds) == 0 {
		return fmt.Sprintf("0 of %d", len(lists))
	}
	slices.Sort(ds)
	return fmt.Sprintf("%d of %d, %s / %s", len(ds), len(lists), ms(quantile(ds, 0.5)), ms(ds[len(ds)-1]))
}

func names(reps []Report) []string {
	var out []string
	for _, r := range reps {
		out = append(out, r.Bot)
	}
	return out
}

func latency(p Phase) string {
	return fmt.Sprintf("%d, %s / %s", p.Updates, ms(p.DoneP50), ms(p.DoneP99))
}

func cpu(p Phase) string {
	return fmt.Sprintf("%s (%.0f%%)", us(p.CPUPerUpdate), 100*p.SysShare)
}

func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond)) }

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

func orDash(ok bool, s string) string {
	if !ok {
		return "–"
	}
	return s
}

func counts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s: %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
