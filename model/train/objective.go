package train

import (
	"math"
	"slices"
	"sync"

	"github.com/gridtriage/gridtriage/classify/features"
	"github.com/gridtriage/gridtriage/model/linear"
)

// numChunks is the fixed number of slices the examples, and the features,
// are cut into for parallel evaluation. It does not depend on the machine,
// and partial sums are added in chunk order, so results are bit-for-bit
// reproducible.
const numChunks = 8

// objective is the class-weighted mean loss of a linear model (multinomial
// cross-entropy, or one-vs-rest squared hinge) plus an L2 penalty on the
// weights (not the biases). Parameters are laid out as W (dim × classes,
// feature-major) followed by the biases.
//
// The gradient is computed in two passes: the examples' residuals (the
// loss's derivative by each score) in slices of examples, then each
// feature's gradient row from the residuals of the examples it occurs in,
// in slices of features. Every row is written by one goroutine, so there
// are no per-goroutine gradients to clear and add up.
type objective struct {
	x       []features.Vector
	y       []int
	weight  []float64 // per-example weights
	wsum    float64
	cols    columns // x transposed: the examples of each feature
	dim     int
	classes int
	l2      float64
	hinge   bool // one-vs-rest squared hinge instead of cross-entropy

	residual []float64 // examples × classes, weighted
	lastX    []float64
	lastLoss float64
	lastGrad []float64
}

func newObjective(x []features.Vector, y []int, weight []float64, dim, classes int, l2 float64) *objective {
	o := &objective{x: x, y: y, weight: weight, cols: transpose(x, dim), dim: dim, classes: classes, l2: l2}
	for _, w := range weight {
		o.wsum += w
	}
	o.residual = make([]float64, len(x)*classes)
	o.lastGrad = make([]float64, dim*classes+classes)
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
	var losses, regs [numChunks]float64
	inChunks(len(o.x), func(c, lo, hi int) { losses[c] = o.residuals(params, lo, hi) })
	inChunks(o.dim, func(c, lo, hi int) { regs[c] = o.gradRows(params, lo, hi) })
	var loss, reg float64
	for c := range numChunks {
		loss += losses[c]
		reg += regs[c]
	}
	o.biasGrad()
	o.lastLoss = loss/o.wsum + 0.5*o.l2*reg
}

// inChunks calls f on numChunks consecutive slices [lo, hi) of n items,
// concurrently, and waits for all of them.
func inChunks(n int, f func(c, lo, hi int)) {
	var wg sync.WaitGroup
	for c := range numChunks {
		wg.Go(func() { f(c, c*n/numChunks, (c+1)*n/numChunks) })
	}
	wg.Wait()
}

// residuals sets the weighted residuals of examples lo..hi-1 and returns
// their weighted loss.
func (o *objective) residuals(params []float64, lo, hi int) float64 {
	c := o.classes
	bias := params[o.dim*c:]
	var loss float64
	for i := lo; i < hi; i++ {
		p := o.residual[i*c : i*c+c]
		scores(params, bias, c, o.x[i], p)
		w := o.weight[i]
		if o.hinge {
			loss += w * squaredHinge(p, o.y[i])
		} else {
			linear.Softmax(p)
			loss -= w * math.Log(math.Max(p[o.y[i]], 1e-300))
			p[o.y[i]]--
		}
		for k := range p {
			p[k] *= w
		}
	}
	return loss
}

// gradRows writes the gradient rows of features lo..hi-1 and returns the
// sum of their squared weights.
func (o *objective) gradRows(params []float64, lo, hi int) float64 {
	c := o.classes
	var reg float64
	for f := lo; f < hi; f++ {
		row := o.lastGrad[f*c : f*c+c]
		clear(row)
		for j := o.cols.start[f]; j < o.cols.start[f+1]; j++ {
			x, r := float64(o.cols.value[j]), o.residual[int(o.cols.example[j])*c:]
			for k := range row {
				row[k] += x * r[k]
			}
		}
		for k, w := range params[f*c : f*c+c] {
			row[k] = row[k]/o.wsum + o.l2*w
			reg += w * w
		}
	}
	return reg
}

// biasGrad writes the gradient of the biases: the mean residual.
func (o *objective) biasGrad() {
	c := o.classes
	g := o.lastGrad[o.dim*c:]
	clear(g)
	for i := range o.x {
		for k, r := range o.residual[i*c : i*c+c] {
			g[k] += r
		}
	}
	for k := range g {
		g[k] /= o.wsum
	}
}

// columns is a sparse matrix stored by column: the entries of column f are
// start[f]..start[f+1]-1, in ascending example order.
type columns struct {
	start   []int
	example []int32
	value   []float32
}

// transpose stores the vectors x (rows) by feature (column).
func transpose(x []features.Vector, dim int) columns {
	cols := columns{start: make([]int, dim+1)}
	for _, v := range x {
		for _, f := range v.Indices {
			cols.start[f+1]++
		}
	}
	for f := range dim {
		cols.start[f+1] += cols.start[f]
	}
	next := slices.Clone(cols.start[:dim])
	cols.example = make([]int32, cols.start[dim])
	cols.value = make([]float32, cols.start[dim])
	for i, v := range x {
		for j, f := range v.Indices {
			cols.example[next[f]] = int32(i)
			cols.value[next[f]] = v.Values[j]
			next[f]++
		}
	}
	return cols
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
