package ort

import (
	"fmt"

	ortgo "github.com/yalue/onnxruntime_go"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/classify/features"
	"github.com/gridtriage/gridtriage/model/onnx"
)

// MaxRunBatch is the largest number of reports scored in one ONNX Runtime
// call; larger batches are split, which bounds the intermediate tensor.
const MaxRunBatch = 64

// Session scores feature vectors with one ONNX model. It is safe for
// concurrent use: each call builds its own input and output tensors and
// ONNX Runtime's Run is thread-safe for a shared session, unlike
// onnxruntime_go's AdvancedSession with its bound tensors.
type Session struct {
	s       *ortgo.DynamicAdvancedSession
	classes int
}

// Open creates a session for the ONNX model file at path, whose output has
// the given number of classes. ONNX Runtime reads the file itself and maps
// its external data (the weights) into memory.
func Open(path string, classes int) (*Session, error) {
	const op = "ort.Open"
	if err := Init(); err != nil {
		return nil, err
	}
	opts, err := ortgo.NewSessionOptions()
	if err != nil {
		return nil, gridtriage.E(op, gridtriage.KindUnavailable, err)
	}
	defer opts.Destroy()
	// Requests run in parallel on their own goroutines; one thread each keeps
	// latency flat under load.
	if err := opts.SetIntraOpNumThreads(1); err != nil {
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	if err := opts.SetInterOpNumThreads(1); err != nil {
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	s, err := ortgo.NewDynamicAdvancedSession(path,
		[]string{onnx.InputIndices, onnx.InputValues}, []string{onnx.Output}, opts)
	if err != nil {
		return nil, gridtriage.Errorf(op, gridtriage.KindInvalid, "ONNX Runtime rejected the model: %v", err)
	}
	return &Session{s: s, classes: classes}, nil
}

// Close releases the session. It must not be called while a Predict runs.
func (s *Session) Close() error {
	if s == nil || s.s == nil {
		return nil
	}
	err := s.s.Destroy()
	s.s = nil
	return err
}

// Predict returns the calibrated class probabilities of each vector.
func (s *Session) Predict(batch []features.Vector) ([][]float32, error) {
	out := make([][]float32, 0, len(batch))
	for start := 0; start < len(batch); start += MaxRunBatch {
		end := min(start+MaxRunBatch, len(batch))
		probs, err := s.run(batch[start:end])
		if err != nil {
			return nil, err
		}
		out = append(out, probs...)
	}
	return out, nil
}

func (s *Session) run(batch []features.Vector) ([][]float32, error) {
	const op = "ort.Predict"
	n := len(batch)
	if n == 0 {
		return nil, nil
	}
	width := 1
	for _, v := range batch {
		width = max(width, v.Len())
	}
	idx := make([]int64, n*width) // zero: the padding index, whose weights are zero
	val := make([]float32, n*width)
	for r, v := range batch {
		for j, i := range v.Indices {
			idx[r*width+j] = int64(i)
			val[r*width+j] = v.Values[j]
		}
	}
	shape := ortgo.NewShape(int64(n), int64(width))
	ti, err := ortgo.NewTensor(shape, idx)
	if err != nil {
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	defer ti.Destroy()
	tv, err := ortgo.NewTensor(shape, val)
	if err != nil {
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	defer tv.Destroy()
	res := make([]float32, n*s.classes)
	to, err := ortgo.NewTensor(ortgo.NewShape(int64(n), int64(s.classes)), res)
	if err != nil {
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	defer to.Destroy()
	if s.s == nil {
		return nil, gridtriage.Errorf(op, gridtriage.KindUnavailable, "session is closed")
	}
	if err := s.s.Run([]ortgo.Value{ti, tv}, []ortgo.Value{to}); err != nil {
		return nil, gridtriage.E(op, gridtriage.KindUnavailable, fmt.Errorf("ONNX Runtime: %w", err))
	}
	out := make([][]float32, n)
	for r := range out {
		out[r] = res[r*s.classes : (r+1)*s.classes : (r+1)*s.classes]
	}
	return out, nil
}
