package train

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gridtriage/gridtriage/model/onnx"
)

// withUrgencies gives each example an urgency, named in its text by a word
// of that urgency half the time.
func withUrgencies(seed uint64, examples []Example) []Example {
	rng := rand.New(rand.NewPCG(seed, 3))
	urgencies := []string{"consult", "general", "urgent"}
	out := slices.Clone(examples)
	for i := range out {
		u := urgencies[rng.IntN(len(urgencies))]
		out[i].Urgency = u
		if rng.IntN(2) == 0 {
			out[i].Text += fmt.Sprintf(" %s%d", u, rng.IntN(3))
		}
	}
	return out
}

func TestJobTrainsTheUrgencyModel(t *testing.T) {
	cfg := DefaultConfig()
	cfg.L2Choices = nil
	cfg.Patience = 10
	trainSet, devSet := withUrgencies(1, noisyExamples(3, 300)), withUrgencies(2, noisyExamples(4, 120))
	b, err := Job{Config: cfg, Train: trainSet, Dev: devSet, Refit: true, Urgency: true, AutoTarget: 0.9, Version: "test"}.Run(context.Background(), spacePreparer{})
	if err != nil {
		t.Fatal(err)
	}
	u := b.Manifest.Urgency
	if b.Urgency == nil || u == nil {
		t.Fatalf("no urgency model: %+v", u)
	}
	if !slices.Equal(u.Labels, []string{"consult", "general", "urgent"}) || u.Temperature <= 0 || u.Iterations < 1 || u.RefitIterations < 1 || u.Examples != len(trainSet)+len(devSet) {
		t.Errorf("urgency manifest %+v: want the three urgencies, a temperature and the refit's iterations", u)
	}
	// Half the reports name their urgency, so a model that learned it is
	// right on about half plus a third of the rest.
	if u.DevMetrics == nil || u.DevMetrics.Accuracy < 0.55 {
		t.Errorf("urgency dev metrics %+v, want accuracy ≥ 0.55", u.DevMetrics)
	}
	w, err := onnx.ReadWeightRows(b.Urgency.Model, nil, 0, 0)
	if err != nil || w.Dim != b.Vocab.Size() || w.Classes != 3 {
		t.Errorf("urgency graph: %+v, %v; want %d features × 3 classes", w, err, b.Vocab.Size())
	}
}

func TestJobTrainsUrgencyOnTheReportsThatCarryOne(t *testing.T) {
	cfg := DefaultConfig()
	cfg.L2Choices = nil
	cfg.MaxIter = 20
	labelled := withUrgencies(1, noisyExamples(3, 100))
	unlabelled := noisyExamples(5, 50)
	tests := []struct {
		name         string
		urgency      bool
		trainSet     []Example
		wantExamples int // 0: no urgency model
	}{
		{"not asked", false, labelled, 0},
		{"no report carries one", true, unlabelled, 0},
		{"some reports carry one", true, append(slices.Clone(labelled), unlabelled...), len(labelled)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Job{Config: cfg, Train: tt.trainSet, Dev: noisyExamples(4, 40), Urgency: tt.urgency, AutoTarget: 0.9, Version: "test"}.Run(context.Background(), spacePreparer{})
			if err != nil {
				t.Fatal(err)
			}
			got := 0
			if u := b.Manifest.Urgency; u != nil && b.Urgency != nil {
				got = u.Examples
			}
			if got != tt.wantExamples || (b.Urgency == nil) != (b.Manifest.Urgency == nil) {
				t.Errorf("urgency model trained on %d examples (model %v, manifest %+v), want %d", got, b.Urgency != nil, b.Manifest.Urgency, tt.wantExamples)
			}
		})
	}
}
