//go:build windows || plan9 || solaris || aix || android

package store

import (
	"os"
	"time"
)

// lockFile does nothing here: bbolt's own lock, taken next, still keeps
// two bots apart; only the check before it may then see a file another
// bot is writing.
func lockFile(*os.File, bool, time.Duration) error { return nil }
