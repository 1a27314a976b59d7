package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/gridtriage/gridtriage"
)

var _ gridtriage.ReviewStore = (*DB)(nil)

// ReviewQueue implements gridtriage.ReviewStore.
func (d *DB) ReviewQueue(ctx context.Context, limit int) ([]*gridtriage.Case, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	return d.queryCases(ctx, "review.Queue", `SELECT `+caseColumns+` FROM cases
		WHERE status = 'received' AND needs_review = 1
		ORDER BY CASE urgency WHEN 'urgent' THEN 0 WHEN 'general' THEN 1 ELSE 2 END,
		         dispatch_by, json_extract(decision, '$.margin'), id
		LIMIT ?`, limit)
}

// Review implements gridtriage.ReviewStore.
func (d *DB) Review(ctx context.Context, id string, dec gridtriage.Decision, fb gridtriage.Feedback) (*gridtriage.Case, error) {
	const op = "review.Decide"
	raw, err := json.Marshal(dec)
	if err != nil {
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	now := d.Now()
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		var status gridtriage.Status
		var waiting bool
		err := tx.QueryRowContext(ctx, `SELECT status, needs_review FROM cases WHERE id = ?`, id).Scan(&status, &waiting)
		if errors.Is(err, sql.ErrNoRows) {
			return gridtriage.Errorf(op, gridtriage.KindNotFound, "no case %q", id)
		}
		if err != nil {
			return err
		}
		if status != gridtriage.StatusReceived || !waiting {
			return gridtriage.Errorf(op, gridtriage.KindConflict, "case %s is %s and not waiting for review", id, status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET decision = ?, status = 'dispatched', needs_review = 0, lead_dept = ?, urgency = ?,
			dispatch_by = ?, resolve_by = ?, reviewed_by = ?, reviewed_at = ?, updated_at = ? WHERE id = ?`,
			string(raw), dec.LeadDept, dec.Urgency, formatTime(dec.DispatchBy), formatTime(dec.ResolveBy),
			fb.Reviewer, formatTime(now), formatTime(now), id); err != nil {
			return err
		}
		note := "confirmed " + fb.Label
		if fb.Corrected {
			note = "corrected " + fb.Predicted + " → " + fb.Label
		}
		if err := insertTransition(ctx, tx, id, gridtriage.StatusReceived, gridtriage.StatusDispatched, now, fb.Reviewer, note); err != nil {
			return err
		}
		if err := d.auditChange(ctx, tx, id, fb.Label); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO feedback (case_id, title, text, label, predicted, corrected, reviewer, note, urgency, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, fb.Title, fb.Text, fb.Label, fb.Predicted, fb.Corrected, fb.Reviewer, fb.Note, fb.Urgency, formatTime(now))
		return err
	})
	if err != nil {
		var ge *gridtriage.Error
		if errors.As(err, &ge) {
			return nil, err
		}
		return nil, gridtriage.E(op, storageKind(err), err)
	}
	return d.Get(ctx, id)
}

// Feedback implements gridtriage.ReviewStore.
func (d *DB) Feedback(ctx context.Context) ([]gridtriage.Feedback, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT case_id, title, text, label, predicted, corrected, reviewer, note, urgency, at FROM feedback ORDER BY id`)
	if err != nil {
		return nil, gridtriage.E("feedback.List", gridtriage.KindInternal, err)
	}
	defer rows.Close()
	var out []gridtriage.Feedback
	for rows.Next() {
		var f gridtriage.Feedback
		var at string
		if err := rows.Scan(&f.CaseID, &f.Title, &f.Text, &f.Label, &f.Predicted, &f.Corrected, &f.Reviewer, &f.Note, &f.Urgency, &at); err != nil {
			return nil, err
		}
		f.At = parseTime(at)
		out = append(out, f)
	}
	return out, rows.Err()
}
