// Command mentorbot runs the school's Telegram bot, tries it in a
// terminal, and exports its records.
//
//	mentorbot [run]        run the bot (needs TELEGRAM_BOT_TOKEN)
//	mentorbot console      try the bot in a terminal, no token needed
//	mentorbot check-config check the config and print the coming events
//	mentorbot check        check a database file (or a backup) for damage
//	mentorbot backup       copy a database the bot does not hold
//	mentorbot export applications|scores|questions|results -db PATH [-format csv|xlsx] [-lang ky|ru]
//	mentorbot import applications -db PATH FILE  paper and e-mail applications from a file
//	mentorbot status       how the bot is doing (also while it runs)
//	mentorbot report -db PATH -out FILE.xlsx [-lang ky|ru]  the programme's report (also while it runs)
//	mentorbot version      the version, commit and build time
//
// Errors are one line on stderr and a non-zero exit status.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	if err := Main(ctx, os.Args[1:], env); err != nil {
		if !errors.Is(err, flag.ErrHelp) && !errors.Is(err, errReported) {
			// One line, even when a config has several problems.
			fmt.Fprintln(os.Stderr, "mentorbot:", strings.ReplaceAll(err.Error(), "\n", "; "))
		}
		if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// Env is the process's surroundings, so tests can run Main in-process.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Now is the clock of the commands that date what they write (the
	// report); nil is the real one.
	Now func() time.Time
}

// now is the time by env's clock.
func (env Env) now() time.Time {
	if env.Now != nil {
		return env.Now()
	}
	return time.Now()
}

var errUsage = errors.New("usage: mentorbot [run|console|check|backup|check-config|export applications|scores|questions|results|import applications|report|status|version] [flags]; mentorbot help")

// Main runs the subcommand named by args[0].
func Main(ctx context.Context, args []string, env Env) error {
	cmd := "run"
	if len(args) > 0 && (args[0] == "-version" || args[0] == "--version") {
		return runVersion(args[1:], env)
	}
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "run":
		return runBot(ctx, args, env)
	case "console":
		return runConsole(ctx, args, env)
	case "export":
		return runExport(args, env)
	case "import":
		return runImport(args, env)
	case "check-config":
		return runCheckConfig(args, env)
	case "backup":
		return runBackup(args, env)
	case "check":
		return runCheck(args, env)
	case "version":
		return runVersion(args, env)
	case "status":
		return runStatus(args, env)
	case "report":
		return runReport(args, env)
	case "help", "-h", "--help":
		fmt.Fprintln(env.Stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q: %w", cmd, errUsage)
}

const usage = `mentorbot runs the mentoring school's Telegram bot.

  mentorbot [run] [-db PATH] [-config PATH] [-api-endpoint FMT]
                [-log-format text|json] [-log-level debug|info|warn|error]
      Run the bot. Needs TELEGRAM_BOT_TOKEN (from @BotFather). Under
      systemd (Type=notify) it says when it is ready and pings the watchdog.
  mentorbot console [-db PATH] [-config PATH] [-lang ky|ru]
      Try the bot in this terminal: no token, no network.
  mentorbot backup -db PATH -out FILE
      Copy the database consistently and check the copy (the bot must be
      stopped; while it runs, staff send /backup, and it writes daily
      backups itself).
  mentorbot check -db PATH
      Check a database file, or a backup, for damage: one line of verdict,
      exit status 1 when damaged. Run it on a backup before restoring it.
  mentorbot check-config [-config PATH]
      Check the config, and print the programme and its coming events.
  mentorbot export applications -db PATH [-format csv|xlsx] [-lang ky|ru]
      Write the submitted applications to stdout.
  mentorbot export scores -db PATH [-format csv|xlsx] [-lang ky|ru]
      Write the commission's scores, means and decisions to stdout.
  mentorbot export questions -db PATH [-format csv|xlsx] [-lang ky|ru]
      Write every mentoring question and answer to stdout.
  mentorbot export results -db PATH [-format csv|xlsx] [-lang ky|ru]
      Write every participant's latest election result to stdout.
      csv (the default): UTF-8 with a byte-order mark, machine keys as the
      header, a formula-looking answer behind an apostrophe. xlsx: a
      workbook for Excel with headers in -lang (default ru); redirect it
      to a file: > applications.xlsx
  mentorbot import applications -db PATH [-config PATH] FILE
      Add applications that came on paper or by e-mail from FILE (.xlsx or
      .csv with the columns of the applications export, headers in either
      language; source paper|email and arrived_at are required). Every row
      is checked as the form checks it; one bad row and nothing is
      imported (each bad row is listed by its line). The bot must be
      stopped; while it runs, staff send /application_add.

  mentorbot report -db PATH -out FILE.xlsx [-config PATH] [-lang ky|ru]
      Write the programme's report for the donor: the workbook /report
      sends in the chat (a summary and a sheet per stage), headers in
      -lang (default ru). Works while the bot runs (it asks the bot).

  mentorbot status -db PATH [-config PATH]
      How the bot is doing: schema, the last update handled, the outbox by
      lane, dead letters, running broadcasts, what falls due next, the last
      backup. Works while the bot runs (it answers on PATH.status.sock).
  mentorbot version
      Print the version, the commit and the build time.

Flags have environment twins: MENTORBOT_DB, MENTORBOT_CONFIG, TELEGRAM_API_ENDPOINT,
MENTORBOT_LOG_FORMAT, MENTORBOT_LOG_LEVEL.`

// common are the flags every subcommand shares.
type common struct {
	db, config string
}

func (c *common) register(fs *flag.FlagSet, env Env, defaultDB string) {
	fs.StringVar(&c.db, "db", envOr(env, "MENTORBOT_DB", defaultDB), "bbolt database `file` (MENTORBOT_DB)")
	fs.StringVar(&c.config, "config", env.Getenv("MENTORBOT_CONFIG"), "TOML config `file` (MENTORBOT_CONFIG); defaults apply without one")
}

func envOr(env Env, key, def string) string {
	if v := env.Getenv(key); v != "" {
		return v
	}
	return def
}

// parseFlags parses args, turning flag's own usage errors into errUsage.
func parseFlags(fs *flag.FlagSet, args []string, env Env) error {
	fs.SetOutput(env.Stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%v: %w", err, errUsage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: %w", fs.Arg(0), errUsage)
	}
	return nil
}
