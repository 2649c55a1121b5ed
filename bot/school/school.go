// Package school assembles the bot: the parts of the school, in the
// order /help and the command menus list their commands. It is the one
// list of them, used by cmd/mentorbot and by the tests alike, so no
// second list has to be kept in step.
//
// Imports go one way: school imports the parts, each part imports the
// core (bot) and never another part, and the core imports no part.
package school

import (
	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/applying"
	"github.com/mentorbot/mentorbot/bot/broadcasts"
	"github.com/mentorbot/mentorbot/bot/calendar"
	"github.com/mentorbot/mentorbot/bot/commission"
	"github.com/mentorbot/mentorbot/bot/election"
	"github.com/mentorbot/mentorbot/bot/mentoring"
	"github.com/mentorbot/mentorbot/bot/programme"
	"github.com/mentorbot/mentorbot/bot/records"
)

// Features are the parts of the school, in /help and menu order; the
// core's own commands (start, language, help, cancel) come first of all
// by themselves, and its staff operations last.
func Features() []bot.Feature {
	return []bot.Feature{
		applying.Feature, applying.Sources, commission.People, commission.Selection, calendar.Feature,
		mentoring.Feature, mentoring.FAQ, broadcasts.Feature, election.Feature, programme.Feature, records.Feature,
		bot.Operations,
	}
}
