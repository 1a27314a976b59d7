package model_test

import (
	"cmp"
	"context"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/gridtriage/gridtriage/classify"
	"github.com/gridtriage/gridtriage/model/ort"
)

// TestClassifyBatchMatchesChunks classifies a batch of many chunks in one
// call, which spreads them over goroutines and scores its reports in order
// of their feature counts, and chunk by chunk: the predictions must be the
// same, their probabilities up to float rounding (ONNX Runtime pads a
// report to a different width), and ranked as a stable sort of the
// probabilities would rank them.
func TestClassifyBatchMatchesChunks(t *testing.T) {
	m := openCorpusModel(t)
	texts := splitTexts(t, "dev")[:5*ort.MaxRunBatch+7]
	ctx := context.Background()
	got, err := m.Classify(ctx, texts, 3)
	if err != nil {
		t.Fatal(err)
	}
	var want []classify.Prediction
	for chunk := range slices.Chunk(texts, ort.MaxRunBatch) {
		preds, err := m.Classify(ctx, chunk, 3)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, preds...)
	}
	for i := range got {
		if !samePrediction(got[i], want[i]) {
			t.Fatalf("report %d: one call on many chunks gives %+v, one call per chunk %+v", i, got[i], want[i])
		}
	}
	for i, p := range got {
		order := make([]int, len(p.Probabilities))
		for k := range order {
			order[k] = k
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(p.Probabilities[b], p.Probabilities[a]) })
		for k, s := range p.Top {
			if s.Label != m.Labels()[order[k]] {
				t.Fatalf("report %d: top %d is %s, want %s", i, k, s.Label, m.Labels()[order[k]])
			}
		}
		if margin := float64(float32(p.Probabilities[order[0]]) - float32(p.Probabilities[order[1]])); p.Margin != margin {
			t.Fatalf("report %d: margin %v, want %v", i, p.Margin, margin)
		}
	}
}

// samePrediction reports whether a and b rank the same labels with the same
// reasons and probabilities within 1e-6.
func samePrediction(a, b classify.Prediction) bool {
	if len(a.Probabilities) != len(b.Probabilities) || len(a.Top) != len(b.Top) ||
		!reflect.DeepEqual(a.Reasons, b.Reasons) || a.Label != b.Label || a.ModelVersion != b.ModelVersion {
		return false
	}
	for k := range a.Probabilities {
		if math.Abs(a.Probabilities[k]-b.Probabilities[k]) > 1e-6 {
			return false
		}
	}
	for k := range a.Top {
		if a.Top[k].Label != b.Top[k].Label || a.Top[k].Name != b.Top[k].Name {
			return false
		}
	}
	return math.Abs(a.Margin-b.Margin) <= 1e-6 && math.Abs(a.Probability-b.Probability) <= 1e-6
}
