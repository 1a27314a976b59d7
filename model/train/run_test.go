package train

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// spacePreparer keeps text as it is and splits words at spaces.
type spacePreparer struct{}

func (spacePreparer) Normalize(text string) string { return text }
func (spacePreparer) Words(text string) []string   { return strings.Fields(text) }

// noisyExamples are n reports of three classes, each naming a few words of
// its class among shared ones, and one in eight labelled at random, so that
// dev accuracy levels off and early stopping has a choice to make.
func noisyExamples(seed uint64, n int) []Example {
	rng := rand.New(rand.NewPCG(seed, 2))
	classes := []string{"A", "B", "C"}
	out := make([]Example, n)
	for i := range out {
		c := rng.IntN(len(classes))
		var words []string
		for range 6 {
			if rng.IntN(3) == 0 {
				words = append(words, fmt.Sprintf("%s%d", strings.ToLower(classes[c]), rng.IntN(20)))
			} else {
				words = append(words, fmt.Sprintf("w%d", rng.IntN(60)))
			}
		}
		label := classes[c]
		if rng.IntN(8) == 0 {
			label = classes[rng.IntN(len(classes))]
		}
		out[i] = Example{Text: strings.Join(words, " "), Label: label}
	}
	return out
}

// TestRefitReachesTheEarlyStoppedObjective checks that the refit on
// train+dev trains until its objective is down to the early-stopped
// model's, and stops at the first iteration that gets there.
func TestRefitReachesTheEarlyStoppedObjective(t *testing.T) {
	cfg := DefaultConfig()
	cfg.L2Choices = nil
	cfg.Patience = 10
	trainSet, devSet := noisyExamples(1, 400), noisyExamples(2, 150)
	stopped, err := Train(context.Background(), cfg, spacePreparer{}, trainSet, devSet)
	if err != nil {
		t.Fatal(err)
	}
	if stopped.TrainLoss <= 0 || stopped.Iterations < 2 {
		t.Fatalf("early stopping kept iteration %d with objective %v", stopped.Iterations, stopped.TrainLoss)
	}

	refitCfg := cfg
	refitCfg.TargetLoss = stopped.TrainLoss
	var losses []float64
	refitCfg.Progress = func(p Progress) { losses = append(losses, p.Loss) }
	all := append(append([]Example{}, trainSet...), devSet...)
	refit, err := Train(context.Background(), refitCfg, spacePreparer{}, all, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(losses) == 0 || len(losses) >= cfg.MaxIter {
		t.Fatalf("refit ran %d iterations (limit %d)", len(losses), cfg.MaxIter)
	}
	last := losses[len(losses)-1]
	if last > stopped.TrainLoss {
		t.Errorf("refit stopped at objective %v, above the target %v", last, stopped.TrainLoss)
	}
	for i, l := range losses[:len(losses)-1] {
		if l <= stopped.TrainLoss {
			t.Errorf("refit reached the target %v at iteration %d (%v) but went on to %d", stopped.TrainLoss, i+1, l, len(losses))
			break
		}
	}
	if refit.Iterations != len(losses) {
		t.Errorf("refit reports %d iterations, ran %d", refit.Iterations, len(losses))
	}
}

// TestJobRecordsTheRefit checks that a refitted bundle says so, with the
// refit's own iteration count and the train+dev example count.
func TestJobRecordsTheRefit(t *testing.T) {
	cfg := DefaultConfig()
	cfg.L2Choices = nil
	cfg.Patience = 10
	trainSet, devSet := noisyExamples(3, 300), noisyExamples(4, 120)
	b, err := Job{Config: cfg, Train: trainSet, Dev: devSet, Refit: true, AutoTarget: 0.9, Version: "test"}.Run(context.Background(), spacePreparer{})
	if err != nil {
		t.Fatal(err)
	}
	tr := b.Manifest.Training
	if !tr.Refit || tr.RefitIterations < 1 || tr.Examples != len(trainSet)+len(devSet) {
		t.Errorf("training record %+v: want a refit on %d examples with its iterations", tr, len(trainSet)+len(devSet))
	}
	if tr.RefitIterations > refitIterationFactor*tr.Iterations {
		t.Errorf("refit ran %d iterations, more than %d× the early-stopped %d", tr.RefitIterations, refitIterationFactor, tr.Iterations)
	}
}

// TestJobChoosesTheWordWeightOnDev checks that the word weights are tried at
// the chosen penalty, then the concentration weights at the chosen penalty
// and word weight, every trial is recorded, and the bundle keeps the weights of the
// trial with the best dev accuracy (the earlier on a tie).
func TestJobChoosesTheWordWeightOnDev(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Patience = 10
	cfg.L2Choices, cfg.MinDevForL2Choice = []float64{3e-5, 1e-3}, 0
	cfg.WordWeights = []float64{1, 0.25, 4}
	cfg.ConcentrationWeights = []float64{2, 0}
	trainSet, devSet := noisyExamples(5, 300), noisyExamples(6, 120)
	b, err := Job{Config: cfg, Train: trainSet, Dev: devSet, AutoTarget: 0.9, Version: "test"}.Run(context.Background(), spacePreparer{})
	if err != nil {
		t.Fatal(err)
	}
	tried := b.Manifest.Training.Tried
	if len(tried) != 5 {
		t.Fatalf("tried %+v: want 2 penalties at weight 1, then 2 more word weights, then 1 more concentration weight", tried)
	}
	for i, tr := range tried[:4] {
		if tr.ConcentrationWeight != 2 {
			t.Errorf("trial %d is %+v, want the first concentration weight, 2", i, tr)
		}
	}
	for i, tr := range tried[:2] {
		if tr.L2 != cfg.L2Choices[i] || tr.WordWeight != 1 {
			t.Errorf("trial %d is %+v, want l2 %g at word weight 1", i, tr, cfg.L2Choices[i])
		}
	}
	best := tried[0]
	if tried[1].DevAccuracy > best.DevAccuracy {
		best = tried[1]
	}
	for i, tr := range tried[2:4] {
		if tr.L2 != best.L2 || tr.WordWeight != cfg.WordWeights[i+1] {
			t.Errorf("trial %d is %+v, want word weight %g at the chosen l2 %g", i+2, tr, cfg.WordWeights[i+1], best.L2)
		}
		if tr.DevAccuracy > best.DevAccuracy {
			best = tr
		}
	}
	if tr := tried[4]; tr.L2 != best.L2 || tr.WordWeight != best.WordWeight || tr.ConcentrationWeight != 0 {
		t.Errorf("trial 4 is %+v, want concentration weight 0 at the chosen l2 %g and word weight %g", tr, best.L2, best.WordWeight)
	} else if tr.DevAccuracy > best.DevAccuracy {
		best = tr
	}
	f := b.Manifest.Features
	if f.WordScale() != best.WordWeight || f.ConcentrationWeight != best.ConcentrationWeight || b.Manifest.Training.L2 != best.L2 {
		t.Errorf("bundle kept l2 %g, word weight %g, concentration weight %g; the best trial is %+v", b.Manifest.Training.L2, f.WordScale(), f.ConcentrationWeight, best)
	}
	if b.Manifest.DevMetrics.Accuracy != best.DevAccuracy {
		t.Errorf("bundle's dev accuracy %v is not the best trial's %v", b.Manifest.DevMetrics.Accuracy, best.DevAccuracy)
	}
	accs := make([]float64, len(tried))
	for i, tr := range tried {
		accs[i] = tr.DevAccuracy
	}
	slices.Sort(accs)
	if len(slices.Compact(accs)) < 2 {
		t.Errorf("every trial scored the same on dev (%+v): the weights made no difference", tried)
	}
}

// TestPenaltyIsChosenOnlyOnALargeEnoughDev checks that the penalties are
// tried on a dev set of at least MinDevForL2Choice reports, and that with a
// smaller one the first is used without a trial.
func TestPenaltyIsChosenOnlyOnALargeEnoughDev(t *testing.T) {
	trainSet, devSet := noisyExamples(5, 200), noisyExamples(6, 80)
	for _, tt := range []struct {
		minDev    int
		wantTried []float64
	}{
		{len(devSet), []float64{1e-3, 3e-5}},
		{len(devSet) + 1, nil}, // one configuration: no trial
	} {
		cfg := DefaultConfig()
		cfg.Patience, cfg.WordWeights, cfg.ConcentrationWeights = 10, nil, nil
		cfg.L2, cfg.L2Choices, cfg.MinDevForL2Choice = 1e-3, []float64{1e-3, 3e-5}, tt.minDev
		b, err := Job{Config: cfg, Train: trainSet, Dev: devSet, AutoTarget: 0.9, Version: "test"}.Run(context.Background(), spacePreparer{})
		if err != nil {
			t.Fatal(err)
		}
		var tried []float64
		for _, tr := range b.Manifest.Training.Tried {
			tried = append(tried, tr.L2)
		}
		if !slices.Equal(tried, tt.wantTried) {
			t.Errorf("at least %d dev reports to choose, %d given: tried penalties %v, want %v", tt.minDev, len(devSet), tried, tt.wantTried)
		}
		if l2 := b.Manifest.Training.L2; tt.wantTried == nil && l2 != cfg.L2Choices[0] {
			t.Errorf("without a choice the bundle's l2 is %g, want the first, %g", l2, cfg.L2Choices[0])
		}
	}
}

// TestRefitStopsWhenTheTargetIsOutOfReach gives the refit dev reports that
// contradict training ones, so train+dev cannot be fitted as closely as
// train alone: the refit must stop at its iteration bound, not run to
// MaxIter.
func TestRefitStopsWhenTheTargetIsOutOfReach(t *testing.T) {
	cfg := DefaultConfig()
	cfg.L2Choices, cfg.WordWeights = nil, nil
	cfg.Patience = 10
	trainSet := noisyExamples(7, 300)
	devSet := noisyExamples(8, 150)
	for _, e := range trainSet[:100] {
		devSet = append(devSet, Example{Text: e.Text, Label: string(rune('A' + (e.Label[0]-'A'+1)%3))})
	}
	b, err := Job{Config: cfg, Train: trainSet, Dev: devSet, Refit: true, AutoTarget: 0.9, Version: "test"}.Run(context.Background(), spacePreparer{})
	if err != nil {
		t.Fatal(err)
	}
	tr := b.Manifest.Training
	if bound := refitIterationFactor * tr.Iterations; tr.RefitIterations != bound || bound >= cfg.MaxIter {
		t.Errorf("refit ran %d iterations after %d early-stopped ones: want the bound %d, below MaxIter %d",
			tr.RefitIterations, tr.Iterations, bound, cfg.MaxIter)
	}
}

// TestJobTakesASingleWordWeightAsGiven checks that one word weight and one
// concentration weight, with one penalty, are used without a choice.
func TestJobTakesASingleWordWeightAsGiven(t *testing.T) {
	cfg := DefaultConfig()
	cfg.L2Choices, cfg.WordWeights, cfg.ConcentrationWeights = nil, []float64{0.5}, []float64{1.5}
	b, err := Job{Config: cfg, Train: noisyExamples(9, 200), Dev: noisyExamples(10, 80), AutoTarget: 0.9, Version: "test"}.Run(context.Background(), spacePreparer{})
	if err != nil {
		t.Fatal(err)
	}
	if f := b.Manifest.Features; f.WordWeight != 0.5 || f.ConcentrationWeight != 1.5 || len(b.Manifest.Training.Tried) != 0 {
		t.Errorf("word weight %g, concentration weight %g after trials %+v, want 0.5, 1.5 and no trials", f.WordWeight, f.ConcentrationWeight, b.Manifest.Training.Tried)
	}
}

// TestJobRejectsBadWordWeights checks that a word weight to try is
// validated like a spec's, before any training.
func TestJobRejectsBadWordWeights(t *testing.T) {
	for _, weights := range [][]float64{{1, 0}, {1, 11}, {-1}} {
		cfg := DefaultConfig()
		cfg.WordWeights = weights
		_, err := Job{Config: cfg, Train: noisyExamples(11, 50), Dev: noisyExamples(12, 20), Version: "test"}.Run(context.Background(), spacePreparer{})
		if err == nil {
			t.Errorf("word weights %v accepted", weights)
		}
	}
	for _, weights := range [][]float64{{2, -1}, {11}} {
		cfg := DefaultConfig()
		cfg.ConcentrationWeights = weights
		_, err := Job{Config: cfg, Train: noisyExamples(11, 50), Dev: noisyExamples(12, 20), Version: "test"}.Run(context.Background(), spacePreparer{})
		if err == nil {
			t.Errorf("concentration weights %v accepted", weights)
		}
	}
}
