package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Number formats of the workbook's cells, as staff in Kyrgyzstan write
// dates.
const (
	DateFormat     = "dd.mm.yyyy"
	DateTimeFormat = "dd.mm.yyyy hh:mm"
)

// Column widths, in characters: from the longest value (or header), within
// these bounds, so an essay does not make a column a screen wide.
const (
	minWidth = 6
	maxWidth = 50
)

// WriteXLSX writes tb as a workbook of one sheet: the headers in staff's
// language (words) in a frozen first row with an autofilter over the data,
// text as text cells (never a formula, whatever she typed), numbers as
// numbers, dates and date-times as Excel dates (dd.mm.yyyy,
// dd.mm.yyyy hh:mm), and columns as wide as their content.
func (tb Table) WriteXLSX(w io.Writer, words Words) error {
	if err := tb.check(); err != nil {
		return fmt.Errorf("write %s: %w", tb.Name, err)
	}
	return Workbook{Name: tb.Name, Sheets: []Table{tb}}.WriteXLSX(w, words)
}

// Workbook is several tables in one file, a sheet each, in order: the
// programme's report. Each sheet keeps the rules of a table's workbook.
type Workbook struct {
	// Name says what the workbook holds ("report"), for errors.
	Name   string
	Sheets []Table
}

// WriteXLSX writes the workbook, each table as Table.WriteXLSX writes
// its one sheet.
func (wb Workbook) WriteXLSX(w io.Writer, words Words) error {
	if len(wb.Sheets) == 0 {
		return fmt.Errorf("write %s: no sheets", wb.Name)
	}
	for _, tb := range wb.Sheets {
		if err := tb.check(); err != nil {
			return fmt.Errorf("write %s: %w", tb.Name, err)
		}
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("write %s workbook: %w", wb.Name, err)
	}
	for i, tb := range wb.Sheets {
		if err := tb.fillSheet(f, i, st, words); err != nil {
			return fmt.Errorf("write %s workbook, sheet %s: %w", wb.Name, tb.Name, err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write %s workbook: %w", wb.Name, err)
	}
	return nil
}

// fillSheet names the index-th sheet (the new file's own first one, or a
// new one after it) and streams the table into it. The autofilter and
// the dimension are set before the stream starts: the stream writer
// keeps what the sheet already holds, and a stream is not read back.
func (tb Table) fillSheet(f *excelize.File, index int, st styles, words Words) error {
	sheet := SheetName(words(tb.SheetKey(), nil))
	if index == 0 {
		if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
			return err
		}
	} else if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	last, err := excelize.CoordinatesToCellName(len(tb.Columns), len(tb.Rows)+1)
	if err != nil {
		return err
	}
	if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
		return err
	}
	// The size of the data, which some readers trust rather than count.
	if err := f.SetSheetDimension(sheet, "A1:"+last); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(tb.Columns))
	for i, c := range tb.Columns {
		header[i] = excelize.Cell{StyleID: st.header, Value: words(c.LabelKey(), c.Args)}
	}
	// Last column first: the stream writer puts each before the ones it
	// has, and Excel wants them in order.
	widths := tb.widths(header)
	for i := len(widths) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	cells := make([]any, len(tb.Columns))
	for i, row := range tb.Rows {
		for j, v := range row {
			cells[j] = st.cell(v, tb.Columns[j].Kind)
		}
		if err := sw.SetRow("A"+strconv.Itoa(i+2), cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// styles are the workbook's cell styles by kind.
type styles struct {
	header, text, whole, date, dateTime, percent int
}

func newStyles(f *excelize.File) (styles, error) {
	var st styles
	dateFmt, dateTimeFmt := DateFormat, DateTimeFormat
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.header, excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&st.text, excelize.Style{NumFmt: 49}}, // "@": stays text when staff edit it
		{&st.whole, excelize.Style{NumFmt: 1}}, // "0": a long ID in full, not 7.00E+09
		{&st.date, excelize.Style{CustomNumFmt: &dateFmt}},
		{&st.dateTime, excelize.Style{CustomNumFmt: &dateTimeFmt}},
		{&st.percent, excelize.Style{NumFmt: 9}}, // "0%": 101%, as the organisation reports it
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return st, err
		}
		*s.id = id
	}
	return st, nil
}

// cell is one value as the stream writer takes it; nil leaves it blank.
// A decimal keeps General, which shows 77 and 81.33 as they are.
func (st styles) cell(v any, k Kind) any {
	switch v := v.(type) {
	case string:
		if v == "" {
			return nil
		}
		return excelize.Cell{StyleID: st.text, Value: v}
	case int, int64:
		return excelize.Cell{StyleID: st.whole, Value: v}
	case float64:
		if k == Percent {
			return excelize.Cell{StyleID: st.percent, Value: round4(v)}
		}
		return excelize.Cell{Value: round2(v)}
	case time.Time:
		if v.IsZero() {
			return nil
		}
		if k == Date {
			return excelize.Cell{StyleID: st.date, Value: wallDate(v)}
		}
		return excelize.Cell{StyleID: st.dateTime, Value: v}
	}
	return nil
}

// widths are the columns' widths: the longest header or value, shown as
// staff see it, plus room for the filter's arrow.
func (tb Table) widths(header []any) []float64 {
	out := make([]float64, len(tb.Columns))
	for i, c := range tb.Columns {
		n := displayWidth(header[i].(excelize.Cell).Value.(string)) + 3
		for _, row := range tb.Rows {
			n = max(n, valueWidth(row[i], c.Kind)+1)
			if n >= maxWidth {
				break
			}
		}
		out[i] = float64(min(max(n, minWidth), maxWidth))
	}
	return out
}

func valueWidth(v any, k Kind) int {
	switch v := v.(type) {
	case string:
		return displayWidth(v)
	case time.Time:
		if k == Date {
			return len("01.01.2006")
		}
		return len("01.01.2006 15:04")
	case nil:
		return 0
	}
	return len(csvCell(v, k))
}

// displayWidth is the longest line of s in characters.
func displayWidth(s string) int {
	n := 0
	for line := range strings.SplitSeq(s, "\n") {
		n = max(n, utf8.RuneCountInString(line))
	}
	return n
}

// SheetName makes name a valid sheet name: without the characters Excel
// refuses (: \ / ? * [ ]) and at most 31 characters.
func SheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, strings.Trim(name, "'"))
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	if strings.TrimSpace(name) == "" {
		return "Sheet1"
	}
	return name
}
