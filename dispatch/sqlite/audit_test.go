package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/gridtriage/gridtriage"
)

// TestChangesAndTheirAuditEntriesCommitTogether makes every audit insert
// fail, as a full or broken audit table would: a create, transition or
// review carrying an audit entry must then leave the case as it was, and
// the same change without one must succeed. With the audit table working
// again, each change is stored with its entry.
func TestChangesAndTheirAuditEntriesCommitTogether(t *testing.T) {
	db := openTest(t)
	bg := context.Background()
	audited := gridtriage.WithAudit(bg, gridtriage.AuditEntry{Actor: "张调度", Role: "dispatcher", Action: "change", Detail: "d"})
	review, dec, fb := correctedReview(t, db, "to-review")
	move, _, err := db.Create(bg, newCase("to-move", "general", time.Now(), 0.5, false))
	if err != nil {
		t.Fatal(err)
	}
	changes := []struct {
		name string
		do   func(ctx context.Context) error
		kept func() bool // whether the change is stored
	}{
		{"create", func(ctx context.Context) error {
			_, _, err := db.Create(ctx, newCase("new", "general", time.Now(), 0.5, false))
			return err
		}, func() bool { list, _ := db.List(bg, gridtriage.CaseFilter{}); return len(list) == 3 }},
		{"transition", func(ctx context.Context) error {
			_, err := db.Transition(ctx, move.ID, gridtriage.StatusAccepted, "张调度", "", 0)
			return err
		}, func() bool { c, _ := db.Get(bg, move.ID); return c.Status == gridtriage.StatusAccepted }},
		{"review", func(ctx context.Context) error {
			_, err := db.Review(ctx, review.ID, dec, fb)
			return err
		}, func() bool { c, _ := db.Get(bg, review.ID); return c.Status == gridtriage.StatusDispatched }},
	}
	if _, err := db.db.Exec(`CREATE TRIGGER audit_broken BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END`); err != nil {
		t.Fatal(err)
	}
	for _, ch := range changes {
		if err := ch.do(audited); err == nil || ch.kept() {
			t.Errorf("%s: kept (error %v) although its audit entry could not be written", ch.name, err)
		}
	}
	if _, err := db.db.Exec(`DROP TRIGGER audit_broken`); err != nil {
		t.Fatal(err)
	}
	for _, ch := range changes {
		if err := ch.do(audited); err != nil || !ch.kept() {
			t.Errorf("%s: %v, kept %v", ch.name, err, ch.kept())
		}
	}
	entries, err := db.AuditLog(bg, gridtriage.AuditFilter{Actor: "张调度"})
	if err != nil {
		t.Fatal(err)
	}
	byCase := map[string]int{}
	for _, e := range entries {
		if e.Action != "change" || e.Detail != "d" || e.CaseID == "" {
			t.Errorf("entry %+v", e)
		}
		byCase[e.CaseID]++
	}
	if len(entries) != 3 || byCase[move.ID] != 1 || byCase[review.ID] != 1 {
		t.Errorf("audit entries %+v, want one per change", entries)
	}
}

// TestChangeWithoutAuditEntryWritesNone checks that a change whose context
// carries no entry adds nothing to the audit log.
func TestChangeWithoutAuditEntryWritesNone(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	c, _, err := db.Create(ctx, newCase("plain", "general", time.Now(), 0.5, false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Transition(ctx, c.ID, gridtriage.StatusAccepted, "x", "", 0); err != nil {
		t.Fatal(err)
	}
	if entries, err := db.AuditLog(ctx, gridtriage.AuditFilter{}); err != nil || len(entries) != 0 {
		t.Errorf("audit log %+v, %v; want empty", entries, err)
	}
}

// TestReviewAuditRecordsTheLabel checks that a review's audit entry, which
// its caller writes before knowing the outcome, records the category the
// review settled on, confirmed or corrected.
func TestReviewAuditRecordsTheLabel(t *testing.T) {
	db := openTest(t)
	bg := context.Background()
	c, dec, fb := correctedReview(t, db, "to-review")
	ctx := gridtriage.WithAudit(bg, gridtriage.AuditEntry{Actor: "张调度", Action: "case.review"})
	if _, err := db.Review(ctx, c.ID, dec, fb); err != nil {
		t.Fatal(err)
	}
	entries, err := db.AuditLog(bg, gridtriage.AuditFilter{CaseID: c.ID})
	if err != nil || len(entries) != 1 || entries[0].Detail != "SZ02" {
		t.Errorf("audit log %+v, %v; want one entry with detail SZ02", entries, err)
	}
}
