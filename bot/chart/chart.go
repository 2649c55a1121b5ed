// Package chart draws the bar charts staff get beside their reports (the
// election tally by oblast, the programme's figures) as PNG images. It
// keeps gonum/plot out of the bot's core: a chart is plain data in, PNG
// bytes out, with every label already in staff's language.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Bars is a chart of groups (oblasts, say) with a bar per series in each,
// and optionally a target drawn as one dot per group.
type Bars struct {
	Title, YLabel string
	// Groups name the bars' places along the bottom.
	Groups []string
	Series []Series
	// Target, if it has values, is drawn as dots over the bars.
	Target Series
}

// Series is one kind of bar: its legend and a value per group.
type Series struct {
	Label  string
	Values []float64
	Color  color.RGBA
}

// Size of the image: wide enough for seven oblasts' names on a phone
// screen turned sideways.
const (
	Width  = 8 * vg.Inch
	Height = 5 * vg.Inch
)

// PNG draws the chart.
func (b Bars) PNG() ([]byte, error) {
	if len(b.Groups) == 0 {
		return nil, errors.New("chart: no groups")
	}
	for _, s := range append([]Series{b.Target}, b.Series...) {
		if len(s.Values) != 0 && len(s.Values) != len(b.Groups) {
			return nil, fmt.Errorf("chart: series %q has %d values for %d groups", s.Label, len(s.Values), len(b.Groups))
		}
	}
	p := plot.New()
	p.Title.Text = b.Title
	p.Y.Label.Text = b.YLabel
	w := vg.Points(42 / float64(max(len(b.Series), 1)))
	for i, s := range b.Series {
		bars, err := plotter.NewBarChart(plotter.Values(s.Values), w)
		if err != nil {
			return nil, fmt.Errorf("chart %q: %w", s.Label, err)
		}
		bars.Color, bars.LineStyle.Width = s.Color, 0
		// Side by side, centred on the group.
		bars.Offset = (vg.Length(i) - vg.Length(len(b.Series)-1)/2) * w
		p.Add(bars)
		p.Legend.Add(s.Label, bars)
	}
	if len(b.Target.Values) > 0 {
		xys := make(plotter.XYs, len(b.Groups))
		for i, v := range b.Target.Values {
			xys[i] = plotter.XY{X: float64(i), Y: v}
		}
		dots, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, fmt.Errorf("chart %q: %w", b.Target.Label, err)
		}
		if b.Target.Color != (color.RGBA{}) {
			dots.Color = b.Target.Color
		}
		p.Add(dots)
		p.Legend.Add(b.Target.Label, dots)
	}
	p.Legend.Top = true
	p.NominalX(b.Groups...)
	// Room at the sides for the outer bars, and above them for the legend.
	p.X.Min, p.X.Max = p.X.Min-0.6, p.X.Max+0.6
	p.Y.Min, p.Y.Max = 0, max(p.Y.Max*1.35, 1)
	wt, err := p.WriterTo(Width, Height, "png")
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	return buf.Bytes(), nil
}
