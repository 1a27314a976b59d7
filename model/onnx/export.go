// Package onnx writes the project's linear models as ONNX graphs (opset 13)
// with protowire, and reads their weights back. The graph takes a padded
// batch of sparse features and returns calibrated probabilities:
//
//	indices int64 [batch, nnz], values float32 [batch, nnz]
//	→ Gather(W) → Cast to float32 · values → ReduceSum over nnz → + bias
//	→ ÷ temperature → Softmax → probabilities float32 [batch, classes]
//
// The weight matrix W is stored in half precision (float16), which halves
// the bundle and the memory ONNX Runtime holds; the gathered rows are cast
// to float32 before any arithmetic. Models are rounded to half precision
// when trained (linear.Model.RoundToHalf), so the reference scorer and ONNX
// Runtime compute with the same weights.
package onnx

import (
	"encoding/binary"
	"math"

	"github.com/x448/float16"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/gridtriage/gridtriage/model/linear"
)

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
)

// Export encodes m as an ONNX model. metadata is written as the model's
// metadata_props, in the given key order.
func Export(m *linear.Model, producerVersion string, metadata [][2]string) []byte {
	var b []byte
	b = appendVarintField(b, 1, irVersion)
	b = appendStringField(b, 2, "gridtriage")
	b = appendStringField(b, 3, producerVersion)
	b = protowire.AppendTag(b, 7, protowire.BytesType)
	b = protowire.AppendBytes(b, graph(m))
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
	return b
}

func graph(m *linear.Model) []byte {
	c := int64(m.Classes())
	var g []byte
	nodes := [][]byte{
		node("gather", "Gather", []string{WeightName, InputIndices}, "gathered_half", attr("axis", 0)),
		node("widen", "Cast", []string{"gathered_half"}, "gathered", attr("to", tensorFloat)),
		node("unsqueeze", "Unsqueeze", []string{InputValues, "axis2"}, "values3"),
		node("weigh", "Mul", []string{"gathered", "values3"}, "weighted"),
		node("sum", "ReduceSum", []string{"weighted", "axis1"}, "raw", attr("keepdims", 0)),
		node("bias", "Add", []string{"raw", BiasName}, "logits"),
		node("calibrate", "Div", []string{"logits", TempName}, "scaled"),
		node("softmax", "Softmax", []string{"scaled"}, Output, attr("axis", -1)),
	}
	for _, n := range nodes {
		g = appendMessage(g, 1, n)
	}
	g = appendStringField(g, 2, "gridtriage_linear")
	g = appendMessage(g, 5, halfTensor(WeightName, []int64{int64(m.Dim), c}, m.W))
	g = appendMessage(g, 5, floatTensor(BiasName, []int64{c}, m.B))
	g = appendMessage(g, 5, floatTensor(TempName, nil, []float32{m.Temperature}))
	g = appendMessage(g, 5, int64Tensor("axis1", []int64{1}, []int64{1}))
	g = appendMessage(g, 5, int64Tensor("axis2", []int64{1}, []int64{2}))
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

// halfTensor stores data in half precision, rounding to nearest even.
func halfTensor(name string, dims []int64, data []float32) []byte {
	raw := make([]byte, 2*len(data))
	for i, f := range data {
		binary.LittleEndian.PutUint16(raw[2*i:], float16.Fromfloat32(f).Bits())
	}
	return tensor(name, dims, tensorFloat16, raw)
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
