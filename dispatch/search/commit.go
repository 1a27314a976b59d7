package search

import (
	"errors"
	"sync"

	"github.com/blevesearch/bleve/v2"
)

// maxGroup is the most documents one group commit writes.
const maxGroup = 256

// errClosed is returned by a write to a closed index.
var errClosed = errors.New("the case index is closed")

// groupCommitter writes documents to a bleve index from one goroutine, in
// batches: the writes that arrive while a batch is being written go
// together into the next one. Under concurrent load the index then takes a
// few larger segments instead of one per case, which it would spend its
// time merging. A write returns once its batch is in the index, as a
// single Index call would.
type groupCommitter struct {
	idx   bleve.Index
	queue chan write // unbuffered: a write is taken only by a running loop
	quit  chan struct{}
	done  chan struct{}
	once  sync.Once
}

// write is one document waiting to be indexed.
type write struct {
	id     string
	doc    any
	result chan error
}

// startGroupCommits starts writing to idx; stop ends it.
func startGroupCommits(idx bleve.Index) *groupCommitter {
	g := &groupCommitter{idx: idx, queue: make(chan write), quit: make(chan struct{}), done: make(chan struct{})}
	go g.loop()
	return g
}

// index indexes doc under id and returns when it is written.
func (g *groupCommitter) index(id string, doc any) error {
	w := write{id: id, doc: doc, result: make(chan error, 1)}
	select {
	case g.queue <- w:
		return <-w.result
	case <-g.quit:
		return errClosed
	}
}

// stop ends the loop once its batch in progress is written; later writes
// fail with errClosed. Stopping again does nothing.
func (g *groupCommitter) stop() {
	g.once.Do(func() { close(g.quit) })
	<-g.done
}

func (g *groupCommitter) loop() {
	defer close(g.done)
	for {
		select {
		case w := <-g.queue:
			g.commit(g.gather(w))
		case <-g.quit:
			return
		}
	}
}

// gather returns first and the writes already waiting, up to maxGroup.
func (g *groupCommitter) gather(first write) []write {
	group := []write{first}
	for len(group) < maxGroup {
		select {
		case w := <-g.queue:
			group = append(group, w)
		default:
			return group
		}
	}
	return group
}

// commit writes group in one batch and tells each write its result; a
// document the mapping refuses fails alone.
func (g *groupCommitter) commit(group []write) {
	batch := g.idx.NewBatch()
	var in []write
	for _, w := range group {
		if err := batch.Index(w.id, w.doc); err != nil {
			w.result <- err
			continue
		}
		in = append(in, w)
	}
	var err error
	if len(in) > 0 {
		err = g.idx.Batch(batch)
	}
	for _, w := range in {
		w.result <- err
	}
}
