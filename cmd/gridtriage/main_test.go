package main

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gridtriage/gridtriage/classify/analysis"
	"github.com/gridtriage/gridtriage/datasets/jsonl"
	"github.com/gridtriage/gridtriage/model/bundle"
	"github.com/gridtriage/gridtriage/model/train"
)

const corpusDir = "../../datasets/corpus"

// EnvTestModel names a trained corpus bundle the tests may use instead of
// training their own (`make test` points it at models/default).
const EnvTestModel = "GRIDTRIAGE_TEST_MODEL"

var (
	modelOnce sync.Once
	modelDir  string
	modelErr  error
)

// testModel trains a model on the corpus train split (dev for early
// stopping and thresholds) once per test binary and returns its directory.
func testModel(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv(EnvTestModel); dir != "" {
		return dir
	}
	modelOnce.Do(func() {
		modelDir, modelErr = os.MkdirTemp("", "gridtriage-cmd-model-")
		if modelErr != nil {
			return
		}
		trainSet, _, err := readExamples([]string{filepath.Join(corpusDir, "train.jsonl")}, jsonl.Options{RequireLabel: true})
		if err != nil {
			modelErr = err
			return
		}
		devSet, _, err := readExamples([]string{filepath.Join(corpusDir, "dev.jsonl")}, jsonl.Options{RequireLabel: true})
		if err != nil {
			modelErr = err
			return
		}
		a, err := analysis.Default()
		if err != nil {
			modelErr = err
			return
		}
		job := train.Job{Config: train.DefaultConfig(), Train: trainSet, Dev: devSet, AutoTarget: 0.98, Version: "test"}
		b, err := job.Run(context.Background(), a)
		if err != nil {
			modelErr = err
			return
		}
		modelErr = bundle.Save(modelDir, b)
	})
	if modelErr != nil {
		t.Fatal(modelErr)
	}
	return modelDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range []string{modelDir, smallDir, testAccess.dir} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	os.Exit(code)
}
