package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/gridtriage/gridtriage"
)

var _ gridtriage.CaseStore = (*DB)(nil)

const caseColumns = `id, report, decision, status, duplicate_of, rating, reviewed_by, reviewed_at, created_at, updated_at, owner, original IS NOT NULL`

// Create implements gridtriage.CaseStore.
func (d *DB) Create(ctx context.Context, c *gridtriage.Case) (*gridtriage.Case, bool, error) {
	const op = "cases.Create"
	report, err := json.Marshal(c.Report)
	if err != nil {
		return nil, false, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	decision, err := json.Marshal(c.Decision)
	if err != nil {
		return nil, false, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	now := d.Now()
	if c.ID == "" {
		c.ID = NewID(now)
	}
	c.CreatedAt, c.UpdatedAt = now.UTC(), now.UTC()
	var existing string
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id FROM cases WHERE external_id = ?`, c.ExternalID).Scan(&existing)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO cases (id, external_id, report, decision, status, needs_review, lead_dept, grid_id, urgency,
			dispatch_by, resolve_by, duplicate_of, created_at, updated_at, owner, original) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.ExternalID, string(report), string(decision), c.Status, c.NeedsReview, c.LeadDept, c.GridID, c.Urgency,
			formatTime(c.DispatchBy), formatTime(c.ResolveBy), nullable(c.DuplicateOf), formatTime(now), formatTime(now), c.Owner, c.SealedOriginal)
		if err != nil {
			return err
		}
		if err := insertTransition(ctx, tx, c.ID, "", gridtriage.StatusReceived, now, "system", "reported"); err != nil {
			return err
		}
		if err := d.auditChange(ctx, tx, c.ID, ""); err != nil {
			return err
		}
		if c.DuplicateOf != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO reporters (case_id, duplicate_id, external_id, channel, reporter_role, similarity, at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, c.DuplicateOf, c.ID, c.ExternalID, c.Channel, c.ReporterRole, c.Similarity, formatTime(now)); err != nil {
				return err
			}
		}
		if c.Status == gridtriage.StatusReceived {
			return nil
		}
		return insertTransition(ctx, tx, c.ID, gridtriage.StatusReceived, c.Status, now, "system", c.CreationNote())
	})
	if err != nil {
		return nil, false, gridtriage.E(op, storageKind(err), err)
	}
	if existing != "" {
		got, err := d.Get(ctx, existing)
		return got, false, err
	}
	got, err := d.Get(ctx, c.ID)
	return got, true, err
}

// Get implements gridtriage.CaseStore.
func (d *DB) Get(ctx context.Context, id string) (*gridtriage.Case, error) {
	const op = "cases.Get"
	row := d.db.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`, id)
	c, err := scanCase(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, gridtriage.Errorf(op, gridtriage.KindNotFound, "no case %q", id)
	}
	if err != nil {
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	if c.Transitions, err = d.transitions(ctx, id); err != nil {
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	if c.Reporters, err = d.reporters(ctx, id); err != nil {
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	c.Overdue = c.IsOverdue(d.Now())
	return c, nil
}

// List implements gridtriage.CaseStore.
func (d *DB) List(ctx context.Context, f gridtriage.CaseFilter) ([]*gridtriage.Case, error) {
	var where []string
	var args []any
	add := func(cond string, arg ...any) { where = append(where, cond); args = append(args, arg...) }
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.Dept != "" {
		add("(lead_dept = ? OR EXISTS (SELECT 1 FROM json_each(json_extract(decision, '$.co_depts')) WHERE value = ?))", f.Dept, f.Dept)
	}
	if f.GridID != "" {
		add("grid_id = ?", f.GridID)
	}
	if f.Owner != "" {
		add("owner = ?", f.Owner)
	}
	if f.Review != nil {
		add("needs_review = ? AND status = 'received'", *f.Review)
	}
	if f.Overdue {
		now := formatTime(f.Now)
		add("((status = ? AND dispatch_by < ?) OR (status IN ("+openStatuses+") AND resolve_by < ?))", gridtriage.StatusReceived, now, now)
	}
	q := `SELECT ` + caseColumns + ` FROM cases`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`
	args = append(args, limit, max(0, f.Offset))
	return d.queryCases(ctx, "cases.List", q, args...)
}

// queryCases runs a query selecting caseColumns and scans every row.
func (d *DB) queryCases(ctx context.Context, op, q string, args ...any) ([]*gridtriage.Case, error) {
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	defer rows.Close()
	var out []*gridtriage.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, gridtriage.E(op, gridtriage.KindInternal, err)
		}
		c.Overdue = c.IsOverdue(d.Now())
		out = append(out, c)
	}
	return out, rows.Err()
}

// Transition implements gridtriage.CaseStore.
func (d *DB) Transition(ctx context.Context, id string, to gridtriage.Status, actor, note string, rating int) (*gridtriage.Case, error) {
	const op = "cases.Transition"
	if rating != 0 && (rating < 1 || rating > 5 || to != gridtriage.StatusClosed) {
		return nil, gridtriage.Errorf(op, gridtriage.KindInvalid, "a rating (1–5) goes with closing a case")
	}
	now := d.Now()
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var from gridtriage.Status
		if err := tx.QueryRowContext(ctx, `SELECT status FROM cases WHERE id = ?`, id).Scan(&from); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return gridtriage.Errorf(op, gridtriage.KindNotFound, "no case %q", id)
			}
			return err
		}
		if err := gridtriage.CheckTransition(from, to); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET status = ?, rating = COALESCE(?, rating), updated_at = ? WHERE id = ?`,
			to, nullableInt(rating), formatTime(now), id); err != nil {
			return err
		}
		if err := d.auditChange(ctx, tx, id, ""); err != nil {
			return err
		}
		return insertTransition(ctx, tx, id, from, to, now, actor, note)
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

// OpenLoad implements gridtriage.CaseStore. It reads the counts that the
// open_load table's triggers keep, one row per department, instead of
// counting the open cases.
func (d *DB) OpenLoad(ctx context.Context) (map[string]int, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT lead_dept, open_cases FROM open_load WHERE open_cases > 0`)
	if err != nil {
		return nil, gridtriage.E("cases.OpenLoad", gridtriage.KindInternal, err)
	}
	defer rows.Close()
	load := map[string]int{}
	for rows.Next() {
		var dept string
		var n int
		if err := rows.Scan(&dept, &n); err != nil {
			return nil, err
		}
		load[dept] = n
	}
	return load, rows.Err()
}

func insertTransition(ctx context.Context, tx *sql.Tx, id string, from, to gridtriage.Status, at time.Time, actor, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO transitions (case_id, from_status, to_status, at, actor, note) VALUES (?, ?, ?, ?, ?, ?)`,
		id, from, to, formatTime(at.UTC()), actor, note)
	return err
}

func (d *DB) transitions(ctx context.Context, id string) ([]gridtriage.Transition, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT from_status, to_status, at, actor, note FROM transitions WHERE case_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gridtriage.Transition
	for rows.Next() {
		var t gridtriage.Transition
		var at string
		if err := rows.Scan(&t.From, &t.To, &at, &t.Actor, &t.Note); err != nil {
			return nil, err
		}
		t.At = parseTime(at)
		out = append(out, t)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

func scanCase(s scanner) (*gridtriage.Case, error) {
	var c gridtriage.Case
	var report, decision, created, updated string
	var dup, reviewedBy, reviewedAt sql.NullString
	var rating sql.NullInt64
	if err := s.Scan(&c.ID, &report, &decision, &c.Status, &dup, &rating, &reviewedBy, &reviewedAt, &created, &updated, &c.Owner, &c.HasOriginal); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(report), &c.Report); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(decision), &c.Decision); err != nil {
		return nil, err
	}
	c.DuplicateOf, c.Rating, c.ReviewedBy = dup.String, int(rating.Int64), reviewedBy.String
	if reviewedAt.Valid {
		t := parseTime(reviewedAt.String)
		c.ReviewedAt = &t
	}
	c.CreatedAt, c.UpdatedAt = parseTime(created), parseTime(updated)
	return &c, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullableInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// storageKind classifies a database error: a full disk or a read-only file
// is unavailable storage, anything else internal.
func storageKind(err error) gridtriage.Kind {
	msg := err.Error()
	if strings.Contains(msg, "SQLITE_FULL") || strings.Contains(msg, "disk is full") || strings.Contains(msg, "readonly") {
		return gridtriage.KindUnavailable
	}
	return gridtriage.KindInternal
}

func (d *DB) reporters(ctx context.Context, id string) ([]gridtriage.Reporter, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT duplicate_id, external_id, channel, reporter_role, similarity, at FROM reporters WHERE case_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gridtriage.Reporter
	for rows.Next() {
		var r gridtriage.Reporter
		var at string
		if err := rows.Scan(&r.DuplicateID, &r.ExternalID, &r.Channel, &r.ReporterRole, &r.Similarity, &at); err != nil {
			return nil, err
		}
		r.At = parseTime(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// All calls f for every case, oldest first (for rebuilding the index).
func (d *DB) All(ctx context.Context, f func(*gridtriage.Case) error) error {
	rows, err := d.db.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases ORDER BY created_at, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return err
		}
		if err := f(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// openStatuses is the SQL list of the open statuses (Status.Open): the
// cases that still have a deadline to meet.
var openStatuses = func() string {
	var quoted []string
	for _, s := range gridtriage.Statuses {
		if s.Open() {
			quoted = append(quoted, "'"+string(s)+"'")
		}
	}
	return strings.Join(quoted, ", ")
}()
