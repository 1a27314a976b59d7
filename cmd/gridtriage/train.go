package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gridtriage/gridtriage/classify/analysis"
	"github.com/gridtriage/gridtriage/classify/features"
	"github.com/gridtriage/gridtriage/datasets"
	"github.com/gridtriage/gridtriage/datasets/jsonl"
	"github.com/gridtriage/gridtriage/model/bundle"
	"github.com/gridtriage/gridtriage/model/train"
)

func runTrain(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	var data, dev stringList
	fs.Var(&data, "data", "training JSONL file (repeatable)")
	fs.Var(&dev, "dev", "dev JSONL file for early stopping, calibration and thresholds (repeatable)")
	out := fs.String("out", "", "directory to write the model bundle to")
	cfg := train.DefaultConfig()
	fs.Int64Var(&cfg.Seed, "seed", cfg.Seed, "seed recorded in the bundle and used for the bootstrap")
	fs.Var((*l2Flag)(&cfg), "l2", fmt.Sprintf("L2 penalty on the weights, or comma-separated penalties to choose from on dev (the default ones are chosen between only on a dev set of at least %d reports; with fewer, the first is used)", cfg.MinDevForL2Choice))
	fs.Var((*floatsFlag)(&cfg.WordWeights), "word-weights", "comma-separated word-group weights to try on dev at the chosen penalty (one value fixes it)")
	fs.Var((*floatsFlag)(&cfg.ConcentrationWeights), "concentration-weights", "comma-separated concentration weights to try on dev last (one value fixes it): a term's IDF is raised up to 1+weight times the more its training reports concentrate in one class")
	fs.IntVar(&cfg.MaxIter, "max-iter", cfg.MaxIter, "maximum optimiser iterations")
	fs.IntVar(&cfg.Patience, "patience", cfg.Patience, "iterations without dev improvement before stopping")
	fs.StringVar(&cfg.Loss, "loss", cfg.Loss, "training loss: squared_hinge (one-vs-rest, as a linear SVM) or logistic")
	specFlags(fs, &cfg.Spec)
	withUrgency := fs.Bool("urgency", true, "also train an urgency model on the reports that carry an urgency (urgent, general or consult)")
	refit := fs.Bool("refit", true, "with --dev: after choosing the penalty, iterations and calibration on dev, refit on train+dev (--refit=false keeps the train-only model)")
	autoTarget := fs.Float64("auto-target", 0.98, "accuracy the automatic-dispatch threshold must reach on dev")
	skipBad := fs.Bool("skip-bad", false, "skip bad JSONL lines instead of failing")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the training to this file (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return usageErr("%v", err)
	}
	if len(data) == 0 || *out == "" {
		fs.Usage()
		return usageErr("train needs --data and --out")
	}
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	opt := jsonl.Options{RequireLabel: true, SkipBad: *skipBad}
	trainSet, trainFiles, err := readExamples(data, opt)
	if err != nil {
		return err
	}
	devSet, devFiles, err := readExamples(dev, opt)
	if err != nil {
		return err
	}
	urgencies, err := countUrgencies(trainSet, devSet)
	if err != nil {
		return err
	}
	a, err := analysis.Default()
	if err != nil {
		return err
	}
	announceTraining(cfg, len(trainSet), len(devSet), urgencies, *withUrgency)
	report, done := progressReporter(os.Stderr, "train", cfg.MaxIter)
	cfg.Progress = report
	job := train.Job{Config: cfg, Train: trainSet, Dev: devSet, TrainFiles: trainFiles, DevFiles: devFiles,
		Refit: *refit, AutoTarget: *autoTarget, Version: Version, Urgency: *withUrgency}
	if job.Refit && len(devSet) > 0 {
		job.RefitProgress, _ = progressReporter(os.Stderr, "refit", cfg.MaxIter)
	}
	b, err := job.Run(ctx, a)
	done()
	if err != nil {
		return err
	}
	if err := bundle.Save(*out, b); err != nil {
		return err
	}
	printTrainingSummary(*out, b.Manifest)
	return nil
}

// announceTraining says on stderr what the training is about to learn from:
// the set sizes, a penalty list dev is too small to choose from, and how
// many reports the urgency model will see.
func announceTraining(cfg train.Config, nTrain, nDev, urgencies int, withUrgency bool) {
	fmt.Fprintf(os.Stderr, "training on %d reports (%d dev)\n", nTrain, nDev)
	if len(cfg.L2Choices) > 1 && nDev > 0 && !cfg.ChoosesL2(nDev) {
		fmt.Fprintf(os.Stderr, "dev has fewer than %d reports, too few to choose the penalty: l2 %g\n", cfg.MinDevForL2Choice, cfg.L2Choices[0])
	}
	n := nTrain + nDev
	switch {
	case !withUrgency || urgencies == n:
	case urgencies == 0:
		fmt.Fprintln(os.Stderr, "no report carries an urgency: no urgency model (the dispatcher's rules will set urgency)")
	default:
		fmt.Fprintf(os.Stderr, "%d of %d reports carry an urgency: the urgency model learns from those\n", urgencies, n)
	}
}

// printTrainingSummary says on stderr what a training wrote to out: the
// settings tried and chosen on dev, the refit and the dev metrics.
func printTrainingSummary(out string, m bundle.Manifest) {
	fmt.Fprintf(os.Stderr, "wrote %s: model %s, %d labels, %d features, %d iterations, %.1fs\n",
		out, m.ModelVersion, len(m.Labels), m.VocabularySize, m.Training.Iterations, m.Training.Seconds)
	for _, t := range m.Training.Tried {
		fmt.Fprintf(os.Stderr, "l2 %g, word weight %g, concentration weight %g: dev accuracy %.4f after %d iterations\n", t.L2, t.WordWeight, t.ConcentrationWeight, t.DevAccuracy, t.Iterations)
	}
	if len(m.Training.Tried) > 0 {
		fmt.Fprintf(os.Stderr, "l2 %g, word weight %g, concentration weight %g chosen on dev\n", m.Training.L2, m.Features.WordScale(), m.Features.ConcentrationWeight)
	}
	if m.Training.Refit {
		fmt.Fprintf(os.Stderr, "refitted on train+dev (%d reports, %d iterations: until the training objective was down to the early-stopped model's, or at most twice its iterations); the dev figures are the train-only model's\n",
			m.Training.Examples, m.Training.RefitIterations)
	}
	if d := m.DevMetrics; d != nil {
		fmt.Fprintf(os.Stderr, "dev: accuracy %.4f macro-F1 %.4f top-3 %.4f ECE %.4f; auto-dispatch threshold %.3f keeps %.1f%% at ≥ %.0f%% accuracy\n",
			d.Accuracy, d.MacroF1, d.Top3, d.ECE, m.Thresholds.Global, 100*m.Thresholds.Coverage, 100*m.Thresholds.Target)
	}
	if u := m.Urgency; u != nil && u.DevMetrics != nil {
		fmt.Fprintf(os.Stderr, "urgency model (%d reports): dev accuracy %.4f macro-F1 %.4f ECE %.4f\n", u.Examples, u.DevMetrics.Accuracy, u.DevMetrics.MacroF1, u.DevMetrics.ECE)
	}
}

// countUrgencies counts the examples of the sets that carry an urgency,
// and fails on an urgency that is not urgent, general or consult.
func countUrgencies(sets ...[]train.Example) (int, error) {
	n := 0
	for _, set := range sets {
		for _, e := range set {
			if e.Urgency == "" {
				continue
			}
			if !datasets.Urgency(e.Urgency).Valid() {
				return 0, usageErr("urgency %q is not urgent, general or consult (report %.20q)", e.Urgency, e.Text)
			}
			n++
		}
	}
	return n, nil
}

// readExamples reads labelled JSONL files, returning the examples and a
// digest of each file.
func readExamples(paths []string, opt jsonl.Options) ([]train.Example, []bundle.File, error) {
	var out []train.Example
	var files []bundle.File
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, err
		}
		res, err := jsonl.Read(bytes.NewReader(raw), p, opt)
		if err != nil {
			return nil, nil, err
		}
		if res.Skipped > 0 {
			fmt.Fprintf(os.Stderr, "%s: skipped %d bad line(s)\n", p, res.Skipped)
		}
		for _, r := range res.Records {
			out = append(out, train.Example{Text: r.Input(), Label: r.Label, Urgency: r.Urgency})
		}
		files = append(files, bundle.File{Name: p, SHA256: bundle.SHA256(raw), Lines: len(res.Records)})
	}
	return out, files, nil
}

// specFlags registers the feature-spec flags shared by train and cv.
func specFlags(fs *flag.FlagSet, spec *features.Spec) {
	fs.Func("word-ngrams", "word n-gram range, e.g. 1-2 (default 1-2)", func(v string) error {
		_, err := fmt.Sscanf(v, "%d-%d", &spec.WordMinN, &spec.WordMaxN)
		return err
	})
	fs.Func("char-ngrams", "character n-gram range, e.g. 1-3 (default 1-3)", func(v string) error {
		_, err := fmt.Sscanf(v, "%d-%d", &spec.CharMinN, &spec.CharMaxN)
		return err
	})
	fs.IntVar(&spec.MinDF, "min-df", spec.MinDF, "drop terms found in fewer training reports")
	fs.BoolVar(&spec.LeadLine, "lead-line", spec.LeadLine, "give a short first line (a title) its own group of features")
	fs.BoolVar(&spec.LeadChars, "lead-chars", spec.LeadChars, "put the lead line's character n-grams in its group, besides its words")
	spec.LeadWeight = spec.LeadScale()
	fs.Var((*weightFlag)(&spec.LeadWeight), "lead-weight", "weight of the lead-line group against the word and character n-grams (--lead-line=false drops the group)")
}

// weightFlag is a group weight: a positive number, since a spec reads a
// weight of 0 as 1.
type weightFlag float64

func (f *weightFlag) String() string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(float64(*f), 'g', -1, 64)
}

func (f *weightFlag) Set(v string) error {
	x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || !(x > 0) {
		return fmt.Errorf("%q is not a positive number", v)
	}
	*f = weightFlag(x)
	return nil
}

// floatsFlag is a comma-separated list of non-negative numbers.
type floatsFlag []float64

func (f *floatsFlag) String() string {
	if f == nil {
		return ""
	}
	parts := make([]string, len(*f))
	for i, v := range *f {
		parts[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

func (f *floatsFlag) Set(v string) error {
	vals, err := parseFloats(v)
	*f = vals
	return err
}

// parseFloats parses a comma-separated list of non-negative numbers.
func parseFloats(v string) ([]float64, error) {
	var vals []float64
	for _, part := range strings.Split(v, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || x < 0 {
			return nil, fmt.Errorf("%q is not a non-negative number", part)
		}
		vals = append(vals, x)
	}
	return vals, nil
}

// l2Flag sets a training configuration's L2 penalty, or the penalties to
// choose from on dev (on a dev set of any size).
type l2Flag train.Config

func (f *l2Flag) String() string {
	if f == nil {
		return ""
	}
	if len(f.L2Choices) > 1 {
		return (*floatsFlag)(&f.L2Choices).String()
	}
	return strconv.FormatFloat(f.L2, 'g', -1, 64)
}

func (f *l2Flag) Set(v string) error {
	vals, err := parseFloats(v)
	if err != nil {
		return err
	}
	// Penalties the user lists are tried whatever the size of dev.
	f.L2, f.L2Choices, f.MinDevForL2Choice = vals[0], vals, 0
	return nil
}
