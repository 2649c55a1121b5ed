// Package store keeps everything mentorbot remembers in one bbolt file: the
// people who talk to the bot, their application drafts and submitted
// applications, the outbox of messages waiting to be delivered, and the
// bookkeeping of Telegram updates already handled.
//
// # Basics
//
// Open the file with [Open]; it refuses to wait forever for another process
// that holds the lock and returns [ErrLocked] instead. Every change that
// handling one Telegram update causes goes through [DB.HandleUpdate], which
// runs the change, queues the replies in the outbox and marks the update as
// handled in one transaction, so a crash either keeps all of it or none.
//
// # Caveats
//
// Values read inside a transaction are copied out before it ends (bbolt's
// memory is only valid inside it); the record types here are plain values
// encoded as JSON. The file carries a schema version; [Open] refuses a file
// written by a newer version of the bot rather than guessing, and brings a
// file of an older schema up to date in the transaction that opens it for
// writing. A read-only open does not change the file: on a file of schema
// 1, which has no index of users by role, [Tx.UsersWithRoles] reads
// everyone instead (an export on a copy of an old file still works).
//
// bbolt trusts its file: it maps it into memory and follows page numbers
// without bounds checks, so a cut-off or garbled file would crash the
// process. [Open] and [DB.Check] therefore check the meta pages and walk
// the pages themselves first (filecheck.go), and refuse such a file with
// [ErrDamaged]. [DB.Backup] writes a checked copy under a temporary name
// and renames it only when whole; [CleanBackups] removes what a killed
// backup left.
package store
