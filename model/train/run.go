package train

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"time"

	"github.com/gridtriage/gridtriage/eval"
	"github.com/gridtriage/gridtriage/model/bundle"
	"github.com/gridtriage/gridtriage/model/onnx"
)

// Job is a complete training run that produces a model bundle.
type Job struct {
	Config     Config
	Train, Dev []Example
	TrainFiles []bundle.File // digests of the files Train came from
	DevFiles   []bundle.File
	// Refit retrains on train+dev until the training objective falls to the
	// one of the parameters early stopping chose (Goodfellow, Bengio and
	// Courville, Deep Learning, algorithm 7.3), keeping the temperature and
	// thresholds fitted on dev. Matching the objective rather than the
	// iteration count matters: on more data L-BFGS takes its own path, and the
	// same count can leave the refit well short of the model it replaces.
	Refit bool
	// AutoTarget is the accuracy the automatic-dispatch threshold must reach
	// on dev.
	AutoTarget float64
	Version    string // gridtriage version recorded in the bundle
	// RefitProgress, when set, reports the refit's iterations.
	RefitProgress func(Progress)
}

// Run trains, scores dev, chooses thresholds, optionally refits, and
// returns the bundle ready to save. The ONNX bytes depend only on the data
// and the configuration.
func (j Job) Run(ctx context.Context, prep Preparer) (*bundle.Bundle, error) {
	started := time.Now()
	res, cfg, tried, err := j.trainBest(ctx, prep)
	if err != nil {
		return nil, err
	}
	j.Config = cfg
	m := bundle.Manifest{
		GridtriageVersion: j.Version,
		CreatedAt:         time.Now().UTC().Truncate(time.Second),
		Training: bundle.Training{
			Data: j.TrainFiles, Dev: j.DevFiles, DataSHA256: combinedSHA(j.TrainFiles, j.DevFiles),
			Examples: len(j.Train), Seed: j.Config.Seed, L2: j.Config.L2, L2Tried: tried, Iterations: res.Iterations,
		},
	}
	if len(j.Dev) > 0 {
		m.DevMetrics, m.Thresholds = devFigures(res, prep, j.Dev, uint64(j.Config.Seed), j.AutoTarget)
	}
	if j.Refit && len(j.Dev) > 0 {
		cfg := j.Config
		cfg.TargetLoss = res.TrainLoss
		cfg.Progress = j.RefitProgress
		all := append(append([]Example{}, j.Train...), j.Dev...)
		refit, err := Train(ctx, cfg, prep, all, nil)
		if err != nil {
			return nil, err
		}
		refit.Model.Temperature = res.Model.Temperature
		res = refit
		m.Training.Refit, m.Training.RefitIterations, m.Training.Examples = true, refit.Iterations, len(all)
	}
	m.Labels, m.Temperature, m.Features = res.Model.Labels, res.Model.Temperature, res.Spec
	m.Training.Seconds = time.Since(started).Round(time.Millisecond).Seconds()
	enc := onnx.Export(res.Model, j.Version, nil)
	return &bundle.Bundle{Manifest: m, Vocab: res.Vocab, Model: enc.Graph, WeightData: enc.Weights}, nil
}

// trainBest trains with each of the configured L2 penalties and keeps the
// model with the best dev accuracy (the first on a tie), returning it with
// its configuration and the dev accuracy of every penalty tried.
func (j Job) trainBest(ctx context.Context, prep Preparer) (*Result, Config, []bundle.L2Trial, error) {
	choices := j.Config.L2Choices
	if len(choices) < 2 || len(j.Dev) == 0 {
		res, err := Train(ctx, j.Config, prep, j.Train, j.Dev)
		return res, j.Config, nil, err
	}
	data, err := prepare(j.Config, prep, j.Train, j.Dev)
	if err != nil {
		return nil, j.Config, nil, err
	}
	var best *Result
	var bestCfg Config
	var tried []bundle.L2Trial
	bestAcc := -1.0
	for _, l2 := range choices {
		cfg := j.Config
		cfg.L2 = l2
		res, err := data.fit(ctx, cfg)
		if err != nil {
			return nil, cfg, nil, err
		}
		acc := res.DevAccuracy(prep, j.Dev)
		tried = append(tried, bundle.L2Trial{L2: l2, DevAccuracy: acc, Iterations: res.Iterations})
		if acc > bestAcc {
			best, bestCfg, bestAcc = res, cfg, acc
		}
	}
	return best, bestCfg, tried, nil
}

// DevAccuracy is the accuracy of r on dev.
func (r *Result) DevAccuracy(prep Preparer, dev []Example) float64 {
	texts := make([]string, len(dev))
	for i, e := range dev {
		texts[i] = e.Text
	}
	correct := 0
	for i, p := range r.Probabilities(prep, texts) {
		if r.Model.Labels[eval.Argmax(p)] == dev[i].Label {
			correct++
		}
	}
	return float64(correct) / float64(max(1, len(dev)))
}

// devFigures scores dev with the trained model: the metrics to record and
// the automatic-dispatch thresholds chosen on it.
func devFigures(res *Result, prep Preparer, dev []Example, seed uint64, target float64) (*bundle.Metrics, *bundle.Thresholds) {
	texts := make([]string, len(dev))
	for i, e := range dev {
		texts[i] = e.Text
	}
	probs := res.Probabilities(prep, texts)
	samples := make([]eval.Sample, len(dev))
	for i, e := range dev {
		samples[i] = eval.Sample{Gold: e.Label, Probs: probs[i]}
	}
	r := eval.Evaluate(res.Model.Labels, samples, seed)
	conf, correct, predicted := eval.Confidences(res.Model.Labels, samples)
	global, coverage, perClass := eval.ChooseThresholds(conf, correct, predicted, target)
	return &bundle.Metrics{N: r.N, Accuracy: r.Accuracy, MacroF1: r.MacroF1, Top3: r.Top3Accuracy, ECE: r.ECE, LogLoss: r.LogLoss},
		&bundle.Thresholds{Target: target, Global: global, PerClass: perClass, Coverage: coverage, ChosenOn: "dev"}
}

func combinedSHA(groups ...[]bundle.File) string {
	h := sha256.New()
	for _, g := range groups {
		for _, f := range g {
			io.WriteString(h, f.SHA256+"\n")
		}
		io.WriteString(h, "--\n")
	}
	return hex.EncodeToString(h.Sum(nil))
}
