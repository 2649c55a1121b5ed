// Package systemd tells systemd how the bot is doing, over the
// sd_notify protocol: READY=1 once it polls Telegram, WATCHDOG=1 while
// polling and saving work, STOPPING=1 on the way out. The unit
// (mentorbot.service, Type=notify with WatchdogSec=) restarts a process
// that stops pinging: one that hangs, or whose store no longer saves.
//
// The protocol is one datagram per message on the unix socket named by
// $NOTIFY_SOCKET (a path, or "@name" for an abstract socket); outside
// systemd the variable is unset and every call does nothing.
package systemd

import (
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"
)

// Notifier sends notifications to systemd. The zero value, and one made
// without $NOTIFY_SOCKET, does nothing.
type Notifier struct {
	socket string
	// Interval is how often systemd expects a watchdog ping (half its
	// WatchdogSec, as sd_watchdog_enabled advises); zero when the unit has
	// no watchdog.
	Interval time.Duration

	mu       sync.Mutex
	ready    bool
	lastPing time.Time
}

// FromEnv reads $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID through
// getenv. A watchdog meant for another process (WATCHDOG_PID not pid) is
// not ours.
func FromEnv(getenv func(string) string, pid int) *Notifier {
	n := &Notifier{socket: getenv("NOTIFY_SOCKET")}
	usec, err := strconv.ParseInt(getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || usec <= 0 {
		return n
	}
	if p := getenv("WATCHDOG_PID"); p != "" && p != strconv.Itoa(pid) {
		return n
	}
	n.Interval = time.Duration(usec) * time.Microsecond / 2
	return n
}

// Enabled reports whether systemd listens.
func (n *Notifier) Enabled() bool { return n != nil && n.socket != "" }

// Notify sends one notification, such as "READY=1".
func (n *Notifier) Notify(state string) error {
	if !n.Enabled() {
		return nil
	}
	addr := &net.UnixAddr{Name: n.socket, Net: "unixgram"}
	if addr.Name[0] == '@' {
		addr.Name = "\x00" + addr.Name[1:] // an abstract socket
	}
	conn, err := net.DialUnix("unixgram", nil, addr)
	if err != nil {
		return fmt.Errorf("systemd notify: %w", err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(state)); err != nil {
		return fmt.Errorf("systemd notify %q: %w", state, err)
	}
	return nil
}

// Alive is called each time the bot polled Telegram and saved what came:
// the first call says the bot is ready, and later ones ping the watchdog,
// at most once per Interval/2 so a busy bot does not flood systemd.
func (n *Notifier) Alive(now time.Time) error {
	if !n.Enabled() {
		return nil
	}
	n.mu.Lock()
	first := !n.ready
	ping := n.Interval > 0 && now.Sub(n.lastPing) >= n.Interval/2
	n.ready = true
	if first || ping {
		n.lastPing = now
	}
	n.mu.Unlock()
	switch {
	case first:
		return n.Notify("READY=1\nSTATUS=polling Telegram")
	case ping:
		return n.Notify("WATCHDOG=1")
	}
	return nil
}

// Stopping says the bot is shutting down on purpose.
func (n *Notifier) Stopping() error { return n.Notify("STOPPING=1") }
