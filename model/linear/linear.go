// Package linear is the pure-Go reference scorer of the project's linear
// models: a weight matrix over sparse features, a bias per class and a
// calibration temperature. Training uses it, and tests check the exported
// ONNX graph against it; the service always scores through ONNX Runtime.
package linear

import (
	"math"

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
