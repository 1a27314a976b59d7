package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/classify/features"
	"github.com/gridtriage/gridtriage/model/onnx"
)

// Bundle is a model bundle in memory. A trained bundle holds its weight
// matrix in WeightData; a loaded one leaves the matrix in Dir, where ONNX
// Runtime maps it, and reads rows of it on demand (ReadWeightRows).
type Bundle struct {
	Manifest   Manifest
	Model      []byte // the ONNX graph (ModelFile)
	WeightData []byte // the weight matrix (WeightsFile) of a bundle not yet saved
	Vocab      *features.Vocabulary
	Weights    *onnx.Weights // shapes, bias and temperature parsed from Model; W is not read
	Dir        string        // the directory a loaded bundle was read from
	// Urgency is the urgency model, or nil; its manifest entry is
	// Manifest.Urgency.
	Urgency *Head
}

// Head is a second linear model over the bundle's features (the urgency
// model): its ONNX graph and, until saved, its weight matrix.
type Head struct {
	Model      []byte
	WeightData []byte
	Weights    *onnx.Weights // parsed from Model on load; W is not read
}

// urgencyFile names a file of the urgency model inside the bundle.
func urgencyFile(name string) string { return UrgencyDir + "/" + name }

// SHA256 returns the hex digest of b.
func SHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// modelVersion names a model by the digests of its graph and weights.
func modelVersion(graphSHA, weightsSHA string) string {
	return SHA256([]byte(graphSHA + weightsSHA))[:12]
}

// ReadWeightRows reads rows [lo, hi) of the weight matrix (hi < 0: to the
// end) from WeightData or the loaded bundle's WeightsFile.
func (b *Bundle) ReadWeightRows(lo, hi int) (*onnx.Weights, error) {
	if b.WeightData != nil {
		return onnx.ReadWeightRows(b.Model, bytes.NewReader(b.WeightData), lo, hi)
	}
	f, err := os.Open(filepath.Join(b.Dir, WeightsFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return onnx.ReadWeightRows(b.Model, f, lo, hi)
}

// Save writes the bundle to dir atomically: it is built in a temporary
// directory beside dir and renamed into place, so readers see the old bundle
// or the new one, never a mix. The manifest's file list and model version are
// filled in. A loaded bundle's weights are copied from its directory.
func Save(dir string, b *Bundle) error {
	const op = "bundle.Save"
	var vocab bytes.Buffer
	if _, err := b.Vocab.WriteTo(&vocab); err != nil {
		return gridtriage.E(op, gridtriage.KindInternal, err)
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return gridtriage.E(op, gridtriage.KindInternal, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return gridtriage.E(op, gridtriage.KindInternal, err)
	}
	defer os.RemoveAll(tmp)
	weightsSHA, err := b.writeWeights(tmp, WeightsFile, b.WeightData)
	if err != nil {
		return gridtriage.E(op, gridtriage.KindInternal, err)
	}
	m := b.Manifest
	m.FormatVersion = FormatVersion
	m.VocabularySize = len(b.Vocab.Terms)
	m.ModelVersion = modelVersion(SHA256(b.Model), weightsSHA)
	m.Files = []File{{Name: ModelFile, SHA256: SHA256(b.Model)}, {Name: WeightsFile, SHA256: weightsSHA},
		{Name: VocabFile, SHA256: SHA256(vocab.Bytes()), Lines: len(b.Vocab.Terms)}}
	files := map[string][]byte{ModelFile: b.Model, VocabFile: vocab.Bytes()}
	if b.Urgency != nil {
		if m.Urgency == nil {
			return gridtriage.Errorf(op, gridtriage.KindInternal, "the bundle has an urgency model but no manifest entry for it")
		}
		if err := os.Mkdir(filepath.Join(tmp, UrgencyDir), 0o755); err != nil {
			return gridtriage.E(op, gridtriage.KindInternal, err)
		}
		sum, err := b.writeWeights(tmp, urgencyFile(WeightsFile), b.Urgency.WeightData)
		if err != nil {
			return gridtriage.E(op, gridtriage.KindInternal, err)
		}
		files[urgencyFile(ModelFile)] = b.Urgency.Model
		m.Files = append(m.Files, File{Name: urgencyFile(ModelFile), SHA256: SHA256(b.Urgency.Model)},
			File{Name: urgencyFile(WeightsFile), SHA256: sum})
		m.ModelVersion = modelVersion(m.ModelVersion, SHA256(b.Urgency.Model)+sum)
	} else {
		m.Urgency = nil
	}
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return gridtriage.E(op, gridtriage.KindInternal, err)
	}
	files[ManifestFile] = append(manifest, '\n')
	for name, data := range files {
		if err := writeSynced(filepath.Join(tmp, name), data); err != nil {
			return gridtriage.E(op, gridtriage.KindInternal, err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return gridtriage.E(op, gridtriage.KindInternal, err)
	}
	if err := replaceDir(tmp, dir); err != nil {
		return gridtriage.E(op, gridtriage.KindInternal, err)
	}
	b.Manifest = m
	return nil
}

// writeWeights writes the weight matrix name into the directory tmp and
// returns its digest: data, or when data is nil a copy of the loaded
// bundle's file, which must still match the digest checked when it was
// loaded.
func (b *Bundle) writeWeights(tmp, name string, data []byte) (string, error) {
	path := filepath.Join(tmp, name)
	if data != nil {
		return SHA256(data), writeSynced(path, data)
	}
	src, err := os.Open(filepath.Join(b.Dir, name))
	if err != nil {
		return "", err
	}
	defer src.Close()
	dst, err := os.Create(path)
	if err != nil {
		return "", err
	}
	sum, _, err := copyDigest(dst, src)
	if err != nil {
		dst.Close()
		return "", err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return "", err
	}
	if err := dst.Close(); err != nil {
		return "", err
	}
	if want := b.Manifest.file(name).SHA256; sum != want {
		return "", fmt.Errorf("%s in %s changed since the bundle was loaded", name, b.Dir)
	}
	return sum, nil
}

// replaceDir renames tmp to dir, moving an existing dir out of the way first.
func replaceDir(tmp, dir string) error {
	old := ""
	if _, err := os.Stat(dir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			os.Rename(old, dir)
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

func writeSynced(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Load reads and validates the bundle in dir.
func Load(dir string) (*Bundle, error) { return load(dir, dir) }

// load reads and validates the bundle whose files are at path, naming it
// dir in errors.
func load(dir, path string) (*Bundle, error) {
	const op = "bundle.Load"
	fail := func(format string, args ...any) (*Bundle, error) {
		return nil, gridtriage.Errorf(op, gridtriage.KindInvalid, "model bundle %s: "+format, append([]any{dir}, args...)...)
	}
	raw, err := os.ReadFile(filepath.Join(path, ManifestFile))
	if err != nil {
		if os.IsNotExist(err) {
			return nil, gridtriage.Errorf(op, gridtriage.KindNotFound, "no model bundle at %s (missing %s; train one with `gridtriage train` or `make model`)", dir, ManifestFile)
		}
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	var b Bundle
	if err := json.Unmarshal(raw, &b.Manifest); err != nil {
		return fail("%s is not valid JSON: %v", ManifestFile, err)
	}
	m := &b.Manifest
	if m.FormatVersion != FormatVersion {
		return fail("format version %d, this build reads %d: retrain it with `gridtriage train` (or `make model`)", m.FormatVersion, FormatVersion)
	}
	if err := validateLabels(m.Labels); err != nil {
		return fail("%v", err)
	}
	if err := m.Features.Validate(); err != nil {
		return fail("feature spec: %v", err)
	}
	for _, name := range []string{ModelFile, WeightsFile, VocabFile} {
		if m.file(name).Name == "" {
			return fail("manifest must list %s, %s and %s", ModelFile, WeightsFile, VocabFile)
		}
	}
	b.Dir = path
	vocab, err := readChecked(path, m.file(VocabFile))
	if err != nil {
		return fail("%v", err)
	}
	if b.Vocab, err = features.ReadVocabulary(bytes.NewReader(vocab)); err != nil {
		return fail("%v", err)
	}
	if b.Model, b.Weights, err = loadLinear(path, m.file(ModelFile), m.file(WeightsFile), b.Vocab.Size(), len(m.Labels)); err != nil {
		return fail("%v", err)
	}
	if m.Urgency != nil {
		if b.Urgency, err = loadHead(path, m, b.Vocab.Size()); err != nil {
			return fail("urgency model: %v", err)
		}
	}
	return &b, nil
}

// loadLinear reads and checks a linear model of the bundle at path: its
// graph, whose W must be dim features × classes, and its weights file,
// which is only hashed (ONNX Runtime maps the file itself).
func loadLinear(path string, graph, weights File, dim, classes int) ([]byte, *onnx.Weights, error) {
	model, err := readChecked(path, graph)
	if err != nil {
		return nil, nil, err
	}
	w, err := onnx.ReadWeightRows(model, nil, 0, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", graph.Name, err)
	}
	if w.Dim != dim || w.Classes != classes {
		return nil, nil, fmt.Errorf("model shape %d×%d does not match %d features × %d labels", w.Dim, w.Classes, dim, classes)
	}
	size, err := hashChecked(path, weights)
	if err != nil {
		return nil, nil, err
	}
	if want := int64(2 * dim * classes); size != want {
		return nil, nil, fmt.Errorf("%s holds %d bytes, the model needs %d", weights.Name, size, want)
	}
	return model, w, nil
}

// loadHead reads and checks the urgency model in the bundle at path, whose
// vocabulary has dim features.
func loadHead(path string, m *Manifest, dim int) (*Head, error) {
	if err := validateLabels(m.Urgency.Labels); err != nil {
		return nil, err
	}
	graph, weights := m.file(urgencyFile(ModelFile)), m.file(urgencyFile(WeightsFile))
	if graph.Name == "" || weights.Name == "" {
		return nil, fmt.Errorf("manifest must list %s and %s", urgencyFile(ModelFile), urgencyFile(WeightsFile))
	}
	model, w, err := loadLinear(path, graph, weights, dim, len(m.Urgency.Labels))
	if err != nil {
		return nil, err
	}
	return &Head{Model: model, Weights: w}, nil
}

// readChecked reads a bundle file and checks its digest.
func readChecked(dir string, f File) ([]byte, error) {
	d, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Name)))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %v", f.Name, err)
	}
	if SHA256(d) != f.SHA256 {
		return nil, fmt.Errorf("%s does not match the sha256 in the manifest", f.Name)
	}
	return d, nil
}

// copyDigest copies src to dst and returns the hex sha256 and length of
// what it copied, streaming, so a large file is never held whole.
func copyDigest(dst io.Writer, src io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(dst, h), src)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// hashChecked checks a bundle file's digest without holding the file, and
// returns its size.
func hashChecked(dir string, f File) (int64, error) {
	r, err := os.Open(filepath.Join(dir, filepath.FromSlash(f.Name)))
	if err != nil {
		return 0, fmt.Errorf("reading %s: %v", f.Name, err)
	}
	defer r.Close()
	sum, n, err := copyDigest(io.Discard, r)
	if err != nil {
		return 0, fmt.Errorf("reading %s: %v", f.Name, err)
	}
	if sum != f.SHA256 {
		return 0, fmt.Errorf("%s does not match the sha256 in the manifest", f.Name)
	}
	return n, nil
}

func validateLabels(labels []string) error {
	if len(labels) < 2 {
		return fmt.Errorf("%d labels; at least 2 are needed", len(labels))
	}
	if !slices.IsSorted(labels) {
		return fmt.Errorf("labels are not sorted")
	}
	for i := 1; i < len(labels); i++ {
		if labels[i] == labels[i-1] {
			return fmt.Errorf("label %q appears twice", labels[i])
		}
	}
	return nil
}
