package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// A chart is a PNG of the documented size in which each series' colour
// shows, once per group that has a value.
func TestBars_PNG(t *testing.T) {
	dark := color.RGBA{R: 8, G: 81, B: 156, A: 255}
	light := color.RGBA{R: 158, G: 202, B: 225, A: 255}
	b := Bars{
		Title: "Шайлоо", YLabel: "адам", Groups: []string{"Нарын", "Талас", "Ош"},
		Series: []Series{{Label: "катталды", Values: []float64{4, 0, 2}, Color: light}, {Label: "шайланды", Values: []float64{2, 0, 1}, Color: dark}},
		Target: Series{Label: "20%", Values: []float64{1, 0.4, 0.6}},
	}
	data, err := b.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if size := img.Bounds().Size(); size != (image.Point{X: 768, Y: 480}) {
		t.Errorf("size %v, want 768×480 (8×5 inches at 96 dpi)", size)
	}
	for _, c := range []color.RGBA{light, dark} {
		if n := columnsOf(img, c); n != 2 {
			t.Errorf("colour %v shows in %d bars, want 2 (Talas has none)", c, n)
		}
	}
}

// columnsOf counts the separate runs of columns in which colour c shows
// (the legend's swatch counts as one).
func columnsOf(img image.Image, c color.RGBA) int {
	runs, inRun := 0, false
	r := img.Bounds()
	for x := r.Min.X; x < r.Max.X; x++ {
		found := false
		for y := r.Min.Y; y < r.Max.Y && !found; y++ {
			pr, pg, pb, _ := img.At(x, y).RGBA()
			found = uint8(pr>>8) == c.R && uint8(pg>>8) == c.G && uint8(pb>>8) == c.B
		}
		if found && !inRun {
			runs++
		}
		inRun = found
	}
	return runs - 1 // the legend
}

// A chart that cannot be drawn is an error, not a picture of nothing.
func TestBars_Refuses(t *testing.T) {
	if _, err := (Bars{}).PNG(); err == nil {
		t.Error("no groups: no error")
	}
	b := Bars{Groups: []string{"a", "b"}, Series: []Series{{Label: "x", Values: []float64{1}}}}
	if _, err := b.PNG(); err == nil {
		t.Error("one value for two groups: no error")
	}
}
