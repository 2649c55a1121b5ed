package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// A bot's sync calls (fdatasync, fsync: what makes a commit durable, and
// what it waits for) are counted by the kernel's tracepoints at the entry
// of those system calls, read with perf stat: the counters run in the
// kernel and never stop the bot, so its CPU time is the same as without
// them. (strace -f -e trace=fdatasync,fsync counts the same calls, but
// stops the bot at every signal, and Go's runtime sends itself many: it
// made the echo bot's CPU time per update 30-60% higher.) perf prints the
// counts every syncInterval; countSyncs adds them up by window. Where perf
// is missing, or the kernel does not let it count, the runs go on without
// the counts.

// syncInterval is how often perf prints the counts: what a window's edges
// may be off by.
const syncInterval = 20 * time.Millisecond

// syncEvents are the tracepoints counted.
const (
	fdatasyncEvent = "syscalls:sys_enter_fdatasync"
	fsyncEvent     = "syscalls:sys_enter_fsync"
)

// syncCounter runs bots under perf stat.
type syncCounter struct{ perf string }

// newSyncCounter returns a counter, or nil and why not when perf cannot
// count sync calls here.
func newSyncCounter() (*syncCounter, error) {
	path, err := exec.LookPath("perf")
	if err != nil {
		return nil, errors.New("perf not found, so sync calls are not counted (apt-get install linux-perf)")
	}
	out, err := exec.Command(path, "stat", "-x,", "-e", fdatasyncEvent+","+fsyncEvent, "--", "true").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("perf cannot count sync calls here (it needs the syscalls tracepoints and perf_event_paranoid <= 1, or root): %v: %s", err, strings.TrimSpace(string(out)))
	}
	return &syncCounter{perf: path}, nil
}

// command is bin under perf stat, which writes the sync calls of all its
// threads every syncInterval to file.
func (c *syncCounter) command(file, bin string, args []string) *exec.Cmd {
	pargs := []string{"stat", "-x,", "-I", strconv.Itoa(int(syncInterval / time.Millisecond)), "-o", file,
		"-e", fdatasyncEvent + "," + fsyncEvent, "--", bin}
	return exec.Command(c.perf, append(pargs, args...)...)
}

// countedChild waits for the counter (pid) to start bin, and returns its
// process ID.
func countedChild(pid int, bin string, done <-chan struct{}) (int, error) {
	want, err := filepath.Abs(bin)
	if err != nil {
		return 0, err
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
		if err != nil {
			return 0, fmt.Errorf("find the bot perf started: %w", err)
		}
		for _, f := range strings.Fields(string(data)) {
			child, err := strconv.Atoi(f)
			if err != nil {
				continue
			}
			if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", child)); err == nil && exe == want {
				return child, nil
			}
		}
		select {
		case <-done:
			return 0, errors.New("perf exited")
		case <-time.After(time.Millisecond):
		}
	}
	return 0, errors.New("perf started no bot within 10s")
}

// countedSince is the time perf's intervals count from: perf starts
// counting when the bot starts, which is later than perf itself started
// (at started, give or take the fork) by the time perf took to set its
// counters up, tens of milliseconds and sometimes more. The two start
// times are read from /proc, to a clock tick (10 ms).
func countedSince(started time.Time, perfPid, botPid int) (time.Time, error) {
	perf, err := startedAt(perfPid)
	if err != nil {
		return time.Time{}, err
	}
	bot, err := startedAt(botPid)
	if err != nil {
		return time.Time{}, err
	}
	return started.Add(time.Duration(bot-perf) * time.Second / clkTck), nil
}

// syncs is how many sync calls a bot made in one window of time.
type syncs struct {
	Fdatasync, Fsync int
}

// window is a span of wall-clock time.
type window struct{ from, to time.Time }

// countSyncs reads perf's counts (its intervals counted from start) and
// adds up, for each window, the intervals that ended in it or less than
// syncInterval after it: an interval is printed after its calls, so the
// calls of a window's last moments are in an interval that ends after
// it. Phases that stop at once are followed by a pause (syncGuard), so
// the next one's calls are not taken.
func countSyncs(file string, start time.Time, windows []window) ([]syncs, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := make([]syncs, len(windows))
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		at, n, event, ok := parseInterval(sc.Text())
		if !ok {
			continue
		}
		end := start.Add(at)
		for i, w := range windows {
			if !end.After(w.from) || end.After(w.to.Add(syncInterval)) {
				continue
			}
			switch event {
			case fdatasyncEvent:
				out[i].Fdatasync += n
			case fsyncEvent:
				out[i].Fsync += n
			}
		}
	}
	return out, sc.Err()
}

// maxRun is longer than any run: a time beyond is not perf's.
const maxRun = 24 * time.Hour

// parseInterval reads one line of perf stat -x, -I: "     0.050218396,3,,syscalls:sys_enter_fdatasync,47039521,100.00,,",
// the end of the interval since perf started, the count and the event.
// Comments, blank lines and "<not counted>" are not intervals.
func parseInterval(line string) (at time.Duration, n int, event string, ok bool) {
	f := strings.Split(strings.TrimSpace(line), ",")
	if len(f) < 4 || strings.HasPrefix(f[0], "#") {
		return 0, 0, "", false
	}
	secs, err := strconv.ParseFloat(f[0], 64)
	if err != nil || !(secs >= 0 && secs < maxRun.Seconds()) { // NaN too
		return 0, 0, "", false
	}
	n, err = strconv.Atoi(f[1])
	if err != nil || n < 0 {
		return 0, 0, "", false
	}
	return time.Duration(secs * float64(time.Second)), n, f[3], true
}
