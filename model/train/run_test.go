package train

import (
	"context"
	"fmt"
	"math/rand/v2"
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
}
