package train

import (
	"math"
	"slices"
	"sync"

	"github.com/gridtriage/gridtriage/classify/features"
	"github.com/gridtriage/gridtriage/model/linear"
)

// numChunks is the fixed number of slices the training set is cut into for
// parallel gradient evaluation. It does not depend on the machine, and the
// partial sums are added in chunk order, so results are bit-for-bit
// reproducible.
const numChunks = 4

// objective is the class-weighted mean cross-entropy of a multinomial linear
// model plus an L2 penalty on the weights (not the biases). Parameters are
// laid out as W (dim × classes, feature-major) followed by the biases.
type objective struct {
	x       []features.Vector
	y       []int
	weight  []float64 // per-example weights
	dim     int
	classes int
	l2      float64
	hinge   bool // one-vs-rest squared hinge instead of cross-entropy

	lastX    []float64
	lastLoss float64
	lastGrad []float64
	partial  [numChunks][]float64
}

func newObjective(x []features.Vector, y []int, weight []float64, dim, classes int, l2 float64) *objective {
	o := &objective{x: x, y: y, weight: weight, dim: dim, classes: classes, l2: l2}
	n := dim*classes + classes
	for i := range o.partial {
		o.partial[i] = make([]float64, n)
	}
	o.lastGrad = make([]float64, n)
	return o
}

// Func returns the loss at params.
func (o *objective) Func(params []float64) float64 {
	o.evaluate(params)
	return o.lastLoss
}

// Grad writes the gradient at params into grad.
func (o *objective) Grad(grad, params []float64) {
	o.evaluate(params)
	copy(grad, o.lastGrad)
}

// evaluate computes loss and gradient together, once per distinct point.
func (o *objective) evaluate(params []float64) {
	if o.lastX != nil && slices.Equal(o.lastX, params) {
		return
	}
	o.lastX = append(o.lastX[:0], params...)
	var losses [numChunks]float64
	var wg sync.WaitGroup
	n := len(o.x)
	for c := 0; c < numChunks; c++ {
		lo, hi := c*n/numChunks, (c+1)*n/numChunks
		wg.Go(func() { losses[c] = o.chunk(params, o.partial[c], lo, hi) })
	}
	wg.Wait()
	var wsum float64
	for _, w := range o.weight {
		wsum += w
	}
	loss := 0.0
	grad := o.lastGrad
	clear(grad)
	for c := 0; c < numChunks; c++ {
		loss += losses[c]
		for i, g := range o.partial[c] {
			grad[i] += g
		}
	}
	loss /= wsum
	nw := o.dim * o.classes
	var reg float64
	for i := range grad {
		grad[i] /= wsum
		if i < nw {
			reg += params[i] * params[i]
			grad[i] += o.l2 * params[i]
		}
	}
	o.lastLoss = loss + 0.5*o.l2*reg
}

// chunk accumulates the weighted loss and gradient of examples lo..hi-1.
func (o *objective) chunk(params, grad []float64, lo, hi int) float64 {
	clear(grad)
	c := o.classes
	bias := params[o.dim*c:]
	p := make([]float64, c)
	var loss float64
	for i := lo; i < hi; i++ {
		v := o.x[i]
		scores(params, bias, c, v, p)
		w := o.weight[i]
		if o.hinge {
			loss += w * squaredHinge(p, o.y[i])
		} else {
			linear.Softmax(p)
			loss -= w * math.Log(math.Max(p[o.y[i]], 1e-300))
			p[o.y[i]] -= 1
		}
		for k := range p {
			p[k] *= w
			grad[o.dim*c+k] += p[k]
		}
		for j, f := range v.Indices {
			x := float64(v.Values[j])
			row := grad[int(f)*c : int(f)*c+c]
			for k := range row {
				row[k] += x * p[k]
			}
		}
	}
	return loss
}

// scores writes the logits of v under params into out.
func scores(params, bias []float64, c int, v features.Vector, out []float64) {
	copy(out, bias)
	for j, f := range v.Indices {
		x := float64(v.Values[j])
		row := params[int(f)*c : int(f)*c+c]
		for k, w := range row {
			out[k] += x * w
		}
	}
}

// squaredHinge replaces the scores in s by the gradient of the one-vs-rest
// squared hinge loss (target +1 for class y, −1 for the others) and returns
// the loss.
func squaredHinge(s []float64, y int) float64 {
	var loss float64
	for k, score := range s {
		t := -1.0
		if k == y {
			t = 1
		}
		slack := math.Max(0, 1-t*score)
		loss += slack * slack
		s[k] = -2 * t * slack
	}
	return loss
}
