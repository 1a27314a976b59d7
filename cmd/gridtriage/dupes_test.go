package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/gridtriage/gridtriage/datasets"
	"github.com/gridtriage/gridtriage/dispatch/search"
	"github.com/gridtriage/gridtriage/model"
)

type labelledPair struct {
	ID string `json:"id"`
	A  struct {
		Text   string `json:"text"`
		GridID string `json:"grid_id"`
	} `json:"a"`
	B struct {
		Text   string `json:"text"`
		GridID string `json:"grid_id"`
	} `json:"b"`
	Duplicate bool `json:"duplicate"`
}

// TestDuplicateRuleOnLabelledPairs measures the merge rule — same grid,
// same predicted category, text similarity ≥ search.DefaultThreshold — on
// the project's labelled pairs. Merging a report that is not a duplicate
// loses it from dispatch, so precision is the bound the test holds.
func TestDuplicateRuleOnLabelledPairs(t *testing.T) {
	f, err := os.Open("../../datasets/duplicates/pairs.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var pairs []labelledPair
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var p labelledPair
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, p)
	}
	if len(pairs) < 200 {
		t.Fatalf("%d labelled pairs, want at least 200", len(pairs))
	}
	tax, _ := datasets.Default()
	m, err := model.Open(testModel(t), tax.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var tp, fp, fn float64
	var curve strings.Builder
	sims := make([]float64, len(pairs))
	same := make([]bool, len(pairs))
	for i, p := range pairs {
		preds, err := m.Classify(context.Background(), []string{p.A.Text, p.B.Text}, 1)
		if err != nil {
			t.Fatal(err)
		}
		sims[i] = m.TextSimilarity(p.A.Text, p.B.Text)
		same[i] = p.A.GridID == p.B.GridID && preds[0].Label == preds[1].Label
	}
	pr := func(th float64) (float64, float64, float64, float64) {
		tp, fp, fn = 0, 0, 0
		for i, p := range pairs {
			merged := same[i] && sims[i] >= th
			switch {
			case merged && p.Duplicate:
				tp++
			case merged:
				fp++
			case p.Duplicate:
				fn++
			}
		}
		return tp / max(1, tp+fp), tp / (tp + fn), tp, fp
	}
	for th := 0.15; th < 0.61; th += 0.05 {
		p, r, _, _ := pr(th)
		fmt.Fprintf(&curve, "  similarity ≥ %.2f: precision %.3f recall %.3f\n", th, p, r)
	}
	p, r, tpN, fpN := pr(search.DefaultThreshold)
	t.Logf("labelled pairs: %d; curve:\n%sat the default %.2f: precision %.3f recall %.3f (%v merged correctly, %v wrongly)",
		len(pairs), curve.String(), search.DefaultThreshold, p, r, tpN, fpN)
	if p < 0.95 {
		t.Errorf("precision %.3f at the default threshold, want ≥ 0.95", p)
	}
}
