// Package linear is the pure-Go reference scorer of the project's linear
// models: a weight matrix over sparse features, a bias per class and a
// calibration temperature. Training uses it, and tests check the exported
// ONNX graph against it; the service always scores through ONNX Runtime.
package linear

import (
	"math"

	"github.com/x448/float16"

	"github.com/gridtriage/gridtriage/classify/features"
)

// Model is a multinomial linear model. W is feature-major: the scores of
// feature i for all classes are W[i*C : (i+1)*C], and row 0 (the padding
// index) is zero.
type Model struct {
	Labels      []string
	Dim         int       // number of feature indices, padding included
	W           []float32 // Dim × len(Labels)
	B           []float32 // len(Labels)
	Temperature float32   // logits are divided by it before the softmax
}

// RoundToHalf rounds every weight of W to the nearest half-precision
// (float16) value, the precision in which the model is stored and served;
// training calls it before calibrating, so every figure is computed with
// the weights that will be served.
// Weights beyond the half-precision range are clamped to its largest
// finite value.
func (m *Model) RoundToHalf() {
	for i, w := range m.W {
		m.W[i] = RoundToHalf(w)
	}
}

// maxHalf is the largest finite half-precision value.
const maxHalf = 65504

// RoundToHalf rounds w to the nearest half-precision value, clamped to the
// finite range.
func RoundToHalf(w float32) float32 {
	return float16.Fromfloat32(max(-maxHalf, min(maxHalf, w))).Float32()
}

// Classes is the number of classes.
func (m *Model) Classes() int { return len(m.Labels) }

// Logits writes the uncalibrated class scores of v into out.
func (m *Model) Logits(v features.Vector, out []float64) {
	c := m.Classes()
	for k := range out[:c] {
		out[k] = float64(m.B[k])
	}
	for j, i := range v.Indices {
		x := float64(v.Values[j])
		row := m.W[int(i)*c : int(i)*c+c]
		for k, w := range row {
			out[k] += x * float64(w)
		}
	}
}

// Probabilities returns the calibrated class probabilities of v.
func (m *Model) Probabilities(v features.Vector) []float64 {
	p := make([]float64, m.Classes())
	m.Logits(v, p)
	t := float64(m.Temperature)
	if t <= 0 {
		t = 1
	}
	for k := range p {
		p[k] /= t
	}
	Softmax(p)
	return p
}

// Softmax replaces the scores in p by their softmax, stably.
func Softmax(p []float64) {
	mx := math.Inf(-1)
	for _, x := range p {
		mx = math.Max(mx, x)
	}
	var sum float64
	for k, x := range p {
		p[k] = math.Exp(x - mx)
		sum += p[k]
	}
	for k := range p {
		p[k] /= sum
	}
}
