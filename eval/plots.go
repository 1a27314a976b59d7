package eval

import (
	"bytes"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// svg renders p as an SVG document of the given size.
func svg(p *plot.Plot, w, h vg.Length) (string, error) {
	wt, err := p.WriterTo(w, h, "svg")
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// confusionGrid adapts a confusion matrix, row-normalised, to plotter.GridXYZ.
type confusionGrid struct{ m [][]int }

func (g confusionGrid) Dims() (c, r int) { return len(g.m), len(g.m) }
func (g confusionGrid) X(c int) float64  { return float64(c) }
func (g confusionGrid) Y(r int) float64  { return float64(r) }
func (g confusionGrid) Z(c, r int) float64 {
	row := g.m[len(g.m)-1-r] // gold labels top to bottom
	total := 0
	for _, v := range row {
		total += v
	}
	if total == 0 {
		return 0
	}
	return float64(row[c]) / float64(total)
}

// ConfusionPlot draws the row-normalised confusion matrix as a heat map.
func ConfusionPlot(r Report) (string, error) {
	p := plot.New()
	p.Title.Text = "Confusion matrix (row-normalised; gold down, predicted across)"
	pal := moreland.SmoothBlueRed()
	pal.SetMin(0)
	pal.SetMax(1)
	h := plotter.NewHeatMap(confusionGrid{r.Confusion}, pal.Palette(64))
	p.Add(h)
	n := len(r.Labels)
	ticksX, ticksY := make([]plot.Tick, n), make([]plot.Tick, n)
	for i, l := range r.Labels {
		ticksX[i] = plot.Tick{Value: float64(i), Label: l}
		ticksY[i] = plot.Tick{Value: float64(n - 1 - i), Label: l}
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticksX)
	p.Y.Tick.Marker = plot.ConstantTicks(ticksY)
	p.X.Tick.Label.Rotation = 1.5708
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = -1, -0.5
	fs := vg.Points(max(4, min(10, 400/float64(max(n, 1)))))
	p.X.Tick.Label.Font.Size, p.Y.Tick.Label.Font.Size = fs, fs
	size := vg.Length(max(300, min(900, 16*n+150)))
	return svg(p, size, size)
}

// ReliabilityPlot draws accuracy against confidence per bin, with the
// diagonal of perfect calibration.
func ReliabilityPlot(bins []Bin, ece float64) (string, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Reliability diagram (ECE %.3f)", ece)
	p.X.Label.Text, p.Y.Label.Text = "confidence", "accuracy"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	var acc plotter.XYs
	for _, b := range bins {
		if b.Count == 0 {
			continue
		}
		acc = append(acc, plotter.XY{X: b.Confidence, Y: b.Accuracy})
	}
	diag, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return "", err
	}
	diag.Dashes = []vg.Length{vg.Points(4), vg.Points(4)}
	line, points, err := plotterLinePoints(acc)
	if err != nil {
		return "", err
	}
	p.Add(plotter.NewGrid(), diag, line, points)
	p.Legend.Add("perfect", diag)
	p.Legend.Add("model", line, points)
	p.Legend.Top, p.Legend.Left = true, true
	return svg(p, 420, 380)
}

func plotterLinePoints(xys plotter.XYs) (*plotter.Line, *plotter.Scatter, error) {
	if len(xys) == 0 {
		xys = plotter.XYs{{X: 0, Y: 0}}
	}
	line, err := plotter.NewLine(xys)
	if err != nil {
		return nil, nil, err
	}
	line.Color = color.RGBA{R: 200, G: 40, B: 40, A: 255}
	points, err := plotter.NewScatter(xys)
	if err != nil {
		return nil, nil, err
	}
	points.Color = line.Color
	return line, points, nil
}

// RiskCoveragePlot draws accuracy against coverage, with the target.
func RiskCoveragePlot(curve []CoveragePoint, target float64) (string, error) {
	p := plot.New()
	p.Title.Text = "Risk–coverage: accuracy of the reports kept automatic"
	p.X.Label.Text, p.Y.Label.Text = "coverage (share automatic)", "accuracy"
	p.X.Min, p.X.Max = 0, 1
	var xys plotter.XYs
	for _, c := range curve {
		xys = append(xys, plotter.XY{X: c.Coverage, Y: c.Accuracy})
	}
	line, _, err := plotterLinePoints(xys)
	if err != nil {
		return "", err
	}
	tl, err := plotter.NewLine(plotter.XYs{{X: 0, Y: target}, {X: 1, Y: target}})
	if err != nil {
		return "", err
	}
	tl.Dashes = []vg.Length{vg.Points(4), vg.Points(4)}
	p.Add(plotter.NewGrid(), line, tl)
	p.Legend.Add("model", line)
	p.Legend.Add(fmt.Sprintf("target %.2f", target), tl)
	p.Legend.Top = false
	return svg(p, 420, 380)
}

// F1Plot draws each class's F1 as a bar.
func F1Plot(r Report) (string, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Per-class F1 (macro %.3f)", r.MacroF1)
	var vals plotter.Values
	var names []string
	for _, l := range r.Labels {
		if m, ok := r.PerClass[l]; ok {
			vals = append(vals, m.F1)
			names = append(names, l)
		}
	}
	if len(vals) == 0 {
		vals, names = plotter.Values{0}, []string{"-"}
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(8))
	if err != nil {
		return "", err
	}
	bars.Color = color.RGBA{R: 60, G: 110, B: 190, A: 255}
	bars.LineStyle.Width = 0
	p.Add(plotter.NewGrid(), bars)
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = 1.5708
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = -1, -0.5
	p.X.Tick.Label.Font.Size = vg.Points(7)
	p.Y.Min, p.Y.Max = 0, 1
	return svg(p, vg.Length(max(420, 12*len(vals)+120)), 360)
}
