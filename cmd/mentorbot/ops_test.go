package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
)

// "mentorbot version" names the commit the binary was built from.
func TestVersion_Binary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "mentorbot")
	build := []string{"build", "-o", bin}
	if _, err := exec.Command("git", "rev-parse", "HEAD").Output(); err == nil {
		build = append(build, "-buildvcs=true") // whatever GOFLAGS says
	}
	if out, err := exec.Command("go", append(build, ".")...).CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	// What Go stamped into the binary, read by Go itself.
	info, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	stamp := regexp.MustCompile(`vcs\.revision=([0-9a-f]+)`).FindSubmatch(info)
	if stamp == nil {
		t.Log("this checkout gives Go no VCS stamp (a git worktree, say): only the line's form is checked")
	}
	for _, arg := range []string{"version", "-version", "--version"} {
		out, err := exec.Command(bin, arg).Output()
		if err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		line := strings.TrimSpace(string(out))
		if !regexp.MustCompile(`^mentorbot \S+, commit \S+( \(modified\))?, built from a commit of \S+, go1\.\S+$`).MatchString(line) {
			t.Errorf("%s: %q", arg, line)
		}
		if stamp != nil && !strings.Contains(line, "commit "+string(stamp[1])) {
			t.Errorf("%s: %q does not name the commit stamped, %s", arg, line, stamp[1])
		}
	}
}

// The log flags: JSON lines at the level asked for, the version first,
// and a bad value refused before anything runs.
func TestRun_LogFlags(t *testing.T) {
	srv := telegramtest.NewServer(t)
	env, _, logs := testEnv(map[string]string{
		"TELEGRAM_BOT_TOKEN":    telegramtest.Token,
		"TELEGRAM_API_ENDPOINT": srv.Endpoint(),
		"MENTORBOT_DB":          filepath.Join(t.TempDir(), "m.db"),
		"MENTORBOT_LOG_FORMAT":  "json",
	}, "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Main(ctx, []string{"run", "-log-level", "debug"}, env) }()
	srv.SendText(telegramtest.User{ID: 42, FirstName: "Айгүл", LanguageCode: "ky"}, "/start")
	srv.WaitMessages(t, 42, 1)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	var first struct{ Level, Msg, Version, Commit string }
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || first.Msg != "mentorbot starting" || first.Version == "" || first.Commit == "" {
		t.Errorf("first line %q (%v)", lines[0], err)
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Errorf("not JSON: %q", l)
		}
		if strings.Contains(l, telegramtest.Token) {
			t.Errorf("the token in the log: %q", l)
		}
	}

	for _, args := range [][]string{{"run", "-log-level", "loud"}, {"run", "-log-format", "xml"}} {
		env, _, _ := testEnv(map[string]string{"TELEGRAM_BOT_TOKEN": "x", "MENTORBOT_DB": filepath.Join(t.TempDir(), "m.db")}, "")
		if err := Main(context.Background(), args, env); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

// The token is cut out of whatever carries it into the log, at any level.
func TestLogger_CutsTheToken(t *testing.T) {
	var buf bytes.Buffer
	log, err := logFlags{format: "text", level: "warn"}.logger(&buf, "123:SECRET")
	if err != nil {
		t.Fatal(err)
	}
	log.Info("not shown")
	log.Warn("getUpdates failed", "err", errors.New(`Post "https://api.telegram.org/bot123:SECRET/getUpdates": timeout`), "url", "bot123:SECRET")
	got := buf.String()
	if strings.Contains(got, "SECRET") || strings.Contains(got, "not shown") || !strings.Contains(got, "bot<token>/getUpdates") {
		t.Errorf("logged %q", got)
	}
	if _, err := (logFlags{format: "text", level: "info"}).logger(&buf, ""); err != nil {
		t.Error(err)
	}
}

// Under systemd the bot says it is ready once it has polled, and that it
// is stopping on SIGTERM.
func TestRun_TellsSystemd(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	srv := telegramtest.NewServer(t)
	env, _, _ := testEnv(map[string]string{
		"TELEGRAM_BOT_TOKEN":    telegramtest.Token,
		"TELEGRAM_API_ENDPOINT": srv.Endpoint(),
		"MENTORBOT_DB":          filepath.Join(t.TempDir(), "m.db"),
		"NOTIFY_SOCKET":         sock,
		"WATCHDOG_USEC":         "60000000",
	}, "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Main(ctx, []string{"run"}, env) }()
	read := func() string {
		buf := make([]byte, 256)
		_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("systemd heard nothing: %v", err)
		}
		return string(buf[:n])
	}
	srv.SendText(telegramtest.User{ID: 42, FirstName: "Айгүл", LanguageCode: "ky"}, "/start")
	if got := read(); got != "READY=1\nSTATUS=polling Telegram" {
		t.Errorf("first notification %q", got)
	}
	srv.WaitMessages(t, 42, 1)
	cancel()
	if got := read(); got != "STOPPING=1" {
		t.Errorf("on stop: %q", got)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
