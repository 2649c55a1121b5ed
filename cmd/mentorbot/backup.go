package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/mentorbot/mentorbot/store"
)

// runBackup is "mentorbot backup -db PATH -out FILE": a consistent copy
// of a database the bot does not hold. A running bot holds its file
// exclusively (bbolt's lock); it then backs itself up daily and on /backup.
func runBackup(args []string, env Env) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	var c common
	c.register(fs, env, "mentorbot.db")
	out := fs.String("out", "", "backup `file` to write")
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("-out FILE is required: %w", errUsage)
	}
	db, err := store.Open(c.db, store.Options{ReadOnly: true})
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("database %s is in use by the running bot: send /backup in the chat, or use its daily backups ([backup] dir)", c.db)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	err = db.View(func(tx *store.Tx) error {
		_, err := tx.WriteTo(f)
		return err
	})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return fmt.Errorf("backup to %s: %w", *out, err)
	}
	fmt.Fprintf(env.Stdout, "Backup written: %s\n", *out)
	return nil
}
