package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// moduleRoot is the directory of the mentorbot module, wherever the
// benchmark or the command runs from.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the mentorbot module: run from the repository")
	}
	return filepath.Dir(mod), nil
}

// build compiles the package (relative to the module root) into dir,
// with the files of overlay (go build -overlay) if it is not "".
func build(dir, pkg, name, overlay string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, name)
	args := []string{"build", "-o", bin}
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
	}
	return bin, nil
}

// Binaries are the programs measured. Empty fields are built from the
// module with go build.
type Binaries struct {
	Mentorbot string
	// Unpaced is mentorbot with its pace lifted (see buildUnpaced).
	Unpaced string
	// Echo is the echo bot, both floors: with -db it records each update.
	Echo string
}

// path returns the binary of bot which (one of Bots), building it into
// dir if it was not given.
func (b *Binaries) path(dir, which string) (string, error) {
	var err error
	switch which {
	case "mentorbot":
		if b.Mentorbot == "" {
			b.Mentorbot, err = build(dir, "./cmd/mentorbot", "mentorbot", "")
		}
		return b.Mentorbot, err
	case "unpaced":
		if b.Unpaced == "" {
			b.Unpaced, err = buildUnpaced(dir)
		}
		return b.Unpaced, err
	case "echo", "echo+bbolt":
		if b.Echo == "" {
			b.Echo, err = build(dir, "./cmd/mentorbench/echobot", "echobot", "")
		}
		return b.Echo, err
	}
	return "", fmt.Errorf("unknown bot %q: want one of %v", which, Bots)
}

// paceLine is the start of the line of cmd/mentorbot/run.go
// ((*app).outbox) that sets the outbox's paces from the config, and
// unpacedLine what buildUnpaced puts in its place: no pace overall and
// none per chat (a zero rate is "as fast as Telegram answers").
const (
	paceLine    = "o.Rate, o.ChatRate, o.ChatBurst = "
	unpacedLine = "o.Rate, o.ChatRate, o.ChatBurst = 0, 0, chatBurst"
)

// buildUnpaced builds mentorbot with its pace lifted: the config refuses
// a [broadcast] rate over Telegram's 30 messages a second (or of 0), so
// the binary is built from the same sources with one line of
// cmd/mentorbot/run.go replaced (through go build -overlay; the file
// itself is untouched).
func buildUnpaced(dir string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	runGo := filepath.Join(root, "cmd", "mentorbot", "run.go")
	src, err := os.ReadFile(runGo)
	if err != nil {
		return "", err
	}
	unpaced, err := liftPace(src)
	if err != nil {
		return "", fmt.Errorf("cannot lift the pace in %s: %w", runGo, err)
	}
	replaced := filepath.Join(dir, "run_unpaced.go")
	if err := os.WriteFile(replaced, unpaced, 0o600); err != nil {
		return "", err
	}
	overlay := filepath.Join(dir, "overlay.json")
	spec, err := json.Marshal(map[string]map[string]string{"Replace": {runGo: replaced}})
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(overlay, spec, 0o600); err != nil {
		return "", err
	}
	return build(dir, "./cmd/mentorbot", "mentorbot-unpaced", overlay)
}

// liftPace replaces the one line of run.go that starts (after its indent)
// with paceLine by unpacedLine.
func liftPace(src []byte) ([]byte, error) {
	lines := bytes.SplitAfter(src, []byte("\n"))
	at := -1
	for i, line := range lines {
		if bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte(paceLine)) {
			if at >= 0 {
				return nil, fmt.Errorf("%q starts more than one line", paceLine)
			}
			at = i
		}
	}
	if at < 0 {
		return nil, fmt.Errorf("no line starts with %q", paceLine)
	}
	indent := lines[at][:len(lines[at])-len(bytes.TrimLeft(lines[at], " \t"))]
	lines[at] = append(append(bytes.Clone(indent), unpacedLine...), '\n')
	return bytes.Join(lines, nil), nil
}

// process is a bot running as a child process, possibly under perf stat
// counting its sync calls (see syncs.go): then cmd is perf, and botPid
// the bot itself.
type process struct {
	cmd     *exec.Cmd
	botPid  int
	started time.Time
	logPath string
	// syncs is the file perf writes the bot's sync calls to, "" when
	// they are not counted; syncsFrom is the time perf counts its
	// intervals from, which is when the bot started (see countedSince).
	syncs     string
	syncsFrom time.Time
	done      chan struct{}
}

// startProcess starts bin with env on top of a minimal environment, its
// output to logPath; tb's cleanup stops it if it still runs. With counter
// set, its sync calls are counted (see syncs.go).
func startProcess(tb testing.TB, bin string, args, env []string, logPath string, counter *syncCounter) *process {
	tb.Helper()
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	p := &process{logPath: logPath, done: make(chan struct{})}
	cmd := exec.Command(bin, args...)
	if counter != nil {
		becomeSubreaper()
		p.syncs = strings.TrimSuffix(logPath, ".log") + ".syncs.csv"
		cmd = counter.command(p.syncs, bin, args)
	}
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	p.cmd = cmd
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		tb.Fatalf("start %s: %v", filepath.Base(bin), err)
	}
	go func() {
		cmd.Wait()
		if p.botPid != cmd.Process.Pid {
			reap(p.botPid)
		}
		logf.Close()
		close(p.done)
	}()
	tb.Cleanup(func() { p.stop(10 * time.Second) })
	p.botPid = cmd.Process.Pid
	if counter != nil {
		if p.botPid, err = countedChild(cmd.Process.Pid, bin, p.done); err != nil {
			p.stop(time.Second)
			tb.Fatalf("%s under perf: %v: %s", filepath.Base(bin), err, p.logTail())
		}
		if p.syncsFrom, err = countedSince(p.started, cmd.Process.Pid, p.botPid); err != nil {
			p.stop(time.Second)
			tb.Fatalf("%s under perf: %v", filepath.Base(bin), err)
		}
	}
	return p
}

// perf stat -I does not wait for the program it runs, which then stays a
// zombie of whoever adopts it. This process adopts it (a child
// subreaper) and reaps it.
var subreaper sync.Once

func becomeSubreaper() {
	subreaper.Do(func() { unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) })
}

// reap waits for pid, a bot adopted when perf ended; it returns at once
// if it is not this process's child.
func reap(pid int) {
	var status syscall.WaitStatus
	for {
		_, err := syscall.Wait4(pid, &status, 0, nil)
		if err != syscall.EINTR {
			return
		}
	}
}

// pid is the bot's process ID, for its CPU time and memory.
func (p *process) pid() int { return p.botPid }

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM to the bot and waits up to grace, then kills it. A
// bot under perf is signalled itself; perf ends with it.
func (p *process) stop(grace time.Duration) {
	if p.exited() {
		return
	}
	syscall.Kill(p.botPid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		syscall.Kill(p.botPid, syscall.SIGKILL)
		p.cmd.Process.Kill()
		<-p.done
	}
}

// logTail is the end of the process's output, for error messages.
func (p *process) logTail() string {
	data, _ := os.ReadFile(p.logPath)
	if len(data) > 2000 {
		data = data[len(data)-2000:]
	}
	return string(data)
}

// logCounts counts the slog lines of each level in the process's output.
func (p *process) logCounts() map[string]int {
	data, _ := os.ReadFile(p.logPath)
	counts := map[string]int{}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if _, rest, ok := bytes.Cut(line, []byte("level=")); ok {
			level, _, _ := bytes.Cut(rest, []byte(" "))
			counts[string(level)]++
		}
	}
	return counts
}

// memory reads VmRSS and VmHWM (peak RSS) of pid from /proc, in bytes.
func memory(pid int) (rss, peak int64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %q", name, value)
		}
		if name == "VmRSS" {
			rss = kb << 10
		} else {
			peak = kb << 10
		}
	}
	return rss, peak, nil
}

// cpuTime is the CPU time pid has used so far, all threads, user and
// system. It sums the per-thread schedstat counters (nanoseconds), which
// are finer than /proc/<pid>/stat's utime+stime (10 ms ticks), and falls
// back to the ticks where schedstat is missing.
func cpuTime(pid int) (time.Duration, error) {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	var sum time.Duration
	n := 0
	for _, path := range tasks {
		data, err := os.ReadFile(path)
		if err != nil {
			continue // the thread ended
		}
		f := strings.Fields(string(data))
		if len(f) == 0 {
			continue
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		sum += time.Duration(ns)
		n++
	}
	if n > 0 {
		return sum, nil
	}
	return ticksCPU(pid)
}

// ticksCPU is utime+stime from /proc/<pid>/stat.
func ticksCPU(pid int) (time.Duration, error) {
	user, sys, err := userSys(pid)
	return user + sys, err
}

// clkTck is USER_HZ on Linux, the unit of /proc/<pid>/stat's times.
const clkTck = 100

// userSys is utime and stime from /proc/<pid>/stat.
func userSys(pid int) (user, sys time.Duration, err error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, 0, err
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime) * time.Second / clkTck, time.Duration(stime) * time.Second / clkTck, nil
}

// startedAt is when pid started, in clock ticks since boot.
func startedAt(pid int) (int64, error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(f[19], 10, 64)
}

// statFields are the fields of /proc/<pid>/stat after the command name
// (which is in parentheses and may hold spaces): f[0] is the state.
func statFields(pid int) ([]string, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	i := bytes.LastIndexByte(data, ')')
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 20 {
		return nil, fmt.Errorf("short /proc/%d/stat", pid)
	}
	return f, nil
}

// selfCPU is the CPU time this process has used, user and system.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
