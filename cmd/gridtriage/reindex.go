package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/gridtriage/gridtriage/dispatch/sqlite"
)

// runReindex rebuilds the case index of a data directory from its database.
func runReindex(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "var", "the server's data directory (stop the server first)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := os.Stat(*dataDir + "/" + sqlite.FileName); err != nil {
		return fmt.Errorf("no case database in %s: %w", *dataDir, err)
	}
	db, err := sqlite.Open(ctx, *dataDir)
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
