// Package eval measures classifiers: accuracy with a bootstrap confidence
// interval, macro and weighted F1, top-k accuracy, per-class figures, the
// confusion matrix, calibration (ECE, Brier), selective automation
// thresholds, and a paired comparison of two models.
package eval

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// Target is the accuracy the project is measured against.
const Target = 0.90

// ClassMetrics are the figures of one class.
type ClassMetrics struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// Pair is a confused pair of labels: gold predicted as other Count times.
type Pair struct {
	Gold      string `json:"gold"`
	Predicted string `json:"predicted"`
	Count     int    `json:"count"`
}

// Report holds the metrics of one evaluation.
type Report struct {
	N            int                     `json:"n"`
	Accuracy     float64                 `json:"accuracy"`
	AccuracyCI   [2]float64              `json:"accuracy_ci95"`
	MacroF1      float64                 `json:"macro_f1"`
	WeightedF1   float64                 `json:"weighted_f1"`
	Top3Accuracy float64                 `json:"top3_accuracy"`
	ECE          float64                 `json:"ece"`
	Brier        float64                 `json:"brier"`
	LogLoss      float64                 `json:"log_loss"`
	PerClass     map[string]ClassMetrics `json:"per_class"`
	Labels       []string                `json:"labels"`
	Confusion    [][]int                 `json:"confusion"` // [gold][predicted], in Labels order
	MostConfused []Pair                  `json:"most_confused"`
	Target       float64                 `json:"target"`
	MeetsTarget  bool                    `json:"meets_target"`
	// UnknownLabels counts the gold labels the model cannot predict, which
	// usually means the data and the model are from different label sets.
	UnknownLabels map[string]int `json:"unknown_labels,omitempty"`
}

// Sample is one evaluated report: its gold label and the model's
// probabilities over the model's labels.
type Sample struct {
	Gold  string
	Probs []float64
}

// ECEBins is the number of equal-width confidence bins of the ECE.
const ECEBins = 15

// Bootstrap is the number of resamples of the accuracy interval.
const Bootstrap = 1000

// Evaluate computes the report for samples scored over modelLabels. Gold
// labels the model does not know count as errors. seed drives the
// bootstrap.
func Evaluate(modelLabels []string, samples []Sample, seed uint64) Report {
	labels := unionLabels(modelLabels, samples)
	pos := map[string]int{}
	for i, l := range labels {
		pos[l] = i
	}
	r := Report{N: len(samples), Labels: labels, Target: Target, PerClass: map[string]ClassMetrics{}}
	r.Confusion = make([][]int, len(labels))
	for i := range r.Confusion {
		r.Confusion[i] = make([]int, len(labels))
	}
	if len(samples) == 0 {
		return r
	}
	correct := make([]bool, len(samples))
	conf := make([]float64, len(samples))
	var top3, brier, logloss float64
	for i, s := range samples {
		pred := Argmax(s.Probs)
		correct[i] = modelLabels[pred] == s.Gold
		conf[i] = s.Probs[pred]
		r.Confusion[pos[s.Gold]][pos[modelLabels[pred]]]++
		gold, known := slices.BinarySearch(modelLabels, s.Gold)
		if !known {
			r.countUnknown(s.Gold)
		}
		if known && Rank(s.Probs, gold) < 3 {
			top3++
		}
		brier += brierOne(s.Probs, gold, known)
		pg := 0.0
		if known {
			pg = s.Probs[gold]
		}
		logloss -= math.Log(math.Max(pg, 1e-15))
	}
	n := float64(len(samples))
	r.Accuracy = fraction(correct)
	r.AccuracyCI = BootstrapAccuracy(correct, seed)
	r.Top3Accuracy, r.Brier, r.LogLoss = top3/n, brier/n, logloss/n
	r.ECE = ECE(conf, correct, ECEBins)
	r.perClass()
	r.MostConfused = mostConfused(labels, r.Confusion, 10)
	r.MeetsTarget = r.Accuracy >= r.Target
	return r
}

// countUnknown counts one gold label the model does not know.
func (r *Report) countUnknown(label string) {
	if r.UnknownLabels == nil {
		r.UnknownLabels = map[string]int{}
	}
	r.UnknownLabels[label]++
}

// unionLabels is the sorted union of the model's labels and the gold labels.
func unionLabels(modelLabels []string, samples []Sample) []string {
	labels := slices.Clone(modelLabels)
	for _, s := range samples {
		labels = append(labels, s.Gold)
	}
	slices.Sort(labels)
	return slices.Compact(labels)
}

// perClass fills PerClass, MacroF1 and WeightedF1 from the confusion matrix.
// Macro F1 averages over the classes that occur in gold or predictions.
func (r *Report) perClass() {
	var macro, weighted float64
	classes := 0
	for i, l := range r.Labels {
		tp := r.Confusion[i][i]
		support, predicted := 0, 0
		for j := range r.Labels {
			support += r.Confusion[i][j]
			predicted += r.Confusion[j][i]
		}
		if support == 0 && predicted == 0 {
			continue
		}
		m := ClassMetrics{Support: support}
		m.Precision = ratio(tp, predicted)
		m.Recall = ratio(tp, support)
		if m.Precision+m.Recall > 0 {
			m.F1 = 2 * m.Precision * m.Recall / (m.Precision + m.Recall)
		}
		r.PerClass[l] = m
		macro += m.F1
		weighted += m.F1 * float64(support)
		classes++
	}
	if classes > 0 {
		r.MacroF1 = macro / float64(classes)
	}
	r.WeightedF1 = weighted / float64(r.N)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func fraction(b []bool) float64 {
	k := 0
	for _, v := range b {
		if v {
			k++
		}
	}
	return ratio(k, len(b))
}

// Argmax returns the index of the largest probability; ties go to the
// lowest index.
func Argmax(p []float64) int {
	best := 0
	for k, v := range p {
		if v > p[best] {
			best = k
		}
	}
	return best
}

// Rank returns how many labels rank before label k: those with a higher
// probability, and those with an equal one at a lower index.
func Rank(p []float64, k int) int {
	r := 0
	for j, v := range p {
		if v > p[k] || v == p[k] && j < k {
			r++
		}
	}
	return r
}

func brierOne(p []float64, gold int, known bool) float64 {
	var s float64
	for k, v := range p {
		y := 0.0
		if known && k == gold {
			y = 1
		}
		s += (v - y) * (v - y)
	}
	if !known {
		s++ // the gold label's own term: (0 - 1)²
	}
	return s
}

// ECE is the expected calibration error of top-1 confidences over bins
// equal-width bins: the support-weighted mean |accuracy − confidence|.
func ECE(conf []float64, correct []bool, bins int) float64 {
	if len(conf) == 0 {
		return 0
	}
	sumConf := make([]float64, bins)
	sumAcc := make([]float64, bins)
	count := make([]float64, bins)
	for i, c := range conf {
		b := min(int(c*float64(bins)), bins-1)
		sumConf[b] += c
		if correct[i] {
			sumAcc[b]++
		}
		count[b]++
	}
	var e float64
	for b := range bins {
		if count[b] > 0 {
			e += math.Abs(sumAcc[b]-sumConf[b]) / float64(len(conf))
		}
	}
	return e
}

// BootstrapAccuracy is the 95% percentile bootstrap interval of the share
// of true values in correct.
func BootstrapAccuracy(correct []bool, seed uint64) [2]float64 {
	n := len(correct)
	if n == 0 {
		return [2]float64{}
	}
	rng := rand.New(rand.NewPCG(seed, 0x6772696474726961))
	accs := make([]float64, Bootstrap)
	for b := range accs {
		k := 0
		for range n {
			if correct[rng.IntN(n)] {
				k++
			}
		}
		accs[b] = float64(k) / float64(n)
	}
	slices.Sort(accs)
	return [2]float64{accs[int(0.025*Bootstrap)], accs[int(0.975*Bootstrap)-1]}
}

// mostConfused lists the k largest off-diagonal cells.
func mostConfused(labels []string, m [][]int, k int) []Pair {
	var pairs []Pair
	for i := range m {
		for j, c := range m[i] {
			if i != j && c > 0 {
				pairs = append(pairs, Pair{Gold: labels[i], Predicted: labels[j], Count: c})
			}
		}
	}
	slices.SortStableFunc(pairs, func(a, b Pair) int { return cmp.Compare(b.Count, a.Count) })
	return pairs[:min(k, len(pairs))]
}

// Bin is one confidence bin of a reliability diagram.
type Bin struct {
	Lo, Hi     float64
	Confidence float64 // mean top-1 confidence in the bin
	Accuracy   float64 // share correct in the bin
	Count      int
}

// Reliability splits top-1 confidences into equal-width bins.
func Reliability(conf []float64, correct []bool, bins int) []Bin {
	out := make([]Bin, bins)
	for b := range out {
		out[b].Lo, out[b].Hi = float64(b)/float64(bins), float64(b+1)/float64(bins)
	}
	for i, c := range conf {
		b := min(int(c*float64(bins)), bins-1)
		out[b].Confidence += c
		if correct[i] {
			out[b].Accuracy++
		}
		out[b].Count++
	}
	for b := range out {
		if n := float64(out[b].Count); n > 0 {
			out[b].Confidence /= n
			out[b].Accuracy /= n
		}
	}
	return out
}
