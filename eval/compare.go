package eval

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Comparison is a paired comparison of a new model against a baseline on
// the same reports (McNemar's test with continuity correction).
type Comparison struct {
	N                  int     `json:"n"`
	NewAccuracy        float64 `json:"new_accuracy"`
	BaselineAccuracy   float64 `json:"baseline_accuracy"`
	NewOnlyRight       int     `json:"new_only_right"`      // baseline wrong, new right
	BaselineOnlyRight  int     `json:"baseline_only_right"` // baseline right, new wrong
	ChiSquare          float64 `json:"chi_square"`
	PValue             float64 `json:"p_value"`
	SignificantlyWorse bool    `json:"significantly_worse"`
}

// Alpha is the significance level of the gate.
const Alpha = 0.05

// McNemar compares per-report correctness of a new model and a baseline.
func McNemar(newCorrect, baseCorrect []bool) Comparison {
	c := Comparison{N: len(newCorrect)}
	for i := range newCorrect {
		switch {
		case newCorrect[i] && !baseCorrect[i]:
			c.NewOnlyRight++
		case !newCorrect[i] && baseCorrect[i]:
			c.BaselineOnlyRight++
		}
	}
	c.NewAccuracy, c.BaselineAccuracy = fraction(newCorrect), fraction(baseCorrect)
	b, n := float64(c.BaselineOnlyRight), float64(c.NewOnlyRight)
	c.PValue = 1
	if b+n > 0 {
		d := math.Max(math.Abs(b-n)-1, 0)
		c.ChiSquare = d * d / (b + n)
		c.PValue = distuv.ChiSquared{K: 1}.Survival(c.ChiSquare)
	}
	c.SignificantlyWorse = b > n && c.PValue < Alpha
	return c
}
