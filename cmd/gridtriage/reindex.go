package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gridtriage/gridtriage/dispatch/sqlite"
)

// runReindex rebuilds the case index of a data directory from its database.
func runReindex(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "var", "the server's data directory (stop the server first)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openExistingDB(ctx, *dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	idx, err := rebuildIndex(ctx, *dataDir, db)
	if err != nil {
		return err
	}
	return idx.Close()
}

// openExistingDB opens the case database of a data directory that must
// already hold one.
func openExistingDB(ctx context.Context, dataDir string) (*sqlite.DB, error) {
	if _, err := os.Stat(filepath.Join(dataDir, sqlite.FileName)); err != nil {
		return nil, fmt.Errorf("no case database in %s: %w", dataDir, err)
	}
	return sqlite.Open(ctx, dataDir)
}
