package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// A running bot holds its database exclusively, so `mentorbot status`
// and `mentorbot report` cannot read the file while it runs: they ask
// the bot instead, over a unix socket beside the database that only the
// bot's user can open. The asker writes one line, "status" or
// "report LANG TIME" (TIME in RFC 3339, the report's moment); the bot
// answers with its store.Health, read in one transaction, or the
// report's workbook, as JSON, and closes. An asker of an older bot that
// writes nothing gets the health once the line is waited for.

// statusSocket is where a running bot answers for the database at db.
func statusSocket(db string) string { return db + ".status.sock" }

// listenStatus opens the bot's status socket. The bot holds the
// database's lock, so a socket file left there is a dead bot's.
func listenStatus(db string) (net.Listener, error) {
	path := statusSocket(db)
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("status socket: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("status socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("status socket: %w", err)
	}
	return ln, nil
}

// serveStatus answers every connection with the bot's health until ctx
// ends; then it removes the socket.
func serveStatus(ctx context.Context, ln net.Listener, db *store.DB, backupDir string, m reportMaker, log *slog.Logger) {
	go func() { <-ctx.Done(); ln.Close() }()
	for {
		conn, err := ln.Accept()
		if err != nil {
			return // closed on stop
		}
		_ = conn.SetReadDeadline(time.Now().Add(requestWait))
		line, _ := bufio.NewReader(io.LimitReader(conn, 200)).ReadString('\n')
		if lang, at, ok := reportRequest(line); ok {
			_ = conn.SetDeadline(time.Now().Add(reportTime))
			answerReport(conn, db, m, lang, at, log)
			conn.Close()
			continue
		}
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		h, err := db.Health(backupDir)
		if err != nil {
			log.Error("status asked, health not read", "err", err)
			_, _ = fmt.Fprintf(conn, `{"error":%q}`, err.Error())
		} else if err := json.NewEncoder(conn).Encode(statusAnswer{Health: h}); err != nil {
			log.Warn("status answer not sent", "err", err)
		}
		conn.Close()
	}
}

// How long the bot waits for the asker's line, and how long making the
// report may take.
const (
	requestWait = 500 * time.Millisecond
	reportTime  = 2 * time.Minute
)

// reportRequest reads "report LANG TIME".
func reportRequest(line string) (lang string, at time.Time, ok bool) {
	var when string
	if n, _ := fmt.Sscanf(strings.TrimSpace(line), "report %s %s", &lang, &when); n != 2 || !locales.Supported(lang) {
		return "", time.Time{}, false
	}
	at, err := time.Parse(time.RFC3339, when)
	if err != nil {
		return "", time.Time{}, false
	}
	return lang, at, true
}

// reportAnswer is what the socket sends for a report: the workbook, or
// why not.
type reportAnswer struct {
	Workbook []byte `json:"workbook,omitempty"`
	Error    string `json:"error,omitempty"`
}

// answerReport makes the report and sends it.
func answerReport(conn net.Conn, db *store.DB, m reportMaker, lang string, at time.Time, log *slog.Logger) {
	var a reportAnswer
	data, err := m.workbook(db, lang, at)
	if err != nil {
		log.Error("report asked, not made", "err", err)
		a.Error = err.Error()
	}
	a.Workbook = data
	if err := json.NewEncoder(conn).Encode(a); err != nil {
		log.Warn("report not sent", "err", err)
	}
}

// askReport asks the running bot that holds path for the report.
func askReport(path, lang string, at time.Time) ([]byte, error) {
	conn, err := net.DialTimeout("unix", statusSocket(path), 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("database %s is held by a running bot that does not answer on %s: %w", path, statusSocket(path), err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(reportTime + 10*time.Second))
	if _, err := fmt.Fprintf(conn, "report %s %s\n", lang, at.Format(time.RFC3339)); err != nil {
		return nil, fmt.Errorf("ask the running bot for the report: %w", err)
	}
	var a reportAnswer
	if err := json.NewDecoder(conn).Decode(&a); err != nil {
		return nil, fmt.Errorf("report from the running bot: %w", err)
	}
	if a.Error != "" {
		return nil, fmt.Errorf("report from the running bot: %s", a.Error)
	}
	if len(a.Workbook) == 0 {
		return nil, fmt.Errorf("the running bot sent no report: it may be older than this command; send /report in the chat")
	}
	return a.Workbook, nil
}

// statusAnswer is what the socket sends: the health, or why not.
type statusAnswer struct {
	store.Health
	Error string `json:"error,omitempty"`
}

// runStatus is "mentorbot status": the bot's health from its database,
// read directly when the bot is stopped and asked of it when it runs.
func runStatus(args []string, env Env) error {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	var c common
	c.register(fs, env, "mentorbot.db")
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	cfg, err := LoadConfig(c.config, time.Now())
	if err != nil {
		return err
	}
	backupDir := (&app{cfg: cfg}).backupDirFor(c.db)
	h, running, err := readHealth(c.db, backupDir)
	if err != nil {
		return err
	}
	writeStatus(env.Stdout, c.db, h, running, time.Now())
	return nil
}

// readHealth reads the health of the database at path, asking the
// running bot when it holds the file.
func readHealth(path, backupDir string) (h store.Health, running bool, err error) {
	db, err := store.Open(path, store.Options{ReadOnly: true, Timeout: 300 * time.Millisecond})
	if err == nil {
		defer db.Close()
		h, err = db.Health(backupDir)
		return h, false, err
	}
	if !errors.Is(err, store.ErrLocked) {
		return h, false, err
	}
	conn, derr := net.DialTimeout("unix", statusSocket(path), 5*time.Second)
	if derr != nil {
		return h, true, fmt.Errorf("database %s is held by a running bot that does not answer on %s: %w", path, statusSocket(path), derr)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, "status\n"); err != nil {
		return h, true, fmt.Errorf("ask the running bot for its status: %w", err)
	}
	var a statusAnswer
	if err := json.NewDecoder(conn).Decode(&a); err != nil {
		return h, true, fmt.Errorf("status from the running bot: %w", err)
	}
	if a.Error != "" {
		return h, true, fmt.Errorf("status from the running bot: %s", a.Error)
	}
	return a.Health, true, nil
}

// writeStatus prints the health for an operator, a line per figure.
func writeStatus(w io.Writer, path string, h store.Health, running bool, now time.Time) {
	state := "stopped"
	if running {
		state = "running"
	}
	ago := func(t time.Time) string {
		return fmt.Sprintf("%s UTC, %s ago", t.UTC().Format("2006-01-02 15:04:05"), now.Sub(t).Round(time.Second))
	}
	fmt.Fprintf(w, "database:     %s (the bot is %s)\n", path, state)
	fmt.Fprintf(w, "schema:       %d\n", h.Schema)
	if h.LastHandledAt.IsZero() {
		fmt.Fprintf(w, "last update:  none in the last %s\n", store.HandledFor)
	} else {
		fmt.Fprintf(w, "last update:  #%d, handled %s\n", h.LastUpdate, ago(h.LastHandledAt))
	}
	total, lanes := 0, make([]string, 0, len(store.Lanes))
	for _, l := range store.Lanes {
		total += h.Outbox[l]
		lanes = append(lanes, fmt.Sprintf("%s %d", l, h.Outbox[l]))
	}
	fmt.Fprintf(w, "outbox:       %d waiting (%s)\n", total, strings.Join(lanes, ", "))
	fmt.Fprintf(w, "dead letters: %d (staff see them with /undelivered)\n", h.DeadLetters)
	if len(h.Broadcasts) == 0 {
		fmt.Fprintln(w, "broadcasts:   none running")
	}
	for _, b := range h.Broadcasts {
		fmt.Fprintf(w, "broadcast:    #%d %s, %d of %d settled (sent %d, blocked %d, failed %d)\n", b.ID, b.Status, b.Settled(), b.Total, b.Sent, b.Blocked, b.Failed)
	}
	if len(h.NextDue) == 0 {
		fmt.Fprintln(w, "next due:     nothing planned")
	}
	for _, d := range h.NextDue {
		fmt.Fprintf(w, "next due:     %s UTC, %s of %s\n", d.At.UTC().Format("2006-01-02 15:04"), d.Kind, d.EventID)
	}
	if h.LastBackup == "" {
		fmt.Fprintln(w, "last backup:  none")
	} else {
		fmt.Fprintf(w, "last backup:  %s, %s\n", h.LastBackup, ago(h.LastBackupAt))
	}
}
