package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/gridtriage/gridtriage"
)

// Audit appends entries to the audit log in one transaction.
func (d *DB) Audit(ctx context.Context, entries ...gridtriage.AuditEntry) error {
	const op = "audit.Append"
	if len(entries) == 0 {
		return nil
	}
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		for _, e := range entries {
			if err := d.insertAudit(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return gridtriage.E(op, storageKind(err), err)
	}
	return nil
}

// insertAudit appends e to the audit log in tx, stamped now unless it has
// a time.
func (d *DB) insertAudit(ctx context.Context, tx *sql.Tx, e gridtriage.AuditEntry) error {
	at := e.At
	if at.IsZero() {
		at = d.Now()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (at, actor, role, action, case_id, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		formatTime(at), e.Actor, e.Role, e.Action, e.CaseID, e.Detail)
	return err
}

// auditChange writes the audit entry ctx carries (gridtriage.WithAudit), if
// any, for a change to case id inside tx, the change's transaction. outcome,
// when not empty, is recorded as the entry's detail where the entry has
// none: what the change settled that its caller could not know beforehand.
func (d *DB) auditChange(ctx context.Context, tx *sql.Tx, id, outcome string) error {
	e, ok := gridtriage.AuditOf(ctx)
	if !ok {
		return nil
	}
	e.CaseID = id
	if e.Detail == "" {
		e.Detail = outcome
	}
	return d.insertAudit(ctx, tx, e)
}

// AuditLog returns the audit entries matching f, newest first.
func (d *DB) AuditLog(ctx context.Context, f gridtriage.AuditFilter) ([]gridtriage.AuditEntry, error) {
	const op = "audit.List"
	var where []string
	var args []any
	if f.CaseID != "" {
		where, args = append(where, "case_id = ?"), append(args, f.CaseID)
	}
	if f.Actor != "" {
		where, args = append(where, "actor = ?"), append(args, f.Actor)
	}
	q := `SELECT at, actor, role, action, case_id, detail FROM audit`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := d.db.QueryContext(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	defer rows.Close()
	var out []gridtriage.AuditEntry
	for rows.Next() {
		var e gridtriage.AuditEntry
		var at string
		if err := rows.Scan(&at, &e.Actor, &e.Role, &e.Action, &e.CaseID, &e.Detail); err != nil {
			return nil, gridtriage.E(op, gridtriage.KindInternal, err)
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// SealedOriginal returns the encrypted unmasked report of case id, or
// KindNotFound when none is kept.
func (d *DB) SealedOriginal(ctx context.Context, id string) ([]byte, error) {
	const op = "cases.Original"
	var sealed []byte
	err := d.db.QueryRowContext(ctx, `SELECT original FROM cases WHERE id = ?`, id).Scan(&sealed)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, gridtriage.Errorf(op, gridtriage.KindNotFound, "no case %q", id)
	case err != nil:
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	case sealed == nil:
		return nil, gridtriage.Errorf(op, gridtriage.KindNotFound, "case %q keeps no original: nothing was redacted from it, or no data key was configured", id)
	}
	return sealed, nil
}
