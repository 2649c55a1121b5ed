//go:build unix

package main

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/calendar"

	"github.com/mentorbot/mentorbot/bot/broadcasts"

	"github.com/mentorbot/mentorbot/bot/delivery"
	"github.com/mentorbot/mentorbot/bot/telegram"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// The crash test: the real binary, killed with SIGKILL again and again,
// restarted each time, then stopped cleanly. First the selection, each of
// its multi-step writes killed in the middle: an invitation redeemed, a
// commission member's confirm, the decision for all, the results sent.
// Then a flood of applications and questions (crash_flood_test.go: the
// women's phones tap the buttons of the bot's real messages), with twenty
// kills at random moments, and two kills each in the middle of /backup
// and of a broadcast starting. Afterwards nothing may be lost and nothing
// applied twice:
//
//   - every applicant has exactly one submitted application with exactly
//     the answers she sent (an update handled twice would, for example,
//     add an essay part twice or untick a checklist item), and the codes
//     are A-001 … A-NNN without a gap or a duplicate;
//   - every question is stored once, and at the clean stop each is either
//     announced or has its own digest due item in the store; a last start
//     with the clock a digest delay later then gets every question to its
//     mentor or lawyer (the digest waits a minute of the real clock, which
//     the live run does not wait for);
//   - the selection is applied once: the invitation gave its role once and
//     is spent, each confirm is recorded with its points, one transaction
//     decided every application as proposed, and each applicant got her
//     result (her code, her decision, the school's dates), once more at
//     most for each kill after Telegram first took it;
//   - the backup the bot sent is a whole, sound database, and no partial
//     copy is left;
//   - the broadcast reaches every recipient, and its report comes;
//   - every reply arrives, exactly: each applicant's and asker's chat shows
//     the messages and edits of a golden run of the same flood (in
//     process, never killed), in order, her code and question numbers
//     being those her store gave her; every tap is answered;
//   - the copies sent twice (messages, edits, tap answers, broadcast
//     copies) are at most delivery.DuplicateBound per stop: the runs up to
//     any one sent at most that many times the stops before it;
//   - every pushed update is confirmed, and the store's own check finds the
//     file sound after every kill and at the end.
//
// The last start before the checks is in process, with the clock a digest
// delay ahead and no pacing, so that nothing waits for the real clock.
//
// MENTORBOT_CRASH_SEED=N reruns with the same script, interleaving and
// delays (the bot's own timing still differs from run to run).
func TestCrash_KillsDuringAFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it many times")
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("MENTORBOT_CRASH_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("MENTORBOT_CRASH_SEED: %v", err)
		}
		seed = n
	}
	t.Logf("seed %d (rerun with MENTORBOT_CRASH_SEED=%d)", seed, seed)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("failed with seed %d (rerun with MENTORBOT_CRASH_SEED=%d)", seed, seed)
		}
	})
	c := newCrashRun(t, seed)
	began := time.Now()

	// Before the first start: participants (the broadcast's audience, ten
	// of whom ask questions), a mentor and a lawyer; women in the middle
	// of the form; the selection's applications and the first commission
	// member's scores.
	c.seed(func(tx *store.Tx) error {
		if err := seedCrashUsers(tx, began); err != nil {
			return err
		}
		if err := seedDrafts(tx, began); err != nil {
			return err
		}
		return seedSelection(tx, began)
	})
	c.useConfig(crashSelectionConfig)
	c.start()

	// The selection, each step killed in the middle, after the deadline;
	// then a clean restart with the form open again for the flood.
	sel := c.runSelection()
	selection := time.Since(began)
	c.stop()
	c.useConfig(crashConfig)
	c.start()

	// The flood, with the broadcast started early and a /backup.
	sendNow := c.prepareBroadcast()
	flood, applicants, questions := crashFlood(c.rng)
	c.phones = newPhones(c.srv, flood)
	backup := c.driveFlood(len(flood), sendNow)
	t.Logf("%d updates of the flood pushed, %d kills so far", len(flood), c.kills)

	// Every update confirmed, the broadcast at everyone and the backup
	// sent, by this run.
	c.await("every update confirmed", 60*time.Second, func() bool { return c.srv.ConfirmedOffset() > c.lastUpdate() })
	c.await("the broadcast at every recipient", 60*time.Second, func() bool { return c.broadcastAtEveryone() })
	c.await("the backup sent", 30*time.Second, func() bool { return len(c.backupsSent()) > 0 })
	c.stop()
	live := time.Since(began)

	app := c.lastStart()
	defer app.db.Close()
	lastStart := time.Since(began) - live

	calls := c.srv.Calls()
	c.checkUpdates(app.db, c.lastUpdate())
	c.checkApplications(app.db, applicants, calls)
	c.checkQuestions(app.db, questions, calls)
	c.checkSelection(app.db, sel, calls)
	c.checkBackup(backup, calls)
	c.checkBroadcast(app.db, calls)
	c.checkTaps(calls)
	goldenBegan := time.Now()
	golden := c.goldenRun(flood, began)
	goldenTook := time.Since(goldenBegan)
	c.checkReplies(app.db, golden, calls)
	c.checkOtherChats(calls)
	c.checkDuplicates()
	if err := app.db.Close(); err != nil {
		c.errorf("close: %v", err)
	}
	db, err := store.Open(c.dbPath, store.Options{ReadOnly: true})
	if err != nil {
		c.fatalf("final open: %v", err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		c.errorf("final check: %v", err)
	}
	if n := c.partialBackups(); n > 0 {
		c.errorf("%d partial backups left in %s", n, c.backupDir())
	}
	t.Logf("%d updates, %d kills (%d at random in the flood); selection %v, live run %v, last start %v, golden run %v, whole test %v (after the build)",
		c.lastUpdate(), c.kills, crashKills, selection.Round(time.Millisecond), live.Round(time.Millisecond),
		lastStart.Round(time.Millisecond), goldenTook.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
	c.reportStarts()
	if t.Failed() {
		t.Logf("bot logs:\n%s", tail(c.logs.String(), 200))
	}
}

// lastStart is the last start, in process, with the clock past the
// digest delay: the questions' notices go out, and the outbox is emptied
// without pacing so every queued reply can be counted. It returns the
// app, its database open for the checks.
func (c *crashRun) lastStart() *app {
	c.t.Helper()
	c.runs = append(c.runs, time.Now())
	a, err := open(common{db: c.dbPath, config: c.config}, slog.New(slog.NewTextHandler(&c.logs, nil)), nil)
	if err != nil {
		c.fatalf("last start: %v", err)
	}
	c.checkQuestionsPlanned(a.db)
	client, err := telegram.Connect(telegramtest.Token, c.srv.Endpoint())
	if err != nil {
		c.fatalf("last start: %v", err)
	}
	outbox := delivery.New(a.db, client, a.log)
	later := time.Now().Add(a.cfg.MentoringOptions().DigestDelay + time.Minute)
	b := a.bot(outbox.Wake, func() time.Time { return later })
	if err := calendar.SyncProgramme(b); err != nil {
		c.fatalf("last start: %v", err)
	}
	if err := broadcasts.Resume(b); err != nil {
		c.fatalf("last start: %v", err)
	}
	if err := b.DeliverDue(); err != nil {
		c.fatalf("last start: %v", err)
	}
	ctx, cancel := context.WithDeadline(context.Background(), c.deadline)
	defer cancel()
	// Deliver everything; the broadcast's report goes out once its last
	// copies are recorded.
	for range 3 {
		if err := outbox.Flush(ctx); err != nil {
			c.fatalf("last start: outbox: %v", err)
		}
		if err := broadcasts.Tend(b); err != nil {
			c.fatalf("last start: broadcasts: %v", err)
		}
	}
	return a
}

// reportStarts logs how long the binary took to start.
func (c *crashRun) reportStarts() {
	var slowest, sum time.Duration
	for _, d := range c.startedIn {
		slowest, sum = max(slowest, d), sum+d
	}
	c.t.Logf("%d starts of the binary until it polled: %v on average, the slowest %v", len(c.startedIn),
		(sum / time.Duration(max(len(c.startedIn), 1))).Round(time.Millisecond), slowest.Round(time.Millisecond))
}

// crashFlood is every applicant's whole form and every asker's questions,
// interleaved at random but in order per chat.
func crashFlood(rng *rand.Rand) ([]crashStep, []crashApplicant, []crashQuestion) {
	var scripts [][]crashStep
	var applicants []crashApplicant
	for i := range crashApplicants {
		a := newCrashApplicant(i)
		applicants = append(applicants, a)
		scripts = append(scripts, a.steps)
	}
	var questions []crashQuestion
	for i := range crashAskers {
		steps, qs := askerScript(i)
		questions = append(questions, qs...)
		scripts = append(scripts, steps)
	}
	return interleave(rng, scripts), applicants, questions
}

// The flood's size.
const (
	crashApplicants       = 20
	crashParticipants     = 60
	crashAskers           = 10 // the first participants
	crashQuestionsEach    = 2
	crashKills            = 20 // at random moments of the flood
	crashFirstApplicant   = int64(10001)
	crashFirstParticipant = int64(20001)
	crashMentor           = int64(800)
	crashLawyer           = int64(801)
	crashStaff            = int64(900)
	// blindMessage is the message_id of taps pushed ahead of the bot's
	// messages (TestFault_DiskFullDuringAFlood): the bot's edits of it
	// are refused ("message to edit not found") and dropped, as for a
	// message she deleted.
	blindMessage = 900_000_000
	// crashBound is the most the test may take after building the binary;
	// it usually takes a quarter of it (45 s on 2 cores, 55 s with -race).
	crashBound = 3 * time.Minute
)

var crashStaffUser = telegramtest.User{ID: crashStaff, FirstName: "Altynai", LanguageCode: "ru"}

var crashBroadcast = map[string]string{
	"ky": "Саламатсыздарбы! Эртең онлайн жолугушуу болот.",
	"ru": "Здравствуйте! Завтра онлайн-встреча.",
}

const crashConfig = `timezone = "Asia/Bishkek"
staff = [900]

# The flood sends a woman's whole form in a second; the fake server
# enforces no flood limits.
[broadcast]
chat_rate = 30

[applications]
# Far ahead, so the form is open on the real clock (but see
# crashSelectionConfig).
deadline = "2099-12-11 17:00"

# Fixed, so that the results (which name them) read the same under
# crashSelectionConfig.
[school]
starts = "2100-01-25"
ends = "2100-01-29"

# Small quotas, so the five applications of the selection get every
# decision: one accepted and one in reserve in each category.
[selection]
accept_28plus = 1
accept_under28 = 1
waitlist = 1

[mentoring]
lawyer_always = true

# Stage I from long ago, so it is under way now.
[[programme.stages]]
id = "I"
starts = "2020-01-01 00:00"
ends = "2099-12-11 17:00"
`

// crashSelectionConfig is crashConfig with the application deadline
// passed: the results go out only after it (/publish refuses before, as
// a woman may still apply), so the selection runs under this file and the
// flood, whose women fill in the form, under crashConfig.
var crashSelectionConfig = strings.Replace(crashConfig, `deadline = "2099-12-11 17:00"`, `deadline = "2020-12-11 17:00"`, 1)

// useConfig writes the configuration the next start reads.
func (c *crashRun) useConfig(text string) {
	c.t.Helper()
	if err := os.WriteFile(c.config, []byte(text), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// seedCrashUsers stores the participants, the mentor and the lawyer.
func seedCrashUsers(tx *store.Tx, at time.Time) error {
	for i := range crashParticipants {
		lang := []string{"ky", "ru"}[i%2]
		u := store.User{ID: crashFirstParticipant + int64(i), FirstName: "Гүлнара", Language: lang,
			Roles: []store.Role{store.RoleParticipant}, CreatedAt: at}
		if err := tx.PutUser(u); err != nil {
			return err
		}
	}
	for _, u := range []store.User{
		{ID: crashMentor, FirstName: "Mentor", Language: "ru", Roles: []store.Role{store.RoleMentor}, CreatedAt: at},
		{ID: crashLawyer, FirstName: "Lawyer", Language: "ky", Roles: []store.Role{store.RoleLawyer}, CreatedAt: at},
	} {
		if err := tx.PutUser(u); err != nil {
			return err
		}
	}
	return nil
}

// crashDrafts are women in the middle of the form when the test begins:
// the file is a few megabytes, as a season's is, so a backup takes long
// enough for a kill to come in the middle of the copy.
const crashDrafts = 4000

// seedDrafts stores the women in the middle of the form.
func seedDrafts(tx *store.Tx, at time.Time) error {
	for i := range crashDrafts {
		id := int64(50001 + i)
		if err := tx.PutUser(store.User{ID: id, FirstName: "Айгүл", Language: "ky", Step: "essay", CreatedAt: at}); err != nil {
			return err
		}
		answers := newCrashApplicant(i % crashApplicants).answers
		delete(answers, "essay")
		if err := tx.PutDraft(store.Application{UserID: id, Language: "ky", Answers: answers, StartedAt: at, UpdatedAt: at}); err != nil {
			return err
		}
	}
	return nil
}

// crashRun is the binary, its fake Telegram and its database.
type crashRun struct {
	t      *testing.T
	seedN  uint64
	rng    *rand.Rand
	srv    *telegramtest.Server
	texts  *locales.Texts
	cfg    Config
	bin    string
	dbPath string
	config string
	env    []string
	logs   syncBuffer

	// deadline bounds the whole test after the build.
	deadline time.Time

	child  *exec.Cmd
	exited chan error
	starts int
	// runs are the moments each run began (the binary's starts, then the
	// last start in process): a copy sent twice in run k+1 was caused by
	// stop k.
	runs []time.Time
	// kills and stops (kills and clean stops) so far, and when each kill
	// came.
	kills, stops int
	killedAt     []time.Time
	// phones drive the flood; last and taps are the updates the test
	// pushed itself (staff, the commission, the selection's applicants).
	phones *phones
	last   int
	taps   []int
	// extras are the moments copies were sent a second time, and what.
	extras []extraCopy
	// startedIn is how long each start took, until the bot polled.
	startedIn []time.Duration
}

// extraCopy is one message, edit or tap answer sent more often than the
// bot meant to.
type extraCopy struct {
	at   time.Time
	what string
}

func newCrashRun(t *testing.T, seed uint64) *crashRun {
	t.Helper()
	dir := t.TempDir()
	c := &crashRun{
		t: t, seedN: seed, rng: rand.New(rand.NewPCG(seed, seed^0x5eed)),
		srv:    telegramtest.NewServer(t),
		bin:    filepath.Join(dir, "mentorbot"),
		dbPath: filepath.Join(dir, "m.db"),
		config: filepath.Join(dir, "mentorbot.toml"),
	}
	texts, err := locales.New(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	c.texts = texts
	if err := os.WriteFile(c.config, []byte(crashConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	env, out, _ := testEnv(nil, "")
	if err := Main(context.Background(), []string{"check-config", "-config", c.config}, env); err != nil {
		t.Fatalf("check-config: %v\n%s", err, out.String())
	}
	if c.cfg, err = LoadConfig(c.config, time.Now()); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("go", "build", "-o", c.bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	c.deadline = time.Now().Add(crashBound)
	c.env = []string{
		"HOME=" + dir,
		"TELEGRAM_BOT_TOKEN=" + telegramtest.Token,
		"TELEGRAM_API_ENDPOINT=" + c.srv.Endpoint(),
		"MENTORBOT_DB=" + c.dbPath,
		"MENTORBOT_CONFIG=" + c.config,
	}
	t.Cleanup(func() {
		if c.child != nil {
			_ = c.child.Process.Kill()
			<-c.exited
		}
	})
	return c
}

func (c *crashRun) errorf(format string, args ...any) {
	c.t.Helper()
	c.t.Errorf("[seed %d] "+format, append([]any{c.seedN}, args...)...)
}

func (c *crashRun) fatalf(format string, args ...any) {
	c.t.Helper()
	c.t.Fatalf("[seed %d] "+format+"\nbot logs:\n%s", append(append([]any{c.seedN}, args...), tail(c.logs.String(), 100))...)
}

// seed writes to the database before the first start.
func (c *crashRun) seed(fn func(*store.Tx) error) {
	db, err := store.Open(c.dbPath, store.Options{})
	if err != nil {
		c.t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		c.t.Fatal(err)
	}
}

// start runs the binary and waits until it polls.
func (c *crashRun) start() {
	c.t.Helper()
	polls := len(c.srv.CallsTo("getUpdates"))
	c.starts++
	fmt.Fprintf(&c.logs, "--- start %d ---\n", c.starts)
	cmd := exec.Command(c.bin, "run")
	cmd.Env = c.env
	cmd.Stdout, cmd.Stderr = &c.logs, &c.logs
	c.runs = append(c.runs, time.Now())
	if err := cmd.Start(); err != nil {
		c.fatalf("start: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	c.child, c.exited = cmd, exited
	began := time.Now()
	defer func() { c.startedIn = append(c.startedIn, time.Since(began)) }()
	c.await("the bot polling", 10*time.Second, func() bool {
		select {
		case err := <-exited:
			c.child = nil
			c.fatalf("the bot exited at start: %v", err)
		default:
		}
		return len(c.srv.CallsTo("getUpdates")) > polls
	})
}

// kill is kill -9, then a look at the file it left.
func (c *crashRun) kill(what string) {
	c.t.Helper()
	fmt.Fprintf(&c.logs, "--- kill %d: %s ---\n", c.kills+1, what)
	if err := c.child.Process.Kill(); err != nil {
		c.fatalf("kill: %v", err)
	}
	<-c.exited
	c.child = nil
	c.kills++
	c.killedAt = append(c.killedAt, time.Now())
	c.inspect(fmt.Sprintf("kill %d (%s)", c.kills, what))
}

// restartAfter kills the bot after d and starts it again; state, if
// set, says at the kill how far the write under way got.
func (c *crashRun) restartAfter(what string, d time.Duration, state func() string) {
	c.t.Helper()
	time.Sleep(d)
	what = fmt.Sprintf("%s, +%v", what, d)
	if state != nil {
		what += " (" + state() + ")"
	}
	c.kill(what)
	c.start()
}

// interrupt kills the bot twice in the middle of a write of several
// steps, each time with a look at how far it got (state, for the log).
// The first kill comes the moment started shows that the update that
// starts it committed (its first call reached Telegram), or, one time in
// four, at a random moment of the 30 ms after it was pushed, which may be
// before the commit. The second comes at a random moment of the 300 ms
// after the restart, or, if under is set, of the 50 ms after under first
// holds (the write going on after the restart).
func (c *crashRun) interrupt(what string, started, under func() bool, state func() string) {
	c.t.Helper()
	first := "right after it started"
	if c.rng.IntN(4) == 0 {
		first = "soon after the update was pushed"
	} else {
		c.awaitSoon(what, 30*time.Second, started)
	}
	c.restartAfter(what+": "+first, time.Duration(c.rng.IntN(4))*time.Millisecond, state)
	if under != nil {
		c.awaitSoon(what+" going on after the restart", 30*time.Second, under)
		c.restartAfter(what+": going on after the restart", time.Duration(c.rng.IntN(50))*time.Millisecond, state)
		return
	}
	c.restartAfter(what+": after the restart", time.Duration(c.rng.IntN(300))*time.Millisecond, state)
}

// randomDelay is a moment for a kill: half the time soon (while updates
// are being handled), half the time up to a second later (the outbox,
// the broadcast and the backup at work).
func (c *crashRun) randomDelay() time.Duration {
	if c.rng.IntN(2) == 0 {
		return time.Duration(c.rng.IntN(40)) * time.Millisecond
	}
	return time.Duration(c.rng.IntN(1000)) * time.Millisecond
}

// stop is SIGTERM: the bot must stop on its own, with status 0.
func (c *crashRun) stop() {
	c.t.Helper()
	fmt.Fprintf(&c.logs, "--- SIGTERM ---\n")
	if err := c.child.Process.Signal(syscall.SIGTERM); err != nil {
		c.fatalf("SIGTERM: %v", err)
	}
	select {
	case err := <-c.exited:
		c.child = nil
		if err != nil {
			c.fatalf("the bot ended with %v on SIGTERM", err)
		}
	case <-time.After(min(20*time.Second, time.Until(c.deadline))):
		c.fatalf("the bot did not stop on SIGTERM")
	}
	c.inspect("the clean stop")
}

// inspect checks the file between two runs: the store's check, and every
// running broadcast's unsent recipients with their copy in the outbox
// (none lost between two runs). It notes the partial backup a kill in
// the middle of a copy leaves, for the next start to remove.
func (c *crashRun) inspect(what string) {
	c.t.Helper()
	c.stops++
	db, err := store.Open(c.dbPath, store.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		c.fatalf("open after %s: %v", what, err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		c.errorf("after %s the store's check fails: %v", what, err)
	}
	waiting := 0
	err = db.View(func(tx *store.Tx) error {
		all, err := tx.Broadcasts()
		if err != nil {
			return err
		}
		for _, b := range all {
			if b.Status != store.BroadcastRunning {
				continue
			}
			rs, err := tx.Recipients(b.ID)
			if err != nil {
				return err
			}
			for _, r := range rs {
				if !r.Unsent() {
					continue
				}
				if queued, err := db.Queued(r.Seq); err != nil || r.State != store.RecipientQueued || !queued {
					c.errorf("after %s broadcast #%d's recipient %d is %s, her copy in the outbox: %v (%v)", what, b.ID, r.UserID, r.State, queued, err)
				}
				waiting++
			}
		}
		return nil
	})
	if err != nil {
		c.errorf("after %s: %v", what, err)
	}
	c.t.Logf("%s: %d broadcast copies waiting in the outbox, %d partial backups", what, waiting, c.partialBackups())
}

// await polls cond until it holds, for at most limit and never past the
// test's own bound: a bound, not a sleep.
func (c *crashRun) await(what string, limit time.Duration, cond func() bool) {
	c.t.Helper()
	c.poll(what, limit, 10*time.Millisecond, cond)
}

// awaitSoon is await for a kill's moment: it looks every millisecond.
func (c *crashRun) awaitSoon(what string, limit time.Duration, cond func() bool) {
	c.t.Helper()
	c.poll(what, limit, time.Millisecond, cond)
}

func (c *crashRun) poll(what string, limit, every time.Duration, cond func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(min(limit, time.Until(c.deadline)))
	for !cond() {
		if time.Now().After(deadline) {
			c.fatalf("waited %v for %s (the test's bound is %v after the build)", limit, what, crashBound)
		}
		time.Sleep(every)
	}
}

// push sends a step as it is, a tap on blindMessage: the faults tests'
// flood, pushed without waiting for the bot.
func (c *crashRun) push(s crashStep) int {
	if s.data != "" {
		return c.srv.Tap(s.user, blindMessage, s.data)
	}
	return c.srv.SendText(s.user, s.text)
}

// lastUpdate is the newest update pushed.
func (c *crashRun) lastUpdate() int {
	if c.phones != nil {
		return max(c.last, c.phones.last)
	}
	return c.last
}

// say is a text from user, pushed by the test.
func (c *crashRun) say(user telegramtest.User, text string) int {
	c.last = c.srv.SendText(user, text)
	return c.last
}

// tap waits until a message of the bot in user's chat shows a button
// whose data match, and taps it on the newest such message, as her phone
// would. It returns the update and the button's data.
func (c *crashRun) tap(user telegramtest.User, what string, match func(data string) bool) (int, string) {
	c.t.Helper()
	msg, data := c.find(user, what, match)
	c.last = c.srv.Tap(user, msg.ID, data)
	c.taps = append(c.taps, c.last)
	return c.last, data
}

// find waits until a message of the bot in user's chat shows a button
// whose data match, and returns the newest such message and the data.
func (c *crashRun) find(user telegramtest.User, what string, match func(data string) bool) (telegramtest.Message, string) {
	c.t.Helper()
	var msg telegramtest.Message
	var data string
	c.await(fmt.Sprintf("a button %s for %d", what, user.ID), 30*time.Second, func() bool {
		msgs := c.srv.Messages(user.ID)
		for i := len(msgs) - 1; i >= 0; i-- {
			for _, row := range msgs[i].Buttons {
				for _, b := range row {
					if match(b.Data) {
						msg, data = msgs[i], b.Data
						return true
					}
				}
			}
		}
		return false
	})
	return msg, data
}

// tapData is tap on the button with exactly data.
func (c *crashRun) tapData(user telegramtest.User, data string) int {
	c.t.Helper()
	id, _ := c.tap(user, data, func(d string) bool { return d == data })
	return id
}

// answered reports whether the bot answered the tap of an update.
func (c *crashRun) answered(updateID int) func() bool {
	return func() bool {
		_, ok := c.srv.AnswerTo(updateID)
		return ok
	}
}

// shows reports whether user's chat shows a message with text.
func (c *crashRun) shows(user int64, text string) bool {
	return slices.ContainsFunc(c.srv.Messages(user), func(m telegramtest.Message) bool { return m.Text == text })
}

// driveFlood pushes the flood through the phones, with the broadcast
// started at a twentieth of it, /backup at an eighth, and crashKills
// kills at random moments. It returns the first update of /backup.
func (c *crashRun) driveFlood(n int, sendNow string) (backup int) {
	c.t.Helper()
	type event struct {
		at int
		do func()
	}
	cuts := make([]int, crashKills)
	for k := range cuts {
		cuts[k] = 1 + c.rng.IntN(n-1)
	}
	slices.Sort(cuts)
	var events []event
	for k, at := range cuts {
		events = append(events, event{at, func() {
			c.restartAfter(fmt.Sprintf("at random, %d of %d: flood updates 1-%d pushed, offset %d confirmed", k+1, crashKills, c.phones.pushed, c.srv.ConfirmedOffset()), c.randomDelay(), nil)
		}})
	}
	events = append(events,
		event{n / 20, func() { c.launchBroadcast(sendNow) }},
		event{n / 8, func() { backup = c.requestBackup() }})
	slices.SortStableFunc(events, func(a, b event) int { return a.at - b.at })
	for _, e := range events {
		c.phones.until(e.at, 30*time.Second, c.deadline, func(why string) { c.fatalf("flood: %s", why) })
		e.do()
	}
	c.phones.until(n, 30*time.Second, c.deadline, func(why string) { c.fatalf("flood: %s", why) })
	return backup
}
