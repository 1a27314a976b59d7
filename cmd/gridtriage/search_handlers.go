package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/dispatch/search"
	"github.com/gridtriage/gridtriage/dispatch/sqlite"
)

// openIndex opens the case index in dataDir, rebuilding it from the
// database when it is missing, corrupt, or does not hold every case (after
// a crash between a commit and its indexing).
func openIndex(ctx context.Context, dataDir string, db *sqlite.DB) (*search.Index, error) {
	idx, err := search.Open(dataDir)
	if err == nil {
		indexed, cerr := idx.Count()
		stored, serr := db.Count(ctx)
		if cerr == nil && serr == nil && int(indexed) == stored {
			return idx, nil
		}
		idx.Close()
		err = fmt.Errorf("index holds %d cases, database %d (%v %v)", indexed, stored, cerr, serr)
	}
	log.Printf("case index missing, unreadable or stale (%v): rebuilding from the database", err)
	return rebuildIndex(ctx, dataDir, db)
}

// rebuildIndex indexes every case of the database afresh.
func rebuildIndex(ctx context.Context, dataDir string, db *sqlite.DB) (*search.Index, error) {
	var all []*gridtriage.Case
	if err := db.All(ctx, func(c *gridtriage.Case) error { all = append(all, c); return nil }); err != nil {
		return nil, err
	}
	i := 0
	idx, n, err := search.Rebuild(dataDir, func() (*gridtriage.Case, error) {
		if i == len(all) {
			return nil, nil
		}
		i++
		return all[i-1], nil
	})
	if err != nil {
		return nil, err
	}
	log.Printf("case index rebuilt: %d cases", n)
	return idx, nil
}

// indexCase keeps the search index current after a change; a failure is
// logged, and `gridtriage reindex` repairs it.
func (s *server) indexCase(c *gridtriage.Case) {
	if err := s.index.Put(c); err != nil {
		log.Printf("indexing case %s: %v", c.ID, err)
	}
}

// searchCases handles GET /v1/cases/search?q=&status=&dept=&from=&to=.
func (s *server) searchCases(c *gin.Context) {
	q := search.Query{Text: c.Query("q"), Dept: c.Query("dept"), GridID: c.Query("grid_id")}
	if st := c.Query("status"); st != "" {
		if !gridtriage.Status(st).Valid() {
			writeError(c, gridtriage.Errorf("cases.Search", gridtriage.KindInvalid, "unknown status %q", st))
			return
		}
		q.Status = []string{st}
	}
	var err error
	if q.From, err = queryTime(c, "from"); err == nil {
		q.To, err = queryTime(c, "to")
	}
	if err == nil {
		q.Size, err = queryInt(c, "limit", 20)
	}
	if err != nil {
		writeError(c, err)
		return
	}
	hits, err := s.index.Search(q)
	if err != nil {
		writeError(c, err)
		return
	}
	s.respondHits(c, "case.search", hits)
}

// similarCases handles GET /v1/cases/{id}/similar: past cases like this
// one, with how they were categorised and handled.
func (s *server) similarCases(c *gin.Context) {
	kase, ok := s.readableCase(c)
	if !ok {
		return
	}
	hits, err := s.index.Search(search.Query{Text: kase.Input(), Exclude: kase.ID, Size: 5})
	if err != nil {
		writeError(c, err)
		return
	}
	s.respondHits(c, "case.similar", hits)
}

// searchResult is a hit with the case fields a reviewer needs.
type searchResult struct {
	search.Hit
	Category     string            `json:"category"`
	CategoryName string            `json:"category_name"`
	LeadDept     string            `json:"lead_dept"`
	Status       gridtriage.Status `json:"status"`
	Rating       int               `json:"rating,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
}

func (s *server) respondHits(c *gin.Context, action string, hits []search.Hit) {
	out := s.hitsToResults(hits)
	ids := make([]string, len(out))
	for i, h := range out {
		ids[i] = h.ID
	}
	if !s.audit(c, action, c.Param("id"), strings.Join(ids, ",")) {
		return
	}
	c.JSON(http.StatusOK, gin.H{"results": out, "count": len(out)})
}

// hitsToResults joins hits with the cases they name.
func (s *server) hitsToResults(hits []search.Hit) []searchResult {
	out := make([]searchResult, 0, len(hits))
	for _, h := range hits {
		kase, err := s.store.Get(s.ctx(), h.ID)
		if err != nil {
			continue // indexed but gone from the database: skip
		}
		out = append(out, searchResult{Hit: h, Category: kase.Category, CategoryName: kase.CategoryName, LeadDept: kase.LeadDept,
			Status: kase.Status, Rating: kase.Rating, CreatedAt: kase.CreatedAt})
	}
	return out
}

func queryTime(c *gin.Context, key string) (time.Time, error) {
	v := c.Query(key)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, gridtriage.Errorf("http", gridtriage.KindInvalid, "%s must be RFC 3339 or YYYY-MM-DD", key)
}
