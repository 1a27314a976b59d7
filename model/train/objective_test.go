package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gridtriage/gridtriage/classify/features"
)

// randomProblem is a small sparse classification problem: n examples of
// up to 6 of dim features, classes labels, and random parameters.
func randomProblem(seed uint64, n, dim, classes int) (x []features.Vector, y []int, weight, params []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	for range n {
		var v features.Vector
		for f := 1; f < dim; f++ {
			if rng.IntN(dim) < 6 {
				v.Indices = append(v.Indices, int32(f))
				v.Values = append(v.Values, float32(rng.Float64()))
			}
		}
		x = append(x, v)
		y = append(y, rng.IntN(classes))
		weight = append(weight, 0.5+rng.Float64())
	}
	params = make([]float64, dim*classes+classes)
	for i := range params {
		params[i] = rng.NormFloat64()
	}
	return x, y, weight, params
}

// TestObjectiveGradientMatchesFiniteDifferences checks the analytic
// gradient of both losses against central differences of the loss.
func TestObjectiveGradientMatchesFiniteDifferences(t *testing.T) {
	const dim, classes = 12, 4
	x, y, weight, params := randomProblem(7, 40, dim, classes)
	for _, tt := range []struct {
		name  string
		hinge bool
	}{{"logistic", false}, {"squared_hinge", true}} {
		t.Run(tt.name, func(t *testing.T) {
			o := newObjective(x, y, weight, dim, classes, 0.03)
			o.hinge = tt.hinge
			grad := make([]float64, len(params))
			o.Grad(grad, params)
			const h = 1e-6
			for i := range params {
				p := append([]float64(nil), params...)
				p[i] += h
				up := o.Func(p)
				p[i] -= 2 * h
				down := o.Func(p)
				if want := (up - down) / (2 * h); math.Abs(grad[i]-want) > 1e-5*math.Max(1, math.Abs(want)) {
					t.Errorf("d/dparam[%d] = %.8f, finite difference %.8f", i, grad[i], want)
				}
			}
		})
	}
}

// TestObjectiveIsReproducible evaluates the same point with fresh
// objectives: loss and gradient must be bit-for-bit equal.
func TestObjectiveIsReproducible(t *testing.T) {
	const dim, classes = 300, 5
	x, y, weight, params := randomProblem(11, 500, dim, classes)
	eval := func() (float64, []float64) {
		o := newObjective(x, y, weight, dim, classes, 1e-3)
		g := make([]float64, len(params))
		o.Grad(g, params)
		return o.Func(params), g
	}
	loss1, grad1 := eval()
	loss2, grad2 := eval()
	if loss1 != loss2 {
		t.Errorf("loss %v then %v", loss1, loss2)
	}
	for i := range grad1 {
		if grad1[i] != grad2[i] {
			t.Fatalf("gradient %d: %v then %v", i, grad1[i], grad2[i])
		}
	}
}
