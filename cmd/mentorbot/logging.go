package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// logFlags choose how the bot logs: text for a terminal or journald,
// JSON for a log collector; and how much.
type logFlags struct {
	format, level string
}

func (l *logFlags) register(fs *flag.FlagSet, env Env) {
	fs.StringVar(&l.format, "log-format", envOr(env, "MENTORBOT_LOG_FORMAT", "text"), "log `format`: text or json (MENTORBOT_LOG_FORMAT)")
	fs.StringVar(&l.level, "log-level", envOr(env, "MENTORBOT_LOG_LEVEL", "info"), "log `level`: debug, info, warn or error (MENTORBOT_LOG_LEVEL)")
}

// logger makes the logger the flags ask for. secret (the bot's token) is
// cut out of everything logged, whatever carries it: an error from the
// HTTP library quotes the request's address, and the address holds the
// token.
func (l logFlags) logger(w io.Writer, secret string) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(l.level)); err != nil {
		return nil, fmt.Errorf("-log-level %q: want debug, info, warn or error: %w", l.level, errUsage)
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: redactAttr(secret)}
	switch l.format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("-log-format %q: want text or json: %w", l.format, errUsage)
}

// redactAttr replaces secret in every string or error logged.
func redactAttr(secret string) func([]string, slog.Attr) slog.Attr {
	if secret == "" {
		return nil
	}
	cut := func(s string) string { return strings.ReplaceAll(s, secret, "<token>") }
	return func(_ []string, a slog.Attr) slog.Attr {
		switch a.Value.Kind() {
		case slog.KindString:
			if s := a.Value.String(); strings.Contains(s, secret) {
				a.Value = slog.StringValue(cut(s))
			}
		case slog.KindAny:
			if err, ok := a.Value.Any().(error); ok {
				if s := err.Error(); strings.Contains(s, secret) {
					a.Value = slog.StringValue(cut(s))
				}
			} else if st, ok := a.Value.Any().(fmt.Stringer); ok {
				if s := st.String(); strings.Contains(s, secret) {
					a.Value = slog.StringValue(cut(s))
				}
			}
		}
		return a
	}
}
