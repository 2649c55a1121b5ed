// Package bot is mentorbot's dialogue: it takes one normalised Telegram
// update at a time, decides what it means for the person who sent it (her
// role, where she is in the application form), records the change and
// queues the replies, all in one store transaction.
//
// The Telegram library stays out of this package: bot/telegram turns the
// library's updates into [Update] values and delivers [store.Outgoing]
// messages; bot/console does the same in a terminal. Both run the very same
// handlers.
package bot
