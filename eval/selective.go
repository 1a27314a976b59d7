package eval

import (
	"cmp"
	"slices"
)

// CoveragePoint is one point of the risk–coverage curve: keeping the reports
// whose confidence is at least Threshold covers Coverage of them with the
// given Accuracy.
type CoveragePoint struct {
	Threshold float64 `json:"threshold"`
	Coverage  float64 `json:"coverage"`
	Accuracy  float64 `json:"accuracy"`
}

// RiskCoverage returns the risk–coverage curve, highest threshold first,
// one point per distinct confidence.
func RiskCoverage(conf []float64, correct []bool) []CoveragePoint {
	order := make([]int, len(conf))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(conf[b], conf[a]) })
	var curve []CoveragePoint
	right := 0
	for n, i := range order {
		if correct[i] {
			right++
		}
		if n+1 < len(order) && conf[order[n+1]] == conf[i] {
			continue
		}
		curve = append(curve, CoveragePoint{
			Threshold: conf[i],
			Coverage:  float64(n+1) / float64(len(conf)),
			Accuracy:  float64(right) / float64(n+1),
		})
	}
	return curve
}

// ChooseThreshold returns the lowest confidence threshold at which every
// stricter threshold also keeps accuracy ≥ target, with the coverage it
// gives. When even the most confident report misses the target it returns
// a threshold above 1 (nothing automatic) and coverage 0.
func ChooseThreshold(conf []float64, correct []bool, target float64) (threshold, coverage float64) {
	threshold = 1.0000001
	for _, p := range RiskCoverage(conf, correct) {
		if p.Accuracy < target {
			break
		}
		threshold, coverage = p.Threshold, p.Coverage
	}
	return threshold, coverage
}

// MinClassSupport is how many predictions of a class the dev data must hold
// before the class gets a threshold of its own.
const MinClassSupport = 30

// ChooseThresholds picks the global threshold and, for classes predicted at
// least MinClassSupport times, a per-class one. predicted holds each
// sample's predicted label.
func ChooseThresholds(conf []float64, correct []bool, predicted []string, target float64) (global, coverage float64, perClass map[string]float64) {
	global, coverage = ChooseThreshold(conf, correct, target)
	byClass := map[string][]int{}
	for i, l := range predicted {
		byClass[l] = append(byClass[l], i)
	}
	perClass = map[string]float64{}
	for l, idx := range byClass {
		if len(idx) < MinClassSupport {
			continue
		}
		c := make([]float64, len(idx))
		ok := make([]bool, len(idx))
		for j, i := range idx {
			c[j], ok[j] = conf[i], correct[i]
		}
		perClass[l], _ = ChooseThreshold(c, ok, target)
	}
	return global, coverage, perClass
}

// AutomaticShare reports, for samples and thresholds, the share kept automatic
// and their accuracy.
func AutomaticShare(conf []float64, correct []bool, predicted []string, threshold func(label string) float64) (coverage, accuracy float64, kept []bool) {
	kept = make([]bool, len(conf))
	n, right := 0, 0
	for i, c := range conf {
		if c >= threshold(predicted[i]) {
			kept[i] = true
			n++
			if correct[i] {
				right++
			}
		}
	}
	return ratio(n, len(conf)), ratio(right, n), kept
}

// Confidences returns, per sample, the top-1 probability, whether the top-1
// label is the gold one, and the top-1 label.
func Confidences(modelLabels []string, samples []Sample) (conf []float64, correct []bool, predicted []string) {
	conf = make([]float64, len(samples))
	correct = make([]bool, len(samples))
	predicted = make([]string, len(samples))
	for i, s := range samples {
		k := Argmax(s.Probs)
		conf[i], predicted[i], correct[i] = s.Probs[k], modelLabels[k], modelLabels[k] == s.Gold
	}
	return conf, correct, predicted
}
