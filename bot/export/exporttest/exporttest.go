// Package exporttest reads back the workbooks the bot sends, for tests:
// one sheet as staff would read it, each cell written out the way the CSV
// writes it, so a test can compare rows as plain strings.
package exporttest

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mentorbot/mentorbot/bot/export"
)

// Sheet is the first sheet of a workbook.
type Sheet struct {
	Name string
	// Rows are the header row (as staff read it) and the data rows, each
	// as wide as the header: text as typed, numbers plain (77, 81.33),
	// dates ISO (1990-03-15), date-times RFC 3339 in the location given to
	// Read, blank cells "".
	Rows [][]string
}

// Read opens an XLSX workbook and reads its first sheet. A numeric cell
// is a date or a date-time by its number format (export.DateFormat,
// export.DateTimeFormat); any other cell type than text or number is an
// error, and so is a formula.
func Read(data []byte, loc *time.Location) (Sheet, error) {
	sheets, err := ReadAll(data, loc)
	if err != nil {
		return Sheet{}, err
	}
	return sheets[0], nil
}

// ReadAll reads every sheet of a workbook, in order, as Read reads the
// first.
func ReadAll(data []byte, loc *time.Location) ([]Sheet, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("open workbook: %w", err)
	}
	defer f.Close()
	var out []Sheet
	for _, name := range f.GetSheetList() {
		s, err := readSheet(f, name, loc)
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("workbook has no sheet")
	}
	return out, nil
}

func readSheet(f *excelize.File, name string, loc *time.Location) (Sheet, error) {
	s := Sheet{Name: name}
	rows, err := f.GetRows(s.Name)
	if err != nil {
		return s, err
	}
	if len(rows) == 0 {
		return s, fmt.Errorf("sheet %q is empty", s.Name)
	}
	width := len(rows[0])
	for r := range rows {
		line := make([]string, width)
		for c := range width {
			if line[c], err = readCell(f, s.Name, c+1, r+1, loc); err != nil {
				return s, err
			}
		}
		s.Rows = append(s.Rows, line)
	}
	return s, nil
}

func readCell(f *excelize.File, sheet string, col, row int, loc *time.Location) (string, error) {
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return "", err
	}
	if formula, err := f.GetCellFormula(sheet, ref); err != nil || formula != "" {
		return "", fmt.Errorf("%s: formula %q (%v)", ref, formula, err)
	}
	raw, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil || raw == "" {
		return raw, err
	}
	typ, err := f.GetCellType(sheet, ref)
	if err != nil {
		return "", err
	}
	switch typ {
	case excelize.CellTypeInlineString, excelize.CellTypeSharedString:
		return raw, nil
	case excelize.CellTypeUnset, excelize.CellTypeNumber:
	default:
		return "", fmt.Errorf("%s: cell type %d", ref, typ)
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return "", fmt.Errorf("%s: number %q: %w", ref, raw, err)
	}
	format, err := NumberFormat(f, sheet, ref)
	if err != nil {
		return "", err
	}
	switch format {
	case export.DateFormat, export.DateTimeFormat:
		wall, err := excelize.ExcelDateToTime(v, false)
		if err != nil {
			return "", fmt.Errorf("%s: date %v: %w", ref, v, err)
		}
		wall = wall.Round(time.Second)
		if format == export.DateFormat {
			return wall.Format(time.DateOnly), nil
		}
		return time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, loc).Format(time.RFC3339), nil
	}
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64), nil
	}
	return strconv.FormatFloat(v, 'f', -1, 64), nil
}

// NumberFormat is the cell's custom number format ("dd.mm.yyyy"), or
// "builtin N" for one of Excel's own.
func NumberFormat(f *excelize.File, sheet, ref string) (string, error) {
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		return "", err
	}
	st, err := f.GetStyle(id)
	if err != nil {
		return "", err
	}
	if st.CustomNumFmt != nil {
		return *st.CustomNumFmt, nil
	}
	return "builtin " + strconv.Itoa(st.NumFmt), nil
}
