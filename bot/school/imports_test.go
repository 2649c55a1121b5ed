package school_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// parts are the packages of the school's parts, beside the core.
var parts = []string{"applying", "commission", "calendar", "mentoring", "election", "broadcasts", "records", "programme"}

// A part imports the core and never another part, and the core imports
// no part: one part reaches another only through the store or a hook of
// the core. Tests included, so no test can lean on a second part either.
func TestImports_PartsStandOnTheCoreAlone(t *testing.T) {
	const module = "github.com/mentorbot/mentorbot/bot/"
	checked := 0
	for _, dir := range append([]string{"."}, parts...) {
		files, err := filepath.Glob(filepath.Join("..", dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in bot/%s: %v", dir, err)
		}
		for _, name := range files {
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			if dir == "." && strings.HasSuffix(f.Name.Name, "_test") {
				continue // the end-to-end tests assemble the whole school
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				other, ok := strings.CutPrefix(path, module)
				if ok && slices.Contains(parts, other) && other != dir {
					t.Errorf("%s imports the part %s", name, other)
				}
				checked++
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d imports read: is the test looking at the bot's files?", checked)
	}
}
