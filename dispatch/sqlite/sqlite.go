// Package sqlite is the embedded SQLite implementation of the case store:
// WAL journal, foreign keys on, synchronous commits (a case acknowledged is
// on disk), and migrations embedded in the binary.
package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/gridtriage/gridtriage"
)

//go:embed migrations/*.sql
var migrations embed.FS

// FileName is the database file inside the data directory.
const FileName = "gridtriage.db"

// DB is an open case database.
type DB struct {
	db  *sql.DB
	Now func() time.Time // clock; time.Now by default
}

// Open opens (creating if needed) the database in dataDir and applies the
// embedded migrations.
func Open(ctx context.Context, dataDir string) (*DB, error) {
	return open(ctx, dataDir, "")
}

// open opens the database with extra DSN parameters (tests limit its size).
func open(ctx context.Context, dataDir, extra string) (*DB, error) {
	const op = "sqlite.Open"
	dsn := "file:" + filepath.Join(dataDir, FileName) +
		"?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_txlock=immediate" + extra
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	db.SetMaxOpenConns(4)
	d := &DB{db: db, Now: time.Now}
	if err := d.migrate(ctx); err != nil {
		db.Close()
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// Count returns the number of stored cases.
func (d *DB) Count(ctx context.Context) (int, error) {
	var n int
	if err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil {
		return 0, gridtriage.E("cases.Count", gridtriage.KindInternal, err)
	}
	return n, nil
}

// Check runs SQLite's integrity check and returns its findings, or nil
// when the database is intact.
func (d *DB) Check(ctx context.Context) error {
	var res string
	if err := d.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	return nil
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.db.PingContext(ctx) }

// migrate applies, in order and each in its own transaction, the embedded
// migrations not applied yet.
func (d *DB) migrate(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	for _, name := range names {
		version, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with its version", name)
		}
		var applied int
		if err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, version).Scan(&applied); err != nil {
			return err
		}
		if applied > 0 {
			continue
		}
		script, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if err := d.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(script)); err != nil {
				return fmt.Errorf("migration %s: %w", name, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, formatTime(d.Now()))
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// inTx runs f in a transaction, committing when it returns nil.
func (d *DB) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// NewID returns a new case id: the date and 10 random hex digits.
func NewID(now time.Time) string {
	var b [5]byte
	rand.Read(b[:])
	return "GT" + now.UTC().Format("20060102") + "-" + hex.EncodeToString(b[:])
}

const timeLayout = time.RFC3339Nano

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeLayout, s)
	return t
}
