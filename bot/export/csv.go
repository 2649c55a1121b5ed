package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"
)

// bom is the UTF-8 byte-order mark. Excel needs it to read a CSV as UTF-8:
// without it a Russian or Kyrgyz Windows shows the Cyrillic as mojibake.
const bom = "\ufeff"

// WriteCSV writes tb as comma-separated UTF-8 with a byte-order mark, the
// machine keys as the header row. Numbers are plain (77, 81.33), dates ISO
// (1990-03-15), date-times RFC 3339 with their offset
// (2026-11-22T10:00:00+06:00), shares as fractions (1.0123 for 101.23%).
// A text cell that a spreadsheet would take
// for a formula (see Neutralise) gets a leading apostrophe.
func (tb Table) WriteCSV(w io.Writer) error {
	if err := tb.check(); err != nil {
		return fmt.Errorf("write %s: %w", tb.Name, err)
	}
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("write %s: %w", tb.Name, err)
	}
	cw := csv.NewWriter(w)
	header := make([]string, len(tb.Columns))
	for i, c := range tb.Columns {
		header[i] = c.Key
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write %s header: %w", tb.Name, err)
	}
	line := make([]string, len(tb.Columns))
	for i, row := range tb.Rows {
		for j, v := range row {
			line[j] = csvCell(v, tb.Columns[j].Kind)
		}
		if err := cw.Write(line); err != nil {
			return fmt.Errorf("write %s row %d: %w", tb.Name, i+1, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write %s: %w", tb.Name, err)
	}
	return nil
}

// csvCell is one value as CSV text.
func csvCell(v any, k Kind) string {
	switch v := v.(type) {
	case string:
		return Neutralise(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(number(v, k), 'f', -1, 64)
	case time.Time:
		if v.IsZero() {
			return ""
		}
		if k == Date {
			return v.Format(time.DateOnly)
		}
		return v.Format(time.RFC3339)
	}
	return ""
}

// Neutralise makes a text safe to open in a spreadsheet: one starting with
// =, +, -, @, a tab or a carriage return would be read as a formula (an
// applicant may type "=1+1" or "+996…"), so it gets a leading apostrophe:
// the spreadsheet shows text, never runs it, and a script reading the CSV
// sees the apostrophe (strip one before any of those characters to get
// her answer back).
func Neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
