//go:build unix

package store_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// helperEnv names the database and backup directory of a child process
// that backs up in a loop until it is killed.
const helperEnv = "MENTORBOT_BACKUP_HELPER"

// TestHelperProcess is the child of TestBackup_KilledAtRandom, not a test
// of its own: without helperEnv it does nothing.
func TestHelperProcess(t *testing.T) {
	spec := os.Getenv(helperEnv)
	if spec == "" {
		return
	}
	dbPath, dir, _ := strings.Cut(spec, "|")
	db, err := store.Open(dbPath, store.Options{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	fmt.Println("ready")
	for {
		if _, err := db.Backup(dir, 3, time.Now()); err != nil {
			fmt.Println("backup:", err)
			os.Exit(2)
		}
	}
}

// Backups killed with SIGKILL at random moments leave only sound backups
// under backups' names; what they leave half-written is a partial file
// that CleanBackups removes. MENTORBOT_KILL_SEED=N repeats the moments.
func TestBackup_KilledAtRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes")
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("MENTORBOT_KILL_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		seed = n
	}
	t.Logf("seed %d (rerun with MENTORBOT_KILL_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 11))

	dir := t.TempDir()
	dbPath := filepath.Join(dir, "mentorbot.db")
	db, err := store.Open(dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, db, 1000, 1500)
	db.Close()
	info, _ := os.Stat(dbPath)
	backups := filepath.Join(dir, "backups")

	const kills = 10
	midCopy, partials := 0, 0
	for k := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), helperEnv+"="+dbPath+"|"+backups)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(out)
		if !lines.Scan() || lines.Text() != "ready" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child %d: %q", k, lines.Text())
		}
		// The one sleep: a random moment for the kill, within the first
		// few backups.
		time.Sleep(time.Duration(rng.IntN(80_000)) * time.Microsecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		n := countPartials(t, backups)
		if n > partials {
			midCopy++
		}
		partials = n
	}
	t.Logf("%d kills of a backup loop on a %.1f MB file; %d landed mid-copy", kills, float64(info.Size())/1e6, midCopy)
	if midCopy == 0 {
		t.Errorf("no kill landed mid-copy: the test tested nothing")
	}

	sound := 0
	for _, e := range mustReadDir(t, backups) {
		if strings.HasPrefix(e.Name(), "mentorbot-") {
			if err := store.CheckFile(filepath.Join(backups, e.Name())); err != nil {
				t.Errorf("%s: %v", e.Name(), err)
			}
			sound++
		}
	}
	removed, err := store.CleanBackups(backups)
	if err != nil || removed != partials {
		t.Errorf("CleanBackups removed %d, %v; %d partial files were left", removed, err, partials)
	}
	if n := countPartials(t, backups); n != 0 || sound == 0 {
		t.Errorf("after cleaning: %d partial files, %d backups", n, sound)
	}
}

func mustReadDir(t *testing.T, dir string) []os.DirEntry {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return entries
}

func countPartials(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	for _, e := range mustReadDir(t, dir) {
		if strings.HasSuffix(e.Name(), ".partial") {
			n++
		}
	}
	return n
}
