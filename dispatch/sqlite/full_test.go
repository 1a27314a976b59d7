package sqlite

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gridtriage/gridtriage"
)

// TestFullDiskFailsCleanly fills a database capped by SQLite's page limit
// (what a full disk looks like to SQLite: SQLITE_FULL) and checks that the
// failing write is an unavailable-storage error, that every acknowledged
// case is intact, and that the file passes the integrity check.
func TestFullDiskFailsCleanly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := open(ctx, dir, "&_pragma=max_page_count(64)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var acked []string
	var full error
	for i := range 2000 {
		c := newCase(fmt.Sprintf("full-%d", i), "general", time.Now().Add(time.Hour), 0.5, false)
		c.Text = strings.Repeat("楼道里堆满了杂物，", 40)
		stored, _, err := db.Create(ctx, c)
		if err != nil {
			full = err
			break
		}
		acked = append(acked, stored.ID)
	}
	if full == nil {
		t.Fatal("2000 cases fitted in 64 pages: the limit did not apply")
	}
	if k := gridtriage.KindOf(full); k != gridtriage.KindUnavailable {
		t.Errorf("full database: kind %v (%v), want unavailable", k, full)
	}
	if len(acked) == 0 {
		t.Fatal("no case fitted at all")
	}
	if err := db.Check(ctx); err != nil {
		t.Errorf("after filling up: %v", err)
	}
	for _, id := range acked {
		if _, err := db.Get(ctx, id); err != nil {
			t.Errorf("acknowledged case %s: %v", id, err)
		}
	}
	if n, err := db.Count(ctx); err != nil || n != len(acked) {
		t.Errorf("%d cases stored, %d acknowledged (%v)", n, len(acked), err)
	}
	t.Logf("%d cases acknowledged before the database was full: %v", len(acked), full)
}
