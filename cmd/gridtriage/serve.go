package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/datasets"
	"github.com/gridtriage/gridtriage/dispatch"
	"github.com/gridtriage/gridtriage/dispatch/search"
	"github.com/gridtriage/gridtriage/dispatch/sqlite"
	"github.com/gridtriage/gridtriage/model"
	"github.com/gridtriage/gridtriage/model/bundle"
	"github.com/gridtriage/gridtriage/model/ort"
	"github.com/gridtriage/gridtriage/privacy"
)

// serveConfig is the configuration of `gridtriage serve`.
type serveConfig struct {
	modelDir, addr, dataDir string
	jurisdiction, overrides string
	tokens, keyFile         string
	shutdownTimeout         time.Duration
	requestTimeout          time.Duration
	dupWindow               time.Duration
	dupThreshold            float64
	rate                    float64
	burst, maxInFlight      int
	accessLog               bool
}

func runServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var cfg serveConfig
	fs.StringVar(&cfg.modelDir, "model", "models/default", "model bundle directory")
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&cfg.dataDir, "data-dir", "var", "directory for the case database and index")
	fs.StringVar(&cfg.jurisdiction, "jurisdiction", "", "TSV mapping grid_id to community and street")
	fs.StringVar(&cfg.overrides, "responsibility", "", "TSV of a city's category → department overrides")
	fs.DurationVar(&cfg.dupWindow, "duplicate-window", search.DefaultWindow, "how far back a new report is compared with open cases")
	fs.Float64Var(&cfg.dupThreshold, "duplicate-threshold", search.DefaultThreshold, "text similarity from which a report is merged into an open case")
	fs.DurationVar(&cfg.shutdownTimeout, "shutdown-timeout", 15*time.Second, "how long to let in-flight requests finish on shutdown")
	fs.DurationVar(&cfg.requestTimeout, "request-timeout", 30*time.Second, "deadline of every request")
	fs.StringVar(&cfg.tokens, "tokens", "", "file of token hashes and roles (default DATA-DIR/tokens.tsv)")
	fs.StringVar(&cfg.keyFile, "key-file", "", "AES-256 key sealing unmasked originals, unless $"+privacy.KeyEnv+" is set (default DATA-DIR/data.key when present; without a key no original is kept)")
	fs.Float64Var(&cfg.rate, "rate", 50, "requests per second allowed per token")
	fs.IntVar(&cfg.burst, "burst", 100, "requests a token may send at once above its rate")
	fs.IntVar(&cfg.maxInFlight, "max-inflight", 64, "model-bound requests served at once; more are refused with 503")
	fs.BoolVar(&cfg.accessLog, "access-log", true, "log one line per request (never bodies or queries)")
	memoryLimit := fs.Int("memory-limit-mib", defaultMemoryLimitMiB, "soft limit on the Go runtime's memory in MiB, near which the garbage collector works harder (0: none; $GOMEMLIMIT, when set, wins)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the server's whole run to this file, closed on shutdown (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *memoryLimit < 0 {
		return usageErr("serve needs --memory-limit-mib of at least 0")
	}
	applyMemoryLimit(*memoryLimit)
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	if err := ort.Init(); err != nil {
		return err
	}
	srv, cleanup, err := newServer(ctx, cfg)
	if err != nil {
		return err
	}
	defer cleanup()
	return listenAndServe(ctx, cfg, srv)
}

// defaultMemoryLimitMiB bounds the Go heap's growth between collections:
// the default model's live heap is about 90 MiB, and without a limit the
// heap of a server under load grew to twice that and more.
const defaultMemoryLimitMiB = 200

// applyMemoryLimit sets the Go runtime's soft memory limit to mib MiB,
// unless mib is 0 or $GOMEMLIMIT has set one.
func applyMemoryLimit(mib int) {
	if mib > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(mib) << 20)
	}
}

// newServer opens the store and the model and wires the services.
func newServer(ctx context.Context, cfg serveConfig) (*server, func(), error) {
	tax, err := loadTaxonomy(cfg.overrides)
	if err != nil {
		return nil, nil, err
	}
	jur := dispatch.Jurisdiction{}
	if cfg.jurisdiction != "" {
		if jur, err = dispatch.LoadJurisdiction(cfg.jurisdiction); err != nil {
			return nil, nil, err
		}
	}
	if err := os.MkdirAll(cfg.dataDir, 0o750); err != nil {
		return nil, nil, err
	}
	// The model (bundle, ONNX Runtime session) opens while the store and the
	// index open and the segmenter loads its dictionaries.
	opened := make(chan openedModel, 1)
	go func() {
		m, err := openServingModel(cfg.modelDir, tax)
		opened <- openedModel{m, err}
	}()
	store, index, access, err := openStorage(ctx, &cfg)
	res := <-opened
	if err != nil {
		if res.m != nil {
			res.m.Close()
		}
		return nil, nil, err
	}
	m, err := res.m, res.err
	if err != nil {
		log.Printf("serving without a model, classification answers 503: %v", err)
	}
	holder := newModelHolder(m, err)
	// Return what loading left behind (dictionary and vocabulary parse
	// buffers) to the system; a forced collection takes ~0.2 s, so it runs
	// while the server starts.
	go debug.FreeOSMemory()
	s := &server{models: holder, store: store, index: index, taxonomy: tax, now: time.Now, started: time.Now(), dataDir: cfg.dataDir}
	access.apply(s, cfg)
	dupes := &search.Duplicates{Index: index, Window: cfg.dupWindow, Threshold: cfg.dupThreshold}
	if dupes.Window <= 0 {
		dupes.Window = search.DefaultWindow
	}
	if dupes.Threshold <= 0 {
		dupes.Threshold = search.DefaultThreshold
	}
	s.cases = &dispatch.Service{
		Model:         holder.acquireForDispatch,
		Dispatcher:    &dispatch.Dispatcher{Taxonomy: tax, Jurisdiction: jur, Deadlines: dispatch.DefaultDeadlines()},
		Store:         store,
		Now:           time.Now,
		FindDuplicate: dupes.Find,
		Changed:       s.indexCase,
		Protect:       s.protector.Protect,
	}
	s.reload = reloader(cfg.modelDir, tax, holder)
	cleanup := func() {
		holder.close()
		if err := s.index.Close(); err != nil {
			log.Printf("closing the case index: %v", err)
		}
		if err := store.Close(); err != nil {
			log.Printf("closing the case store: %v", err)
		}
	}
	return s, cleanup, nil
}

// reloader returns the function behind POST /v1/model/reload: it opens the
// bundle in modelDir again and swaps it in, one reload at a time; a failure
// leaves the serving model in place.
func reloader(modelDir string, tax *datasets.Taxonomy, holder *modelHolder) func() error {
	var mu sync.Mutex
	return func() error {
		mu.Lock()
		defer mu.Unlock()
		next, err := openServingModel(modelDir, tax)
		if err != nil {
			kind := gridtriage.KindInvalid // a bundle that fails validation
			if gridtriage.KindOf(err) == gridtriage.KindUnavailable {
				kind = gridtriage.KindUnavailable // no bundle at all
			}
			return gridtriage.E("model.Reload", kind, err)
		}
		holder.swap(next)
		log.Printf("model reloaded: %s", next.Version())
		return nil
	}
}

// openedModel is the outcome of opening the serving model.
type openedModel struct {
	m   *model.Model
	err error
}

// openStorage opens the case database, the search index (rebuilding it if
// needed) and the access configuration.
func openStorage(ctx context.Context, cfg *serveConfig) (*sqlite.DB, *search.Index, *accessConfig, error) {
	store, err := sqlite.Open(ctx, cfg.dataDir)
	if err != nil {
		return nil, nil, nil, err
	}
	index, err := openIndex(ctx, cfg.dataDir, store)
	if err != nil {
		store.Close()
		return nil, nil, nil, err
	}
	access, err := loadAccess(cfg)
	if err != nil {
		index.Close()
		store.Close()
		return nil, nil, nil, err
	}
	return store, index, access, nil
}

// openServingModel opens a bundle and checks that its labels are taxonomy
// codes, so every prediction can be dispatched.
func openServingModel(dir string, tax *datasets.Taxonomy) (*model.Model, error) {
	if _, err := os.Stat(filepath.Join(dir, bundle.ManifestFile)); errors.Is(err, fs.ErrNotExist) {
		return nil, gridtriage.Errorf("model.Open", gridtriage.KindUnavailable, "no model bundle at %s (missing %s)", dir, bundle.ManifestFile)
	}
	m, err := model.Open(dir, tax.Name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, gridtriage.E("model.Open", gridtriage.KindUnavailable, err)
	}
	if err != nil {
		return nil, err
	}
	for _, l := range m.Labels() {
		if _, ok := tax.Category(l); !ok {
			m.Close()
			return nil, gridtriage.Errorf("model.Open", gridtriage.KindInvalid, "model %s predicts %q, which is not a taxonomy category; serve a model trained on the 58-category corpus", dir, l)
		}
	}
	return m, nil
}

func loadTaxonomy(overrides string) (*datasets.Taxonomy, error) {
	tax, err := datasets.Default()
	if err != nil || overrides == "" {
		return tax, err
	}
	return tax.LoadOverrides(overrides)
}

// listenAndServe serves until ctx ends, reloading the model on SIGHUP and
// letting in-flight requests finish on shutdown.
func listenAndServe(ctx context.Context, cfg serveConfig, s *server) error {
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: s.router(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for range hup {
			if err := s.reload(); err != nil {
				log.Printf("model reload refused, keeping the current model: %v", err)
			}
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Printf("gridtriage %s serving on http://%s (model %q, data %s)", Version, ln.Addr(), s.models.version(), cfg.dataDir)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Printf("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
