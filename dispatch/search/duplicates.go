package search

import (
	"time"

	"github.com/gridtriage/gridtriage"
)

// Duplicate detection defaults. DefaultThreshold was chosen on the
// project's labelled pairs (datasets/duplicates/pairs.jsonl); the test
// there measures its precision and recall.
const (
	DefaultWindow    = 72 * time.Hour
	DefaultThreshold = 0.45
	candidates       = 10
)

// openStatuses are the statuses of cases a new report may duplicate.
var openStatuses = []string{string(gridtriage.StatusReceived), string(gridtriage.StatusDispatched), string(gridtriage.StatusAccepted)}

// Duplicates finds, for a new report, an open case of the same grid within
// the window whose text says the same thing.
type Duplicates struct {
	Index     *Index
	Window    time.Duration
	Threshold float64
}

// Find returns the id of the open case of the same grid and category that
// r repeats, with the similarity, or "" when there is none. similarity
// compares two texts (the model's IDF-weighted character n-gram cosine).
func (d *Duplicates) Find(r gridtriage.Report, category string, now time.Time, similarity func(a, b string) float64) (string, float64, error) {
	if r.GridID == "" {
		return "", 0, nil
	}
	text := d.Index.analyzer.Normalize(r.Input())
	hits, err := d.Index.Search(Query{Text: text, Status: openStatuses, GridID: r.GridID, Category: category,
		From: now.Add(-d.Window), To: now.Add(time.Minute), Size: candidates})
	if err != nil {
		return "", 0, err
	}
	best, bestSim := "", 0.0
	for _, h := range hits {
		if s := similarity(text, h.Text); s > bestSim {
			best, bestSim = h.ID, s
		}
	}
	if bestSim < d.Threshold {
		return "", bestSim, nil
	}
	return best, bestSim, nil
}
