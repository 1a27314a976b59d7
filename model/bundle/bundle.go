package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/classify/features"
	"github.com/gridtriage/gridtriage/model/onnx"
)

// Bundle is a model bundle in memory.
type Bundle struct {
	Manifest Manifest
	Model    []byte // ONNX bytes
	Vocab    *features.Vocabulary
	Weights  *onnx.Weights // shapes, bias and temperature parsed from Model; W is not read
}

// SHA256 returns the hex digest of b.
func SHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Save writes the bundle to dir atomically: it is built in a temporary
// directory beside dir and renamed into place, so readers see the old bundle
// or the new one, never a mix. The manifest's file list and model version are
// filled in.
func Save(dir string, b *Bundle) error {
	const op = "bundle.Save"
	var vocab bytes.Buffer
	if _, err := b.Vocab.WriteTo(&vocab); err != nil {
		return gridtriage.E(op, gridtriage.KindInternal, err)
	}
	m := b.Manifest
	m.FormatVersion = FormatVersion
	m.VocabularySize = len(b.Vocab.Terms)
	m.ModelVersion = SHA256(b.Model)[:12]
	m.Files = []File{{Name: ModelFile, SHA256: SHA256(b.Model)}, {Name: VocabFile, SHA256: SHA256(vocab.Bytes()), Lines: len(b.Vocab.Terms)}}
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
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
	files := map[string][]byte{ModelFile: b.Model, VocabFile: vocab.Bytes(), ManifestFile: append(manifest, '\n')}
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
func Load(dir string) (*Bundle, error) {
	const op = "bundle.Load"
	fail := func(format string, args ...any) (*Bundle, error) {
		return nil, gridtriage.Errorf(op, gridtriage.KindInvalid, "model bundle %s: "+format, append([]any{dir}, args...)...)
	}
	raw, err := os.ReadFile(filepath.Join(dir, ManifestFile))
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
		return fail("format version %d, this build reads %d", m.FormatVersion, FormatVersion)
	}
	if err := validateLabels(m.Labels); err != nil {
		return fail("%v", err)
	}
	if err := m.Features.Validate(); err != nil {
		return fail("feature spec: %v", err)
	}
	data := map[string][]byte{}
	for _, f := range m.Files {
		d, err := os.ReadFile(filepath.Join(dir, filepath.Base(f.Name)))
		if err != nil {
			return fail("reading %s: %v", f.Name, err)
		}
		if SHA256(d) != f.SHA256 {
			return fail("%s does not match the sha256 in the manifest", f.Name)
		}
		data[f.Name] = d
	}
	if data[ModelFile] == nil || data[VocabFile] == nil {
		return fail("manifest must list %s and %s", ModelFile, VocabFile)
	}
	b.Model = data[ModelFile]
	if b.Vocab, err = features.ReadVocabulary(bytes.NewReader(data[VocabFile])); err != nil {
		return fail("%v", err)
	}
	if b.Weights, err = onnx.ReadWeightRows(b.Model, 0, 0); err != nil {
		return fail("%s: %v", ModelFile, err)
	}
	if b.Weights.Dim != b.Vocab.Size() || b.Weights.Classes != len(m.Labels) {
		return fail("model shape %d×%d does not match %d features × %d labels", b.Weights.Dim, b.Weights.Classes, b.Vocab.Size(), len(m.Labels))
	}
	return &b, nil
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
