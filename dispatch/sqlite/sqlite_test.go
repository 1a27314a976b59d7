package sqlite

import (
	"context"
	"errors"
	"maps"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gridtriage/gridtriage"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	return openAt(t, t.TempDir())
}

// openAt opens the store in dir, closed when the test ends (a store the
// test closed itself is closed again harmlessly).
func openAt(t *testing.T, dir string) *DB {
	t.Helper()
	db, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newCase(ext, urgency string, dispatchBy time.Time, margin float64, review bool) *gridtriage.Case {
	c := &gridtriage.Case{
		Report:   gridtriage.Report{ExternalID: ext, Text: "报告 " + ext},
		Decision: gridtriage.Decision{Category: "QT01", LeadDept: "JD", Urgency: urgency, DispatchBy: dispatchBy, ResolveBy: dispatchBy.Add(time.Hour), Margin: margin, NeedsReview: review, Automatic: !review},
		Status:   gridtriage.StatusReceived,
	}
	if !review {
		c.Status = gridtriage.StatusDispatched
	}
	return c
}

func TestReviewQueueOrder(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	for _, c := range []*gridtriage.Case{
		newCase("general-late", "general", t0.Add(30*time.Minute), 0.1, true),
		newCase("urgent-sure", "urgent", t0.Add(5*time.Minute), 0.6, true),
		newCase("urgent-unsure", "urgent", t0.Add(5*time.Minute), 0.05, true),
		newCase("consult", "consult", t0, 0.0, true),
		newCase("general-early", "general", t0.Add(10*time.Minute), 0.9, true),
		newCase("automatic", "urgent", t0, 0.0, false),
	} {
		if _, _, err := db.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	q, err := db.ReviewQueue(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"urgent-unsure", "urgent-sure", "general-early", "general-late", "consult"}
	if len(q) != len(want) {
		t.Fatalf("queue has %d cases, want %d", len(q), len(want))
	}
	for i, c := range q {
		if c.ExternalID != want[i] {
			t.Errorf("position %d: %s, want %s", i, c.ExternalID, want[i])
		}
	}
}

// correctedReview stores a case awaiting review and returns it with the
// decision and feedback of 张调度 correcting it from QT01 to SZ02 (ZJ).
func correctedReview(t *testing.T, db *DB, ext string) (*gridtriage.Case, gridtriage.Decision, gridtriage.Feedback) {
	t.Helper()
	c, _, err := db.Create(context.Background(), newCase(ext, "general", time.Now(), 0.1, true))
	if err != nil {
		t.Fatal(err)
	}
	dec := c.Decision
	dec.Category, dec.LeadDept, dec.NeedsReview = "SZ02", "ZJ", false
	fb := gridtriage.Feedback{CaseID: c.ID, Text: c.Text, Label: "SZ02", Predicted: "QT01", Corrected: true, Reviewer: "张调度", Urgency: "urgent"}
	return c, dec, fb
}

func TestReviewOnlyOnce(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	c, dec, fb := correctedReview(t, db, "r")
	got, err := db.Review(ctx, c.ID, dec, fb)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != gridtriage.StatusDispatched || got.Category != "SZ02" || got.ReviewedBy != "张调度" || got.ReviewedAt == nil {
		t.Errorf("reviewed case %+v", got)
	}
	if _, err := db.Review(ctx, c.ID, dec, fb); gridtriage.KindOf(err) != gridtriage.KindConflict {
		t.Errorf("second review: %v, want a conflict", err)
	}
	list, err := db.Feedback(ctx)
	if err != nil || len(list) != 1 || !list[0].Corrected || list[0].Label != "SZ02" || list[0].Urgency != "urgent" {
		t.Errorf("feedback %+v %v", list, err)
	}
}

func TestIdempotentCreateAndTransitions(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	first, created, err := db.Create(ctx, newCase("same", "general", time.Now(), 0.5, false))
	if err != nil || !created {
		t.Fatal(err, created)
	}
	again, created, err := db.Create(ctx, newCase("same", "urgent", time.Now(), 0.5, false))
	if err != nil || created || again.ID != first.ID || again.Urgency != "general" {
		t.Fatalf("re-create: %v created %v id %s", err, created, again.ID)
	}
	if _, err := db.Transition(ctx, first.ID, gridtriage.StatusClosed, "x", "", 0); gridtriage.KindOf(err) != gridtriage.KindConflict {
		t.Errorf("skip to closed: %v", err)
	}
	if _, err := db.Transition(ctx, "nope", gridtriage.StatusAccepted, "x", "", 0); gridtriage.KindOf(err) != gridtriage.KindNotFound {
		t.Errorf("unknown case: %v", err)
	}
	if _, err := db.Transition(ctx, first.ID, gridtriage.StatusAccepted, "x", "", 3); gridtriage.KindOf(err) != gridtriage.KindInvalid {
		t.Errorf("rating on accept: %v", err)
	}
	var ge *gridtriage.Error
	_, err = db.Get(ctx, "missing")
	if !errors.As(err, &ge) || ge.Kind != gridtriage.KindNotFound {
		t.Errorf("get missing: %v", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db := openAt(t, dir)
	c, _, err := db.Create(ctx, newCase("durable", "general", time.Now(), 0.5, false))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = openAt(t, dir) // migrations run again without harm
	if got, err := db.Get(ctx, c.ID); err != nil || got.ExternalID != "durable" {
		t.Fatalf("after reopen: %v %v", got, err)
	}
}

// openCount counts db's open cases per lead department case by case, the
// way OpenLoad's counts must add up.
func openCount(t *testing.T, db *DB) map[string]int {
	t.Helper()
	counts := map[string]int{}
	err := db.All(context.Background(), func(c *gridtriage.Case) error {
		if c.Status.Open() {
			counts[c.LeadDept]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return counts
}

// checkOpenLoad fails the test unless OpenLoad gives want, which the
// test's own count of the cases must give too, after the step named.
func checkOpenLoad(t *testing.T, db *DB, step string, want map[string]int) {
	t.Helper()
	got, err := db.OpenLoad(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if counted := openCount(t, db); !maps.Equal(want, counted) {
		t.Fatalf("%s: the test expects %v but the cases count %v", step, want, counted)
	}
	if !maps.Equal(got, want) {
		t.Errorf("%s: OpenLoad %v, want %v", step, got, want)
	}
}

// TestOpenLoadFollowsTheCases checks the trigger-kept counts through a
// case's life: creation, a review that moves it to another department,
// transitions out of the open statuses, duplicates and repeated creates.
func TestOpenLoadFollowsTheCases(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	checkOpenLoad(t, db, "empty", map[string]int{})
	var ids []string
	for _, ext := range []string{"a", "b", "c"} {
		c, _, err := db.Create(ctx, newCase(ext, "general", time.Now(), 0.5, false))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	checkOpenLoad(t, db, "three dispatched", map[string]int{"JD": 3})
	r, dec, fb := correctedReview(t, db, "reviewed")
	checkOpenLoad(t, db, "one waiting for review", map[string]int{"JD": 4})
	if _, err := db.Review(ctx, r.ID, dec, fb); err != nil {
		t.Fatal(err)
	}
	checkOpenLoad(t, db, "review moved it to ZJ", map[string]int{"JD": 3, "ZJ": 1})
	for _, to := range []gridtriage.Status{gridtriage.StatusAccepted, gridtriage.StatusResolved, gridtriage.StatusVerified} {
		if _, err := db.Transition(ctx, ids[0], to, "x", "", 0); err != nil {
			t.Fatal(err)
		}
	}
	checkOpenLoad(t, db, "one resolved", map[string]int{"JD": 2, "ZJ": 1})
	dup := newCase("dup", "general", time.Now(), 0.5, false)
	dup.Status, dup.DuplicateOf = gridtriage.StatusDuplicate, ids[1]
	if _, _, err := db.Create(ctx, dup); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Create(ctx, newCase("b", "urgent", time.Now(), 0.5, false)); err != nil {
		t.Fatal(err)
	}
	checkOpenLoad(t, db, "a duplicate and a repeated report", map[string]int{"JD": 2, "ZJ": 1})
}

// TestOpenLoadCountsAnOlderStore opens a store whose open cases predate the
// counts: the migration that adds them must count those cases.
func TestOpenLoadCountsAnOlderStore(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db := openAt(t, dir)
	for _, ext := range []string{"a", "b"} {
		if _, _, err := db.Create(ctx, newCase(ext, "general", time.Now(), 0.5, ext == "b")); err != nil {
			t.Fatal(err)
		}
	}
	// Back to the schema before the counts, keeping the cases.
	for _, stmt := range []string{"DROP TRIGGER open_load_insert", "DROP TRIGGER open_load_leave", "DROP TRIGGER open_load_enter",
		"DROP TRIGGER open_load_delete", "DROP TABLE open_load", "DELETE FROM schema_migrations WHERE version = 6"} {
		if _, err := db.db.ExecContext(ctx, stmt); err != nil {
			t.Fatal(stmt, err)
		}
	}
	db.Close()
	db = openAt(t, dir)
	checkOpenLoad(t, db, "after the upgrade", map[string]int{"JD": 2})
}

// TestMigrationsSpellTheOpenStatuses checks that every status list in the
// migrations' SQL (the open-load triggers) names exactly the statuses that
// Status.Open calls open, as List's overdue filter does.
func TestMigrationsSpellTheOpenStatuses(t *testing.T) {
	lists := regexp.MustCompile(`status IN \(([^)]*)\)`)
	files, err := migrations.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, f := range files {
		raw, err := migrations.ReadFile("migrations/" + f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lists.FindAllStringSubmatch(string(raw), -1) {
			found++
			if got := strings.ReplaceAll(m[1], " ", ""); got != strings.ReplaceAll(openStatuses, " ", "") {
				t.Errorf("%s: status IN (%s), want the open statuses %s", f.Name(), m[1], openStatuses)
			}
		}
	}
	if found == 0 {
		t.Error("no status list found in the migrations")
	}
	if openStatuses != "'received', 'dispatched', 'accepted'" {
		t.Errorf("openStatuses = %s", openStatuses)
	}
}
