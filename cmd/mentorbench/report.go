package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
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
	row("Bot API calls by method, whole run", func(r Report) string { return counts(r.Methods) })
	row("calls answered with an error", func(r Report) string { return counts(r.Errors) })
	row("bot log lines by level", func(r Report) string { return counts(r.Logs) })
	row("calls to a chat with no step outstanding", func(r Report) string { return fmt.Sprint(r.Unexpected) })

	byName := map[string]*Report{}
	for i := range reps {
		byName[reps[i].Bot] = &reps[i]
	}
	if echo := byName["echo"]; echo != nil && echo.Paced.CPUPerUpdate > 0 && echo.Load.CPUPerUpdate > 0 {
		for _, name := range []string{"mentorbot", "unpaced"} {
			if r := byName[name]; r != nil {
				fmt.Fprintf(&b, "\n%s's CPU time per update: %.1f× the echo bot's at %.0f steps/s, %.1f× with %d women as fast as each bot answers.",
					name, float64(r.Paced.CPUPerUpdate)/float64(echo.Paced.CPUPerUpdate), cfg.Rate,
					float64(r.Load.CPUPerUpdate)/float64(echo.Load.CPUPerUpdate), cfg.Users)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
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
