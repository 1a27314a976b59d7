// Command gridtriage classifies and dispatches grid-governance event reports:
// it trains and evaluates models, classifies reports from the command line
// and serves the HTTP API.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gridtriage/gridtriage"
)

// Version is set by the build (-ldflags -X main.Version=...).
var Version = "dev"

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"train", "train a model bundle from labelled JSONL", runTrain},
		{"eval", "evaluate a model bundle on labelled JSONL", runEval},
		{"classify", "classify JSONL or plain-text lines from stdin", runClassify},
		{"corpus", "build the corpus splits (corpus build --src DIR --out DIR)", runCorpus},
		{"serve", "serve the HTTP API", runServe},
		{"cv", "cross-validate and draw a learning curve on labelled JSONL", runCV},
		{"audit", "list training examples whose label cross-validation doubts", runAudit},
		{"bench", "measure in-process classification throughput and latency", runBench},
		{"loadgen", "send a bounded HTTP load to a local server", runLoadgen},
		{"feedback", "export reviewed cases as training JSONL (feedback export --data-dir DIR)", runFeedback},
		{"publish", "copy a gated bundle into the serving directory atomically", runPublish},
		{"reindex", "rebuild the case search index from the database", runReindex},
		{"token", "add an API token (token add --tokens FILE --name NAME --role ROLE)", runToken},
		{"key", "create a data key sealing unmasked originals (key new --out FILE)", runKey},
		{"version", "print the version", func(context.Context, []string) error { fmt.Println("gridtriage", Version); return nil }},
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: gridtriage <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(os.Stderr, "\nRun 'gridtriage <command> -h' for a command's flags.")
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	for _, c := range commands() {
		if c.name == os.Args[1] {
			os.Exit(exitCode(c.run(ctx, os.Args[2:])))
		}
	}
	fmt.Fprintf(os.Stderr, "gridtriage: unknown command %q\n", os.Args[1])
	usage()
	os.Exit(2)
}

// errGate is returned when a check the user asked for (--fail-under, a
// baseline comparison) fails; its message is already printed.
var errGate = errors.New("gate failed")

func exitCode(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errGate):
		return 1
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "gridtriage:", err)
		return 2
	}
	fmt.Fprintln(os.Stderr, "gridtriage:", err)
	if gridtriage.KindOf(err) == gridtriage.KindInvalid {
		return 2
	}
	return 1
}

var errUsage = errors.New("usage")

func usageErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return fmt.Sprint(*s) }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }
