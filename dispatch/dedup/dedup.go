// Package dedup decides whether a new grid-governance report repeats an
// open case: the same event at the same place, told again by another
// channel (resident app, 12345 hotline, grid worker), in other words, or
// forwarded.
//
// Reworded duplicates share few words, so the rule does not rest on text
// similarity. It asks for the same or a nearby grid; categories of the
// model that the two reports share some probability of; a named place
// both mention (幸福路, 锦绣花园, 金桥村, 实验小学) and no other place on
// both sides; no conflicting detail (东口 and 西口, 3号楼 and 5号楼, 加油站
// and 超市, 张奶奶 and 王爷爷); no word from the later report that it is a
// new occurrence; and, as a floor, a little text similarity. It imports
// only the standard library and the project's domain types.
package dedup

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/classify"
)

// Defaults of Rule, chosen on the tuning half of the project's labelled
// pairs (datasets/duplicates/pairs.jsonl) by TestDuplicateRuleOnLabelledPairs
// in cmd/gridtriage: the highest recall at precision ≥ 0.97, then the
// highest thresholds. On that half recall is 1.000 for every floor up to
// 0.03 and every overlap up to 0.03, and falls above them (floor 0.05:
// 0.935, 0.10: 0.726, since reworded duplicates share few character
// n-grams; overlap 0.2: 0.952) while precision stays 0.98; the false
// merges left are reports of another problem at the same spot, which no
// threshold separates. With these defaults the live finder measured
// precision/recall 0.984/1.000 on the tuning half (120 pairs), 0.951/1.000
// on the held-out half (120), 0.973/0.900 and 0.957/0.917 on the two
// batches written later (81 and 48; the second was 0.880/0.917 when first
// run, blind), and 0.967/0.967 on all 369.
const (
	// DefaultMinSimilarity is the floor of the model's text similarity.
	DefaultMinSimilarity = 0.03
	// DefaultMinCategoryOverlap is the least probability mass the model's
	// top categories of the two reports share (CategoryOverlap).
	DefaultMinCategoryOverlap = 0.03
)

// TopK is how many of the model's categories of each report the rule
// compares.
const TopK = 3

// Model is the classifier the rule compares reports with; the service's
// model is one.
type Model interface {
	// Classify returns one prediction per text with the k most probable
	// categories in Top.
	Classify(ctx context.Context, texts []string, k int) ([]classify.Prediction, error)
	// TextSimilarity compares two report texts.
	TextSimilarity(a, b string) float64
}

// Probe is a new report as the duplicate finder sees it.
type Probe struct {
	Report gridtriage.Report
	// Top are the model's categories for the report, most likely first.
	Top []gridtriage.Candidate
	// Grids are the report's grid and the grids near it (its 社区); empty
	// means the report's grid only.
	Grids []string
	// Now is when the report arrived.
	Now time.Time
}

// Near returns the grids a case that p repeats may be in: Grids, or the
// report's own grid when Grids is empty.
func (p Probe) Near() []string {
	if len(p.Grids) == 0 && p.Report.GridID != "" {
		return []string{p.Report.GridID}
	}
	return p.Grids
}

// Case is an open case as the rule sees it.
type Case struct {
	ID       string
	Text     string // normalised report text
	GridID   string
	Category string // its category, as dispatched or reviewed
	// Top are the model's categories for its text, most likely first
	// (TopOf).
	Top []gridtriage.Candidate
}

// TopOf returns the categories of a case with category for the rule: the
// model's top ones for its text, or, when a reviewer gave it another
// category than the model's first, that category alone.
func TopOf(category string, p classify.Prediction) []gridtriage.Candidate {
	if len(p.Top) == 0 || (category != "" && p.Top[0].Label != category) {
		return []gridtriage.Candidate{{Label: category, Probability: 1}}
	}
	out := make([]gridtriage.Candidate, len(p.Top))
	for i, s := range p.Top {
		out[i] = gridtriage.Candidate{Label: s.Label, Name: s.Name, Probability: s.Probability}
	}
	return out
}

// CategoryOverlap is the probability mass two reports' top categories
// share: the sum over the categories in both of the smaller probability.
// Two confident reports of one category overlap near 1, of different
// categories near 0; an uncertain report overlaps a little with each of
// its candidates.
func CategoryOverlap(a, b []gridtriage.Candidate) float64 {
	sum := 0.0
	for _, x := range a {
		for _, y := range b {
			if x.Label == y.Label {
				sum += min(x.Probability, y.Probability)
			}
		}
	}
	return sum
}

// Rule decides whether a new report repeats an open case. The zero Rule
// asks for no similarity and any shared category.
type Rule struct {
	// MinSimilarity is the least text similarity of a duplicate.
	MinSimilarity float64
	// MinCategoryOverlap is the least CategoryOverlap of a duplicate.
	MinCategoryOverlap float64
}

// DefaultRule returns the rule with the measured defaults.
func DefaultRule() Rule {
	return Rule{MinSimilarity: DefaultMinSimilarity, MinCategoryOverlap: DefaultMinCategoryOverlap}
}

// Verdict is the rule's decision on one case.
type Verdict struct {
	Duplicate  bool
	Similarity float64
	// Reason says why not, or which place the two reports share.
	Reason string
}

// Match decides whether the new report p, whose normalised text is parsed
// as text, repeats case c; similarity is the two texts' similarity.
func (r Rule) Match(p Probe, text Parsed, c Case, similarity float64) Verdict {
	v := Verdict{Similarity: similarity}
	switch {
	case !slices.Contains(p.Near(), c.GridID):
		v.Reason = fmt.Sprintf("grid %s is not near %s", c.GridID, p.Report.GridID)
	case CategoryOverlap(p.Top, c.Top) < max(r.MinCategoryOverlap, 1e-9):
		v.Reason = fmt.Sprintf("categories overlap %.3f", CategoryOverlap(p.Top, c.Top))
	case similarity < r.MinSimilarity:
		v.Reason = fmt.Sprintf("similarity %.3f below %.3f", similarity, r.MinSimilarity)
	default:
		v.Duplicate, v.Reason = SamePlace(Parse(c.Text), text)
	}
	return v
}
