package main

import (
	"sync"

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
	refs sync.WaitGroup
}

func newModelHolder(m *model.Model) *modelHolder {
	return &modelHolder{cur: &modelGen{m: m}}
}

// acquire returns the current model and a release function the caller must
// call when done with it.
func (h *modelHolder) acquire() (*model.Model, func()) {
	h.mu.RLock()
	g := h.cur
	g.refs.Add(1)
	h.mu.RUnlock()
	return g.m, g.refs.Done
}

// acquireForDispatch adapts acquire to dispatch.Service.
func (h *modelHolder) acquireForDispatch() (dispatch.Model, func()) {
	m, release := h.acquire()
	return m, release
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
		old.m.Close()
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
	g.m.Close()
}

// version is the current model's version.
func (h *modelHolder) version() string {
	m, release := h.acquire()
	defer release()
	return m.Version()
}
