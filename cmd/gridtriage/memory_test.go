package main

import (
	"runtime/debug"
	"testing"
)

// TestMemoryLimit checks that serve's --memory-limit-mib sets the Go
// runtime's soft limit, and leaves it alone at 0 or when $GOMEMLIMIT is set.
func TestMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	const unset = int64(1) << 40
	for _, tc := range []struct {
		name, env string
		mib       int
		want      int64
	}{
		{"flag", "", 123, 123 << 20},
		{"zero", "", 0, unset},
		{"environment wins", "300MiB", 123, unset},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOMEMLIMIT", tc.env)
			debug.SetMemoryLimit(unset)
			applyMemoryLimit(tc.mib)
			if got := debug.SetMemoryLimit(-1); got != tc.want {
				t.Errorf("limit %d, want %d", got, tc.want)
			}
		})
	}
}
