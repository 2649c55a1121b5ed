package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The unpaced build must still find its line in cmd/mentorbot/run.go:
// this fails as soon as that line changes, before anyone runs a
// benchmark.
func TestLiftPace_RunGo(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "mentorbot", "run.go"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := liftPace(src)
	if err != nil {
		t.Fatal(err)
	}
	before, after := strings.Split(string(src), "\n"), strings.Split(string(got), "\n")
	if len(before) != len(after) {
		t.Fatalf("lifting the pace changed the number of lines: %d to %d", len(before), len(after))
	}
	var changed []string
	for i := range before {
		if before[i] != after[i] {
			changed = append(changed, after[i])
		}
	}
	if want := "\t" + unpacedLine; len(changed) != 1 || changed[0] != want {
		t.Errorf("changed lines %q, want only %q", changed, want)
	}
}

func TestLiftPace_Refuses(t *testing.T) {
	for name, src := range map[string]string{
		"missing": "package main\n\nfunc f() {}\n",
		"twice":   "package main\n\t" + paceLine + "1, 1, 2\n\t" + paceLine + "2, 2, 2\n",
	} {
		if _, err := liftPace([]byte(src)); err == nil {
			t.Errorf("%s: lifted the pace of %q", name, src)
		}
	}
}

// perfOutput is what perf stat -x, -I 20 writes, as read from a run.
const perfOutput = `# started on Tue Dec  1 12:05:09 2026

     0.020218396,0,,syscalls:sys_enter_fdatasync,47039521,100.00,,
     0.020218396,0,,syscalls:sys_enter_fsync,47055350,100.00,,
     0.040480564,2,,syscalls:sys_enter_fdatasync,45912030,100.00,,
     0.040480564,1,,syscalls:sys_enter_fsync,45896201,100.00,,
     0.060662222,4,,syscalls:sys_enter_fdatasync,48593959,100.00,,
     0.060662222,0,,syscalls:sys_enter_fsync,48593959,100.00,,
     0.080913099,<not counted>,,syscalls:sys_enter_fdatasync,0,100.00,,
     0.100913099,6,,syscalls:sys_enter_fdatasync,26249368,100.00,,
     0.100913099,0,,syscalls:sys_enter_fsync,26249368,100.00,,
`

func TestCountSyncs(t *testing.T) {
	file := filepath.Join(t.TempDir(), "syncs.csv")
	if err := os.WriteFile(file, []byte(perfOutput), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 1, 12, 5, 9, 0, time.UTC)
	at := func(ms int) time.Time { return start.Add(time.Duration(ms) * time.Millisecond) }
	got, err := countSyncs(file, start, []window{
		{at(0), at(50)},   // the intervals ending at 20 and 40 ms
		{at(41), at(61)},  // the one ending at 60 ms: an interval counts where it ends
		{at(0), at(1000)}, // all
		{at(200), at(300)},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []syncs{{2, 1}, {4, 0}, {12, 1}, {0, 0}}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("window %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestButtons(t *testing.T) {
	markup := `{"inline_keyboard":[[{"text":"◀","callback_data":"pg:apps:1"},{"text":"▶","callback_data":"pg:apps:3"}],[{"text":"📄","callback_data":"pgf:apps"}]]}`
	bs := buttons(markup)
	if len(bs) != 3 || bs[1] != (button{Text: "▶", Data: "pg:apps:3"}) {
		t.Fatalf("buttons %+v", bs)
	}
	if b, ok := withData(bs, "pg:apps:", "3"); !ok || b.Text != "▶" {
		t.Errorf("withData found %+v, %v", b, ok)
	}
	if _, ok := withData(bs, "bc:", ""); ok {
		t.Error("found a broadcast button in a list's markup")
	}
	if buttons("") != nil || buttons("not json") != nil {
		t.Error("buttons of no markup")
	}
}

func FuzzParseInterval(f *testing.F) {
	for _, line := range strings.Split(perfOutput, "\n") {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		at, n, event, ok := parseInterval(line)
		if !ok {
			return
		}
		if at < 0 || n < 0 {
			t.Errorf("%q: at %v, count %d", line, at, n)
		}
		if !bytes.Contains([]byte(line), []byte(event)) {
			t.Errorf("%q: event %q is not in the line", line, event)
		}
	})
}
