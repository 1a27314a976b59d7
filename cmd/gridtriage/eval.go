package main

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/gridtriage/gridtriage/classify"
	"github.com/gridtriage/gridtriage/datasets"
	"github.com/gridtriage/gridtriage/datasets/jsonl"
	"github.com/gridtriage/gridtriage/dispatch"
	"github.com/gridtriage/gridtriage/eval"
	"github.com/gridtriage/gridtriage/model"
	"github.com/gridtriage/gridtriage/model/ort"
)

// evalOutput is the JSON that `gridtriage eval --json` prints.
type evalOutput struct {
	eval.Report
	ModelVersion     string               `json:"model_version"`
	Automatic        *eval.Automatic      `json:"automatic,omitempty"`
	RiskCoverage     []eval.CoveragePoint `json:"risk_coverage"`
	LeadDeptAccuracy *float64             `json:"lead_dept_accuracy,omitempty"`
	UrgencyAccuracy  *float64             `json:"urgency_accuracy,omitempty"`
	Baseline         *eval.Comparison     `json:"baseline,omitempty"`
}

func runEval(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	modelDir := fs.String("model", "", "model bundle directory")
	data := fs.String("data", "", "labelled JSONL file")
	asJSON := fs.Bool("json", false, "print one JSON object")
	failUnder := fs.Float64("fail-under", 0, "exit 1 when accuracy is below this")
	baseline := fs.String("baseline", "", "older model bundle to compare with (exit 1 when the new one is significantly worse)")
	errorsFile := fs.String("errors", "", "write misclassified reports as JSONL to this file")
	htmlFile := fs.String("html", "", "write a self-contained HTML report to this file")
	skipBad := fs.Bool("skip-bad", false, "skip bad JSONL lines instead of failing")
	seed := fs.Uint64("seed", 1, "seed of the bootstrap")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *modelDir == "" || *data == "" {
		fs.Usage()
		return usageErr("eval needs --model and --data")
	}
	if err := ort.Init(); err != nil {
		return err
	}
	tax, err := datasets.Default()
	if err != nil {
		return err
	}
	res, err := jsonl.ReadFile(*data, jsonl.Options{RequireLabel: true, SkipBad: *skipBad})
	if err != nil {
		return err
	}
	if res.Skipped > 0 {
		fmt.Fprintf(os.Stderr, "%s: skipped %d bad line(s)\n", *data, res.Skipped)
	}
	m, preds, err := predictFile(ctx, *modelDir, tax, res.Records)
	if err != nil {
		return err
	}
	defer m.Close()
	samples := toSamples(res.Records, preds)
	out := evalOutput{Report: eval.Evaluate(m.Labels(), samples, *seed), ModelVersion: m.Version()}
	warnUnknownLabels(os.Stderr, out.Report)
	conf, correct, predicted := eval.Confidences(m.Labels(), samples)
	out.RiskCoverage = eval.RiskCoverage(conf, correct)
	if th := m.Bundle.Manifest.Thresholds; th != nil {
		cov, acc, kept := eval.AutomaticShare(conf, correct, predicted, th.Threshold)
		out.Automatic = &eval.Automatic{Target: th.Target, Threshold: th.Global, ChosenOn: th.ChosenOn, Coverage: cov, Accuracy: acc,
			AccuracyCI: eval.BootstrapAccuracy(keptOnly(correct, kept), *seed)}
	}
	out.LeadDeptAccuracy = leadDeptAccuracy(tax, res.Records, preds)
	out.UrgencyAccuracy = urgencyAccuracy(tax, res.Records, preds)
	if *errorsFile != "" {
		if err := writeErrors(*errorsFile, res.Records, preds); err != nil {
			return err
		}
	}
	if *htmlFile != "" {
		page := eval.Page{Report: out.Report, ModelVersion: out.ModelVersion, DataName: *data, Automatic: out.Automatic,
			LeadDept: out.LeadDeptAccuracy, Curve: out.RiskCoverage, Bins: eval.Reliability(conf, correct, eval.ECEBins), Names: tax.Name}
		if err := writeHTML(*htmlFile, page); err != nil {
			return err
		}
	}
	if *baseline != "" {
		if out.Baseline, err = compareBaseline(ctx, *baseline, tax, res.Records, correct); err != nil {
			return err
		}
	}
	if *asJSON {
		if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
			return err
		}
	} else {
		printReport(out)
	}
	return gate(out, *failUnder)
}

// compareBaseline scores recs with the baseline bundle in dir and compares
// its per-report correctness with the new model's.
func compareBaseline(ctx context.Context, dir string, tax *datasets.Taxonomy, recs []jsonl.Record, correct []bool) (*eval.Comparison, error) {
	bm, preds, err := predictFile(ctx, dir, tax, recs)
	if err != nil {
		return nil, err
	}
	defer bm.Close()
	_, baseCorrect, _ := eval.Confidences(bm.Labels(), toSamples(recs, preds))
	c := eval.McNemar(correct, baseCorrect)
	return &c, nil
}

// warnUnknownLabels tells the analyst when gold labels are outside the
// model's label set: they count as errors, and when many are, the model and
// the data are probably from different label sets.
func warnUnknownLabels(w io.Writer, r eval.Report) {
	if len(r.UnknownLabels) == 0 {
		return
	}
	labels := slices.SortedFunc(maps.Keys(r.UnknownLabels), func(a, b string) int {
		return cmp.Or(cmp.Compare(r.UnknownLabels[b], r.UnknownLabels[a]), cmp.Compare(a, b))
	})
	n := 0
	parts := make([]string, 0, min(len(labels), 5))
	for i, l := range labels {
		n += r.UnknownLabels[l]
		if i < cap(parts) {
			parts = append(parts, fmt.Sprintf("%q ×%d", l, r.UnknownLabels[l]))
		}
	}
	if len(labels) > len(parts) {
		parts = append(parts, fmt.Sprintf("and %d more", len(labels)-len(parts)))
	}
	fmt.Fprintf(w, "warning: %d of %d reports have a label the model does not know (%s); they count as errors. Is this the right model for this data?\n",
		n, r.N, strings.Join(parts, ", "))
}

// gate fails when accuracy is under the floor or the model is significantly
// worse than its baseline.
func gate(out evalOutput, failUnder float64) error {
	if failUnder > 0 && out.Accuracy < failUnder {
		fmt.Fprintf(os.Stderr, "FAIL: accuracy %.4f is below --fail-under %.4f\n", out.Accuracy, failUnder)
		return errGate
	}
	if b := out.Baseline; b != nil && b.SignificantlyWorse {
		fmt.Fprintf(os.Stderr, "FAIL: the new model is significantly worse than the baseline (accuracy %.4f vs %.4f, McNemar p = %.4g)\n",
			b.NewAccuracy, b.BaselineAccuracy, b.PValue)
		return errGate
	}
	return nil
}

// predictFile opens the bundle in dir and classifies the records.
func predictFile(ctx context.Context, dir string, tax *datasets.Taxonomy, recs []jsonl.Record) (*model.Model, []classify.Prediction, error) {
	m, err := model.Open(dir, tax.Name)
	if err != nil {
		return nil, nil, err
	}
	texts := make([]string, len(recs))
	for i, r := range recs {
		texts[i] = r.Input()
	}
	classifyReports := m.Classify
	if slices.ContainsFunc(recs, func(r jsonl.Record) bool { return r.Urgency != "" }) {
		classifyReports = m.ClassifyWithUrgency // for urgencyAccuracy
	}
	preds, err := classifyReports(ctx, texts, 3)
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	return m, preds, nil
}

func toSamples(recs []jsonl.Record, preds []classify.Prediction) []eval.Sample {
	s := make([]eval.Sample, len(recs))
	for i, r := range recs {
		s[i] = eval.Sample{Gold: r.Label, Probs: preds[i].Probabilities}
	}
	return s
}

func keptOnly(correct, kept []bool) []bool {
	var out []bool
	for i, k := range kept {
		if k {
			out = append(out, correct[i])
		}
	}
	return out
}

// leadDeptAccuracy is the share of reports whose predicted category has the
// gold category's lead department, when the labels are taxonomy codes.
func leadDeptAccuracy(tax *datasets.Taxonomy, recs []jsonl.Record, preds []classify.Prediction) *float64 {
	right := 0
	for i, r := range recs {
		gold, ok := tax.Category(r.Label)
		if !ok {
			return nil
		}
		if p, _ := tax.Category(preds[i].Label); p.Lead == gold.Lead {
			right++
		}
	}
	if len(recs) == 0 {
		return nil
	}
	acc := float64(right) / float64(len(recs))
	return &acc
}

// writeErrors writes the misclassified reports as JSONL.
func writeErrors(path string, recs []jsonl.Record, preds []classify.Prediction) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	for i, r := range recs {
		p := preds[i]
		if p.Label == r.Label {
			continue
		}
		row := map[string]any{"id": r.ID, "line": r.Line, "text": r.Input(), "gold": r.Label, "predicted": p.Label,
			"probability": p.Probability, "top": p.Top}
		if err := enc.Encode(row); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

func printReport(out evalOutput) {
	fmt.Printf("model %s on %d reports\n", out.ModelVersion, out.N)
	fmt.Printf("accuracy      %.4f  (95%% CI %.4f–%.4f; target %.2f: %s)\n", out.Accuracy, out.AccuracyCI[0], out.AccuracyCI[1], out.Target, map[bool]string{true: "met", false: "NOT met"}[out.MeetsTarget])
	fmt.Printf("macro-F1      %.4f   weighted-F1 %.4f   top-3 %.4f\n", out.MacroF1, out.WeightedF1, out.Top3Accuracy)
	fmt.Printf("ECE           %.4f   Brier %.4f   log-loss %.4f\n", out.ECE, out.Brier, out.LogLoss)
	if a := out.Automatic; a != nil {
		fmt.Printf("automatic     %.1f%% of reports at accuracy %.4f (threshold %.3f chosen on %s for %.2f)\n", 100*a.Coverage, a.Accuracy, a.Threshold, a.ChosenOn, a.Target)
	}
	if out.LeadDeptAccuracy != nil {
		fmt.Printf("lead dept     %.4f\n", *out.LeadDeptAccuracy)
	}
	if out.UrgencyAccuracy != nil {
		fmt.Printf("urgency       %.4f\n", *out.UrgencyAccuracy)
	}
	fmt.Printf("\n%-10s %9s %9s %9s %8s\n", "label", "precision", "recall", "f1", "support")
	labels := slices.Sorted(func(yield func(string) bool) {
		for l := range out.PerClass {
			if !yield(l) {
				return
			}
		}
	})
	for _, l := range labels {
		c := out.PerClass[l]
		fmt.Printf("%-10s %9.4f %9.4f %9.4f %8d\n", l, c.Precision, c.Recall, c.F1, c.Support)
	}
	if len(out.MostConfused) > 0 {
		fmt.Println("\nmost confused (gold → predicted):")
		for _, p := range out.MostConfused {
			fmt.Printf("  %s → %s  %d\n", p.Gold, p.Predicted, p.Count)
		}
	}
	if b := out.Baseline; b != nil {
		fmt.Printf("\nbaseline: accuracy %.4f → %.4f; new-only right %d, baseline-only right %d; McNemar p = %.4g\n",
			b.BaselineAccuracy, b.NewAccuracy, b.NewOnlyRight, b.BaselineOnlyRight, b.PValue)
	}
}

// writeHTML writes the analyst report to path.
func writeHTML(path string, page eval.Page) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := eval.WriteHTML(f, page); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// urgencyAccuracy is the share of reports carrying an urgency whose
// dispatched urgency (the urgency model's, or the rules' from the predicted
// category and the text) matches it.
func urgencyAccuracy(tax *datasets.Taxonomy, recs []jsonl.Record, preds []classify.Prediction) *float64 {
	right, n := 0, 0
	for i, r := range recs {
		cat, ok := tax.Category(preds[i].Label)
		if r.Urgency == "" || !ok {
			continue
		}
		n++
		if u, _ := dispatch.UrgencyOf(r.Input(), cat, preds[i].Urgency); string(u) == r.Urgency {
			right++
		}
	}
	if n == 0 {
		return nil
	}
	acc := float64(right) / float64(n)
	return &acc
}
