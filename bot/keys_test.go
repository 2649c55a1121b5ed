package bot_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// keyLiteral finds message keys written out in the bot's code: a quoted
// dotted lower-case name passed to one of the turn's text helpers.
// The dialogue tables name theirs in fields (Ask, Label, Skip, Again,
// Key of a refusal).
var keyLiteral = regexp.MustCompile(`(?:[sS]ay|[tT]ext|[bB]utton|[tT]oast|Plural\([^,]+,|(?:Ask|Label|Skip|Again|Key):)\s*\(?"([a-z0-9_]+(?:\.[a-z0-9_]+)+)"`)

// codeFiles are the Go files of the core and of the school's parts.
func codeFiles() []string {
	files := mustGlob("*.go")
	for _, part := range []string{"applying", "commission", "calendar", "mentoring", "election", "broadcasts", "records", "programme"} {
		files = append(files, mustGlob(part+"/*.go")...)
	}
	return files
}

// mustGlob lists the files that match pattern (a valid one).
func mustGlob(pattern string) []string {
	files, err := filepath.Glob(pattern)
	if err != nil {
		panic(err)
	}
	return files
}

// Every key the code names, and every key the form table implies, exists
// in both languages: a missing one would show her the bare key.
func TestEveryUsedKeyExists(t *testing.T) {
	keys := map[string]bool{}
	for _, name := range append(codeFiles(), mustGlob("form/*.go")...) {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyLiteral.FindAllSubmatch(src, -1) {
			// "event.rsvp_" + answer: a prefix; its full keys are checked
			// by the tests that reach them.
			if k := string(m[1]); !strings.HasSuffix(k, "_") {
				keys[k] = true
			}
		}
		for _, m := range regexp.MustCompile(`Key: "([a-z0-9_.]+)"`).FindAllSubmatch(src, -1) {
			keys[string(m[1])] = true
		}
		for _, m := range regexp.MustCompile(`(?:key|Key)\w* += "(form\.[a-z0-9_.]+)"`).FindAllSubmatch(src, -1) {
			keys[string(m[1])] = true
		}
	}
	if len(keys) < 30 {
		t.Fatalf("found only %d keys in the code: the pattern is broken", len(keys))
	}
	for _, f := range form.Fields {
		keys["form."+f.ID+".ask"] = true
		keys["form."+f.ID+".label"] = true
		keys[fmt.Sprintf("form.section.%d", f.Section)] = true
		for _, opt := range f.Options {
			keys["form."+f.ID+".opt."+opt] = true
		}
		for _, item := range f.Items {
			keys["form."+item+".short"] = true
		}
		if f.Offers != nil {
			for _, oblast := range form.Oblasts {
				for _, id := range f.Offers(map[string]string{"oblast": oblast}) {
					keys["form."+f.ID+".opt."+id] = true
				}
			}
		}
		if f.Kind == form.Checklist {
			keys["form."+f.ID+".all"] = true
			keys["form."+f.ID+".none"] = true
		}
	}
	var logs bytes.Buffer
	texts, err := locales.New(slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	for key := range keys {
		for _, lang := range locales.Languages {
			texts.Text(lang, key, nil)
		}
	}
	if logs.Len() > 0 {
		t.Errorf("keys missing or broken:\n%s", logs.String())
	}
}

// Button labels must fit a phone: Telegram cuts long ones with "…".
func TestButtonLabelsAreShort(t *testing.T) {
	const max = 34
	keys := map[string]bool{}
	for _, name := range codeFiles() {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`[bB]utton\("([a-z0-9_]+(?:\.[a-z0-9_]+)+)"`).FindAllSubmatch(src, -1) {
			if strings.HasSuffix(string(m[1]), "_") {
				continue // a prefix, completed below
			}
			keys[string(m[1])] = true
		}
	}
	for _, k := range []store.QuestionKind{store.KindMentor, store.KindLawyer, store.KindSchool} {
		keys["mentoring.to_"+string(k)] = true // the queue buttons of /ask
	}
	if len(keys) < 15 {
		t.Fatalf("found only %d button keys: the pattern is broken", len(keys))
	}
	for _, f := range form.Fields {
		keys["form."+f.ID+".label"] = true // on the summary's edit buttons
		for _, opt := range f.Options {
			keys["form."+f.ID+".opt."+opt] = true
		}
		for _, item := range f.Items {
			keys["form."+item+".short"] = true
		}
		if f.Offers != nil {
			for _, oblast := range form.Oblasts {
				for _, id := range f.Offers(map[string]string{"oblast": oblast}) {
					keys["form."+f.ID+".opt."+id] = true
				}
			}
		}
	}
	texts, err := locales.New(slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	for key := range keys {
		for _, lang := range locales.Languages {
			if n := len([]rune(texts.Text(lang, key, nil))); n > max {
				t.Errorf("%s %s: %d characters, keep buttons under %d", lang, key, n, max)
			}
		}
	}
}
