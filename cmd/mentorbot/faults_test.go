//go:build linux

package main

import (
	"encoding/binary"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/store"
)

// Faults other than kills, with the real binary: a disk that refuses
// writes for a minute in the middle of a flood, a token revoked while the
// bot runs, and a message Telegram refuses for good.

// faultOutage is how long the disk refuses writes;
// MENTORBOT_FAULT_OUTAGE=10s shortens it for a quick try.
func faultOutage(t *testing.T) time.Duration {
	d := time.Minute
	if s := os.Getenv("MENTORBOT_FAULT_OUTAGE"); s != "" {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			t.Fatalf("MENTORBOT_FAULT_OUTAGE: %v", err)
		}
	}
	return d
}

// highWater is the end of the pages the database uses, read from its
// newest meta page (bbolt's layout: a 16-byte page header, then magic,
// version, page size, flags, root bucket (16), freelist, pgid, txid).
// The test reads it while the bot holds the file.
func highWater(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var best struct{ pgid, txid uint64 }
	var pageSize int64
	for i := range 2 {
		buf := make([]byte, 80)
		off := int64(0)
		if i == 1 {
			off = pageSize
		}
		if _, err := f.ReadAt(buf, off); err != nil {
			t.Fatal(err)
		}
		le := binary.LittleEndian
		if le.Uint32(buf[16:]) != 0xED0CDAED {
			t.Fatalf("meta page %d of %s has no bbolt magic", i, path)
		}
		if i == 0 {
			pageSize = int64(le.Uint32(buf[24:]))
		}
		if txid := le.Uint64(buf[64:]); txid >= best.txid {
			best.pgid, best.txid = le.Uint64(buf[56:]), txid
		}
	}
	return int64(best.pgid) * pageSize
}

// setFileLimit sets the file size limit of the running bot (RLIMIT_FSIZE
// through prlimit(2)): writes at or past it fail with EFBIG, as on a full
// disk, while the pages below it can still be rewritten.
func (c *crashRun) setFileLimit(limit uint64) {
	c.t.Helper()
	r := unix.Rlimit{Cur: limit, Max: unix.RLIM_INFINITY}
	if err := unix.Prlimit(c.child.Process.Pid, unix.RLIMIT_FSIZE, &r, nil); err != nil {
		c.fatalf("prlimit: %v", err)
	}
}

// A minute with a disk that refuses to grow the database, in the middle
// of a flood of applications: every update of the outage is handled once
// room is back, in order, so every application is complete; nobody is
// told anything was saved when it was not (no apology went out at all:
// nothing was a bug); and the bot said so in one ERROR line a minute.
func TestFault_DiskFullDuringAFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs for over a minute")
	}
	outage := faultOutage(t)
	c := newCrashRun(t, uint64(time.Now().UnixNano()))
	c.deadline = c.deadline.Add(outage + time.Minute)
	c.seed(func(tx *store.Tx) error { return seedCrashUsers(tx, time.Now()) })
	c.start()

	var scripts [][]crashStep
	var applicants []crashApplicant
	for i := range crashApplicants {
		a := newCrashApplicant(i)
		applicants = append(applicants, a)
		scripts = append(scripts, a.steps)
	}
	flood := interleave(c.rng, scripts)
	third := len(flood) / 3
	last := 0
	for _, s := range flood[:third] {
		last = c.push(s)
	}
	c.await("the first third handled", 30*time.Second, func() bool { return c.srv.ConfirmedOffset() > last })

	// The disk refuses every write but the two meta pages': no commit
	// can write its data pages, as on a disk that is full to the last
	// block, read-only or failing. (A limit just above the pages in use,
	// a disk with a little room left, lets most commits through, since
	// bbolt reuses the pages it freed: too gentle to test anything.)
	limit := uint64(2 * 4096)
	c.setFileLimit(limit)
	began := time.Now()
	t.Logf("writes refused past byte %d of the %d-byte file (%d in use), for %v", limit, fileSize(t, c.dbPath), highWater(t, c.dbPath), outage)
	pushed := third
	step := outage / time.Duration(len(flood)-third+1)
	for pushed < len(flood) && time.Since(began) < outage {
		last = c.push(flood[pushed])
		pushed++
		time.Sleep(step) // a flood spread over the outage
	}
	confirmedDuring := c.srv.ConfirmedOffset()
	time.Sleep(time.Until(began.Add(outage)))
	c.setFileLimit(unix.RLIM_INFINITY)
	t.Logf("room again after %v; %d updates pushed during the outage, offset %d confirmed by then", time.Since(began).Round(time.Second), pushed-third, confirmedDuring)
	for ; pushed < len(flood); pushed++ {
		last = c.push(flood[pushed])
	}
	c.await("every update confirmed", 60*time.Second, func() bool { return c.srv.ConfirmedOffset() > last })
	c.await("every applicant told her code", 60*time.Second, func() bool { return c.allToldTheirCode(applicants) })
	c.stop()

	db, err := store.Open(c.dbPath, store.Options{ReadOnly: true})
	if err != nil {
		c.fatalf("open: %v", err)
	}
	defer db.Close()
	calls := c.srv.Calls()
	c.checkUpdates(db, last)
	c.checkApplications(db, applicants, calls)
	apologies := 0
	for _, call := range calls {
		if call.Method == "sendMessage" && (call.Params["text"] == c.texts.Text("ky", "error.internal", nil) || call.Params["text"] == c.texts.Text("ru", "error.internal", nil)) {
			apologies++
		}
	}
	if apologies != 0 {
		c.errorf("%d apologies: a full disk is not a bug, and nobody may be told her answers were saved", apologies)
	}
	logs := c.logs.String()
	errorLines := strings.Count(logs, "cannot save updates")
	if errorLines == 0 || errorLines > int(outage/time.Minute)+2 {
		c.errorf("%d ERROR lines about saving updates in a %v outage, want one a minute", errorLines, outage)
	}
	if !strings.Contains(logs, "saving updates works again") {
		c.errorf("the end of the outage was not logged")
	}
	t.Logf("%d updates, %d ERROR lines about saving, %d about recording deliveries; whole test %v",
		len(flood), errorLines, strings.Count(logs, "cannot record delivered messages"), time.Since(began).Round(time.Second))
	if t.Failed() {
		t.Logf("bot logs:\n%s", tail(logs, 80))
	}
}

func fileSize(t *testing.T, path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// allToldTheirCode reports whether every applicant was told the code of
// her application, the last reply of her flood.
func (c *crashRun) allToldTheirCode(applicants []crashApplicant) bool {
	sent := sentTexts(c.srv.Calls())
	for _, a := range applicants {
		found := false
		for k := range sent {
			if k.chat == a.user.ID && k.text == c.texts.Text(a.lang, "app.submitted", map[string]any{"Code": codeIn(k.text)}) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// codeIn finds an application code ("A-017") in a text.
func codeIn(text string) string {
	i := strings.Index(text, "A-")
	if i < 0 || i+5 > len(text) {
		return ""
	}
	if _, err := strconv.Atoi(text[i+2 : i+5]); err != nil {
		return ""
	}
	return text[i : i+5]
}

// A token revoked while the bot runs: it exits within seconds with one
// line that says what to do, and every reply not yet delivered waits in
// the store; with the token back, the next start delivers them.
func TestFault_TokenRevokedWhileRunning(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	c := newCrashRun(t, 1)
	c.start()
	// Telegram's sends fail for a moment, so replies wait in the outbox.
	c.srv.StartOutage(telegramtest.ServerError(), "sendMessage")
	women := []telegramtest.User{{ID: 10001, FirstName: "Айгүл"}, {ID: 10002, FirstName: "Бермет"}, {ID: 10003, FirstName: "Чолпон"}}
	last := 0
	for _, w := range women {
		last = c.srv.SendText(w, "/start")
	}
	c.await("the updates confirmed", 10*time.Second, func() bool { return c.srv.ConfirmedOffset() > last })
	c.srv.RevokeToken()
	revoked := time.Now()
	var exitErr error
	select {
	case exitErr = <-c.exited:
		c.child = nil
	case <-time.After(10 * time.Second):
		c.fatalf("still running 10s after the token was revoked")
	}
	t.Logf("exited %v after the token was revoked: %v", time.Since(revoked).Round(time.Millisecond), exitErr)
	if exitErr == nil {
		c.errorf("exited with status 0 after the token was revoked")
	}
	logs := c.logs.String()
	lastLine := lastLineOf(logs)
	if !strings.Contains(lastLine, "mentorbot: telegram refused the bot token (401 Unauthorized)") {
		c.errorf("last line %q, want the one line that says the token was refused", lastLine)
	}
	if strings.Contains(logs, "goroutine ") {
		c.errorf("a stack trace in the output:\n%s", tail(logs, 40))
	}
	db, err := store.Open(c.dbPath, store.Options{ReadOnly: true})
	if err != nil {
		c.fatalf("open: %v", err)
	}
	items, err := db.Outbox(100)
	db.Close()
	if err != nil || len(items) != len(women) {
		c.errorf("%d replies kept in the outbox (%v), want all %d", len(items), err, len(women))
	}
	// The token is set right again.
	c.srv.RestoreToken()
	c.srv.EndOutage()
	c.start()
	c.await("every reply delivered", 10*time.Second, func() bool {
		for _, w := range women {
			if len(c.srv.Messages(w.ID)) != 1 {
				return false
			}
		}
		return true
	})
	c.stop()
}

func lastLineOf(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// One message Telegram refuses for good (an export over the upload limit)
// holds up nobody: every other chat's replies arrive while it is being
// refused, it becomes a dead letter, and staff are told in a short note.
func TestFault_PoisonMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	c := newCrashRun(t, 2)
	c.seed(func(tx *store.Tx) error {
		for i := range 30 {
			app := store.Application{UserID: int64(30001 + i), Language: "ru", Answers: map[string]string{"full_name": strings.Repeat("Айгүл ", 40)}, StartedAt: time.Now()}
			if _, err := tx.Submit(app, time.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	c.srv.SetUploadLimit(1000) // the export is bigger
	c.start()
	staff := crashStaffUser
	c.srv.SendText(staff, "/export")
	women := make([]telegramtest.User, 10)
	start := time.Now()
	for i := range women {
		women[i] = telegramtest.User{ID: int64(11001 + i), FirstName: "Айгүл"}
		c.srv.SendText(women[i], "/start")
	}
	c.await("every woman answered", 10*time.Second, func() bool {
		for _, w := range women {
			if len(c.srv.Messages(w.ID)) == 0 {
				return false
			}
		}
		return true
	})
	t.Logf("10 women answered %v after the poison export was asked for", time.Since(start).Round(time.Millisecond))
	note := c.texts.Text("ru", "file.failed", nil)
	c.await("staff told the file failed", 10*time.Second, func() bool {
		return slices.ContainsFunc(c.srv.Messages(staff.ID), func(m telegramtest.Message) bool { return m.Text == note })
	})
	if n := len(c.srv.CallsTo("sendDocument")); n != 1 {
		c.errorf("the refused export was tried %d times, want once", n)
	}
	c.stop()
	db, err := store.Open(c.dbPath, store.Options{ReadOnly: true})
	if err != nil {
		c.fatalf("open: %v", err)
	}
	defer db.Close()
	var dead []store.DeadLetter
	if err := db.View(func(tx *store.Tx) (err error) { dead, _, err = tx.DeadLetters(10); return err }); err != nil {
		c.fatalf("dead letters: %v", err)
	}
	if len(dead) != 1 || dead[0].Outgoing.Kind != store.KindDocument || !strings.Contains(dead[0].Reason, "413") {
		c.errorf("dead letters %+v", dead)
	}
}
