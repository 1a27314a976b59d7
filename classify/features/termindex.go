package features

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
)

// termIndex maps terms to feature indices with fewer cache misses than a Go
// map of strings, whose lookups dominate vectorising once the vocabulary
// outgrows the CPU caches. Each slot packs a 32-bit hash fingerprint with
// the offset of its entry in arena, so a missing term usually costs one
// memory access and a present one two.
type termIndex struct {
	seed  maphash.Seed
	slots []uint64 // fingerprint<<32 | arena offset; 0 is an empty slot
	mask  uint64
	// arena holds the entries back to back, each a little-endian uint32
	// feature index, a little-endian uint32 length and the term's bytes.
	// Offset 0 is a pad byte, so no slot of an entry is 0.
	arena string
}

// entryHeader is the size of an entry's index and length.
const entryHeader = 8

// newTermIndex indexes terms: term i gets feature index i+1. It returns the
// index and terms as substrings of the index's arena, which saves a
// separate allocation per term, and the position of the first term that
// repeats an earlier one, or -1. Of repeated terms the first wins.
func newTermIndex(terms []string) (*termIndex, []string, int) {
	size := 1
	for _, t := range terms {
		size += entryHeader + len(t)
	}
	arena := make([]byte, 1, size)
	offs := make([]uint32, len(terms))
	for i, t := range terms {
		offs[i] = uint32(len(arena))
		arena = binary.LittleEndian.AppendUint32(arena, uint32(i+1))
		arena = binary.LittleEndian.AppendUint32(arena, uint32(len(t)))
		arena = append(arena, t...)
	}
	nslots := uint64(1) << bits.Len(uint(2*len(terms))) // load factor ≤ 1/2
	x := &termIndex{seed: maphash.MakeSeed(), slots: make([]uint64, nslots), mask: nslots - 1, arena: string(arena)}
	out := make([]string, len(terms))
	dup := -1
	for i, t := range terms {
		start := int(offs[i]) + entryHeader
		out[i] = x.arena[start : start+len(t)]
		if !x.insert(out[i], offs[i]) && dup < 0 {
			dup = i
		}
	}
	return x, out, dup
}

// insert adds the entry at off for term and reports true, or reports false
// when term is already present.
func (x *termIndex) insert(term string, off uint32) bool {
	h := maphash.String(x.seed, term)
	for pos := h & x.mask; ; pos = (pos + 1) & x.mask {
		s := x.slots[pos]
		if s == 0 {
			x.slots[pos] = h>>32<<32 | uint64(off)
			return true
		}
		if s>>32 == h>>32 && x.term(uint32(s)) == term {
			return false
		}
	}
}

// lookup returns the feature index of term, or 0 when it is absent.
func (x *termIndex) lookup(term []byte) int32 { return x.find(term, maphash.Bytes(x.seed, term)) }

// find returns the feature index of term, whose hash is h.
func (x *termIndex) find(term []byte, h uint64) int32 {
	for pos := h & x.mask; ; pos = (pos + 1) & x.mask {
		s := x.slots[pos]
		if s == 0 {
			return 0
		}
		if s>>32 == h>>32 && x.term(uint32(s)) == string(term) {
			return int32(uint32At(x.arena, uint32(s)))
		}
	}
}

// term is the term of the entry at off.
func (x *termIndex) term(off uint32) string {
	start := off + entryHeader
	return x.arena[start : start+uint32At(x.arena, off+4)]
}

// uint32At decodes the little-endian uint32 at s[off:].
func uint32At(s string, off uint32) uint32 {
	_ = s[off+3]
	return uint32(s[off]) | uint32(s[off+1])<<8 | uint32(s[off+2])<<16 | uint32(s[off+3])<<24
}

// termBatch is a list of terms to look up together, and the scratch space
// of the look-up.
type termBatch struct {
	buf  []byte // the terms back to back
	ends []int  // the end of each term in buf
	hash []uint64
	seen []uint64 // the first slot each term probes
	idx  []int32  // the result: each term's feature index, 0 when absent
}

func (b *termBatch) reset() {
	b.buf, b.ends = b.buf[:0], b.ends[:0]
}

func (b *termBatch) add(term []byte) {
	b.buf = append(b.buf, term...)
	b.ends = append(b.ends, len(b.buf))
}

func (b *termBatch) term(i int) []byte {
	if i == 0 {
		return b.buf[:b.ends[0]]
	}
	return b.buf[b.ends[i-1]:b.ends[i]]
}

// lookupBatch sets b.idx to the feature indices of b's terms. It reads the
// first slot of every term, then the entry it names, before comparing any
// term: the reads do not depend on one another, so their cache misses
// overlap instead of following one another as in one look-up after
// another.
func (x *termIndex) lookupBatch(b *termBatch) {
	n := len(b.ends)
	b.hash, b.seen, b.idx = resize(b.hash, n), resize(b.seen, n), resize(b.idx, n)
	for i := range n {
		b.hash[i] = maphash.Bytes(x.seed, b.term(i))
	}
	for i, h := range b.hash {
		b.seen[i] = x.slots[h&x.mask]
	}
	for i, s := range b.seen {
		if s != 0 && s>>32 == b.hash[i]>>32 {
			b.idx[i] = int32(x.arena[uint32(s)]) // only to load the entry; overwritten below
		}
	}
	for i, h := range b.hash {
		b.idx[i] = x.find(b.term(i), h)
	}
}

// resize returns s with length n, reusing its array when large enough.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
