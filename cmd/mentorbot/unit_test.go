package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// unitKeys reads a systemd unit file: section.key → values, in order.
func unitKeys(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	keys := map[string][]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s: not a key: %q", path, line)
			}
			keys[section+"."+k] = append(keys[section+"."+k], v)
		}
	}
	return keys
}

// The unit shipped beside the binary runs it as the issue and the README
// say: notify with a watchdog, its own user, the token from a root-only
// file, the database in its state directory, and hardened.
func TestUnit_RequiredKeys(t *testing.T) {
	keys := unitKeys(t, "mentorbot.service")
	want := map[string]string{
		"Service.Type": "notify", "Service.NotifyAccess": "main", "Service.Restart": "on-failure",
		"Service.User": "mentorbot", "Service.StateDirectory": "mentorbot",
		"Service.EnvironmentFile": "/etc/mentorbot/token.env", "Service.ExecStart": "/usr/local/bin/mentorbot run",
		"Service.NoNewPrivileges": "yes", "Service.ProtectSystem": "strict", "Service.ProtectHome": "yes",
		"Service.PrivateTmp": "yes", "Service.ReadWritePaths": "/var/lib/mentorbot",
		"Install.WantedBy": "multi-user.target",
	}
	for k, v := range want {
		if got := keys[k]; len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if ws := keys["Service.WatchdogSec"]; len(ws) != 1 || ws[0] == "" || ws[0] == "0" {
		t.Errorf("WatchdogSec = %q", ws)
	}
	env := strings.Join(keys["Service.Environment"], " ")
	if !strings.Contains(env, "MENTORBOT_DB=/var/lib/mentorbot/") || !strings.Contains(env, "MENTORBOT_CONFIG=/etc/mentorbot/") {
		t.Errorf("Environment = %q: want the database in the state directory and the config in /etc/mentorbot", env)
	}
	for k := range keys {
		if strings.Contains(k, "TELEGRAM_BOT_TOKEN") || strings.Contains(strings.Join(keys[k], ""), "TELEGRAM_BOT_TOKEN=") {
			t.Errorf("the token is set in the unit (%s): it belongs in the EnvironmentFile", k)
		}
	}
}

// systemd itself accepts the unit, where it is installed.
func TestUnit_SystemdVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("no systemd-analyze here")
	}
	data, err := os.ReadFile("mentorbot.service")
	if err != nil {
		t.Fatal(err)
	}
	// verify wants the binary to exist: any executable stands in for it.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	unit := filepath.Join(t.TempDir(), "mentorbot.service")
	if err := os.WriteFile(unit, []byte(strings.ReplaceAll(string(data), "/usr/local/bin/mentorbot", self)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", unit).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
