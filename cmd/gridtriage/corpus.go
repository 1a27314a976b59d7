package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/gridtriage/gridtriage/datasets"
)

func runCorpus(_ context.Context, args []string) error {
	if len(args) == 0 || args[0] != "build" {
		return usageErr("usage: gridtriage corpus build --src DIR --out DIR")
	}
	fs := flag.NewFlagSet("corpus build", flag.ContinueOnError)
	src := fs.String("src", "datasets/corpus/src", "directory of per-category JSONL files")
	out := fs.String("out", "datasets/corpus", "directory to write the splits and manifest to")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	tax, err := datasets.Default()
	if err != nil {
		return err
	}
	recs, err := datasets.ReadCorpus(*src)
	if err != nil {
		return err
	}
	for _, r := range recs {
		if err := tax.CheckRecord(r); err != nil {
			return err
		}
	}
	m, err := datasets.WriteSplits(*out, recs)
	if err != nil {
		return err
	}
	for _, s := range datasets.Splits {
		fmt.Fprintf(os.Stderr, "%s: %d reports\n", m.Files[s].Name, m.Files[s].Lines)
	}
	return nil
}
