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

func benchmark(b *testing.B, which string) {
	cfg := DefaultConfig()
	if testing.Short() {
		cfg = ShortConfig()
	}
	cfg.Logf = b.Logf
	cfg.Bins = Binaries{Mentorbot: os.Getenv("MENTORBENCH_MENTORBOT"), Unpaced: os.Getenv("MENTORBENCH_UNPACED"), Echo: os.Getenv("MENTORBENCH_ECHOBOT")}
	if _, err := cfg.Bins.path(b.TempDir(), which); err != nil {
		b.Fatal(err)
	}
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
}
