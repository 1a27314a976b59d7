package datasets

import (
	"bytes"
	"cmp"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gridtriage/gridtriage/datasets/jsonl"
)

// Split names.
const (
	SplitTrain = "train"
	SplitDev   = "dev"
	SplitTest  = "test"
)

// Splits lists the split names in order.
var Splits = []string{SplitTrain, SplitDev, SplitTest}

// Channels are the report channels a corpus record may name.
var Channels = []string{"app", "wechat", "hotline", "patrol", "visit", "sensor", "forwarded", "volunteer"}

// SplitOf assigns a record to a split by the first byte of the SHA-1 of its
// id: < 179 train (69.9%), < 205 dev (10.2%), else test (19.9%) — the rule
// of the tipdm2020 data.
func SplitOf(id string) string {
	b := sha1.Sum([]byte(id))
	switch {
	case b[0] < 179:
		return SplitTrain
	case b[0] < 205:
		return SplitDev
	}
	return SplitTest
}

// ReadCorpus reads every *.jsonl file of the corpus source directory, in
// name order, requiring labels.
func ReadCorpus(srcDir string) ([]jsonl.Record, error) {
	files, err := filepath.Glob(filepath.Join(srcDir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.jsonl files in %s", srcDir)
	}
	slices.Sort(files)
	var out []jsonl.Record
	for _, f := range files {
		res, err := jsonl.ReadFile(f, jsonl.Options{RequireLabel: true})
		if err != nil {
			return nil, err
		}
		out = append(out, res.Records...)
	}
	return out, nil
}

// CorpusManifest describes the split files of the corpus.
type CorpusManifest struct {
	Rule   string                    `json:"rule"`
	Total  int                       `json:"total"`
	Files  map[string]SplitFile      `json:"files"`
	Counts map[string]map[string]int `json:"counts"` // label → split → count
}

// SplitFile is one split file with its size and digest.
type SplitFile struct {
	Name   string `json:"name"`
	Lines  int    `json:"lines"`
	SHA256 string `json:"sha256"`
}

// BuildSplits assigns records to splits, sorted by id within each, and
// returns each split's JSONL bytes and the manifest.
func BuildSplits(recs []jsonl.Record) (map[string][]byte, CorpusManifest) {
	bySplit := map[string][]jsonl.Record{}
	m := CorpusManifest{
		Rule:   "first byte of sha1(id): <179 train, <205 dev, else test",
		Total:  len(recs),
		Files:  map[string]SplitFile{},
		Counts: map[string]map[string]int{},
	}
	for _, r := range recs {
		s := SplitOf(r.ID)
		bySplit[s] = append(bySplit[s], r)
		if m.Counts[r.Label] == nil {
			m.Counts[r.Label] = map[string]int{}
		}
		m.Counts[r.Label][s]++
	}
	out := map[string][]byte{}
	for _, s := range Splits {
		rs := bySplit[s]
		slices.SortFunc(rs, func(a, b jsonl.Record) int { return cmp.Compare(a.ID, b.ID) })
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		for _, r := range rs {
			enc.Encode(r)
		}
		out[s] = buf.Bytes()
		sum := sha256.Sum256(buf.Bytes())
		m.Files[s] = SplitFile{Name: s + ".jsonl", Lines: len(rs), SHA256: hex.EncodeToString(sum[:])}
	}
	return out, m
}

// WriteSplits writes train.jsonl, dev.jsonl, test.jsonl and manifest.json to
// dir.
func WriteSplits(dir string, recs []jsonl.Record) (CorpusManifest, error) {
	files, m := BuildSplits(recs)
	for _, s := range Splits {
		if err := os.WriteFile(filepath.Join(dir, s+".jsonl"), files[s], 0o644); err != nil {
			return m, err
		}
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, err
	}
	return m, os.WriteFile(filepath.Join(dir, "manifest.json"), append(raw, '\n'), 0o644)
}

// CheckRecord reports what is wrong with a corpus record against the
// taxonomy: unknown label, bad urgency or channel, id not of its label.
func (t *Taxonomy) CheckRecord(r jsonl.Record) error {
	if _, ok := t.Category(r.Label); !ok {
		return fmt.Errorf("%s: unknown label %q", r.ID, r.Label)
	}
	if !Urgency(r.Urgency).Valid() {
		return fmt.Errorf("%s: urgency %q is not urgent, general or consult", r.ID, r.Urgency)
	}
	if !slices.Contains(Channels, r.Channel) {
		return fmt.Errorf("%s: unknown channel %q", r.ID, r.Channel)
	}
	if !strings.HasPrefix(r.ID, r.Label+"-") {
		return fmt.Errorf("%s: id does not start with its label %s", r.ID, r.Label)
	}
	return nil
}
