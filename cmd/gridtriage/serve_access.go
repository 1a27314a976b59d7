package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/gridtriage/gridtriage/auth"
	"github.com/gridtriage/gridtriage/privacy"
)

// Review-page sessions last a working shift; at most this many at once.
const (
	sessionTTL  = 12 * time.Hour
	maxSessions = 1000
)

// accessConfig is what serve loads to guard the API: the token hashes and
// the data key.
type accessConfig struct {
	tokens *auth.Tokens
	box    *privacy.Box
}

// loadAccess reads the token file (required) and the data key (optional:
// without one, the unmasked originals of redacted reports are not kept).
func loadAccess(cfg *serveConfig) (*accessConfig, error) {
	if cfg.tokens == "" {
		cfg.tokens = filepath.Join(cfg.dataDir, "tokens.tsv")
	}
	toks, err := auth.LoadTokens(cfg.tokens)
	if err != nil {
		return nil, err
	}
	keyFile := cfg.keyFile
	if keyFile == "" {
		keyFile = filepath.Join(cfg.dataDir, "data.key")
		if _, err := os.Stat(keyFile); errors.Is(err, fs.ErrNotExist) {
			keyFile = ""
		}
	}
	key, ok, err := privacy.LoadKey(keyFile)
	if err != nil {
		return nil, err
	}
	a := &accessConfig{tokens: toks}
	if !ok {
		log.Printf("no data key ($%s or --key-file): personal data is redacted and the originals are not kept", privacy.KeyEnv)
		return a, nil
	}
	if a.box, err = privacy.NewBox(key); err != nil {
		return nil, fmt.Errorf("data key: %w", err)
	}
	return a, nil
}

// apply installs the guards on s.
func (a *accessConfig) apply(s *server, cfg serveConfig) {
	s.tokens = a.tokens
	s.protector = &privacy.Protector{Box: a.box}
	s.sessions = auth.NewSessions(sessionTTL, maxSessions)
	s.limiter = newRateLimiter(cfg.rate, max(1, cfg.burst))
	s.inflight = make(chan struct{}, max(1, cfg.maxInFlight))
	s.requestTimeout = cfg.requestTimeout
	if s.requestTimeout <= 0 {
		s.requestTimeout = 30 * time.Second
	}
	s.accessLog = cfg.accessLog
}
