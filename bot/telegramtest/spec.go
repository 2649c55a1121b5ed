package telegramtest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
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
	// Params are all parameters the method takes, with their types as the
	// spec names them ("Integer", "Array of BotCommand",
	// "InlineKeyboardMarkup", ...).
	Params map[string][]string `json:"params"`
	// Returns names the result types, e.g. ["Message", "Boolean"].
	Returns []string `json:"returns"`
}

// typeSpec is one object type of testdata/methods.json: one a parameter
// can carry, directly or inside another object.
type typeSpec struct {
	// Required fields must be present.
	Required []string `json:"required"`
	// Fields are all fields of the object, with their types.
	Fields map[string][]string `json:"fields"`
	// Fixed are the values some fields must have: they tell the subtypes
	// of an abstract type apart (a BotCommandScopeChat's type is "chat").
	Fixed map[string]string `json:"fixed"`
	// Subtypes name the concrete types of an abstract one
	// (BotCommandScope is one of BotCommandScopeChat, ...).
	Subtypes []string `json:"subtypes"`
}

// specTable is testdata/methods.json.
type specTable struct {
	Version string                `json:"version"`
	Methods map[string]methodSpec `json:"methods"`
	Types   map[string]typeSpec   `json:"types"`
}

// table parses the embedded file once. It is checked-in data, so a parse
// error is a bug in the package and panics.
var table = sync.OnceValue(func() specTable {
	var t specTable
	if err := json.Unmarshal(methodsJSON, &t); err != nil || len(t.Methods) == 0 || len(t.Types) == 0 {
		panic(fmt.Sprintf("telegramtest: bad testdata/methods.json: %v", err))
	}
	return t
})

// methods is the spec's method table by name.
func methods() map[string]methodSpec { return table().Methods }

// checkSpec returns what is wrong with a call by the spec: an unknown method,
// a parameter the method does not have (such as disable_web_page_preview,
// which Bot API 7.0 replaced with link_preview_options), a missing required
// parameter, or a JSON-serialized object (a keyboard, link preview options,
// a command scope) with a field its type does not have or without one it
// requires. Telegram itself ignores the case of method names, but the spec
// spells them one way and so must the bot.
func checkSpec(c Call) []string {
	spec, ok := methods()[c.Method]
	if !ok {
		return []string{unknownMethod(c.Method)}
	}
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(c.Params)) {
		types, known := spec.Params[name]
		if !known {
			problems = append(problems, unknownParam(c.Method, name))
			continue
		}
		for _, p := range checkParam(c.Params[name], types) {
			problems = append(problems, fmt.Sprintf("%s: %s%s", c.Method, name, p))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(c.Files)) {
		if _, known := spec.Params[name]; !known {
			problems = append(problems, unknownParam(c.Method, name))
		}
	}
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

func unknownParam(method, name string) string {
	return fmt.Sprintf("%s: unknown parameter %q (not in %s)", method, name, table().Version)
}

// checkParam checks a parameter whose type is an object or an array: its
// JSON text against the spec's types. Scalars (and files) come as form
// values and are not checked here.
func checkParam(value string, types []string) []string {
	if !slices.ContainsFunc(types, isComposite) {
		return nil
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(value))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		if slices.ContainsFunc(types, func(t string) bool { return !isComposite(t) }) {
			return nil // a plain string where the spec also allows one
		}
		return []string{": not JSON: " + err.Error()}
	}
	if v == nil {
		return nil // tgbotapi sends an unset list as null; Telegram takes it as absent
	}
	return checkValue(v, types)
}

// isComposite reports whether a spec type is an object or an array, i.e.
// is sent as JSON text.
func isComposite(t string) bool {
	switch t {
	case "String", "Integer", "Float", "Boolean", "InputFile":
		return false
	}
	return true
}

// checkValue checks a decoded JSON value against the types the spec allows
// for it; it fits if it fits any. Problems are suffixes of a path: ".url:
// ...", "[0][1].pay: ...". Of several types it reports the closest fit's
// problems (the keyboard the value was meant to be).
func checkValue(v any, types []string) []string {
	var best []string
	for i, t := range types {
		problems := checkType(v, t)
		if len(problems) == 0 {
			return nil
		}
		if i == 0 || len(problems) < len(best) {
			best = problems
		}
	}
	return best
}

// checkType checks a decoded JSON value against one spec type.
func checkType(v any, t string) []string {
	if elem, ok := strings.CutPrefix(t, "Array of "); ok {
		list, ok := v.([]any)
		if !ok {
			return []string{fmt.Sprintf(": want an array of %s", elem)}
		}
		var problems []string
		for i, item := range list {
			for _, p := range checkType(item, elem) {
				problems = append(problems, fmt.Sprintf("[%d]%s", i, p))
			}
		}
		return problems
	}
	switch t {
	case "String", "InputFile":
		if _, ok := v.(string); !ok {
			return []string{": want a string"}
		}
		return nil
	case "Integer", "Float":
		n, ok := v.(json.Number)
		if !ok {
			return []string{": want a number"}
		}
		if _, err := n.Int64(); t == "Integer" && err != nil {
			return []string{": want an integer, got " + n.String()}
		}
		return nil
	case "Boolean":
		if _, ok := v.(bool); !ok {
			return []string{": want true or false"}
		}
		return nil
	}
	spec, ok := table().Types[t]
	if !ok {
		return []string{fmt.Sprintf(": type %s is not in testdata/methods.json", t)}
	}
	if len(spec.Subtypes) > 0 {
		named, problems := subtypesOf(v, t, spec.Subtypes)
		if problems != nil {
			return problems
		}
		return checkValue(v, named)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return []string{": want a " + t + " object"}
	}
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		types, known := spec.Fields[name]
		if !known {
			problems = append(problems, fmt.Sprintf(": %s has no field %q", t, name))
			continue
		}
		if obj[name] == nil {
			continue // null is taken as absent
		}
		for _, p := range checkValue(obj[name], types) {
			problems = append(problems, "."+name+p)
		}
	}
	for _, name := range spec.Required {
		if _, ok := obj[name]; !ok {
			problems = append(problems, fmt.Sprintf(": %s needs field %q", t, name))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(spec.Fixed)) {
		if got, ok := obj[name].(string); ok && got != spec.Fixed[name] {
			problems = append(problems, fmt.Sprintf(".%s: %s wants %q, got %q", name, t, spec.Fixed[name], got))
		}
	}
	return problems
}

// subtypesOf narrows an abstract type's subtypes to those the value's
// fixed fields name ({"type": "chat"} is a BotCommandScopeChat), so a
// problem is reported against the type it was meant to be. It returns a
// problem instead when every subtype has fixed fields and none fits
// ({"type": "private"} is no BotCommandScope).
func subtypesOf(v any, t string, subtypes []string) ([]string, []string) {
	obj, _ := v.(map[string]any)
	var named, values []string
	field := ""
	for _, name := range subtypes {
		fixed := table().Types[name].Fixed
		if len(fixed) == 0 {
			return subtypes, nil
		}
		fits := true
		for f, want := range fixed {
			fits = fits && obj[f] == want
			field = f
			values = append(values, want)
		}
		if fits {
			named = append(named, name)
		}
	}
	if len(named) == 0 && obj != nil {
		return nil, []string{fmt.Sprintf(".%s: %s is %s, got %v", field, t, strings.Join(values, ", "), obj[field])}
	}
	return named, nil
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
