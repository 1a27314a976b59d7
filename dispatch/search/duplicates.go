package search

import (
	"context"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/dispatch/dedup"
)

// Duplicate detection defaults. DefaultWindow is how far back a report is
// compared (issue #6: 72 h); DefaultThreshold is the text-similarity floor
// of the rule, dedup.DefaultMinSimilarity (0.03), chosen with the rest of
// the rule on the project's labelled pairs, where the finder merges with
// precision 0.967 and recall 0.967 (cmd/gridtriage/dupes_test.go).
const (
	DefaultWindow    = 72 * time.Hour
	DefaultThreshold = dedup.DefaultMinSimilarity
	// candidates is how many open cases of the report's grids and window
	// the rule looks at, best text match first.
	candidates = 30
)

// openStatuses are the statuses of cases a new report may duplicate.
var openStatuses = []string{string(gridtriage.StatusReceived), string(gridtriage.StatusDispatched), string(gridtriage.StatusAccepted)}

// Duplicates finds, for a new report, the open case of its grid or a
// nearby one, within the window, that it repeats: the index proposes the
// open cases, the model gives their categories, and dedup.Rule decides.
type Duplicates struct {
	Index  *Index
	Window time.Duration
	// Threshold is the least text similarity of a duplicate
	// (dedup.Rule.MinSimilarity).
	Threshold float64
	// CategoryOverlap is the least probability mass the two reports'
	// categories share (dedup.Rule.MinCategoryOverlap); 0 means
	// dedup.DefaultMinCategoryOverlap.
	CategoryOverlap float64
}

// Rule returns the duplicate rule d applies.
func (d *Duplicates) Rule() dedup.Rule {
	r := dedup.Rule{MinSimilarity: d.Threshold, MinCategoryOverlap: d.CategoryOverlap}
	if r.MinCategoryOverlap == 0 {
		r.MinCategoryOverlap = dedup.DefaultMinCategoryOverlap
	}
	return r
}

// Find returns the id of the open case that the new report p repeats, with
// the similarity of the two texts (m's TextSimilarity), or "" when there is
// none. When several cases qualify, the most similar wins.
func (d *Duplicates) Find(ctx context.Context, p dedup.Probe, m dedup.Model) (string, float64, error) {
	cs, err := d.Compare(ctx, p, m)
	if err != nil {
		return "", 0, err
	}
	best, bestSim := "", 0.0
	for _, c := range cs {
		if c.Verdict.Duplicate && (best == "" || c.Verdict.Similarity > bestSim) {
			best, bestSim = c.Case.ID, c.Verdict.Similarity
		}
	}
	return best, bestSim, nil
}

// Comparison is an open case the index proposed, with the rule's verdict.
type Comparison struct {
	Case    dedup.Case
	Verdict dedup.Verdict
}

// Compare returns the open cases of p's grids created within the window,
// best text match first, each with its categories and the rule's verdict.
func (d *Duplicates) Compare(ctx context.Context, p dedup.Probe, m dedup.Model) ([]Comparison, error) {
	grids := p.Near()
	if len(grids) == 0 {
		return nil, nil
	}
	text := d.Index.analyzer.Normalize(p.Report.Input())
	cases, err := d.candidates(text, grids, p.Now)
	if err != nil || len(cases) == 0 {
		return nil, err
	}
	if err := categorize(ctx, m, cases); err != nil {
		return nil, err
	}
	rule, parsed := d.Rule(), dedup.Parse(text)
	out := make([]Comparison, len(cases))
	for i, c := range cases {
		out[i] = Comparison{Case: c, Verdict: rule.Match(p, parsed, c, m.TextSimilarity(text, c.Text))}
	}
	return out, nil
}

// categorize sets the categories of the cases from the model.
func categorize(ctx context.Context, m dedup.Model, cases []dedup.Case) error {
	texts := make([]string, len(cases))
	for i, c := range cases {
		texts[i] = c.Text
	}
	preds, err := m.Classify(ctx, texts, dedup.TopK)
	if err != nil {
		return err
	}
	for i := range cases {
		cases[i].Top = dedup.TopOf(cases[i].Category, preds[i])
	}
	return nil
}

// candidates returns the open cases of the grids created in the window
// before now, those that share the most words with text first. Sharing
// words is not required: a reworded report may share none.
func (d *Duplicates) candidates(text string, grids []string, now time.Time) ([]dedup.Case, error) {
	dq := bleve.NewDateRangeQuery(now.Add(-d.Window), now.Add(time.Minute))
	dq.SetField("created_at")
	q := bleve.NewBooleanQuery()
	q.AddMust(dq, anyTerm("status", openStatuses...), anyTerm("grid_id", grids...))
	if text != "" {
		mq := bleve.NewMatchQuery(text)
		mq.SetField("text")
		mq.Analyzer = AnalyzerName
		q.AddShould(mq)
	}
	req := bleve.NewSearchRequestOptions(q, candidates, 0, false)
	req.Fields = []string{"text", "grid_id", "category"}
	req.SortBy([]string{"-_score", "_id"}) // ties in a stable order
	res, err := d.Index.idx.Search(req)
	if err != nil {
		return nil, gridtriage.E("search.Duplicates", gridtriage.KindInternal, err)
	}
	out := make([]dedup.Case, 0, len(res.Hits))
	for _, h := range res.Hits {
		c := dedup.Case{ID: h.ID}
		c.Text, _ = h.Fields["text"].(string)
		c.GridID, _ = h.Fields["grid_id"].(string)
		c.Category, _ = h.Fields["category"].(string)
		out = append(out, c)
	}
	return out, nil
}
