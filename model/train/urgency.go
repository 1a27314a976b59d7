package train

import (
	"context"
	"slices"

	"github.com/gridtriage/gridtriage/classify/features"
	"github.com/gridtriage/gridtriage/model/bundle"
	"github.com/gridtriage/gridtriage/model/onnx"
)

// trainUrgency trains the urgency model on the train and dev examples that
// carry an urgency, over vocab, the category model's features (the bundle
// holds one vocabulary for both), the way Run trained the category model
// (j.Config holds the configuration chosen for it): early stopping and
// calibration on dev, then a refit on train+dev when j.Refit is set. It
// returns nils when no training example carries an urgency.
func (j Job) trainUrgency(ctx context.Context, prep Preparer, vocab *features.Vocabulary) (*bundle.Head, *bundle.UrgencyManifest, error) {
	trainSet, devSet := urgencyExamples(j.Train), urgencyExamples(j.Dev)
	if len(trainSet) == 0 {
		return nil, nil, nil
	}
	cfg := j.Config
	cfg.Progress = nil
	fit := func(cfg Config, trainSet, devSet []Example) (*Result, error) {
		d, err := prepareOver(cfg, prep, vocab, trainSet, devSet)
		if err != nil {
			return nil, err
		}
		return d.fit(ctx, cfg)
	}
	res, err := fit(cfg, trainSet, devSet)
	if err != nil {
		return nil, nil, err
	}
	um := &bundle.UrgencyManifest{Iterations: res.Iterations, Examples: len(trainSet)}
	if len(devSet) > 0 {
		um.DevMetrics, _ = devFigures(res, prep, devSet, uint64(cfg.Seed), j.AutoTarget)
	}
	if j.Refit && len(devSet) > 0 {
		all := append(slices.Clone(trainSet), devSet...)
		refit, err := fit(refitConfig(cfg, res), all, nil)
		if err != nil {
			return nil, nil, err
		}
		refit.Model.Temperature = res.Model.Temperature
		res, um.RefitIterations, um.Examples = refit, refit.Iterations, len(all)
	}
	um.Labels, um.Temperature = res.Model.Labels, res.Model.Temperature
	enc := onnx.Export(res.Model, j.Version, nil)
	return &bundle.Head{Model: enc.Graph, WeightData: enc.Weights}, um, nil
}

// urgencyExamples returns the examples that carry an urgency, labelled
// with it.
func urgencyExamples(examples []Example) []Example {
	var out []Example
	for _, e := range examples {
		if e.Urgency != "" {
			out = append(out, Example{Text: e.Text, Label: e.Urgency})
		}
	}
	return out
}
