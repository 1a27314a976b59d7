package train

import (
	"context"
	"math"
	"slices"

	"gonum.org/v1/gonum/optimize"

	"github.com/gridtriage/gridtriage/classify/features"
	"github.com/gridtriage/gridtriage/eval"
	"github.com/gridtriage/gridtriage/model/linear"
)

// devSet holds the vectors and label indices of the dev examples whose label
// the model knows.
type devSet struct {
	x []features.Vector
	y []int
}

func newDevSet(labels []string, x []features.Vector, set []Example) devSet {
	var d devSet
	for i, e := range set {
		if k, ok := slices.BinarySearch(labels, e.Label); ok {
			d.x = append(d.x, x[i])
			d.y = append(d.y, k)
		}
	}
	return d
}

func (d devSet) len() int { return len(d.y) }

// score returns the dev cross-entropy and accuracy at params.
func (d devSet) score(params []float64, dim, classes int) (loss, acc float64) {
	p := make([]float64, classes)
	bias := params[dim*classes:]
	correct := 0
	for i, v := range d.x {
		scores(params, bias, classes, v, p)
		if eval.Argmax(p) == d.y[i] {
			correct++
		}
		linear.Softmax(p)
		loss -= math.Log(math.Max(p[d.y[i]], 1e-300))
	}
	n := float64(len(d.x))
	return loss / n, float64(correct) / n
}

// earlyStop is an optimize.Converger that scores the dev set after every
// iteration, keeps the best parameters (highest accuracy, then lowest loss)
// and stops after cfg.Patience iterations without improvement; with
// cfg.TargetLoss it instead stops once the training objective is down to
// it. It also reports progress and honours cancellation.
type earlyStop struct {
	ctx          context.Context
	cfg          Config
	dev          devSet
	dim, classes int

	iter     int
	best     []float64
	bestIter int
	bestAcc  float64
	bestLoss float64
	bestF    float64 // training objective at bestIter
	err      error
}

// Init implements optimize.Converger.
func (s *earlyStop) Init(int) {}

// Converged implements optimize.Converger.
func (s *earlyStop) Converged(loc *optimize.Location) optimize.Status {
	s.iter++
	if err := s.ctx.Err(); err != nil {
		s.err = err
		return optimize.Failure
	}
	pr := Progress{Iter: s.iter, MaxIter: s.cfg.MaxIter, Loss: loc.F}
	status := optimize.NotTerminated
	if len(loc.Gradient) > 0 && maxAbs(loc.Gradient) < gradientTolerance {
		status = optimize.GradientThreshold
	}
	if s.cfg.TargetLoss > 0 && loc.F <= s.cfg.TargetLoss {
		status = optimize.FunctionConvergence
	}
	if s.dev.len() > 0 && s.cfg.TargetLoss <= 0 {
		loss, acc := s.dev.score(loc.X, s.dim, s.classes)
		if s.best == nil || acc > s.bestAcc || acc == s.bestAcc && loss < s.bestLoss {
			s.best = append(s.best[:0], loc.X...)
			s.bestIter, s.bestAcc, s.bestLoss, s.bestF = s.iter, acc, loss, loc.F
		}
		pr.DevLoss, pr.DevAccuracy, pr.Best = loss, acc, s.bestIter
		if s.iter-s.bestIter >= s.cfg.Patience {
			status = optimize.FunctionConvergence
		}
	}
	if s.cfg.Progress != nil {
		s.cfg.Progress(pr)
	}
	return status
}

// gradientTolerance ends training once no gradient component is larger.
const gradientTolerance = 1e-7

// maxAbs is the largest absolute value in x (the infinity norm), 0 when x
// is empty.
func maxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		if v > m {
			m = v
		} else if -v > m {
			m = -v
		}
	}
	return m
}

// fitTemperature finds the temperature that minimises the dev
// cross-entropy of m and returns it with that cross-entropy.
func fitTemperature(m *linear.Model, dev devSet) (float32, float64) {
	c := m.Classes()
	logits := make([][]float64, dev.len())
	for i, v := range dev.x {
		logits[i] = make([]float64, c)
		m.Logits(v, logits[i])
	}
	nll := func(t float64, grad []float64) float64 {
		temp := math.Exp(t)
		p := make([]float64, c)
		var loss, g float64
		for i, z := range logits {
			for k := range z {
				p[k] = z[k] / temp
			}
			linear.Softmax(p)
			loss -= math.Log(math.Max(p[dev.y[i]], 1e-300))
			var ez float64
			for k := range z {
				ez += p[k] * z[k]
			}
			g += (z[dev.y[i]] - ez) / temp // d loss_i / d t
		}
		n := float64(len(logits))
		if grad != nil {
			grad[0] = g / n
		}
		return loss / n
	}
	problem := optimize.Problem{
		Func: func(x []float64) float64 { return nll(x[0], nil) },
		Grad: func(grad, x []float64) { nll(x[0], grad) },
	}
	res, err := optimize.Minimize(problem, []float64{0}, nil, &optimize.LBFGS{})
	t := 0.0
	if err == nil || res != nil && !math.IsNaN(res.X[0]) {
		t = math.Max(-5, math.Min(5, res.X[0]))
	}
	temp := float32(math.Exp(t))
	return temp, nll(math.Log(float64(temp)), nil)
}
