package search

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gridtriage/gridtriage"
)

func testCase(id, text, grid, category string, status gridtriage.Status) *gridtriage.Case {
	return &gridtriage.Case{ID: id, Report: gridtriage.Report{Text: text, GridID: grid}, Status: status,
		Decision: gridtriage.Decision{Category: category, LeadDept: "CG", CoDepts: []string{"SQ"}}, CreatedAt: time.Now()}
}

func TestIndexSearchAndRebuild(t *testing.T) {
	dir := t.TempDir()
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cases := []*gridtriage.Case{
		testCase("a", "幸福路的路燈晚上不亮了", "G-1", "SZ03", gridtriage.StatusDispatched),
		testCase("b", "楼道里有人给电动车充电", "G-1", "AQ02", gridtriage.StatusDispatched),
		testCase("c", "建设路路灯杆被撞歪了，电话13812345678", "G-2", "SZ03", gridtriage.StatusClosed),
	}
	for _, c := range cases {
		if err := x.Put(c); err != nil {
			t.Fatal(err)
		}
	}
	hits, err := x.Search(Query{Text: "路灯"})
	if err != nil || len(hits) != 2 {
		t.Fatalf("路灯: %v %v", hits, err)
	}
	for _, h := range hits {
		if h.ID == "c" && (len(h.Highlights) == 0 || h.Text == cases[2].Text) {
			t.Errorf("hit c: text %q highlights %v; want the masked text highlighted", h.Text, h.Highlights)
		}
	}
	if hits, _ := x.Search(Query{Text: "路灯", Status: []string{"dispatched"}, Dept: "SQ", GridID: "G-1", Category: "SZ03"}); len(hits) != 1 || hits[0].ID != "a" {
		t.Errorf("filtered: %v", hits)
	}
	if hits, _ := x.Search(Query{Text: "路灯", Exclude: "a"}); len(hits) != 1 || hits[0].ID != "c" {
		t.Errorf("exclude: %v", hits)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, DirName, "index_meta.json"), []byte("{broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); gridtriage.KindOf(err) != gridtriage.KindUnavailable {
		t.Fatalf("corrupt index: %v, want unavailable", err)
	}
	i := 0
	y, n, err := Rebuild(dir, func() (*gridtriage.Case, error) {
		if i == len(cases) {
			return nil, nil
		}
		i++
		return cases[i-1], nil
	})
	if err != nil || n != 3 {
		t.Fatalf("rebuild: %d %v", n, err)
	}
	defer y.Close()
	if hits, _ := y.Search(Query{Text: "路灯"}); len(hits) != 2 {
		t.Errorf("after rebuild: %v", hits)
	}
}

// TestConcurrentPuts checks the group commit: cases put from many
// goroutines at once can each be found as soon as their Put returns, a
// re-put replaces the case, and a Put after Close fails without hanging.
func TestConcurrentPuts(t *testing.T) {
	x, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("w%d-%d", w, i)
				if err := x.Put(testCase(id, "幸福路的路灯不亮了", "G-1", "SZ03", gridtriage.StatusDispatched)); err != nil {
					errs <- err
					return
				}
				if hits, err := x.Search(Query{Text: "路灯", GridID: "G-1", Size: writers * each}); err != nil || !hasHit(hits, id) {
					errs <- fmt.Errorf("case %s not found right after its Put (%d hits, %v)", id, len(hits), err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, _ := x.Count(); n != writers*each {
		t.Errorf("index holds %d cases, want %d", n, writers*each)
	}
	if err := x.Put(testCase("w0-0", "幸福路的路灯不亮了", "G-1", "SZ03", gridtriage.StatusClosed)); err != nil {
		t.Fatal(err)
	}
	if n, _ := x.Count(); n != writers*each {
		t.Errorf("after a re-put the index holds %d cases, want %d", n, writers*each)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := x.Put(testCase("late", "路灯", "G-1", "SZ03", gridtriage.StatusDispatched)); err == nil {
		t.Error("Put after Close succeeded")
	}
}

func hasHit(hits []Hit, id string) bool {
	return slices.ContainsFunc(hits, func(h Hit) bool { return h.ID == id })
}
