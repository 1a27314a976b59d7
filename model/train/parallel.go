package train

import (
	"runtime"
	"sync"
)

// parallelMap applies f to every element on all cores; out[i] = f(in[i]),
// so the result does not depend on scheduling.
func parallelMap[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for i := w; i < len(in); i += workers {
				out[i] = f(in[i])
			}
		})
	}
	wg.Wait()
	return out
}
