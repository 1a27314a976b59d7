package datasets

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gridtriage/gridtriage/classify/normalize"
	"github.com/gridtriage/gridtriage/datasets/jsonl"
)

const (
	corpusDir = "corpus"
	srcDir    = "corpus/src"
	// MinPerCategory is the fewest reports a category may have.
	minPerCategory = 80
)

func corpus(t *testing.T) []jsonl.Record {
	t.Helper()
	recs, err := ReadCorpus(srcDir)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestCorpusRecordsAreValid(t *testing.T) {
	tax, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	ids := map[string]bool{}
	for _, r := range corpus(t) {
		if err := tax.CheckRecord(r); err != nil {
			t.Error(err)
		}
		if ids[r.ID] {
			t.Errorf("id %s appears twice", r.ID)
		}
		ids[r.ID] = true
		counts[r.Label]++
	}
	for _, code := range tax.Codes() {
		if counts[code] < minPerCategory {
			t.Errorf("%s has %d reports, want at least %d", code, counts[code], minPerCategory)
		}
	}
}

func TestCorpusSplitsAreCurrent(t *testing.T) {
	files, m := BuildSplits(corpus(t))
	for _, s := range Splits {
		got, err := os.ReadFile(filepath.Join(corpusDir, s+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(files[s]) {
			t.Errorf("%s.jsonl is stale: run `make corpus`", s)
		}
	}
	raw, err := os.ReadFile(filepath.Join(corpusDir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var committed CorpusManifest
	if err := json.Unmarshal(raw, &committed); err != nil {
		t.Fatal(err)
	}
	for _, s := range Splits {
		if committed.Files[s] != m.Files[s] {
			t.Errorf("manifest entry for %s is stale: %+v, want %+v", s, committed.Files[s], m.Files[s])
		}
	}
	train, dev, test := m.Files[SplitTrain].Lines, m.Files[SplitDev].Lines, m.Files[SplitTest].Lines
	total := float64(train + dev + test)
	if f := float64(train) / total; f < 0.65 || f > 0.75 {
		t.Errorf("train share %.3f, want about 0.70", f)
	}
	if f := float64(test) / total; f < 0.16 || f > 0.24 {
		t.Errorf("test share %.3f, want about 0.20", f)
	}
}

func TestCorpusHasNoNearDuplicates(t *testing.T) {
	recs := corpus(t)
	grams := make([]map[string]struct{}, len(recs))
	index := map[string][]int{}
	for i, r := range recs {
		grams[i] = charGrams(r.Text, 5)
		for g := range grams[i] {
			index[g] = append(index[g], i)
		}
	}
	for i := range recs {
		shared := map[int]int{}
		for g := range grams[i] {
			for _, j := range index[g] {
				if j > i {
					shared[j]++
				}
			}
		}
		for j, inter := range shared {
			union := len(grams[i]) + len(grams[j]) - inter
			if jac := float64(inter) / float64(union); jac >= 0.8 {
				t.Errorf("near-duplicates (5-gram Jaccard %.2f): %s %q and %s %q", jac, recs[i].ID, recs[i].Text, recs[j].ID, recs[j].Text)
			}
		}
	}
}

// charGrams returns the character n-grams of s without white space; a text
// shorter than n is its own single gram.
func charGrams(s string, n int) map[string]struct{} {
	r := []rune(strings.Join(strings.Fields(s), ""))
	out := map[string]struct{}{}
	if len(r) < n {
		out[string(r)] = struct{}{}
		return out
	}
	for i := 0; i+n <= len(r); i++ {
		out[string(r[i:i+n])] = struct{}{}
	}
	return out
}

func TestCorpusSpread(t *testing.T) {
	recs := corpus(t)
	norm, err := normalize.New()
	if err != nil {
		t.Fatal(err)
	}
	var short, long, traditional int
	channels := map[string]int{}
	urgency := map[Urgency]int{}
	for _, r := range recs {
		n := utf8.RuneCountInString(r.Text)
		switch {
		case n <= 12:
			short++
		case n > 200:
			long++
		}
		if n > 450 {
			t.Errorf("%s is %d characters long, want at most 450", r.ID, n)
		}
		if hasTraditional(norm, r.Text) {
			traditional++
		}
		channels[r.Channel]++
		urgency[Urgency(r.Urgency)]++
	}
	total := float64(len(recs))
	check := func(what string, got int, least float64) {
		if float64(got)/total < least {
			t.Errorf("%s: %d of %d (%.1f%%), want at least %.0f%%", what, got, len(recs), 100*float64(got)/total, 100*least)
		}
	}
	check("very short reports (≤ 12 characters)", short, 0.05)
	check("long reports (> 200 characters)", long, 0.05)
	check("reports in traditional characters", traditional, 0.02)
	for _, c := range Channels {
		check("channel "+c, channels[c], 0.01)
	}
	for _, u := range []Urgency{Urgent, General, Consult} {
		check("urgency "+string(u), urgency[u], 0.03)
	}
}

// hasTraditional reports whether converting s to simplified characters
// changes at least two of its characters.
func hasTraditional(n *normalize.Normalizer, s string) bool {
	a, b := []rune(s), []rune(n.Normalize(s))
	if len(a) != len(b) {
		return false
	}
	diff := 0
	for i := range a {
		if a[i] != b[i] && a[i] > 0x2E80 && b[i] > 0x2E80 {
			diff++
		}
	}
	return diff >= 2
}
