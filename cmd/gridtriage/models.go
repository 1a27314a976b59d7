package main

import (
	"sync"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/dispatch"
	"github.com/gridtriage/gridtriage/model"
)

// modelHolder holds the serving model and swaps it atomically on reload:
// requests that started on the old model finish on it, and the old model is
// closed once the last of them releases it.
type modelHolder struct {
	mu  sync.RWMutex
	cur *modelGen
}

type modelGen struct {
	m    *model.Model
	err  error // why there is no model, when m is nil
	refs sync.WaitGroup
}

// newModelHolder holds m, or no model for the reason err: the service then
// answers what needs a model with 503 until a reload succeeds.
func newModelHolder(m *model.Model, err error) *modelHolder {
	return &modelHolder{cur: &modelGen{m: m, err: err}}
}

// acquire returns the current model and a release function the caller must
// call when done with it, or a KindUnavailable error when no model is
// loaded.
func (h *modelHolder) acquire() (*model.Model, func(), error) {
	h.mu.RLock()
	g := h.cur
	g.refs.Add(1)
	h.mu.RUnlock()
	if g.m == nil {
		g.refs.Done()
		return nil, func() {}, gridtriage.Errorf("model", gridtriage.KindUnavailable,
			"no model is loaded (%v); publish a valid bundle and POST /v1/admin/model/reload or send SIGHUP", g.err)
	}
	return g.m, g.refs.Done, nil
}

// acquireForDispatch adapts acquire to dispatch.Service.
func (h *modelHolder) acquireForDispatch() (dispatch.Model, func(), error) {
	m, release, err := h.acquire()
	if err != nil {
		return nil, release, err
	}
	return m, release, nil
}

// swap installs m and returns a channel closed once the previous model is
// released and closed.
func (h *modelHolder) swap(m *model.Model) <-chan struct{} {
	h.mu.Lock()
	old := h.cur
	h.cur = &modelGen{m: m}
	h.mu.Unlock()
	done := make(chan struct{})
	go func() {
		old.refs.Wait()
		if old.m != nil {
			old.m.Close()
		}
		close(done)
	}()
	return done
}

// close waits for in-flight users and closes the current model.
func (h *modelHolder) close() {
	h.mu.Lock()
	g := h.cur
	h.mu.Unlock()
	g.refs.Wait()
	if g.m != nil {
		g.m.Close()
	}
}

// version is the current model's version, or "" when none is loaded.
func (h *modelHolder) version() string {
	m, release, err := h.acquire()
	defer release()
	if err != nil {
		return ""
	}
	return m.Version()
}
