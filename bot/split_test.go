package bot_test

import (
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/mentorbot/mentorbot/bot"
)

func TestSplit(t *testing.T) {
	para := strings.Repeat("Айылда суу жок. ", 100) // 1600 characters
	tests := []struct {
		name  string
		text  string
		parts int
	}{
		{"Short", "Салам", 1},
		{"Empty", "", 1},
		{"ExactlyMax", strings.Repeat("ж", bot.MaxMessage), 1},
		{"OneOver", strings.Repeat("ж", bot.MaxMessage+1), 2},
		{"Paragraphs", para + "\n\n" + para + "\n\n" + para, 2},
		{"NoSpaces", strings.Repeat("ж", 3*bot.MaxMessage), 3},
		{"Emoji", strings.Repeat("🙂", bot.MaxMessage), 2}, // two UTF-16 units each
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := bot.Split(tt.text, bot.MaxMessage)
			if len(parts) != tt.parts {
				t.Fatalf("%d parts, want %d", len(parts), tt.parts)
			}
			for _, p := range parts {
				if n := len(utf16.Encode([]rune(p))); n > bot.MaxMessage {
					t.Errorf("part of %d units", n)
				}
			}
			// Only the whitespace at the cuts may go.
			if got, want := strings.Join(strings.Fields(strings.Join(parts, "")), ""), strings.Join(strings.Fields(tt.text), ""); got != want {
				t.Errorf("splitting changed the text")
			}
		})
	}
	t.Run("CutsBetweenParagraphs", func(t *testing.T) {
		parts := bot.Split(para+"\n\n"+para+"\n\n"+para, bot.MaxMessage)
		if parts[0] != strings.TrimSpace(para+"\n\n"+para) {
			t.Errorf("first part ends with %q", parts[0][len(parts[0])-20:])
		}
	})
}
