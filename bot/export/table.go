// Package export writes the school's records for staff as tables: an XLSX
// workbook, which the chat sends and Excel opens as it is in a Russian or
// Kyrgyz Windows, or CSV, which the command line writes by default for
// scripts. Each export builds one Table of typed columns, and the table
// writes either format, so the two never disagree.
package export

import (
	"fmt"
	"io"
	"math"
	"time"
)

// Kind is what a column holds, which decides how a cell is written: as
// text, as a number or as a date Excel can sort and filter.
type Kind int

// Kinds of columns, with the Go values their cells take. A nil cell, or a
// zero time, is left blank. A string is accepted in a column of any kind
// and written as text, so an answer that does not parse as its kind is
// kept as she gave it rather than dropped.
const (
	Text     Kind = iota // string
	Whole                // int or int64
	Decimal              // float64, written to two decimals at most
	Date                 // time.Time: its calendar date, as the value holds it
	DateTime             // time.Time: its wall clock in its own location (the builders put it in the school's)
	Percent              // float64, a fraction (1.01) shown as a share (101%), kept to four decimals
)

var kindNames = [...]string{Text: "text", Whole: "whole number", Decimal: "decimal", Date: "date", DateTime: "date-time", Percent: "percent"}

func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("kind %d", int(k))
	}
	return kindNames[k]
}

// Column is one column of a table.
type Column struct {
	// Key is the stable machine name: the CSV header, which scripts read
	// ("submitted_at", "member_9101_total").
	Key  string
	Kind Kind
	// Label is the message key of the header staff read in the workbook;
	// empty means "export.col." + Key.
	Label string
	// Args fills the label's placeholders ({{.Member}}).
	Args map[string]any
}

// LabelKey is the message key of the column's header.
func (c Column) LabelKey() string {
	if c.Label != "" {
		return c.Label
	}
	return "export.col." + c.Key
}

// Table is one export: what it holds, its columns and its rows, one value
// per column in each row (see Kind for the values).
type Table struct {
	// Name says what the table holds ("applications"); the sheet's name is
	// the message "export.sheet." + Name.
	Name    string
	Columns []Column
	Rows    [][]any
}

// SheetKey is the message key of the workbook's sheet name.
func (tb Table) SheetKey() string { return "export.sheet." + tb.Name }

// Words turns a message key, with its placeholders, into text in the
// language of the staff member who asked: the headers and the sheet's name.
type Words func(key string, data map[string]any) string

// Format is a file format a table is written in.
type Format string

// The formats: XLSX for people, CSV for scripts.
const (
	XLSX Format = "xlsx"
	CSV  Format = "csv"
)

// ParseFormat reads a format's name as the command line gives it.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case XLSX, CSV:
		return f, nil
	}
	return "", fmt.Errorf("format %q: want xlsx or csv", s)
}

// Write writes tb to w in format f; words names the headers of a
// workbook (CSV headers are the machine keys).
func (tb Table) Write(w io.Writer, f Format, words Words) error {
	switch f {
	case XLSX:
		return tb.WriteXLSX(w, words)
	case CSV:
		return tb.WriteCSV(w)
	}
	return fmt.Errorf("write %s: unknown format %q", tb.Name, f)
}

// check reports the first row whose width or values do not fit the
// columns: a mistake in a builder, caught before half a file is written.
func (tb Table) check() error {
	for i, row := range tb.Rows {
		if len(row) != len(tb.Columns) {
			return fmt.Errorf("%s row %d: %d values for %d columns", tb.Name, i+1, len(row), len(tb.Columns))
		}
		for j, v := range row {
			if !fits(v, tb.Columns[j].Kind) {
				return fmt.Errorf("%s row %d: %T in %s column %s", tb.Name, i+1, v, tb.Columns[j].Kind, tb.Columns[j].Key)
			}
		}
	}
	return nil
}

func fits(v any, k Kind) bool {
	switch v.(type) {
	case nil, string:
		return true
	case int, int64:
		return k == Whole
	case float64:
		return k == Decimal || k == Percent
	case time.Time:
		return k == Date || k == DateTime
	}
	return false
}

// round2 keeps two decimals at most: 81.333… is 81.33. A value that
// rounds to zero is 0, not −0 (a mean of z-scores off by a rounding of
// the sums).
func round2(v float64) float64 { return math.Round(v*100)/100 + 0 }

// round4 keeps four decimals at most: a share of 1.01234 is 1.0123,
// which a workbook shows as 101% and a reader can take to 101.23%.
func round4(v float64) float64 { return math.Round(v*10000) / 10000 }

// number is a decimal cell's value as written: a share to four decimals,
// any other to two.
func number(v float64, k Kind) float64 {
	if k == Percent {
		return round4(v)
	}
	return round2(v)
}

// wallDate is the calendar date t holds, at midnight, in t's location.
func wallDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}
