package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// capture runs f with os.Stdin fed from stdin and returns what it wrote to
// os.Stdout.
func capture(t *testing.T, stdin string, f func() error) (string, error) {
	t.Helper()
	oldIn, oldOut := os.Stdin, os.Stdout
	defer func() { os.Stdin, os.Stdout = oldIn, oldOut }()
	in, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.WriteString(stdin); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	os.Stdin, os.Stdout = in, w
	var buf bytes.Buffer
	done := make(chan struct{})
	go func() { io.Copy(&buf, r); close(done) }()
	ferr := f()
	w.Close()
	<-done
	return buf.String(), ferr
}

func TestEvalJSONContract(t *testing.T) {
	dir := testModel(t)
	test := filepath.Join(corpusDir, "test.jsonl")
	out, err := capture(t, "", func() error {
		return runEval(context.Background(), []string{"--model", dir, "--data", test, "--json"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("--json printed more than one line")
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"n", "accuracy", "macro_f1", "top3_accuracy", "ece", "per_class", "target", "meets_target",
		"accuracy_ci95", "weighted_f1", "brier", "confusion", "most_confused", "automatic", "risk_coverage", "lead_dept_accuracy", "urgency_accuracy"} {
		if _, ok := got[key]; !ok {
			t.Errorf("eval --json lacks %q", key)
		}
	}
	if got["target"] != 0.9 {
		t.Errorf("target %v, want 0.9", got["target"])
	}
	pc := got["per_class"].(map[string]any)["SZ02"].(map[string]any)
	for _, key := range []string{"precision", "recall", "f1", "support"} {
		if _, ok := pc[key]; !ok {
			t.Errorf("per_class entry lacks %q", key)
		}
	}
}

func TestEvalFailUnderAndBaseline(t *testing.T) {
	dir := testModel(t)
	test := filepath.Join(corpusDir, "test.jsonl")
	_, err := capture(t, "", func() error {
		return runEval(context.Background(), []string{"--model", dir, "--data", test, "--fail-under", "0.999"})
	})
	if exitCode(err) != 1 {
		t.Errorf("--fail-under above the accuracy: exit %d (%v), want 1", exitCode(err), err)
	}
	_, err = capture(t, "", func() error {
		return runEval(context.Background(), []string{"--model", dir, "--data", test, "--fail-under", "0.5", "--baseline", dir})
	})
	if err != nil {
		t.Errorf("same model as baseline: %v", err)
	}
}

func TestBadJSONLNamesTheLine(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte("{\"text\":\"井盖没了\",\"label\":\"SZ02\"}\n{\"text\":\"缺标签\"}\n"), 0o644)
	_, err := capture(t, "", func() error {
		return runTrain(context.Background(), []string{"--data", bad, "--out", filepath.Join(t.TempDir(), "m")})
	})
	if err == nil || !strings.Contains(err.Error(), "bad.jsonl:2") || !strings.Contains(err.Error(), `missing "label"`) {
		t.Fatalf("err = %v, want it to name bad.jsonl:2", err)
	}
	if exitCode(err) != 2 {
		t.Errorf("exit %d, want 2", exitCode(err))
	}
}

// TestZeroWeightIsRefused checks that a group weight of 0, which a spec
// would read as 1, is refused on the command line rather than trained with
// weight 1.
func TestZeroWeightIsRefused(t *testing.T) {
	data := filepath.Join(corpusDir, "dev.jsonl")
	for _, tt := range []struct {
		name string
		run  func(context.Context, []string) error
		args []string
	}{
		{"train --lead-weight 0", runTrain, []string{"--data", data, "--out", filepath.Join(t.TempDir(), "m"), "--lead-weight", "0"}},
		{"cv --lead-weight -1", runCV, []string{"--data", data, "--lead-weight", "-1"}},
		{"cv --word-weight 0", runCV, []string{"--data", data, "--word-weight", "0"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := capture(t, "", func() error { return tt.run(context.Background(), tt.args) })
			if err == nil || !strings.Contains(err.Error(), "not a positive number") {
				t.Fatalf("err = %v, want a refusal of the weight", err)
			}
		})
	}
}

func TestTrainRefusesAnUnknownUrgency(t *testing.T) {
	data := filepath.Join(t.TempDir(), "bad.jsonl")
	lines := "{\"text\":\"井盖没了\",\"label\":\"SZ02\",\"urgency\":\"urgent\"}\n{\"text\":\"楼道堆物\",\"label\":\"AQ01\",\"urgency\":\"high\"}\n"
	if err := os.WriteFile(data, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := capture(t, "", func() error {
		return runTrain(context.Background(), []string{"--data", data, "--out", filepath.Join(t.TempDir(), "m")})
	})
	if err == nil || !strings.Contains(err.Error(), `urgency "high" is not urgent, general or consult`) {
		t.Fatalf("err = %v, want a refusal naming the urgency", err)
	}
}

func TestClassifyCommand(t *testing.T) {
	dir := testModel(t)
	stdin := "井盖没了\n{\"id\":\"r2\",\"text\":\"楼道里有人给电动车充电\"}\n{\"title\":5}\n\n老板拖欠工资三个月了\n"
	out, err := capture(t, stdin, func() error {
		return runClassify(context.Background(), []string{"--model", dir, "--top", "2"})
	})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d output lines, want 4:\n%s", len(lines), out)
	}
	want := []string{"SZ02", "AQ02", "", "MD02"}
	wantUrgency := []string{"urgent", "general", "", "general"} // from the bundle's urgency model
	for i, line := range lines {
		var o classifyOutput
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			t.Fatal(err)
		}
		if o.Label != want[i] || o.Urgency != wantUrgency[i] {
			t.Errorf("line %d: label %q, urgency %q; want %q, %q (%s)", i+1, o.Label, o.Urgency, want[i], wantUrgency[i], line)
		}
		if want[i] != "" && (len(o.Top) != 2 || o.Name == "" || o.Probability <= 0) {
			t.Errorf("line %d lacks top-2, name or probability: %s", i+1, line)
		}
		if want[i] == "" && o.Error == "" {
			t.Errorf("bad input line gave no error: %s", line)
		}
	}
}
