package systemd

import (
	"net"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// listen opens a notification socket as systemd does and returns its
// environment and a function that reads what arrived.
func listen(t *testing.T, name string, watchdog string) (func(string) string, func() []string) {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	env := map[string]string{"NOTIFY_SOCKET": name, "WATCHDOG_USEC": watchdog}
	if name[0] == '\x00' {
		env["NOTIFY_SOCKET"] = "@" + name[1:]
	}
	read := func() []string {
		var got []string
		buf := make([]byte, 512)
		for {
			_ = conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
			n, err := conn.Read(buf)
			if err != nil {
				return got
			}
			got = append(got, string(buf[:n]))
		}
	}
	return func(k string) string { return env[k] }, read
}

// Ready once, then a watchdog ping per half interval however often the
// bot polls, then stopping.
func TestNotifier_ReadyWatchdogStopping(t *testing.T) {
	getenv, read := listen(t, filepath.Join(t.TempDir(), "notify"), "120000000")
	n := FromEnv(getenv, 1)
	if n.Interval != time.Minute {
		t.Fatalf("interval %v from WatchdogSec=120, want 1m", n.Interval)
	}
	start := time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
	for s := 0; s <= 90; s += 5 { // a poll every 5 s for 90 s
		if err := n.Alive(start.Add(time.Duration(s) * time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.Stopping(); err != nil {
		t.Fatal(err)
	}
	want := []string{"READY=1\nSTATUS=polling Telegram", "WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1", "STOPPING=1"}
	if got := read(); !slices.Equal(got, want) {
		t.Fatalf("systemd heard %q, want %q", got, want)
	}
}

// An abstract socket ("@name") works too; a watchdog for another process
// is not ours.
func TestNotifier_AbstractSocketAndOtherPID(t *testing.T) {
	getenv, read := listen(t, "\x00mentorbot-test-"+filepath.Base(t.TempDir()), "10000000")
	env := func(k string) string {
		if k == "WATCHDOG_PID" {
			return "4242"
		}
		return getenv(k)
	}
	n := FromEnv(env, 1)
	if n.Interval != 0 {
		t.Errorf("a watchdog for pid 4242 taken by pid 1: %v", n.Interval)
	}
	if err := n.Alive(time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := read(); !slices.Equal(got, []string{"READY=1\nSTATUS=polling Telegram"}) {
		t.Fatalf("heard %q", got)
	}
}

// Outside systemd nothing is sent and nothing fails.
func TestNotifier_OutsideSystemd(t *testing.T) {
	n := FromEnv(func(string) string { return "" }, 1)
	if n.Enabled() || n.Alive(time.Now()) != nil || n.Stopping() != nil {
		t.Fatal("a notifier without NOTIFY_SOCKET did something")
	}
}
