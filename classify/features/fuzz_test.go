package features

import (
	"math"
	"testing"
)

func FuzzVectorize(f *testing.F) {
	spec := Spec{WordMinN: 1, WordMaxN: 2, CharMinN: 1, CharMaxN: 3, MinDF: 1, MaxFeatures: 1000, Sublinear: true, LeadLine: true}
	docs := [][]string{DistinctTerms(spec, spaceSegmenter{}, "井盖 没了\n路口 井盖 丢了"), DistinctTerms(spec, spaceSegmenter{}, "楼道 电动车 充电")}
	vocab := BuildVocabulary(spec, docs)
	for _, s := range []string{"井盖 没了", "", "\n", "楼道\n电动车 充电 充电", "a\xffb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := Vectorize(spec, spaceSegmenter{}, vocab, s)
		for k, i := range v.Indices {
			if i < 1 || int(i) >= vocab.Size() || k > 0 && v.Indices[k-1] >= i {
				t.Fatalf("bad index %d at %d in %v", i, k, v.Indices)
			}
			if x := float64(v.Values[k]); math.IsNaN(x) || math.IsInf(x, 0) || x <= 0 || x > 1+1e-6 {
				t.Fatalf("bad value %v", x)
			}
		}
	})
}
