package main

import (
	"flag"
	"fmt"

	"github.com/mentorbot/mentorbot/store"
)

// runBackup is "mentorbot backup -db PATH -out FILE": a checked copy of a
// database the bot does not hold, written beside FILE under a temporary
// name and named FILE only once checked. A running bot holds its file
// exclusively (bbolt's lock); it then backs itself up daily and on /backup.
func runBackup(args []string, env Env) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	var c common
	c.register(fs, env, "mentorbot.db")
	out := fs.String("out", "", "backup `file` to write (must not exist)")
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("-out FILE is required: %w", errUsage)
	}
	db, err := store.Open(c.db, store.Options{ReadOnly: true})
	if err != nil {
		return openError(c.db, err, "send /backup in the chat, or use its daily backups ([backup] dir)")
	}
	defer db.Close()
	if err := db.BackupTo(*out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Backup written and checked: %s\n", *out)
	return nil
}
