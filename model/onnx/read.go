package onnx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/x448/float16"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/gridtriage/gridtriage/model/linear"
)

// Weights are the initializers of a model written by Export.
type Weights struct {
	Dim, Classes int
	W            []float16.Float16 // rows FirstRow… of the Dim × Classes matrix, feature-major, as stored
	FirstRow     int
	B            []float32
	Temperature  float32
}

// Model is the reference scorer of the stored weights; it needs all rows
// (ReadWeights).
func (w *Weights) Model(labels []string) *linear.Model {
	m := &linear.Model{Labels: labels, Dim: w.Dim, W: make([]float32, len(w.W)), B: w.B, Temperature: w.Temperature}
	for i, h := range w.W {
		m.W[i] = h.Float32()
	}
	return m
}

// At is the weight of feature row i (FirstRow ≤ i < FirstRow + len(W)/Classes)
// for class k.
func (w *Weights) At(i, k int) float32 {
	return w.W[(i-w.FirstRow)*w.Classes+k].Float32()
}

// ReadWeights parses the weight initializers back out of an exported model:
// graph is the ONNX graph and weights its WeightsFile.
func ReadWeights(graph []byte, weights io.ReaderAt) (*Weights, error) {
	return ReadWeightRows(graph, weights, 0, -1)
}

// ReadWeightRows is ReadWeights keeping only rows [lo, hi) of W (hi < 0:
// to the end), so a caller needing part of a large matrix never holds all
// of it. weights may be nil when no row is wanted (lo == hi).
func ReadWeightRows(graph []byte, weights io.ReaderAt, lo, hi int) (*Weights, error) {
	tensors, err := initializers(graph)
	if err != nil {
		return nil, err
	}
	w, b, temp := tensors[WeightName], tensors[BiasName], tensors[TempName]
	if len(w.dims) != 2 || w.dtype != tensorFloat16 || len(b.dims) != 1 || b.dtype != tensorFloat || temp.dtype != tensorFloat {
		return nil, errors.New("model lacks the W, B or temperature initializer of the expected shape")
	}
	out := &Weights{Dim: int(w.dims[0]), Classes: int(w.dims[1]), B: floats(b.raw)}
	if t := floats(temp.raw); len(t) == 1 {
		out.Temperature = t[0]
	}
	if w.location != WeightsFile || w.offset != 0 || w.length != 2*out.Dim*out.Classes || len(out.B) != out.Classes || out.Temperature <= 0 {
		return nil, fmt.Errorf("initializers do not match: W of %d×%d in %q at %d+%d bytes, B of %d", out.Dim, out.Classes, w.location, w.offset, w.length, len(out.B))
	}
	if hi < 0 || hi > out.Dim {
		hi = out.Dim
	}
	if lo < 0 || lo > hi {
		return nil, fmt.Errorf("rows %d–%d are outside the %d rows of W", lo, hi, out.Dim)
	}
	out.FirstRow = lo
	if lo == hi {
		return out, nil
	}
	raw := make([]byte, 2*(hi-lo)*out.Classes)
	if _, err := weights.ReadAt(raw, int64(2*lo*out.Classes)); err != nil {
		return nil, fmt.Errorf("reading rows %d–%d of W from %s: %w", lo, hi, WeightsFile, err)
	}
	out.W = halves(raw)
	return out, nil
}

// initializers parses the graph's initializers by name.
func initializers(model []byte) (map[string]rawTensor, error) {
	graph, err := field(model, 7)
	if err != nil {
		return nil, fmt.Errorf("model has no graph: %w", err)
	}
	tensors := map[string]rawTensor{}
	err = eachField(graph, func(num protowire.Number, v []byte) error {
		if num != 5 {
			return nil
		}
		t, err := parseTensor(v)
		tensors[t.name] = t
		return err
	})
	return tensors, err
}

// rawTensor is an initializer: its data inline (raw) or external
// (location, offset, length).
type rawTensor struct {
	name           string
	dims           []int64
	dtype          uint64
	raw            []byte
	location       string
	offset, length int
}

func parseTensor(b []byte) (rawTensor, error) {
	var t rawTensor
	err := eachField(b, func(num protowire.Number, v []byte) error {
		switch num {
		case 8:
			t.name = string(v)
		case 9:
			t.raw = v
		case 13:
			return t.externalEntry(v)
		}
		return nil
	}, func(num protowire.Number, x uint64) {
		switch num {
		case 1:
			t.dims = append(t.dims, int64(x))
		case 2:
			t.dtype = x
		}
	})
	return t, err
}

// externalEntry records one key/value of an external_data list.
func (t *rawTensor) externalEntry(entry []byte) error {
	var key, value string
	err := eachField(entry, func(num protowire.Number, v []byte) error {
		switch num {
		case 1:
			key = string(v)
		case 2:
			value = string(v)
		}
		return nil
	})
	if err != nil {
		return err
	}
	switch key {
	case "location":
		t.location = value
	case "offset", "length":
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 {
			return fmt.Errorf("external data %s %q is not a size", key, value)
		}
		if key == "offset" {
			t.offset = n
		} else {
			t.length = n
		}
	}
	return nil
}

func halves(raw []byte) []float16.Float16 {
	out := make([]float16.Float16, len(raw)/2)
	for i := range out {
		out[i] = float16.Frombits(binary.LittleEndian.Uint16(raw[2*i:]))
	}
	return out
}

func floats(raw []byte) []float32 {
	out := make([]float32, len(raw)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out
}

// field returns the first length-delimited field num of msg.
func field(msg []byte, num protowire.Number) ([]byte, error) {
	var found []byte
	err := eachField(msg, func(n protowire.Number, v []byte) error {
		if n == num && found == nil {
			found = v
		}
		return nil
	})
	if err == nil && found == nil {
		err = fmt.Errorf("field %d missing", num)
	}
	return found, err
}

// eachField walks the top-level fields of msg, calling bytesFn for
// length-delimited ones and varintFn (if given) for varints.
func eachField(msg []byte, bytesFn func(protowire.Number, []byte) error, varintFn ...func(protowire.Number, uint64)) error {
	for len(msg) > 0 {
		num, typ, n := protowire.ConsumeTag(msg)
		if n < 0 {
			return protowire.ParseError(n)
		}
		msg = msg[n:]
		switch typ {
		case protowire.BytesType:
			v, n := protowire.ConsumeBytes(msg)
			if n < 0 {
				return protowire.ParseError(n)
			}
			if err := bytesFn(num, v); err != nil {
				return err
			}
			msg = msg[n:]
		case protowire.VarintType:
			x, n := protowire.ConsumeVarint(msg)
			if n < 0 {
				return protowire.ParseError(n)
			}
			for _, f := range varintFn {
				f(num, x)
			}
			msg = msg[n:]
		default:
			n := protowire.ConsumeFieldValue(num, typ, msg)
			if n < 0 {
				return protowire.ParseError(n)
			}
			msg = msg[n:]
		}
	}
	return nil
}
