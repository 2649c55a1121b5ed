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
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/delivery"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/bot/telegram"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// The crash test: the real binary, killed with SIGKILL at random moments
// while a scripted flood of updates comes in, restarted each time, then
// stopped cleanly. Afterwards nothing may be lost and nothing applied
// twice:
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
//   - the broadcast reaches every recipient; one more copy only for each
//     stop that found her in flight (a batch's results are written after
//     the whole batch, so a kill resends the batch's already-sent ones: at
//     most a batch of 10 per stop, and the same ten again if the next
//     kill comes before that batch is through);
//   - every reply arrives: each applicant's and asker's chat shows the
//     messages a golden run of the same flood (in process, never killed)
//     shows, and the outbox sends at most one message twice per kill (the
//     one between Telegram's answer and the outbox's commit), two for the
//     clean stop (the cancelled send and the grace flush's last one);
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
		t.Skip("builds the binary and kills it several times")
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
	began := time.Now()
	c := newCrashRun(t, seed)

	// Before the first start: participants (the broadcast's audience, ten
	// of whom ask questions), a mentor and a lawyer.
	c.seed(func(tx *store.Tx) error { return seedCrashUsers(tx, began) })

	c.start()
	bcID, goMessage := c.prepareBroadcast()

	// The flood: every applicant's whole form, every asker's questions and
	// staff's "send now", interleaved at random but in order per chat.
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
	flood := interleave(c.rng, scripts)
	// The broadcast starts early, so that the kills find it running.
	at := len(flood) / 20
	flood = slices.Insert(flood, at, crashStep{user: crashStaffUser, data: fmt.Sprintf("bc:go:%d", bcID), messageID: goMessage})

	cuts := make([]int, crashKills)
	for i := range cuts {
		cuts[i] = 1 + c.rng.IntN(len(flood)-1)
	}
	slices.Sort(cuts)
	next, last := 0, 0
	for k, cut := range cuts {
		for ; next < cut; next++ {
			last = c.push(flood[next])
		}
		// The one sleep: a random moment for the kill, half the time soon
		// (while the chunk's updates are being handled), half the time up
		// to a second later (the outbox and the broadcaster at work).
		delay := time.Duration(c.rng.IntN(40)) * time.Millisecond
		if c.rng.IntN(2) == 0 {
			delay = time.Duration(c.rng.IntN(1000)) * time.Millisecond
		}
		time.Sleep(delay)
		c.kill(fmt.Sprintf("kill %d: updates 1-%d pushed, offset %d confirmed, +%v", k+1, last, c.srv.ConfirmedOffset(), delay))
		c.start()
	}
	for ; next < len(flood); next++ {
		last = c.push(flood[next])
	}
	t.Logf("%d updates pushed, %d kills", len(flood), crashKills)

	// Every update confirmed, and the broadcast at everyone, by this run.
	c.await("every update confirmed", 40*time.Second, func() bool { return c.srv.ConfirmedOffset() > last })
	c.await("the broadcast at every participant", 30*time.Second, func() bool {
		for i := range crashParticipants {
			if !slices.ContainsFunc(c.srv.Messages(crashFirstParticipant+int64(i)), func(m telegramtest.Message) bool {
				return m.Text == crashBroadcast[[]string{"ky", "ru"}[i%2]]
			}) {
				return false
			}
		}
		return true
	})
	c.stop()
	live := time.Since(began)

	// The last start, in process, with the clock past the digest delay:
	// the questions' notices go out, and the outbox is emptied without
	// pacing so every queued reply can be counted.
	app, err := open(common{db: c.dbPath, config: c.config}, slog.New(slog.NewTextHandler(&c.logs, nil)), nil)
	if err != nil {
		c.fatalf("last start: %v", err)
	}
	defer app.db.Close()
	c.checkQuestionsPlanned(app.db)
	client, err := telegram.Connect(telegramtest.Token, c.srv.Endpoint())
	if err != nil {
		c.fatalf("last start: %v", err)
	}
	outbox := delivery.New(app.db, client, app.log)
	later := time.Now().Add(app.cfg.MentoringOptions().DigestDelay + time.Minute)
	b := app.bot(outbox.Wake, func() time.Time { return later })
	if err := b.SyncProgramme(); err != nil {
		c.fatalf("last start: %v", err)
	}
	if err := b.ResumeBroadcasts(); err != nil {
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
		if err := b.TendBroadcasts(); err != nil {
			c.fatalf("last start: broadcasts: %v", err)
		}
	}

	lastStart := time.Since(began) - live
	calls := c.srv.Calls()
	c.checkUpdates(app.db, last)
	c.checkApplications(app.db, applicants, calls)
	c.checkQuestions(app.db, questions, calls)
	c.checkBroadcast(app.db, bcID, calls)
	goldenBegan := time.Now()
	c.checkReplies(c.goldenRun(flood, began), calls)
	golden := time.Since(goldenBegan)
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
	t.Logf("%d updates, %d kills; live run %v, last start %v, golden run %v, whole test %v", len(flood), crashKills,
		live.Round(time.Millisecond), lastStart.Round(time.Millisecond), golden.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
	if t.Failed() {
		t.Logf("bot logs:\n%s", tail(c.logs.String(), 200))
	}
}

// The flood's size.
const (
	crashApplicants       = 20
	crashParticipants     = 60
	crashAskers           = 10 // the first participants
	crashQuestionsEach    = 2
	crashKills            = 5
	crashFirstApplicant   = int64(10001)
	crashFirstParticipant = int64(20001)
	crashMentor           = int64(800)
	crashLawyer           = int64(801)
	crashStaff            = int64(900)
	// blindMessage is the message_id of taps pushed ahead of the bot's
	// messages: the bot's edits of it are refused ("message to edit not
	// found") and dropped, as for a message she deleted.
	blindMessage = 900_000_000
	// crashBound is the most the test may take after building the binary;
	// it usually takes a quarter of it.
	crashBound = 60 * time.Second
	// broadcastBatch is bot.Broadcaster's Batch: recipients in flight at once.
	broadcastBatch = 10
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
# Far ahead, so the form is open on the real clock.
deadline = "2099-12-11 17:00"

[mentoring]
lawyer_always = true

# Stage I from long ago, so it is under way now.
[[programme.stages]]
id = "I"
starts = "2020-01-01 00:00"
ends = "2099-12-11 17:00"
`

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

// crashStep is one update: a text, or a tap on a button with data.
type crashStep struct {
	user      telegramtest.User
	text      string
	data      string
	messageID int
}

// crashApplicant is one woman's whole application, and what must be stored.
type crashApplicant struct {
	user    telegramtest.User
	lang    string
	steps   []crashStep
	answers map[string]string
}

func newCrashApplicant(i int) crashApplicant {
	lang := []string{"ky", "ru"}[i%2]
	yes, no := map[string]string{"ky": "ооба", "ru": "да"}[lang], map[string]string{"ky": "жок", "ru": "нет"}[lang]
	a := crashApplicant{
		user:    telegramtest.User{ID: crashFirstApplicant + int64(i), FirstName: "Айгүл", LanguageCode: lang},
		lang:    lang,
		answers: map[string]string{},
	}
	text := func(s string) { a.steps = append(a.steps, crashStep{user: a.user, text: s}) }
	tap := func(data string) {
		a.steps = append(a.steps, crashStep{user: a.user, data: data, messageID: blindMessage})
	}
	// yesNo answers a yes/no question by button or by typing, by turns.
	yesNo := func(field string, answer bool, byButton bool) {
		v, word := form.No, no
		if answer {
			v, word = form.Yes, yes
		}
		if byButton {
			tap("f:" + field + ":" + v)
		} else {
			text(word)
		}
		a.answers[field] = v
	}

	text("/start")
	tap("lang:" + lang)
	tap("consent:yes")
	text(fmt.Sprintf("Асанова Айгүл %d", i+1))
	a.answers["full_name"] = fmt.Sprintf("Асанова Айгүл %d", i+1)
	tap("f:sex:female")
	a.answers["sex"] = "female"
	day, month, year := 1+i%28, 1+i%12, 1970+i
	text(fmt.Sprintf("%02d.%02d.%d", day, month, year))
	a.answers["birth_date"] = fmt.Sprintf("%d-%02d-%02d", year, month, day)
	yesNo("lives_in_village", true, i%2 == 0)
	oblast := form.Oblasts[i%len(form.Oblasts)]
	tap("f:oblast:" + oblast)
	a.answers["oblast"] = oblast
	for _, f := range []struct{ id, value string }{
		{"district", fmt.Sprintf("Район %d", i+1)},
		{"aiyl_okmotu", fmt.Sprintf("Айыл өкмөтү %d", i+1)},
		{"village", fmt.Sprintf("Айыл %d", i+1)},
		{"workplace", fmt.Sprintf("Мугалим, мектеп №%d", i+1)},
	} {
		text(f.value)
		a.answers[f.id] = f.value
	}
	yesNo("similar_school", false, i%3 == 0)
	text(fmt.Sprintf("0700 10 00 %02d", i))
	a.answers["phone"] = fmt.Sprintf("+9967001000%02d", i)
	if i%2 == 0 {
		tap("f:whatsapp:same")
		a.answers["whatsapp"] = a.answers["phone"]
	} else {
		text(fmt.Sprintf("0555 20 00 %02d", i))
		a.answers["whatsapp"] = fmt.Sprintf("+9965552000%02d", i)
	}
	if i%3 == 0 {
		tap("f:email:skip")
		a.answers["email"] = ""
	} else {
		text(fmt.Sprintf("aigul%d@mail.kg", i))
		a.answers["email"] = fmt.Sprintf("aigul%d@mail.kg", i)
	}
	yesNo("lsg_experience", i%2 == 0, true)
	if i%2 == 0 {
		text(fmt.Sprintf("Тажрыйба %d: айыл өкмөтү менен жолду оңдоттук.", i+1))
		a.answers["lsg_experience_text"] = fmt.Sprintf("Тажрыйба %d: айыл өкмөтү менен жолду оңдоттук.", i+1)
	}
	yesNo("community_experience", i%3 == 1, false)
	if i%3 == 1 {
		text(fmt.Sprintf("Аялдар тобу %d", i+1))
		a.answers["community_group_text"] = fmt.Sprintf("Аялдар тобу %d", i+1)
	}
	yesNo("support_group", i%4 == 0, true)
	if i%4 == 0 {
		text(fmt.Sprintf("Кеңеш %d, 12 киши.", i+1))
		a.answers["support_group_text"] = fmt.Sprintf("Кеңеш %d, 12 киши.", i+1)
	}
	yesNo("ready_active", true, true)
	yesNo("ready_self_study", true, false)
	yesNo("ready_organise", true, true)
	yesNo("ready_free_time", i%5 != 0, false)
	// The checklist: three toggles, the third sometimes unticking one of
	// the first two, so a toggle applied twice shows.
	ticked := map[string]bool{}
	for _, n := range []int{0, 4, i % len(form.Stages)} {
		tap(fmt.Sprintf("f:stages:t%d", n))
		ticked[form.Stages[n]] = !ticked[form.Stages[n]]
	}
	tap("f:stages:done")
	for _, item := range form.Stages {
		a.answers[item] = form.No
		if ticked[item] {
			a.answers[item] = form.Yes
		}
	}
	// The essay in two parts: a part handled twice would be there twice.
	part1 := fmt.Sprintf("Мен депутат болгум келет, анткени %d-айылда таза суу жок.", i+1)
	part2 := fmt.Sprintf("Депутат болсом, суу түтүгүн оңдотом. Эссе %d.", i+1)
	text(part1)
	text(part2)
	tap("f:essay:done")
	a.answers["essay"] = part1 + "\n\n" + part2
	tap("sum:submit")
	return a
}

// crashQuestion is a question a participant asks, as it must be stored.
type crashQuestion struct {
	userID int64
	kind   store.QuestionKind
	text   string
}

// askerScript is participant i asking her questions: /ask, the queue's
// button, the text.
func askerScript(i int) ([]crashStep, []crashQuestion) {
	user := telegramtest.User{ID: crashFirstParticipant + int64(i), FirstName: "Гүлнара"}
	var steps []crashStep
	var qs []crashQuestion
	for k := range crashQuestionsEach {
		kind := store.KindMentor
		if k%2 == 1 && i%2 == 1 {
			kind = store.KindLawyer
		}
		q := crashQuestion{userID: user.ID, kind: kind, text: fmt.Sprintf("Суроо %d.%d: кол тамгаларды кантип чогултам?", user.ID, k+1)}
		steps = append(steps,
			crashStep{user: user, text: "/ask"},
			crashStep{user: user, data: "ask:" + string(kind), messageID: blindMessage},
			crashStep{user: user, text: q.text})
		qs = append(qs, q)
	}
	return steps, qs
}

// interleave merges the scripts at random, keeping each one's order.
func interleave(rng *rand.Rand, scripts [][]crashStep) []crashStep {
	var out []crashStep
	pos := make([]int, len(scripts))
	for {
		var open []int
		for i, s := range scripts {
			if pos[i] < len(s) {
				open = append(open, i)
			}
		}
		if len(open) == 0 {
			return out
		}
		i := open[rng.IntN(len(open))]
		out = append(out, scripts[i][pos[i]])
		pos[i]++
	}
}

// crashRun is the binary, its fake Telegram and its database.
type crashRun struct {
	t      *testing.T
	seedN  uint64
	rng    *rand.Rand
	srv    *telegramtest.Server
	texts  *locales.Texts
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
	// stops counts kills and clean stops; inFlight, the broadcast's
	// recipients found in flight after any of them.
	kills, stops int
	inFlight     map[int64]int
	inFlightSum  int
}

func newCrashRun(t *testing.T, seed uint64) *crashRun {
	t.Helper()
	dir := t.TempDir()
	c := &crashRun{
		t: t, seedN: seed, rng: rand.New(rand.NewPCG(seed, seed^0x5eed)),
		srv:      telegramtest.NewServer(t),
		bin:      filepath.Join(dir, "mentorbot"),
		dbPath:   filepath.Join(dir, "m.db"),
		config:   filepath.Join(dir, "mentorbot.toml"),
		inFlight: map[int64]int{},
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
	if err := cmd.Start(); err != nil {
		c.fatalf("start: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	c.child, c.exited = cmd, exited
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
	fmt.Fprintf(&c.logs, "--- %s ---\n", what)
	if err := c.child.Process.Kill(); err != nil {
		c.fatalf("kill: %v", err)
	}
	<-c.exited
	c.child = nil
	c.kills++
	c.inspect(what)
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

// inspect checks the file between two runs and notes the broadcast's
// recipients left in flight: only they may get it again.
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
	n := 0
	err = db.View(func(tx *store.Tx) error {
		all, err := tx.Broadcasts()
		if err != nil {
			return err
		}
		for _, b := range all {
			rs, err := tx.Recipients(b.ID)
			if err != nil {
				return err
			}
			for _, r := range rs {
				if r.State == store.RecipientInFlight {
					c.inFlight[r.UserID]++
					c.inFlightSum++
					n++
				}
			}
		}
		return nil
	})
	if err != nil {
		c.errorf("after %s: %v", what, err)
	}
	if n > broadcastBatch {
		c.errorf("after %s %d recipients in flight, more than a batch of %d", what, n, broadcastBatch)
	}
	c.t.Logf("%s: %d broadcast recipients in flight", what, n)
}

// await polls cond until it holds, for at most limit and never past the
// test's own bound: a bound, not a sleep.
func (c *crashRun) await(what string, limit time.Duration, cond func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(min(limit, time.Until(c.deadline)))
	for !cond() {
		if time.Now().After(deadline) {
			c.fatalf("waited %v for %s (the test's bound is %v after the build)", limit, what, crashBound)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (c *crashRun) push(s crashStep) int {
	if s.data != "" {
		return c.srv.Tap(s.user, s.messageID, s.data)
	}
	return c.srv.SendText(s.user, s.text)
}

// prepareBroadcast has staff write a broadcast to the participants, up to
// the confirmation, reading the buttons' data from the bot's messages. It
// returns the broadcast's ID and the message with "Send now".
func (c *crashRun) prepareBroadcast() (id, goMessage int) {
	c.t.Helper()
	c.srv.SendText(crashStaffUser, "/broadcast")
	c.srv.SendText(crashStaffUser, crashBroadcast["ky"])
	c.srv.SendText(crashStaffUser, crashBroadcast["ru"])
	find := func(prefix string) (telegramtest.Message, string) {
		var msg telegramtest.Message
		var data string
		c.await("a button "+prefix+" for staff", 10*time.Second, func() bool {
			for _, m := range c.srv.Messages(crashStaff) {
				for _, row := range m.Buttons {
					for _, b := range row {
						if strings.HasPrefix(b.Data, prefix) && (strings.HasSuffix(b.Data, ":participants") || prefix == "bc:go:") {
							msg, data = m, b.Data
							return true
						}
					}
				}
			}
			return false
		})
		return msg, data
	}
	audience, data := find("bc:to:")
	if _, err := fmt.Sscanf(data, "bc:to:%d:participants", &id); err != nil {
		c.fatalf("audience button %q: %v", data, err)
	}
	c.srv.Tap(crashStaffUser, audience.ID, data)
	confirm, data := find("bc:go:")
	if data != fmt.Sprintf("bc:go:%d", id) {
		c.fatalf("send-now button %q for broadcast %d", data, id)
	}
	if want := fmt.Sprint(crashParticipants); !strings.Contains(confirm.Text, want) {
		c.errorf("confirmation %q does not count %s recipients", confirm.Text, want)
	}
	return id, confirm.ID
}

// checkUpdates: every pushed update confirmed, to Telegram and in the store.
func (c *crashRun) checkUpdates(db *store.DB, last int) {
	c.t.Helper()
	if got := c.srv.ConfirmedOffset(); got <= last {
		c.errorf("confirmed offset %d, want past the last update %d", got, last)
	}
	for id := 1; id <= last; id++ {
		if handled, err := db.Handled(id); err != nil || !handled {
			c.errorf("update %d not marked handled (%v)", id, err)
		}
	}
}

// checkApplications: one application each, her exact answers, codes
// without a gap or a duplicate, and her code told to her.
func (c *crashRun) checkApplications(db *store.DB, applicants []crashApplicant, calls []telegramtest.Call) {
	c.t.Helper()
	apps, err := db.Applications()
	if err != nil {
		c.fatalf("applications: %v", err)
	}
	byUser := map[int64][]store.Application{}
	var codes []string
	for _, a := range apps {
		byUser[a.UserID] = append(byUser[a.UserID], a)
		codes = append(codes, a.Code)
	}
	slices.Sort(codes)
	var want []string
	for i := range applicants {
		want = append(want, fmt.Sprintf("A-%03d", i+1))
	}
	if !slices.Equal(codes, want) {
		c.errorf("codes %v, want %v", codes, want)
	}
	sent := sentTexts(calls)
	for _, a := range applicants {
		got := byUser[a.user.ID]
		if len(got) != 1 {
			c.errorf("applicant %d has %d applications", a.user.ID, len(got))
			continue
		}
		app := got[0]
		if app.Status != store.StatusSubmitted || app.Language != a.lang || app.Category != store.Category28Plus {
			c.errorf("applicant %d: status %q, language %q, category %q", a.user.ID, app.Status, app.Language, app.Category)
		}
		for k, v := range a.answers {
			if g, ok := app.Answers[k]; !ok || g != v {
				c.errorf("applicant %d: %s = %q (present %v), want %q", a.user.ID, k, g, ok, v)
			}
		}
		for k, v := range app.Answers {
			if _, ok := a.answers[k]; !ok {
				c.errorf("applicant %d: unexpected answer %s = %q", a.user.ID, k, v)
			}
		}
		confirm := c.texts.Text(a.lang, "app.submitted", map[string]any{"Code": app.Code})
		if sent[chatText{a.user.ID, confirm}] == 0 {
			c.errorf("applicant %d was never told her code %s", a.user.ID, app.Code)
		}
	}
}

// checkQuestionsPlanned runs at the clean stop, before the last start
// delivers anything: each question is announced already, or its own
// notice is planned in the same transaction that stored it.
func (c *crashRun) checkQuestionsPlanned(db *store.DB) {
	c.t.Helper()
	err := db.View(func(tx *store.Tx) error {
		qs, err := tx.Questions()
		if err != nil {
			return err
		}
		due, err := tx.DueUntil(time.Now().AddDate(1, 0, 0))
		if err != nil {
			return err
		}
		announced := 0
		for _, q := range qs {
			if !q.AnnouncedAt.IsZero() {
				announced++
				continue
			}
			if !slices.ContainsFunc(due, func(d store.Due) bool {
				return d.Kind == store.DueQuestions && d.EventID == string(q.Kind) && d.At.Equal(q.CreatedAt.Add(bot.DefaultMentoring().DigestDelay))
			}) {
				c.errorf("question #%d is neither announced nor planned to be", q.ID)
			}
		}
		c.t.Logf("at the clean stop %d of %d questions announced, the rest due", announced, len(qs))
		return nil
	})
	if err != nil {
		c.errorf("questions: %v", err)
	}
}

// checkQuestions: each question stored once, with her text, a receipt
// sent, and the notices of every question at its queue.
func (c *crashRun) checkQuestions(db *store.DB, want []crashQuestion, calls []telegramtest.Call) {
	c.t.Helper()
	var qs []store.Question
	langs := map[int64]string{}
	err := db.View(func(tx *store.Tx) (err error) {
		if qs, err = tx.Questions(); err != nil {
			return err
		}
		for _, q := range qs {
			u, err := tx.User(q.UserID)
			if err != nil {
				return err
			}
			langs[q.UserID] = u.Language
		}
		return nil
	})
	if err != nil {
		c.fatalf("questions: %v", err)
	}
	if len(qs) != len(want) {
		c.errorf("%d questions stored, want %d", len(qs), len(want))
	}
	sent := sentTexts(calls)
	for _, w := range want {
		var found []store.Question
		for _, q := range qs {
			if len(q.Thread) > 0 && q.Thread[0].Text == w.text {
				found = append(found, q)
			}
		}
		if len(found) != 1 {
			c.errorf("question %q stored %d times", w.text, len(found))
			continue
		}
		q := found[0]
		if q.UserID != w.userID || q.Kind != w.kind || len(q.Thread) != 1 {
			c.errorf("question #%d: user %d, kind %s, %d posts; want user %d, kind %s, 1 post", q.ID, q.UserID, q.Kind, len(q.Thread), w.userID, w.kind)
		}
		if q.AnnouncedAt.IsZero() {
			c.errorf("question #%d never announced", q.ID)
		}
		receipt := c.texts.Text(langs[q.UserID], "mentoring.receipt", map[string]any{"ID": q.ID})
		if sent[chatText{q.UserID, receipt}] == 0 {
			c.errorf("question #%d: no receipt", q.ID)
		}
	}
	// One notice per announcement (all questions announced together):
	// "new #ID" for one, a digest with the count for several.
	for _, queue := range []struct {
		kind store.QuestionKind
		chat int64
		lang string
	}{{store.KindMentor, crashMentor, "ru"}, {store.KindLawyer, crashLawyer, "ky"}} {
		groups := map[time.Time][]int{}
		for _, q := range qs {
			if q.Kind == queue.kind && !q.AnnouncedAt.IsZero() {
				groups[q.AnnouncedAt.UTC()] = append(groups[q.AnnouncedAt.UTC()], q.ID)
			}
		}
		expect := map[string]int{}
		for _, ids := range groups {
			if len(ids) == 1 {
				expect[c.texts.Text(queue.lang, "queue.new", map[string]any{"ID": ids[0]})]++
			} else {
				expect[c.texts.Text(queue.lang, "queue.digest", map[string]any{"Count": len(ids)})]++
			}
		}
		got := map[string]int{}
		for k, n := range sent {
			if k.chat == queue.chat {
				got[k.text] += n
			}
		}
		extra := 0
		for text, n := range expect {
			if got[text] < n {
				c.errorf("%s queue: notice %q arrived %d times, want %d", queue.kind, text, got[text], n)
			}
		}
		for text, n := range got {
			if n > expect[text] {
				if expect[text] == 0 {
					c.errorf("%s queue: unexpected message %q", queue.kind, text)
				}
				extra += n - expect[text]
			}
		}
		if extra > c.stops*delivery.DuplicateBound {
			c.errorf("%s queue: %d notices twice, more than the %d the stops allow", queue.kind, extra, c.stops*delivery.DuplicateBound)
		}
	}
}

// checkBroadcast: done, everyone sent, and the announcement at each
// recipient once, plus at most one copy per stop that found her in flight.
func (c *crashRun) checkBroadcast(db *store.DB, id int, calls []telegramtest.Call) {
	c.t.Helper()
	var b store.Broadcast
	var rs []store.Recipient
	err := db.View(func(tx *store.Tx) (err error) {
		if b, err = tx.Broadcast(id); err != nil {
			return err
		}
		rs, err = tx.Recipients(id)
		return err
	})
	if err != nil {
		c.fatalf("broadcast: %v", err)
	}
	if b.Status != store.BroadcastDone || len(rs) != crashParticipants {
		c.errorf("broadcast #%d: status %s, %d recipients; want done, %d", id, b.Status, len(rs), crashParticipants)
	}
	sent := sentTexts(calls)
	twice, extra, most := 0, 0, 0
	for _, r := range rs {
		if r.State != store.RecipientSent {
			c.errorf("recipient %d: %s", r.UserID, r.State)
		}
		n := sent[chatText{r.UserID, crashBroadcast[r.Language]}]
		most = max(most, n)
		switch {
		case n == 0:
			c.errorf("recipient %d never got the broadcast", r.UserID)
		case n > 1:
			twice++
			extra += n - 1
		}
	}
	// A copy is sent again only when a stop came between Telegram's
	// answer and the outbox's record of it.
	if extra > c.stops*delivery.DuplicateBound {
		c.errorf("%d copies of the broadcast too many, more than %d stops allow", extra, c.stops)
	}
	c.t.Logf("broadcast: %d recipients, %d got it more than once (%d copies too many, at most %d to one), %d stops",
		len(rs), twice, extra, most, c.stops)
}

// goldenRun is the same flood, without the broadcast, handled by the
// same bot in this process with nobody killing it: the replies each chat
// must get. It returns the calls its own fake Telegram received.
func (c *crashRun) goldenRun(flood []crashStep, began time.Time) []telegramtest.Call {
	c.t.Helper()
	srv := telegramtest.NewServer(c.t)
	log := slog.New(slog.DiscardHandler)
	app, err := open(common{db: filepath.Join(c.t.TempDir(), "golden.db"), config: c.config}, log, nil)
	if err != nil {
		c.fatalf("golden run: %v", err)
	}
	defer app.db.Close()
	if err := app.db.Update(func(tx *store.Tx) error { return seedCrashUsers(tx, began) }); err != nil {
		c.fatalf("golden run: %v", err)
	}
	client, err := telegram.Connect(telegramtest.Token, srv.Endpoint())
	if err != nil {
		c.fatalf("golden run: %v", err)
	}
	outbox := delivery.New(app.db, client, log)
	b := app.bot(outbox.Wake, nil)
	if err := b.SyncProgramme(); err != nil {
		c.fatalf("golden run: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	wg.Go(func() { _ = outbox.Run(ctx) })
	poller := &telegram.Poller{Client: client, DB: app.db, Handler: b, Log: log}
	wg.Go(func() { _ = poller.Run(ctx) })
	last := 0
	for _, s := range flood {
		if s.user.ID == crashStaff {
			continue
		}
		if s.data != "" {
			last = srv.Tap(s.user, s.messageID, s.data)
		} else {
			last = srv.SendText(s.user, s.text)
		}
	}
	c.await("the golden run's updates confirmed", 30*time.Second, func() bool { return srv.ConfirmedOffset() > last })
	c.await("the golden run's outbox empty", 30*time.Second, func() bool {
		items, err := app.db.Outbox(1)
		return err == nil && len(items) == 0
	})
	return srv.Calls()
}

// checkReplies compares, chat by chat, the messages applicants and askers
// got with those of the golden run (numbers aside: codes and question
// numbers depend on the order of chats): none missing, none unexpected.
// The outbox sends one twice only when the bot stopped between
// Telegram's answer and its own commit: once per kill, twice for the
// clean stop (the send cut short, then the grace flush's last). The same
// bound holds for callback answers, each of which is sent once by design.
func (c *crashRun) checkReplies(golden, calls []telegramtest.Call) {
	c.t.Helper()
	digits := regexp.MustCompile(`[0-9]+`)
	chats := func(calls []telegramtest.Call) map[int64]map[string]int {
		out := map[int64]map[string]int{}
		for _, call := range calls {
			if call.Method != "sendMessage" || call.Code != 200 {
				continue
			}
			chat, _ := strconv.ParseInt(call.Params["chat_id"], 10, 64)
			if chat < crashFirstApplicant || chat >= crashFirstParticipant+crashAskers || call.Params["text"] == crashBroadcast["ky"] || call.Params["text"] == crashBroadcast["ru"] {
				continue
			}
			if out[chat] == nil {
				out[chat] = map[string]int{}
			}
			out[chat][digits.ReplaceAllString(call.Params["text"], "N")+"\x00"+digits.ReplaceAllString(call.Params["reply_markup"], "N")]++
		}
		return out
	}
	want, got := chats(golden), chats(calls)
	if len(want) != crashApplicants+crashAskers {
		c.errorf("the golden run wrote to %d chats, want %d", len(want), crashApplicants+crashAskers)
	}
	extra, total := 0, 0
	for chat, msgs := range want {
		for m, n := range msgs {
			total += n
			if g := got[chat][m]; g < n {
				c.errorf("chat %d: %q arrived %d times, want %d", chat, m, g, n)
			}
		}
		for m, n := range got[chat] {
			switch {
			case msgs[m] == 0:
				c.errorf("chat %d: unexpected %q", chat, m)
			case n > msgs[m]:
				extra += n - msgs[m]
			}
		}
	}
	answers := map[string]int{}
	for _, call := range calls {
		if call.Method == "answerCallbackQuery" && call.Code == 200 {
			answers[call.Params["callback_query_id"]]++
		}
	}
	for _, n := range answers {
		extra += n - 1
	}
	if extra > c.stops*delivery.DuplicateBound {
		c.errorf("%d replies sent twice, more than the %d the %d kills and the clean stop allow", extra, c.stops*delivery.DuplicateBound, c.kills)
	}
	c.t.Logf("replies: %d messages to %d chats as in the golden run, %d callback answers, %d sent twice", total, len(want), len(answers), extra)
}

type chatText struct {
	chat int64
	text string
}

// sentTexts counts the messages delivered, by chat and text.
func sentTexts(calls []telegramtest.Call) map[chatText]int {
	out := map[chatText]int{}
	for _, call := range calls {
		if call.Method != "sendMessage" || call.Code != 200 {
			continue
		}
		chat, _ := strconv.ParseInt(call.Params["chat_id"], 10, 64)
		out[chatText{chat, call.Params["text"]}]++
	}
	return out
}

// tail is the last n lines of s, without the dropped edits of blind taps.
func tail(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.Contains(l, "message to edit not found") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
