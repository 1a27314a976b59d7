// Package search is the bleve index of cases: full-text search with
// highlights, similar past cases, and the candidates for duplicate merging.
// It analyses text with the project's normaliser and gse segmenter, and it
// can always be rebuilt from the case database.
package search

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/gridtriage/gridtriage"
	textanalysis "github.com/gridtriage/gridtriage/classify/analysis"
)

// DirName is the index directory inside the data directory.
const DirName = "index.bleve"

// Index is an open case index. It is safe for concurrent use.
type Index struct {
	idx      bleve.Index
	analyzer *textanalysis.Analyzer
	writes   *groupCommitter
}

// doc is what the index stores of a case.
type doc struct {
	Text      string    `json:"text"` // normalised (and so masked) report text
	Status    string    `json:"status"`
	LeadDept  string    `json:"lead_dept"`
	CoDepts   []string  `json:"co_depts"`
	GridID    string    `json:"grid_id"`
	Category  string    `json:"category"`
	CreatedAt time.Time `json:"created_at"`
}

func indexMapping() (mapping.IndexMapping, error) {
	im := bleve.NewIndexMapping()
	if err := addAnalyzer(im); err != nil {
		return nil, err
	}
	text := bleve.NewTextFieldMapping()
	text.Analyzer = AnalyzerName
	text.Store, text.IncludeTermVectors = true, true
	keyword := bleve.NewKeywordFieldMapping()
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("text", text)
	for _, f := range []string{"status", "lead_dept", "co_depts", "grid_id", "category"} {
		dm.AddFieldMappingsAt(f, keyword)
	}
	dm.AddFieldMappingsAt("created_at", bleve.NewDateTimeFieldMapping())
	im.DefaultMapping = dm
	im.DefaultAnalyzer = AnalyzerName
	return im, nil
}

// Open opens the index in dir, creating it when missing. A corrupt index is
// an error of kind unavailable: rebuild it with Rebuild.
func Open(dir string) (*Index, error) {
	const op = "search.Open"
	a, err := textanalysis.Default()
	if err != nil {
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	path := filepath.Join(dir, DirName)
	idx, err := bleve.Open(path)
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		m, merr := indexMapping()
		if merr != nil {
			return nil, gridtriage.E(op, gridtriage.KindInternal, merr)
		}
		idx, err = bleve.New(path, m)
	}
	if err != nil {
		return nil, gridtriage.Errorf(op, gridtriage.KindUnavailable, "case index %s: %v", path, err)
	}
	return &Index{idx: idx, analyzer: a, writes: startGroupCommits(idx)}, nil
}

// Close waits for the write in progress, then closes the index.
func (x *Index) Close() error {
	x.writes.stop()
	return x.idx.Close()
}

// Put indexes (or re-indexes) a case and returns once it can be found.
// Concurrent Puts are written together (group commit).
func (x *Index) Put(c *gridtriage.Case) error {
	if err := x.writes.index(c.ID, x.document(c)); err != nil {
		return gridtriage.E("search.Put", gridtriage.KindInternal, err)
	}
	return nil
}

// document is what the index stores of c.
func (x *Index) document(c *gridtriage.Case) doc {
	return doc{Text: x.analyzer.Normalize(c.Input()), Status: string(c.Status), LeadDept: c.LeadDept, CoDepts: c.CoDepts,
		GridID: c.GridID, Category: c.Category, CreatedAt: c.CreatedAt}
}

// Count returns the number of indexed cases.
func (x *Index) Count() (uint64, error) { return x.idx.DocCount() }

// Query selects cases.
type Query struct {
	Text     string    // full text, analysed like the index
	Status   []string  // any of these statuses
	Dept     string    // lead or co-department
	GridID   string    //
	Category string    //
	From, To time.Time // created in [From, To)
	Exclude  string    // a case id to leave out
	Size     int       // results wanted (default 20)
}

// Hit is one search result.
type Hit struct {
	ID         string   `json:"id"`
	Score      float64  `json:"score"`
	Text       string   `json:"text"` // the normalised, masked text
	Highlights []string `json:"highlights,omitempty"`
}

// Search runs q, best match first.
func (x *Index) Search(q Query) ([]Hit, error) {
	var must []query.Query
	if q.Text != "" {
		mq := bleve.NewMatchQuery(q.Text)
		mq.SetField("text")
		mq.Analyzer = AnalyzerName
		must = append(must, mq)
	}
	if len(q.Status) > 0 {
		must = append(must, anyTerm("status", q.Status...))
	}
	if q.Dept != "" {
		must = append(must, bleve.NewDisjunctionQuery(term("lead_dept", q.Dept), term("co_depts", q.Dept)))
	}
	if q.GridID != "" {
		must = append(must, term("grid_id", q.GridID))
	}
	if q.Category != "" {
		must = append(must, term("category", q.Category))
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		dq := bleve.NewDateRangeQuery(q.From, q.To)
		dq.SetField("created_at")
		must = append(must, dq)
	}
	if len(must) == 0 {
		must = append(must, bleve.NewMatchAllQuery())
	}
	var root query.Query = bleve.NewConjunctionQuery(must...)
	if q.Exclude != "" {
		bq := bleve.NewBooleanQuery()
		bq.AddMust(root)
		bq.AddMustNot(bleve.NewDocIDQuery([]string{q.Exclude}))
		root = bq
	}
	size := q.Size
	if size <= 0 {
		size = 20
	}
	req := bleve.NewSearchRequestOptions(root, size, 0, false)
	req.Fields = []string{"text"}
	req.SortBy([]string{"-_score", "_id"}) // ties in a stable order
	if q.Text != "" {
		req.Highlight = bleve.NewHighlightWithStyle("html")
		req.Highlight.AddField("text")
	}
	res, err := x.idx.Search(req)
	if err != nil {
		return nil, gridtriage.E("search.Search", gridtriage.KindInternal, err)
	}
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		text, _ := h.Fields["text"].(string)
		hits = append(hits, Hit{ID: h.ID, Score: h.Score, Text: text, Highlights: h.Fragments["text"]})
	}
	return hits, nil
}

func term(field, value string) query.Query {
	t := bleve.NewTermQuery(value)
	t.SetField(field)
	return t
}

func anyTerm(field string, values ...string) query.Query {
	qs := make([]query.Query, len(values))
	for i, v := range values {
		qs[i] = term(field, v)
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// Rebuild deletes the index in dir and indexes every case that next yields
// (next returns nil when done).
func Rebuild(dir string, next func() (*gridtriage.Case, error)) (*Index, int, error) {
	path := filepath.Join(dir, DirName)
	if err := os.RemoveAll(path); err != nil {
		return nil, 0, err
	}
	x, err := Open(dir)
	if err != nil {
		return nil, 0, err
	}
	n := 0
	batch := x.idx.NewBatch()
	for {
		c, err := next()
		if err != nil {
			x.Close()
			return nil, n, err
		}
		if c == nil {
			break
		}
		if err := batch.Index(c.ID, x.document(c)); err != nil {
			x.Close()
			return nil, n, err
		}
		n++
		if batch.Size() >= 500 {
			if err := x.idx.Batch(batch); err != nil {
				x.Close()
				return nil, n, err
			}
			batch.Reset()
		}
	}
	if err := x.idx.Batch(batch); err != nil {
		x.Close()
		return nil, n, fmt.Errorf("indexing: %w", err)
	}
	return x, n, nil
}
