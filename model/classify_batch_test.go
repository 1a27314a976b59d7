package model_test

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/gridtriage/gridtriage/classify"
	"github.com/gridtriage/gridtriage/model/ort"
)

// TestClassifyBatchMatchesChunks classifies a batch of many chunks in one
// call, which spreads them over goroutines, and chunk by chunk: the
// predictions must be the same, ranked as a stable sort of the
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
	if !reflect.DeepEqual(got, want) {
		t.Fatal("one call on many chunks differs from one call per chunk")
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
