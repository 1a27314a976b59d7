package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/gridtriage/gridtriage/model/bundle"
)

// runPublish copies a validated bundle into the serving directory
// atomically; a running server picks it up on reload.
func runPublish(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("publish", flag.ContinueOnError)
	from := fs.String("model", "", "bundle to publish (gate it first with `gridtriage eval --baseline`)")
	to := fs.String("to", "models/default", "serving bundle directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" {
		return usageErr("publish needs --model")
	}
	b, err := bundle.Load(*from)
	if err != nil {
		return err
	}
	if err := bundle.Save(*to, b); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "published model %s to %s; reload the server (POST /v1/admin/model/reload or SIGHUP)\n", b.Manifest.ModelVersion, *to)
	return nil
}
