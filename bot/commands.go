package bot

import "github.com/mentorbot/mentorbot/locales"

// Command is one entry of the bot's command menu.
type Command struct {
	Name        string // without the slash
	Description string
}

// menuCommands are the commands everyone sees in Telegram's menu. Staff
// commands stay out of it: they are listed in /help for staff.
var menuCommands = []string{"start", "schedule", "ask", "language", "help"}

// Menu returns the command menu in lang, for setMyCommands.
func Menu(texts *locales.Texts, lang string) []Command {
	var cmds []Command
	for _, name := range menuCommands {
		cmds = append(cmds, Command{Name: name, Description: texts.Text(lang, "menu."+name, nil)})
	}
	return cmds
}
