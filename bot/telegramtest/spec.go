package telegramtest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// methodsJSON is the Bot API method table written by internal/specgen.
//
//go:embed testdata/methods.json
var methodsJSON []byte

// methodSpec is one method of testdata/methods.json.
type methodSpec struct {
	// Required parameters must be present and non-empty.
	Required []string `json:"required"`
	// Alternatives are groups of parameter sets; from each group at least
	// one set must be present in full (chat_id+message_id or
	// inline_message_id).
	Alternatives [][][]string `json:"alternatives"`
	// Params are all parameters the method takes.
	Params []string `json:"params"`
	// Returns names the result types, e.g. ["Message", "Boolean"].
	Returns []string `json:"returns"`
}

// methods parses the embedded table once. It is checked-in data, so a parse
// error is a bug in the package and panics.
var methods = sync.OnceValue(func() map[string]methodSpec {
	var table struct {
		Methods map[string]methodSpec `json:"methods"`
	}
	if err := json.Unmarshal(methodsJSON, &table); err != nil || len(table.Methods) == 0 {
		panic(fmt.Sprintf("telegramtest: bad testdata/methods.json: %v", err))
	}
	return table.Methods
})

// checkSpec returns what is wrong with a call by the spec: an unknown method
// or a missing required parameter. Telegram itself ignores the case of method
// names, but the spec spells them one way and so must the bot.
func checkSpec(c Call) []string {
	spec, ok := methods()[c.Method]
	if !ok {
		return []string{unknownMethod(c.Method)}
	}
	var problems []string
	for _, name := range spec.Required {
		if !c.has(name) {
			problems = append(problems, fmt.Sprintf("%s: missing required parameter %q", c.Method, name))
		}
	}
	for _, group := range spec.Alternatives {
		if !c.hasOneOf(group) {
			problems = append(problems, fmt.Sprintf("%s: needs %s", c.Method, describeAlternatives(group)))
		}
	}
	return problems
}

func unknownMethod(name string) string {
	for known := range methods() {
		if strings.EqualFold(known, name) {
			return fmt.Sprintf("unknown method %q (the spec spells it %q)", name, known)
		}
	}
	return fmt.Sprintf("unknown method %q", name)
}

// has reports whether a parameter is present and non-empty, as a value or as
// an uploaded file.
func (c Call) has(name string) bool {
	return c.Params[name] != "" || len(c.Files[name]) > 0
}

// hasOneOf reports whether every parameter of at least one set is present.
func (c Call) hasOneOf(sets [][]string) bool {
	for _, set := range sets {
		all := true
		for _, name := range set {
			all = all && c.has(name)
		}
		if all {
			return true
		}
	}
	return false
}

// describeAlternatives renders [[chat_id message_id] [inline_message_id]] as
// "chat_id+message_id or inline_message_id".
func describeAlternatives(sets [][]string) string {
	parts := make([]string, len(sets))
	for i, set := range sets {
		parts[i] = strings.Join(set, "+")
	}
	return strings.Join(parts, " or ")
}
