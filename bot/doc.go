// Package bot is mentorbot's core: it takes one normalised Telegram
// update at a time, decides what it means for the person who sent it,
// records the change and queues the replies, all in one store
// transaction.
//
// The core holds what every part of the school relies on: the [Bot] and
// its [Options], the [Update], the [Turn] (the update being handled, her
// record, the clock and the replies: Say, Send, Edit, Toast, Notify,
// buttons, texts, dates, the audit), the router and the access guard
// with its audit, the registry of [Feature]s, each role's /help and
// command menu, paged lists, the shared pickers and yes-no question, the
// file worker, the due schedule, the audiences, the end of a role, and
// its own commands: /start's welcome with the consent, /language, /help,
// /cancel and staff's operations (/audit, /undelivered, /backup, /status).
//
// The parts of the school are packages of their own beside it
// (bot/applying, bot/commission, bot/calendar, bot/mentoring,
// bot/election, bot/broadcasts, bot/records, bot/programme). Each
// imports the core and never another part, and registers its commands,
// buttons, dialogues, lists, workbooks and due items in its Feature; one
// part reaches another only through the store or a hook of the core
// (Feature.Ask, Feature.Status, Feature.RoleEnds, ...). bot/school lists
// the parts: mentorbot and the tests run the same list.
//
// The Telegram library stays out of the core and the parts: bot/telegram
// turns the library's updates into [Update] values and delivers
// [store.Outgoing] messages; bot/console does the same in a terminal. Both
// run the very same handlers.
package bot
