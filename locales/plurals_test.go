package locales_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/locales"
)

// countPlaceholders are the placeholders the code fills with a number of
// things (people, applications, messages, words, hours): a word next to such
// a number must agree with it in Russian ("1 получатель", "3 получателя",
// "5 получателей"). They were read from the code's calls (ints passed under
// these names); notCounts below are the other placeholders, so that a new
// placeholder fails TestEveryPlaceholderIsClassified until someone decides
// which it is.
var countPlaceholders = []string{
	"Accept", "Accepted", "Answered", "Apps", "Blocked", "Bulk", "Came", "CameBack",
	"Confirmed", "Count", "Declined", "Digits", "Done", "Elected", "Failed", "Graduates",
	"H", "Have", "Hours", "Ky", "Left", "Length", "M", "Max", "Members", "N", "No",
	"Notice", "Of", "Older", "Open", "Opened", "Planned", "Rated", "Received", "Registered",
	"Reminded", "Reply", "Reported", "Resolved", "Ru", "Section", "Sections", "Sent",
	"Settled", "Spread", "Started", "Submitted", "Taken", "Tap", "Total", "Unfinished", "Unknown",
	"Waitlist", "Waitlisted", "Weight", "Words", "Yes", "Younger",
	"Cast", "Rejected", "Unchecked", "Verified", "Voters", // election day's figures and photo checks
}

// notCounts are placeholders that are not a number of things: names, codes,
// dates, ready-made phrases, identifiers and ordinals ("№12", "версия 2"),
// years ("1990 или 2090"), and figures already formatted as text: shares
// ("66%"), durations ("2 ч 5 мин").
var notCounts = []string{
	"Ago", "Alpha", "Audience", "Category", "Code", "Codes", "Command", "Criterion", "Date", "Deadline",
	"Decision", "Early", "End", "Example", "Field", "Flags", "From", "Hint", "ID", "Input",
	"Kind", "Language", "Late", "Link", "Median", "Member", "Missing", "Name", "Names", "Phase",
	"Phone", "Placeholders", "Points", "Query", "Question", "Queue", "Rating", "Role", "Schema", "Share",
	"Source", "Stage", "Start", "Status", "Target", "Title", "To", "Typed", "Until",
	"Version", "What", "When", "Where",
}

// noAgreement lists the messages whose counts stand, by design, beside a word
// that does not change with the number. Keep it short: every entry says why.
var noAgreement = map[string]string{
	"queue.waited_minutes":    "«мин» is an abbreviation: «ждёт 1 мин», «ждёт 5 мин»",
	"queue.waited_hours":      "«ч» is an abbreviation",
	"queue.waited_days":       "«дн» is an abbreviation",
	"queue.still_waiting":     "«ч» is an abbreviation",
	"staff.question_waiting":  "«ч» is an abbreviation",
	"health.last_update.none": "«ч» is an abbreviation",
	"health.ago.minutes":      "«мин» is an abbreviation",
	"health.ago.hours":        "«ч» is an abbreviation",
	"health.ago.days":         "«дн.» is an abbreviation",
	"duration":                "«ч» and «мин» are abbreviations",
}

// agreementFree matches what may follow a count that needs no agreement:
// punctuation or the end ("Доставлено: 5.", "(5)", "3/10", "20%"), or «из»
// in "3 из 10" (the word after the second number is what agrees).
var agreementFree = regexp.MustCompile(`^(\s*([^\s\p{L}]|$)|\s+из\s)`)

// countBefore finds a count placeholder and what follows it.
var countAt = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// needsAgreement returns the count placeholders of text that are followed by
// a word, so the word must agree with the number.
func needsAgreement(text string) []string {
	var names []string
	for _, m := range countAt.FindAllStringSubmatchIndex(text, -1) {
		name := text[m[2]:m[3]]
		if !slices.Contains(countPlaceholders, name) {
			continue
		}
		if !agreementFree.MatchString(text[m[1]:]) {
			names = append(names, name)
		}
	}
	return names
}

// TestEveryCountHasPluralForms finds every message that shows a count beside
// a word without plural forms. The rule, judged on the Russian text (Kyrgyz
// nouns do not change after a numeral, but the message needs Kyrgyz one and
// other too, because go-i18n picks a form in each language):
//   - a count followed by punctuation, the end, or «из» needs no agreement
//     ("Доставлено: 5", "Жеткирилди: 5", "(5)", "3 из 10");
//   - any other count needs plural forms (ru one/few/many/other, ky
//     one/other), and then it must be {{.Count}}, the number go-i18n chooses
//     the form by: a plural message has one number that agrees;
//   - or the message is in noAgreement, with its reason.
func TestEveryCountHasPluralForms(t *testing.T) {
	ky, ru := load(t, "ky"), load(t, "ru")
	for key, forms := range ru {
		if reason, ok := noAgreement[key]; ok {
			if reason == "" {
				t.Errorf("%s: in noAgreement without a reason", key)
			}
			continue
		}
		plural := len(forms) > 1 && len(ky[key]) > 1
		for form, text := range forms {
			for _, name := range needsAgreement(text) {
				switch {
				case !plural:
					t.Errorf("%s (ru): {{.%s}} is followed by a word that must agree with it (%q): give the message plural forms or put the count after a label and a colon", key, name, text)
				case name != "Count":
					t.Errorf("%s (ru %s): {{.%s}} is followed by a word, but a plural message agrees only with {{.Count}}", key, form, name)
				}
			}
		}
	}
	for key := range noAgreement {
		if _, ok := ru[key]; !ok {
			t.Errorf("noAgreement has %s, which is no message", key)
		}
	}
}

// TestEveryPlaceholderIsClassified keeps countPlaceholders complete: a
// placeholder that is in neither list could be a count the plural test
// misses.
func TestEveryPlaceholderIsClassified(t *testing.T) {
	for _, lang := range []string{"ky", "ru"} {
		for key, forms := range load(t, lang) {
			for _, text := range forms {
				for _, name := range placeholders(text) {
					if !slices.Contains(countPlaceholders, name) && !slices.Contains(notCounts, name) {
						t.Errorf("%s (%s): placeholder {{.%s}} is neither in countPlaceholders nor in notCounts", key, lang, name)
					}
				}
			}
		}
	}
	for _, name := range countPlaceholders {
		if slices.Contains(notCounts, name) {
			t.Errorf("%s is in both lists", name)
		}
	}
}

// TestTheAgreementRule checks the rule itself on the examples.
func TestTheAgreementRule(t *testing.T) {
	for text, want := range map[string]string{
		"Рассылка №{{.ID}} идёт: {{.Count}} получателей.":      "Count",
		"Избраны {{.Elected}} из {{.Graduates}} выпускниц":     "Graduates",
		"Доставлено: {{.Sent}}, ошибки: {{.Failed}}.":          "",
		"Жеткирилди: {{.Sent}}":                                "",
		"Оценено {{.Done}} из {{.Total}}, осталось {{.Left}}.": "",
		"Раздел {{.Section}}/{{.Sections}}":                    "",
		"({{.Count}} чел.)": "Count",
	} {
		if got := strings.Join(needsAgreement(text), ","); got != want {
			t.Errorf("%q: needs agreement %q, want %q", text, got, want)
		}
	}
}

// TestConvertedPlurals checks the exact Russian texts of converted messages
// for the numbers whose forms differ: 1 and 21 (one), 2 (few), 5, 11 and 0
// (many).
func TestConvertedPlurals(t *testing.T) {
	texts, err := locales.New(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		key  string
		data map[string]any
		want map[int]string
	}{
		{"bc.started", map[string]any{"ID": 7}, map[int]string{
			1:  "Рассылка №7 идёт: 1 получатель.",
			2:  "Рассылка №7 идёт: 2 получателя.",
			5:  "Рассылка №7 идёт: 5 получателей.",
			11: "Рассылка №7 идёт: 11 получателей.",
			21: "Рассылка №7 идёт: 21 получатель.",
			0:  "Рассылка №7 идёт: 0 получателей.",
		}},
		{"tally.chart_caption", map[string]any{"Elected": 0, "Share": "0%"}, map[int]string{
			1:  "Избраны 0 из 1 выпускницы (0%).",
			2:  "Избраны 0 из 2 выпускниц (0%).",
			5:  "Избраны 0 из 5 выпускниц (0%).",
			11: "Избраны 0 из 11 выпускниц (0%).",
			21: "Избраны 0 из 21 выпускницы (0%).",
			0:  "Избраны 0 из 0 выпускниц (0%).",
		}},
		{"event_add.reaches", map[string]any{"Audience": "Участницы"}, map[int]string{
			1:  "Участницы (1 человек)",
			2:  "Участницы (2 человека)",
			5:  "Участницы (5 человек)",
			11: "Участницы (11 человек)",
			21: "Участницы (21 человек)",
			0:  "Участницы (0 человек)",
		}},
		{"event.added", map[string]any{"ID": "e-0502-1", "When": "02.05.2027 15:00"}, map[int]string{
			1:  "Добавлено: e-0502-1, 02.05.2027 15:00. Напоминания получат 1 человек.",
			2:  "Добавлено: e-0502-1, 02.05.2027 15:00. Напоминания получат 2 человека.",
			5:  "Добавлено: e-0502-1, 02.05.2027 15:00. Напоминания получат 5 человек.",
			11: "Добавлено: e-0502-1, 02.05.2027 15:00. Напоминания получат 11 человек.",
			21: "Добавлено: e-0502-1, 02.05.2027 15:00. Напоминания получат 21 человек.",
			0:  "Добавлено: e-0502-1, 02.05.2027 15:00. Напоминания получат 0 человек.",
		}},
		{"tally.head", map[string]any{"Registered": 2, "Reported": 1, "Elected": 0, "Unknown": 1, "Share": "0%", "Target": "20%"}, map[int]string{
			1:  "Кандидатов: 2, сообщили результат: 1, избраны: 0, пока неизвестно: 1.\nИзбраны 0 из 1 выпускницы: 0% (цель Школы — 20%).",
			2:  "Кандидатов: 2, сообщили результат: 1, избраны: 0, пока неизвестно: 1.\nИзбраны 0 из 2 выпускниц: 0% (цель Школы — 20%).",
			5:  "Кандидатов: 2, сообщили результат: 1, избраны: 0, пока неизвестно: 1.\nИзбраны 0 из 5 выпускниц: 0% (цель Школы — 20%).",
			11: "Кандидатов: 2, сообщили результат: 1, избраны: 0, пока неизвестно: 1.\nИзбраны 0 из 11 выпускниц: 0% (цель Школы — 20%).",
			21: "Кандидатов: 2, сообщили результат: 1, избраны: 0, пока неизвестно: 1.\nИзбраны 0 из 21 выпускницы: 0% (цель Школы — 20%).",
			0:  "Кандидатов: 2, сообщили результат: 1, избраны: 0, пока неизвестно: 1.\nИзбраны 0 из 0 выпускниц: 0% (цель Школы — 20%).",
		}},
		{"staff.applications.count", map[string]any{"Older": 1, "Younger": 0, "Deadline": "11.12.2026 17:00"}, map[int]string{
			1:  "1 заявка (28+: 1, до 28: 0). Последний срок: 11.12.2026 17:00.",
			2:  "2 заявки (28+: 1, до 28: 0). Последний срок: 11.12.2026 17:00.",
			5:  "5 заявок (28+: 1, до 28: 0). Последний срок: 11.12.2026 17:00.",
			11: "11 заявок (28+: 1, до 28: 0). Последний срок: 11.12.2026 17:00.",
			21: "21 заявка (28+: 1, до 28: 0). Последний срок: 11.12.2026 17:00.",
			0:  "0 заявок (28+: 1, до 28: 0). Последний срок: 11.12.2026 17:00.",
		}},
	}
	for _, c := range cases {
		for n, want := range c.want {
			data := maps.Clone(c.data)
			data["Count"] = n
			if got := texts.Text("ru", c.key, data); got != want {
				t.Errorf("%s, %d: got %q, want %q", c.key, n, got, want)
			}
			if got := texts.Plural("ru", c.key, n, maps.Clone(c.data)); got != want {
				t.Errorf("Plural %s, %d: got %q, want %q", c.key, n, got, want)
			}
		}
	}
	for points, want := range map[string]string{"20": "разброс больше 20 баллов.", "21": "разброс больше 21 балла.", "1.5": "разброс больше 1.5 балла."} {
		if got := texts.Text("ru", "ranking.legend", map[string]any{"Count": points}); !strings.HasSuffix(got, want) {
			t.Errorf("ranking.legend, %s points: got %q, want it to end in %q", points, got, want)
		}
	}
	if got, want := texts.Text("ky", "bc.started", map[string]any{"ID": 7, "Count": 21}), "№7 жапырт билдирүү жөнөтүлүүдө: 21 алуучу."; got != want {
		t.Errorf("ky: got %q, want %q", got, want)
	}
}

// TestPluralInBothLanguages: Text chooses a form in whichever language she
// reads, so a message with plural forms in one language needs them in the
// other too.
func TestPluralInBothLanguages(t *testing.T) {
	ky, ru := load(t, "ky"), load(t, "ru")
	for key, forms := range ru {
		if kyForms, ok := ky[key]; ok && (len(forms) > 1) != (len(kyForms) > 1) {
			t.Errorf("%s: plural forms in one language only (ky %d forms, ru %d)", key, len(kyForms), len(forms))
		}
	}
}

// TestCountsTheCodePasses derives counts from the code: a placeholder the
// code fills with len(...) (or arithmetic on it) is a number of things and
// must be in countPlaceholders. It reads the bot's source, so a new
// message filled with a count is classified the day it is written.
func TestCountsTheCodePasses(t *testing.T) {
	fset := token.NewFileSet()
	for _, dir := range []string{"../bot", "../cmd"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				kv, ok := n.(*ast.KeyValueExpr)
				if !ok {
					return true
				}
				key, ok := kv.Key.(*ast.BasicLit)
				if !ok || key.Kind != token.STRING || !countsThings(kv.Value) {
					return true
				}
				name, err := strconv.Unquote(key.Value)
				if err == nil && !slices.Contains(countPlaceholders, name) && isPlaceholder(name) {
					t.Errorf("%s: %s is filled with a count; add it to countPlaceholders", fset.Position(kv.Pos()), name)
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// countsThings reports whether e is len(...), or arithmetic, max or min over
// such counts.
func countsThings(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return countsThings(e.X)
	case *ast.BinaryExpr:
		return countsThings(e.X) || countsThings(e.Y)
	case *ast.CallExpr:
		fn, ok := e.Fun.(*ast.Ident)
		if !ok {
			return false
		}
		switch fn.Name {
		case "len":
			return true
		case "max", "min":
			return slices.ContainsFunc(e.Args, countsThings)
		}
	}
	return false
}

// isPlaceholder reports whether some message names {{.name}}.
func isPlaceholder(name string) bool {
	for _, file := range []string{"active.ky.toml", "active.ru.toml"} {
		raw, err := os.ReadFile(file)
		if err == nil && regexp.MustCompile(`\{\{\s*\.`+regexp.QuoteMeta(name)+`\s*\}\}`).Match(raw) {
			return true
		}
	}
	return false
}
