package bundle

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridtriage/gridtriage/classify/features"
	"github.com/gridtriage/gridtriage/model/linear"
	"github.com/gridtriage/gridtriage/model/onnx"
)

// tinyBundle is an unsaved two-class bundle over a two-term vocabulary.
func tinyBundle() *Bundle { return tinyBundleWith(1, -1, 0.5, 0.25) }

// tinyBundleWith is tinyBundle with the weights of its two terms.
func tinyBundleWith(w ...float32) *Bundle {
	spec := features.DefaultSpec()
	vocab := features.BuildVocabulary(spec, [][]string{{"w:井盖", "c:井"}, {"w:井盖", "c:井"}})
	m := &linear.Model{Labels: []string{"A", "B"}, Dim: vocab.Size(), W: append([]float32{0, 0}, w...), B: []float32{0, 0}, Temperature: 1}
	enc := onnx.Export(m, "test", nil)
	return &Bundle{Manifest: Manifest{Labels: m.Labels, Features: spec, Temperature: 1}, Model: enc.Graph, WeightData: enc.Weights, Vocab: vocab}
}

func TestSaveLoadAndCopy(t *testing.T) {
	root := t.TempDir()
	first, second := filepath.Join(root, "first"), filepath.Join(root, "second")
	b := tinyBundle()
	if err := Save(first, b); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(first)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.WeightData != nil || loaded.Manifest.ModelVersion != b.Manifest.ModelVersion {
		t.Errorf("loaded bundle holds %d weight bytes, version %q (saved %q)", len(loaded.WeightData), loaded.Manifest.ModelVersion, b.Manifest.ModelVersion)
	}
	w, err := loaded.ReadWeightRows(1, 3)
	if err != nil || w.At(2, 1) != 0.25 {
		t.Fatalf("rows from the saved file: %+v, %v", w, err)
	}
	if err := Save(second, loaded); err != nil { // copies the weights file
		t.Fatal(err)
	}
	copied, err := Load(second)
	if err != nil {
		t.Fatal(err)
	}
	if copied.Manifest.ModelVersion != b.Manifest.ModelVersion {
		t.Errorf("copy has version %q, want %q", copied.Manifest.ModelVersion, b.Manifest.ModelVersion)
	}
}

func TestLoadRejectsBadWeights(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(path string) error
		want   string
	}{
		{"missing", os.Remove, "reading " + WeightsFile},
		{"changed", func(p string) error { return os.WriteFile(p, []byte("junkjunkjunkjunk"), 0o644) }, "does not match the sha256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "b")
			if err := Save(dir, tinyBundle()); err != nil {
				t.Fatal(err)
			}
			if err := tt.mutate(filepath.Join(dir, WeightsFile)); err != nil {
				t.Fatal(err)
			}
			if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestSaveRefusesWeightsChangedSinceLoad(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "b")
	if err := Save(dir, tinyBundle()); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, WeightsFile), make([]byte, 12), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Save(filepath.Join(root, "copy"), loaded); err == nil || !strings.Contains(err.Error(), "changed since") {
		t.Errorf("Save = %v, want a refusal", err)
	}
}

// withUrgency adds a two-label urgency model over b's features.
func withUrgency(b *Bundle) *Bundle {
	m := &linear.Model{Labels: []string{"general", "urgent"}, Dim: b.Vocab.Size(), W: []float32{0, 0, 0.5, -0.5, 0.125, 0}, B: []float32{0, 0}, Temperature: 1}
	enc := onnx.Export(m, "test", nil)
	b.Urgency = &Head{Model: enc.Graph, WeightData: enc.Weights}
	b.Manifest.Urgency = &UrgencyManifest{Labels: m.Labels, Temperature: 1}
	return b
}

func TestSaveLoadAndCopyWithUrgency(t *testing.T) {
	root := t.TempDir()
	first, second := filepath.Join(root, "first"), filepath.Join(root, "second")
	b := withUrgency(tinyBundle())
	if err := Save(first, b); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(first)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Urgency == nil || loaded.Urgency.Weights.Classes != 2 || loaded.Urgency.Weights.Dim != loaded.Vocab.Size() {
		t.Fatalf("loaded urgency model %+v", loaded.Urgency)
	}
	if err := Save(second, loaded); err != nil { // copies both weights files
		t.Fatal(err)
	}
	copied, err := Load(second)
	if err != nil {
		t.Fatal(err)
	}
	plain := tinyBundle()
	if err := Save(filepath.Join(root, "plain"), plain); err != nil {
		t.Fatal(err)
	}
	if v := copied.Manifest.ModelVersion; v != b.Manifest.ModelVersion || v == plain.Manifest.ModelVersion {
		t.Errorf("copy has version %q, want %q, unlike the bundle without an urgency model (%q)", v, b.Manifest.ModelVersion, plain.Manifest.ModelVersion)
	}
}

func TestLoadRejectsBadUrgencyModels(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(dir string) error
		want   string
	}{
		{"weights missing", func(dir string) error { return os.Remove(filepath.Join(dir, UrgencyDir, WeightsFile)) }, "urgency model: reading urgency/model.weights"},
		{"weights changed", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, UrgencyDir, WeightsFile), make([]byte, 12), 0o644)
		}, "urgency/model.weights does not match the sha256"},
		{"graph changed", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, UrgencyDir, ModelFile), []byte("x"), 0o644)
		}, "urgency/model.onnx does not match"},
		{"labels unsorted", func(dir string) error { return editManifest(dir, `"general",`, `"zz",`) }, "urgency model: labels are not sorted"},
		{"label missing", func(dir string) error { return editManifest(dir, `"general",`, ``) }, "urgency model: 1 labels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "b")
			if err := Save(dir, withUrgency(tinyBundle())); err != nil {
				t.Fatal(err)
			}
			if err := tt.mutate(dir); err != nil {
				t.Fatal(err)
			}
			if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// editManifest replaces the first from with to in dir's manifest.
func editManifest(dir, from, to string) error {
	path := filepath.Join(dir, ManifestFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(strings.Replace(string(raw), from, to, 1)), 0o644)
}
