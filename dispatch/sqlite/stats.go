package sqlite

import (
	"context"

	"github.com/gridtriage/gridtriage"
)

// Stats counts the cases by status and by category, and the reviews.
func (d *DB) Stats(ctx context.Context) (gridtriage.CaseStats, error) {
	const op = "cases.Stats"
	st := gridtriage.CaseStats{ByStatus: map[string]int{}, ByCategory: map[string]int{}}
	reviews := map[string]int{}
	queries := []struct {
		sql  string
		into map[string]int
	}{
		{`SELECT status, COUNT(*) FROM cases GROUP BY status`, st.ByStatus},
		{`SELECT json_extract(decision, '$.category'), COUNT(*) FROM cases GROUP BY 1`, st.ByCategory},
		{`SELECT CASE WHEN corrected THEN 'corrected' ELSE 'confirmed' END, COUNT(*) FROM feedback GROUP BY 1`, reviews},
	}
	for _, q := range queries {
		if err := d.countInto(ctx, q.sql, q.into); err != nil {
			return st, gridtriage.E(op, gridtriage.KindInternal, err)
		}
	}
	st.Confirmed, st.Corrected = reviews["confirmed"], reviews["corrected"]
	for _, n := range st.ByStatus {
		st.Total += n
	}
	return st, nil
}

func (d *DB) countInto(ctx context.Context, q string, into map[string]int) error {
	rows, err := d.db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		into[k] = n
	}
	return rows.Err()
}
