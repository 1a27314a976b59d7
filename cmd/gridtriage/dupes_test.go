package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/classify/analysis"
	"github.com/gridtriage/gridtriage/datasets"
	"github.com/gridtriage/gridtriage/dispatch"
	"github.com/gridtriage/gridtriage/dispatch/dedup"
	"github.com/gridtriage/gridtriage/dispatch/search"
	"github.com/gridtriage/gridtriage/model"
)

// pairsFile holds the project's labelled duplicate pairs.
const pairsFile = "../../datasets/duplicates/pairs.jsonl"

// The pairs after the original 240 were written in two batches, each
// before the rule was first run on it: new-1 (dup-241 on) after the rule
// was tuned on the original pairs, whose misses then led to comparing the
// two reports' categories by overlap and to finding candidates without a
// common word; new-2 (dup-322 on) after the rule was frozen. Neither chose
// thresholds; each is reported on its own.
const (
	firstNew1 = "dup-241"
	firstNew2 = "dup-322"
)

// splits names the parts of the labelled pairs, in report order.
var splits = []string{"tuning", "held-out", "new-1", "new-2"}

// minTuningPrecision is the precision the thresholds must keep on the
// tuning half: a margin over the 0.95 the acceptance asks for, because a
// report merged wrongly is lost from dispatch.
const minTuningPrecision = 0.97

type pairReport struct {
	Text   string `json:"text"`
	GridID string `json:"grid_id"`
}

type labelledPair struct {
	ID        string     `json:"id"`
	A         pairReport `json:"a"`
	B         pairReport `json:"b"`
	Duplicate bool       `json:"duplicate"`
	Kind      string     `json:"kind"`
}

// split names the part of the labelled pairs a pair belongs to: the
// tuning half and the held-out half of the original pairs (by a hash of
// the id), or a batch written afterwards.
func (p labelledPair) split() string {
	switch {
	case p.ID >= firstNew2:
		return "new-2"
	case p.ID >= firstNew1:
		return "new-1"
	}
	h := fnv.New32a()
	h.Write([]byte(p.ID))
	if h.Sum32()%2 == 0 {
		return "tuning"
	}
	return "held-out"
}

func readLabelledPairs(t *testing.T) []labelledPair {
	t.Helper()
	f, err := os.Open(pairsFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var pairs []labelledPair
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var p labelledPair
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		if seen[p.ID] || p.A.Text == "" || p.B.Text == "" || p.Kind == "" {
			t.Fatalf("pair %q is repeated or incomplete", p.ID)
		}
		seen[p.ID] = true
		pairs = append(pairs, p)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return pairs
}

// pairCase is one labelled pair run through the live duplicate finder:
// the first report is an open case in the index, the second the new report.
type pairCase struct {
	labelledPair
	probe       dedup.Probe
	text        dedup.Parsed
	comparisons []search.Comparison
}

// merged reports whether rule merges the pair's second report into the
// first, over the candidates the index proposed.
func (c pairCase) merged(rule dedup.Rule) bool {
	for _, cmp := range c.comparisons {
		if rule.Match(c.probe, c.text, cmp.Case, cmp.Verdict.Similarity).Duplicate {
			return true
		}
	}
	return false
}

// score counts merges against the labels.
type score struct{ tp, fp, fn, tn int }

func (s *score) add(merged, duplicate bool) {
	switch {
	case merged && duplicate:
		s.tp++
	case merged:
		s.fp++
	case duplicate:
		s.fn++
	default:
		s.tn++
	}
}

func (s score) precision() float64 { return float64(s.tp) / float64(max(1, s.tp+s.fp)) }
func (s score) recall() float64    { return float64(s.tp) / float64(max(1, s.tp+s.fn)) }

func (s score) String() string {
	return fmt.Sprintf("precision %.3f recall %.3f (%d pairs: %d merged rightly, %d wrongly, %d duplicates missed)",
		s.precision(), s.recall(), s.tp+s.fp+s.fn+s.tn, s.tp, s.fp, s.fn)
}

// scoreOf scores rule on the pair cases that keep selects.
func scoreOf(cases []pairCase, rule dedup.Rule, keep func(pairCase) bool) score {
	var s score
	for _, c := range cases {
		if keep(c) {
			s.add(c.merged(rule), c.Duplicate)
		}
	}
	return s
}

// TestDuplicateRuleOnLabelledPairs measures duplicate merging on the
// project's labelled pairs with the real components: each pair's first
// report is classified, dispatched and indexed (bleve, the project's
// analyzer) as an open case, a week apart from every other pair; the
// second is classified and dispatched, and the live finder
// (search.Duplicates: the index's candidates, the model's categories and
// TextSimilarity, the grids of the 社区 from config/jurisdiction.tsv,
// dedup.Rule) decides. Thresholds are picked on the tuning half of the
// original pairs; the test logs the curve, precision and recall on the
// tuning half, the held-out half, each later batch and all, and the pairs
// it gets wrong, and holds the acceptance of issue #6: precision ≥ 0.95
// and recall ≥ 0.80 on all pairs at the defaults.
func TestDuplicateRuleOnLabelledPairs(t *testing.T) {
	pairs := readLabelledPairs(t)
	if len(pairs) < 300 {
		t.Fatalf("%d labelled pairs, want at least 300", len(pairs))
	}
	cases, find := runPairs(t, pairs)

	tuning := func(c pairCase) bool { return c.split() == "tuning" }
	chosen, curve := chooseRule(cases, tuning)
	t.Logf("tuning half, precision/recall by similarity floor (rows) and category overlap (columns):\n%s", curve)
	def := (&search.Duplicates{Threshold: search.DefaultThreshold}).Rule()
	t.Logf("tuning half picks similarity ≥ %.3f, category overlap ≥ %.3f; defaults are %.3f, %.3f",
		chosen.MinSimilarity, chosen.MinCategoryOverlap, def.MinSimilarity, def.MinCategoryOverlap)
	if chosen != def {
		t.Logf("NOTE: the tuning half now picks other thresholds than dedup's defaults")
	}

	var report strings.Builder
	for _, split := range splits {
		fmt.Fprintf(&report, "  %-8s %v\n", split, scoreOf(cases, def, func(c pairCase) bool { return c.split() == split }))
	}
	all := scoreOf(cases, def, func(pairCase) bool { return true })
	fmt.Fprintf(&report, "  %-8s %v\n", "all", all)
	t.Logf("at the defaults:\n%s%s", report.String(), errorsByKind(cases, def))

	checkFindAgrees(t, cases, def, find)
	if all.precision() < 0.95 || all.recall() < 0.80 {
		t.Errorf("precision %.3f, recall %.3f on all pairs; want ≥ 0.95 and ≥ 0.80", all.precision(), all.recall())
	}
}

// runPairs indexes every pair's first report and compares its second with
// the open cases the index proposes, with a rule that keeps every
// candidate the thresholds could let through. find is the default finder
// as the service calls it.
func runPairs(t *testing.T, pairs []labelledPair) (cases []pairCase, find func(dedup.Probe) (string, error)) {
	t.Helper()
	tax, err := datasets.Default()
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Open(testModel(t), tax.Name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	jur, err := dispatch.LoadJurisdiction("../../config/jurisdiction.tsv")
	if err != nil {
		t.Fatal(err)
	}
	idx, err := search.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	disp := &dispatch.Dispatcher{Taxonomy: tax, Jurisdiction: jur, Deadlines: dispatch.DefaultDeadlines()}
	base := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	an, err := analysis.Default()
	if err != nil {
		t.Fatal(err)
	}
	cases = make([]pairCase, len(pairs))
	for i, p := range pairs {
		at := base.Add(time.Duration(i) * 7 * 24 * time.Hour)
		a := gridtriage.Report{ExternalID: p.ID + "-a", Text: p.A.Text, GridID: p.A.GridID, ReportedAt: at}
		b := gridtriage.Report{ExternalID: p.ID + "-b", Text: p.B.Text, GridID: p.B.GridID, ReportedAt: at.Add(time.Hour)}
		decA, decB := decide(t, m, disp, a), decide(t, m, disp, b)
		if err := idx.Put(&gridtriage.Case{ID: p.ID, Report: a, Decision: decA, Status: gridtriage.StatusDispatched, CreatedAt: at}); err != nil {
			t.Fatal(err)
		}
		cases[i] = pairCase{labelledPair: p, probe: dispatch.DuplicateProbe(b, decB, jur, b.ReportedAt)}
	}
	wide := &search.Duplicates{Index: idx, Window: search.DefaultWindow, CategoryOverlap: 1e-9}
	for i := range cases {
		cmp, err := wide.Compare(context.Background(), cases[i].probe, m)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cmp {
			if c.Case.ID != cases[i].ID {
				t.Fatalf("pair %s: the index proposed %s from outside the window", cases[i].ID, c.Case.ID)
			}
		}
		cases[i].comparisons = cmp
		cases[i].text = dedup.Parse(an.Normalize(cases[i].probe.Report.Input()))
	}
	live := &search.Duplicates{Index: idx, Window: search.DefaultWindow, Threshold: search.DefaultThreshold}
	find = func(p dedup.Probe) (string, error) {
		id, _, err := live.Find(context.Background(), p, m)
		return id, err
	}
	return cases, find
}

// decide classifies and dispatches a report as the service does.
func decide(t *testing.T, m *model.Model, d *dispatch.Dispatcher, r gridtriage.Report) gridtriage.Decision {
	t.Helper()
	preds, err := m.Classify(context.Background(), []string{r.Input()}, 3)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := d.Dispatch(r, preds[0], m.Labels(), m.Threshold(preds[0].Label), r.ReportedAt)
	if err != nil {
		t.Fatal(err)
	}
	return dec
}

// chooseRule picks, on the pairs keep selects, the thresholds with the
// highest recall at precision ≥ minTuningPrecision, preferring the higher
// floor and the higher category overlap on ties; it also returns the table
// of precision and recall it chose from.
func chooseRule(cases []pairCase, keep func(pairCase) bool) (dedup.Rule, string) {
	floors := []float64{0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.10, 0.15, 0.20}
	overlaps := []float64{0.001, 0.003, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5}
	var b strings.Builder
	fmt.Fprintf(&b, "  %-5s", "sim≥")
	for _, o := range overlaps {
		fmt.Fprintf(&b, " %11s", fmt.Sprintf("cat≥%.3f", o))
	}
	b.WriteString("\n")
	best, bestScore := dedup.Rule{}, score{}
	found := false
	for _, floor := range floors {
		fmt.Fprintf(&b, "  %-5.2f", floor)
		for _, o := range overlaps {
			r := dedup.Rule{MinSimilarity: floor, MinCategoryOverlap: o}
			s := scoreOf(cases, r, keep)
			fmt.Fprintf(&b, " %5.3f/%5.3f", s.precision(), s.recall())
			if s.precision() >= minTuningPrecision && (!found || s.recall() >= bestScore.recall()) {
				best, bestScore, found = r, s, true
			}
		}
		b.WriteString("\n")
	}
	return best, b.String()
}

// errorsByKind lists, per kind of pair, the pairs rule gets wrong.
func errorsByKind(cases []pairCase, rule dedup.Rule) string {
	wrong := map[string][]string{}
	var kinds []string
	for _, c := range cases {
		if c.merged(rule) == c.Duplicate {
			continue
		}
		if _, ok := wrong[c.Kind]; !ok {
			kinds = append(kinds, c.Kind)
		}
		wrong[c.Kind] = append(wrong[c.Kind], fmt.Sprintf("%s(%s: %s)", c.ID, c.split(), why(c, rule)))
	}
	slices.Sort(kinds)
	var b strings.Builder
	for _, k := range kinds {
		fmt.Fprintf(&b, "  wrong on %s: %s\n", k, strings.Join(wrong[k], "; "))
	}
	return b.String()
}

// why returns the rule's reason on the pair's first candidate, or why
// there was none.
func why(c pairCase, rule dedup.Rule) string {
	if len(c.comparisons) == 0 {
		return "no candidate: other grid or category, or no word in common"
	}
	cmp := c.comparisons[0]
	return rule.Match(c.probe, c.text, cmp.Case, cmp.Verdict.Similarity).Reason
}

// checkFindAgrees runs Find, as the service calls it, with the default
// rule on every pair and checks it merges exactly the pairs the measured
// rule merges.
func checkFindAgrees(t *testing.T, cases []pairCase, rule dedup.Rule, find func(dedup.Probe) (string, error)) {
	t.Helper()
	for _, c := range cases {
		id, err := find(c.probe)
		if err != nil {
			t.Fatal(err)
		}
		if want := c.merged(rule); (id != "") != want || (id != "" && id != c.ID) {
			t.Errorf("pair %s: Find returned %q, the measured rule merges: %v", c.ID, id, want)
		}
	}
}
