package model_test

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gridtriage/gridtriage/classify"
	"github.com/gridtriage/gridtriage/classify/features"
)

// TestReasonsAreTheLargestWordContributions checks every prediction's
// reasons on the corpus test split against a plain computation: all word
// features that raise the predicted class's score, shown without their
// namespace and spaces, of at least two characters, largest first (ties by
// term), five at most.
func TestReasonsAreTheLargestWordContributions(t *testing.T) {
	m := openCorpusModel(t)
	lo, hi := m.Bundle.Vocab.GroupRange(features.GroupWord)
	words, err := m.Bundle.ReadWeightRows(int(lo), int(hi))
	if err != nil {
		t.Fatal(err)
	}
	texts := splitTexts(t, "test")
	preds, err := m.Classify(context.Background(), texts, 1)
	if err != nil {
		t.Fatal(err)
	}
	named := 0
	for i, text := range texts {
		k, _ := slices.BinarySearch(m.Labels(), preds[i].Label)
		best := map[string]float64{}
		v := m.Vectorize(text)
		for j, idx := range v.Indices {
			if idx < lo || idx >= hi {
				continue
			}
			c := float64(v.Values[j]) * float64(words.At(int(idx), k))
			_, term, _ := strings.Cut(m.Bundle.Vocab.Terms[idx-1], ":")
			term = strings.ReplaceAll(term, " ", "")
			if c > 0 && utf8.RuneCountInString(term) >= 2 {
				best[term] = max(best[term], c)
			}
		}
		var want []classify.Reason
		for term, w := range best {
			want = append(want, classify.Reason{Term: term, Weight: w})
		}
		slices.SortFunc(want, func(a, b classify.Reason) int {
			return cmp.Or(cmp.Compare(b.Weight, a.Weight), strings.Compare(a.Term, b.Term))
		})
		want = want[:min(5, len(want))]
		if !slices.Equal(preds[i].Reasons, want) {
			t.Fatalf("reasons of %q (%s) = %v, want %v", text, preds[i].Label, preds[i].Reasons, want)
		}
		named += len(want)
	}
	if named < len(texts) {
		t.Errorf("only %d reasons named for %d reports", named, len(texts))
	}
}
