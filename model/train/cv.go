package train

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
)

// Fold assigns example i to one of k folds, by a hash of the seed and its
// text, so the assignment is stable across runs and independent of order.
func Fold(seed int64, text string, k int) int {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(seed))
	h.Write(b[:])
	h.Write([]byte(text))
	return int(h.Sum64() % uint64(k))
}

// innerDevFolds sets the part of each training part held out for early
// stopping and calibration inside cross-validation (one in innerDevFolds).
const innerDevFolds = 10

// CVResult holds cross-validated predictions: for every example, the
// probabilities of the model that did not see it, over Labels.
type CVResult struct {
	Labels []string
	Probs  [][]float64
	Fold   []int
}

// CrossValidate trains k models, each on all folds but one (with a tenth of
// that held out for early stopping), and predicts the left-out fold. share
// (0 < share ≤ 1) trains on that part of each training part only, for
// learning curves.
func CrossValidate(ctx context.Context, cfg Config, prep Preparer, set []Example, k int, share float64, progress func(fold int)) (*CVResult, error) {
	if k < 2 || k > len(set) {
		return nil, fmt.Errorf("cannot make %d folds of %d examples", k, len(set))
	}
	labels, _, err := labelIndex(set)
	if err != nil {
		return nil, err
	}
	res := &CVResult{Labels: labels, Probs: make([][]float64, len(set)), Fold: make([]int, len(set))}
	for i, e := range set {
		res.Fold[i] = Fold(cfg.Seed, e.Text, k)
	}
	for f := 0; f < k; f++ {
		if progress != nil {
			progress(f)
		}
		var trainPart, devPart, test []Example
		var testIdx []int
		for i, e := range set {
			switch {
			case res.Fold[i] == f:
				test, testIdx = append(test, e), append(testIdx, i)
			case Fold(cfg.Seed+1, e.Text, innerDevFolds) == 0:
				devPart = append(devPart, e)
			case float64(Fold(cfg.Seed+2, e.Text, 1000)) < share*1000:
				trainPart = append(trainPart, e)
			}
		}
		m, err := Train(ctx, cfg, prep, trainPart, devPart)
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f, err)
		}
		texts := make([]string, len(test))
		for i, e := range test {
			texts[i] = e.Text
		}
		for j, p := range m.Probabilities(prep, texts) {
			res.Probs[testIdx[j]] = align(p, m.Model.Labels, labels)
		}
	}
	return res, nil
}

// align maps probabilities over from-labels onto to-labels (a fold may lack
// a rare label).
func align(p []float64, from, to []string) []float64 {
	if slices.Equal(from, to) {
		return p
	}
	out := make([]float64, len(to))
	for i, l := range from {
		if k, ok := slices.BinarySearch(to, l); ok {
			out[k] = p[i]
		}
	}
	return out
}
