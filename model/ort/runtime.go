// Package ort runs the project's ONNX models with ONNX Runtime through
// onnxruntime_go. The shared library comes from the npm package
// onnxruntime-node that `make ort` fetches; Init finds it and fails with one
// clear message when it is missing.
package ort

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	ortgo "github.com/yalue/onnxruntime_go"

	"github.com/gridtriage/gridtriage"
)

// LibraryName is the file name of the ONNX Runtime shared library.
const LibraryName = "libonnxruntime.so.1"

// EnvLibrary names the environment variable that overrides the library path.
const EnvLibrary = "GRIDTRIAGE_ORT_LIB"

// CacheDir is where `make ort` unpacks the library, relative to the
// repository root.
const CacheDir = ".cache/onnxruntime"

// DefaultLibrary is the library path compiled into the binary by `make
// build` (-ldflags -X); empty in a plain `go build`.
var DefaultLibrary string

var (
	initOnce sync.Once
	initErr  error
	libUsed  string
)

// Init loads ONNX Runtime once per process. Every later call returns the
// first call's result.
func Init() error {
	initOnce.Do(func() {
		libUsed, initErr = findLibrary()
		if initErr != nil {
			return
		}
		ortgo.SetSharedLibraryPath(libUsed)
		if err := ortgo.InitializeEnvironment(); err != nil {
			initErr = gridtriage.Errorf("ort.Init", gridtriage.KindUnavailable,
				"loading ONNX Runtime from %s failed: %v; %s", libUsed, err, installHint)
		}
	})
	return initErr
}

// Library returns the path of the loaded library, after a successful Init.
func Library() string { return libUsed }

const installHint = "run `make ort` in the gridtriage repository (it fetches the npm package onnxruntime-node 1.24.3 and unpacks " +
	LibraryName + " into " + CacheDir + "), or set " + EnvLibrary + " to the library's path"

// findLibrary looks, in order, at $GRIDTRIAGE_ORT_LIB, the path compiled in
// by the build, the executable's directory, and the cache of the nearest
// repository above the working directory.
func findLibrary() (string, error) {
	var tried []string
	try := func(p string) bool {
		if p == "" {
			return false
		}
		tried = append(tried, p)
		st, err := os.Stat(p)
		return err == nil && !st.IsDir()
	}
	if p := os.Getenv(EnvLibrary); p != "" {
		if try(p) {
			return p, nil
		}
		return "", gridtriage.Errorf("ort.Init", gridtriage.KindUnavailable,
			"ONNX Runtime library not found at %s=%s; %s", EnvLibrary, p, installHint)
	}
	candidates := []string{DefaultLibrary}
	if exe, err := os.Executable(); err == nil {
		candidates = append(candidates, filepath.Join(filepath.Dir(exe), LibraryName))
	}
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			candidates = append(candidates, filepath.Join(dir, CacheDir, LibraryName))
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	for _, p := range candidates {
		if try(p) {
			return p, nil
		}
	}
	return "", gridtriage.Errorf("ort.Init", gridtriage.KindUnavailable,
		"ONNX Runtime library %s not found (looked in %d places, first %s); %s", LibraryName, len(tried), first(tried), installHint)
}

func first(s []string) string {
	if len(s) == 0 {
		return "nowhere"
	}
	return fmt.Sprintf("%q", s[0])
}
