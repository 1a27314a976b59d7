// Package bundle reads and writes model bundles: a directory holding
// model.onnx (the ONNX graph), model.weights (its weight matrix, as ONNX
// external data), vocab.tsv (the feature vocabulary) and manifest.json
// (everything else needed to use and trust the model). A bundle trained on
// reports that carry their urgency also holds an urgency model over the same
// features, as model.onnx and model.weights in its urgency directory.
// Bundles are written atomically and validated on load.
package bundle

import (
	"time"

	"github.com/gridtriage/gridtriage/classify/features"
	"github.com/gridtriage/gridtriage/model/onnx"
)

// FormatVersion is the bundle format this build reads and writes (2: the
// weight matrix in half precision, in its own file).
const FormatVersion = 2

// File names inside a bundle directory.
const (
	ManifestFile = "manifest.json"
	ModelFile    = "model.onnx"
	WeightsFile  = onnx.WeightsFile
	VocabFile    = "vocab.tsv"
	// UrgencyDir holds the urgency model's ModelFile and WeightsFile.
	UrgencyDir = "urgency"
)

// Manifest describes a model bundle.
type Manifest struct {
	FormatVersion     int           `json:"format_version"`
	ModelVersion      string        `json:"model_version"` // derived from the digests of the graph and weights
	GridtriageVersion string        `json:"gridtriage_version"`
	CreatedAt         time.Time     `json:"created_at"`
	Labels            []string      `json:"labels"`
	Features          features.Spec `json:"features"`
	VocabularySize    int           `json:"vocabulary_size"`
	Temperature       float32       `json:"temperature"`
	Training          Training      `json:"training"`
	DevMetrics        *Metrics      `json:"dev_metrics,omitempty"`
	Thresholds        *Thresholds   `json:"thresholds,omitempty"`
	// Urgency describes the urgency model, when the bundle has one.
	Urgency *UrgencyManifest `json:"urgency,omitempty"`
	Files   []File           `json:"files"`
}

// UrgencyManifest describes a bundle's urgency model: a linear model over
// the category model's features whose labels are urgencies.
type UrgencyManifest struct {
	Labels      []string `json:"labels"`
	Temperature float32  `json:"temperature"`
	Examples    int      `json:"examples"` // reports it was trained on: those that carry an urgency
	Iterations  int      `json:"iterations"`
	// RefitIterations are the refit's iterations, when it was refitted on
	// train+dev like the category model.
	RefitIterations int      `json:"refit_iterations,omitempty"`
	DevMetrics      *Metrics `json:"dev_metrics,omitempty"`
}

// Training records how the model was trained.
type Training struct {
	Data       []File  `json:"data"`        // training files
	Dev        []File  `json:"dev"`         // dev files (early stopping, calibration)
	DataSHA256 string  `json:"data_sha256"` // over all training and dev files
	Examples   int     `json:"examples"`
	Seed       int64   `json:"seed"`
	L2         float64 `json:"l2"`
	// Tried lists the penalties and word weights tried, with their dev
	// accuracy, when they were chosen on dev; the chosen word weight is in
	// the feature spec.
	Tried      []Trial `json:"tried,omitempty"`
	Iterations int     `json:"iterations"`
	Refit      bool    `json:"refit"` // refitted on train+dev after early stopping
	// RefitIterations are the refit's iterations: until its objective fell
	// to the early-stopped model's, or the bound on them.
	RefitIterations int     `json:"refit_iterations,omitempty"`
	Seconds         float64 `json:"seconds"`
}

// File names a file with its digest.
type File struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Lines  int    `json:"lines,omitempty"`
}

// Metrics are the dev-set figures recorded at training time.
type Metrics struct {
	N        int     `json:"n"`
	Accuracy float64 `json:"accuracy"`
	MacroF1  float64 `json:"macro_f1"`
	Top3     float64 `json:"top3_accuracy"`
	ECE      float64 `json:"ece"`
	LogLoss  float64 `json:"log_loss"`
}

// Thresholds are the confidence thresholds for automatic dispatch, chosen
// on dev data to reach Target accuracy among the reports kept automatic.
type Thresholds struct {
	Target   float64            `json:"target"`
	Global   float64            `json:"global"`
	PerClass map[string]float64 `json:"per_class,omitempty"`
	Coverage float64            `json:"coverage"` // share of dev reports kept automatic
	ChosenOn string             `json:"chosen_on"`
}

// Threshold returns the threshold for label: its own when set, else the
// global one.
func (t *Thresholds) Threshold(label string) float64 {
	if t == nil {
		return 0
	}
	if v, ok := t.PerClass[label]; ok {
		return v
	}
	return t.Global
}

// Trial is one L2 penalty, word weight and concentration weight tried in
// training, with its dev accuracy.
type Trial struct {
	L2                  float64 `json:"l2"`
	WordWeight          float64 `json:"word_weight"`
	ConcentrationWeight float64 `json:"concentration_weight"`
	DevAccuracy         float64 `json:"dev_accuracy"`
	Iterations          int     `json:"iterations"`
}

// file is the entry of the named file, or a zero File.
func (m *Manifest) file(name string) File {
	for _, f := range m.Files {
		if f.Name == name {
			return f
		}
	}
	return File{}
}
