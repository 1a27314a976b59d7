package ort

import (
	"strings"
	"testing"

	"github.com/gridtriage/gridtriage"
)

func TestMissingLibraryMessage(t *testing.T) {
	t.Setenv(EnvLibrary, "/nonexistent/libonnxruntime.so.1")
	_, err := findLibrary()
	if err == nil {
		t.Fatal("a missing library was accepted")
	}
	for _, want := range []string{"not found", "make ort", "onnxruntime-node 1.24.3", EnvLibrary} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if gridtriage.KindOf(err) != gridtriage.KindUnavailable {
		t.Errorf("kind %v", gridtriage.KindOf(err))
	}
}

func TestInitLoadsTheRealLibrary(t *testing.T) {
	if err := Init(); err != nil {
		t.Fatalf("ONNX Runtime must be installed for the tests (make ort): %v", err)
	}
	if Library() == "" {
		t.Error("no library path recorded")
	}
}
