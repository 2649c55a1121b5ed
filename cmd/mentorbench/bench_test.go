package main

import (
	"os"
	"testing"
	"time"
)

// The benchmarks run a whole measurement once, whatever b.N (one run
// takes a minute or two, so the testing package never asks for more):
//
//	go test -run '^$' -bench . -benchtime 1x ./cmd/mentorbench
//
// With -short they run a few seconds each, to check that all works; -v
// shows the whole table of each.
//
// MENTORBENCH_MENTORBOT, MENTORBENCH_UNPACED and MENTORBENCH_ECHOBOT name
// prebuilt binaries; without them all three are built from this module.

func BenchmarkMentorbot(b *testing.B) { benchmark(b, "mentorbot") }

func BenchmarkMentorbotUnpaced(b *testing.B) { benchmark(b, "unpaced") }

func BenchmarkEchoBot(b *testing.B) { benchmark(b, "echo") }

// BenchmarkEchoBotBbolt is the second floor: the echo bot recording each
// update in bbolt before it answers.
func BenchmarkEchoBotBbolt(b *testing.B) { benchmark(b, "echo+bbolt") }

// BenchmarkBroadcastPace is a broadcast to 1 000 participants at rate 30
// with nothing else going on, against Telegram's limits: its time over
// the ideal 1000/30 s (pace-ratio) and the copies refused (429s).
func BenchmarkBroadcastPace(b *testing.B) { broadcastBenchmark(b, "pace") }

// BenchmarkBroadcastMixed is the same broadcast while staff list 10 000
// applications and 100 women step through the form: the women's latency
// while it runs (women-p50-ms, women-p99-ms) and its time (mixed-ratio).
func BenchmarkBroadcastMixed(b *testing.B) { broadcastBenchmark(b, "mixed") }

// benchmarkConfig is the config of a benchmark, with its binary built (or
// given by the environment) before the timer starts.
func benchmarkConfig(b *testing.B, which string) Config {
	cfg := DefaultConfig()
	if testing.Short() {
		cfg = ShortConfig()
	}
	cfg.Logf = b.Logf
	cfg.Bins = Binaries{Mentorbot: os.Getenv("MENTORBENCH_MENTORBOT"), Unpaced: os.Getenv("MENTORBENCH_UNPACED"), Echo: os.Getenv("MENTORBENCH_ECHOBOT")}
	if _, err := cfg.Bins.path(b.TempDir(), which); err != nil {
		b.Fatal(err)
	}
	return cfg
}

func benchmark(b *testing.B, which string) {
	cfg := benchmarkConfig(b, which)
	b.ResetTimer()
	r := Run(b, cfg, which)
	b.StopTimer()
	b.Log(Format(cfg, []Report{r}))
	msec := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	usec := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(r.Load.PerSec, "updates/s")
	b.ReportMetric(msec(r.Paced.DoneP50), "p50-ms")
	b.ReportMetric(msec(r.Paced.DoneP99), "p99-ms")
	b.ReportMetric(msec(r.Load.DoneP50), "load-p50-ms")
	b.ReportMetric(msec(r.Load.DoneP99), "load-p99-ms")
	b.ReportMetric(usec(r.Paced.CPUPerUpdate), "cpu-µs/update")
	b.ReportMetric(float64(r.IdleRSS)/(1<<20), "rss-MB")
	b.ReportMetric(msec(median(r.StartEmpty)), "startup-ms")
	if len(r.StartStored) > 0 {
		b.ReportMetric(msec(median(r.StartStored)), "startup-stored-ms")
	}
	b.ReportMetric(usec(r.Load.CPUPerUpdate), "load-cpu-µs/update")
	if r.Counted {
		b.ReportMetric(r.Paced.SyncsPerUpdate(), "syncs/update")
		b.ReportMetric(r.Load.SyncsPerUpdate(), "load-syncs/update")
	}
}

func broadcastBenchmark(b *testing.B, phase string) {
	cfg := benchmarkConfig(b, "mentorbot")
	cfg.Broadcast.Only = phase
	b.ResetTimer()
	r := RunBroadcast(b, cfg)
	b.StopTimer()
	b.Log(FormatBroadcast(r))
	msec := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	p := r.Pace
	if phase == "mixed" {
		p = r.Mixed
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(p.SpreadRatio(cfg.Broadcast), phase+"-ratio")
	b.ReportMetric(p.ReportRatio(cfg.Broadcast), phase+"-report-ratio")
	b.ReportMetric(float64(p.Refused), phase+"-429")
	b.ReportMetric(msec(p.Spread), phase+"-ms")
	if phase == "mixed" {
		b.ReportMetric(msec(p.Women.DoneP50), "women-p50-ms")
		b.ReportMetric(msec(p.Women.DoneP99), "women-p99-ms")
	}
	if r.Counted {
		b.ReportMetric(float64(p.Syncs.Fdatasync+p.Syncs.Fsync)/float64(max(p.Copies, 1)), phase+"-syncs/copy")
	}
}
