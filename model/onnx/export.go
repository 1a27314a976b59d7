// Package onnx writes the project's linear models as ONNX graphs (opset 13)
// with protowire, and reads their weights back. The graph takes a padded
// batch of sparse features and returns calibrated probabilities:
//
//	indices int64 [batch, nnz], values float32 [batch, nnz]
//	→ values [batch, 1, nnz] MatMul Cast(Gather(W, indices)) [batch, nnz, classes]
//	→ + bias → ÷ temperature → Softmax → probabilities float32 [batch, classes]
//
// One batched MatMul weighs and sums the gathered rows in a single pass.
//
// The weight matrix W is stored in half precision (float16) as ONNX external
// data, in its own file (WeightsFile) beside the graph: ONNX Runtime maps
// that file into memory instead of parsing and copying it, which makes a
// session open in milliseconds and leaves the weights in the page cache.
// The gathered rows are cast to float32 before any arithmetic. Models are
// rounded to half precision when trained (linear.Model.RoundToHalf), so the
// reference scorer and ONNX Runtime compute with the same weights.
package onnx

import (
	"encoding/binary"
	"math"
	"strconv"

	"github.com/x448/float16"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/gridtriage/gridtriage/model/linear"
)

// WeightsFile is the name of the weight matrix's external data file, which
// must sit beside the graph.
const WeightsFile = "model.weights"

// Names of the graph's inputs, output and weight initializers.
const (
	InputIndices = "indices"
	InputValues  = "values"
	Output       = "probabilities"
	WeightName   = "W"
	BiasName     = "B"
	TempName     = "temperature"
)

// Opset is the ONNX operator set version the graph uses.
const Opset = 13

const irVersion = 8

// ONNX enum values.
const (
	tensorFloat   = 1
	tensorInt64   = 7
	tensorFloat16 = 10
	attrInt       = 2
	// dataLocationExternal marks a tensor whose data is in another file.
	dataLocationExternal = 1
)

// Encoded is an exported model: the ONNX graph and the raw data of its
// weight matrix, to be written to WeightsFile beside it.
type Encoded struct {
	Graph, Weights []byte
}

// Export encodes m as an ONNX model. metadata is written as the model's
// metadata_props, in the given key order.
func Export(m *linear.Model, producerVersion string, metadata [][2]string) Encoded {
	weights := halves16(m.W)
	var b []byte
	b = appendVarintField(b, 1, irVersion)
	b = appendStringField(b, 2, "gridtriage")
	b = appendStringField(b, 3, producerVersion)
	b = protowire.AppendTag(b, 7, protowire.BytesType)
	b = protowire.AppendBytes(b, graph(m, len(weights)))
	var opset []byte
	opset = appendStringField(opset, 1, "")
	opset = appendVarintField(opset, 2, Opset)
	b = protowire.AppendTag(b, 8, protowire.BytesType)
	b = protowire.AppendBytes(b, opset)
	for _, kv := range metadata {
		var e []byte
		e = appendStringField(e, 1, kv[0])
		e = appendStringField(e, 2, kv[1])
		b = protowire.AppendTag(b, 14, protowire.BytesType)
		b = protowire.AppendBytes(b, e)
	}
	return Encoded{Graph: b, Weights: weights}
}

func graph(m *linear.Model, weightBytes int) []byte {
	c := int64(m.Classes())
	var g []byte
	nodes := [][]byte{
		node("gather", "Gather", []string{WeightName, InputIndices}, "gathered_half", attr("axis", 0)),
		node("widen", "Cast", []string{"gathered_half"}, "gathered", attr("to", tensorFloat)),
		node("unsqueeze", "Unsqueeze", []string{InputValues, "axis1"}, "values3"),
		node("weigh", "MatMul", []string{"values3", "gathered"}, "raw3"),
		node("squeeze", "Squeeze", []string{"raw3", "axis1"}, "raw"),
		node("bias", "Add", []string{"raw", BiasName}, "logits"),
		node("calibrate", "Div", []string{"logits", TempName}, "scaled"),
		node("softmax", "Softmax", []string{"scaled"}, Output, attr("axis", -1)),
	}
	for _, n := range nodes {
		g = appendMessage(g, 1, n)
	}
	g = appendStringField(g, 2, "gridtriage_linear")
	g = appendMessage(g, 5, externalTensor(WeightName, []int64{int64(m.Dim), c}, tensorFloat16, weightBytes))
	g = appendMessage(g, 5, floatTensor(BiasName, []int64{c}, m.B))
	g = appendMessage(g, 5, floatTensor(TempName, nil, []float32{m.Temperature}))
	g = appendMessage(g, 5, int64Tensor("axis1", []int64{1}, []int64{1}))
	g = appendMessage(g, 11, valueInfo(InputIndices, tensorInt64, "batch", "nnz"))
	g = appendMessage(g, 11, valueInfo(InputValues, tensorFloat, "batch", "nnz"))
	g = appendMessage(g, 12, valueInfo(Output, tensorFloat, "batch", c))
	return g
}

func node(name, op string, inputs []string, output string, attrs ...[]byte) []byte {
	var n []byte
	for _, in := range inputs {
		n = appendStringField(n, 1, in)
	}
	n = appendStringField(n, 2, output)
	n = appendStringField(n, 3, name)
	n = appendStringField(n, 4, op)
	for _, a := range attrs {
		n = appendMessage(n, 5, a)
	}
	return n
}

func attr(name string, v int64) []byte {
	var a []byte
	a = appendStringField(a, 1, name)
	a = appendVarintField(a, 3, uint64(v))
	a = appendVarintField(a, 20, attrInt)
	return a
}

func floatTensor(name string, dims []int64, data []float32) []byte {
	raw := make([]byte, 4*len(data))
	for i, f := range data {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(f))
	}
	return tensor(name, dims, tensorFloat, raw)
}

// halves16 encodes data in half precision, little-endian, rounding to
// nearest even.
func halves16(data []float32) []byte {
	raw := make([]byte, 2*len(data))
	for i, f := range data {
		binary.LittleEndian.PutUint16(raw[2*i:], float16.Fromfloat32(f).Bits())
	}
	return raw
}

// externalTensor describes a tensor whose data is the first length bytes of
// WeightsFile.
func externalTensor(name string, dims []int64, dtype uint64, length int) []byte {
	var t []byte
	for _, d := range dims {
		t = appendVarintField(t, 1, uint64(d))
	}
	t = appendVarintField(t, 2, dtype)
	t = appendStringField(t, 8, name)
	for _, kv := range [][2]string{{"location", WeightsFile}, {"offset", "0"}, {"length", strconv.Itoa(length)}} {
		var e []byte
		e = appendStringField(e, 1, kv[0])
		e = appendStringField(e, 2, kv[1])
		t = appendMessage(t, 13, e)
	}
	return appendVarintField(t, 14, dataLocationExternal)
}

func int64Tensor(name string, dims []int64, data []int64) []byte {
	raw := make([]byte, 8*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint64(raw[8*i:], uint64(v))
	}
	return tensor(name, dims, tensorInt64, raw)
}

func tensor(name string, dims []int64, dtype uint64, raw []byte) []byte {
	var t []byte
	for _, d := range dims {
		t = appendVarintField(t, 1, uint64(d))
	}
	t = appendVarintField(t, 2, dtype)
	t = appendStringField(t, 8, name)
	t = protowire.AppendTag(t, 9, protowire.BytesType)
	t = protowire.AppendBytes(t, raw)
	return t
}

// valueInfo describes a tensor input or output; a dim is an int64 size or a
// string naming a dynamic axis.
func valueInfo(name string, elem uint64, dims ...any) []byte {
	var shape []byte
	for _, d := range dims {
		var dim []byte
		switch d := d.(type) {
		case int64:
			dim = appendVarintField(dim, 1, uint64(d))
		case string:
			dim = appendStringField(dim, 2, d)
		}
		shape = appendMessage(shape, 1, dim)
	}
	var tt []byte
	tt = appendVarintField(tt, 1, elem)
	tt = appendMessage(tt, 2, shape)
	var typ []byte
	typ = appendMessage(typ, 1, tt)
	var vi []byte
	vi = appendStringField(vi, 1, name)
	vi = appendMessage(vi, 2, typ)
	return vi
}

func appendVarintField(b []byte, num protowire.Number, v uint64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func appendStringField(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendMessage(b []byte, num protowire.Number, msg []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, msg)
}
