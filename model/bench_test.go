package model_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/gridtriage/gridtriage/classify/analysis"
	"github.com/gridtriage/gridtriage/classify/features"
)

const (
	shortReport = "小区门口的井盖没了，晚上路过很危险，请尽快处理"
	longReport  = "来电人反映：幸福路与建设路交叉口东侧人行道上的井盖已经丢失三天了，井口只用一个破纸箱盖着，晚上路灯又不亮，" +
		"附近小学放学时孩子们都从这里经过，昨天已经有一位老人差点踩空摔倒。来电人此前已经向社区和物业反映过两次，" +
		"物业说井盖不归他们管，社区说已经上报但一直没有人来处理。来电人要求相关部门尽快补装井盖，并在修好之前设置围挡和警示标志，" +
		"同时希望查清楚井盖是被盗还是损坏，避免类似情况再次发生。来电人留有联系电话13812345678，希望处理后回复。"
)

func BenchmarkNormalize(b *testing.B) {
	a, _ := analysis.Default()
	for b.Loop() {
		a.Normalize(longReport)
	}
}

func BenchmarkSegment(b *testing.B) {
	a, _ := analysis.Default()
	text := a.Normalize(longReport)
	for b.Loop() {
		a.Words(text)
	}
}

func BenchmarkFeaturize(b *testing.B) {
	m := openCorpusModel(b)
	b.ResetTimer()
	for b.Loop() {
		m.Vectorize(longReport)
	}
}

func BenchmarkONNX(b *testing.B) {
	m := openCorpusModel(b)
	for _, n := range []int{1, 32, 256} {
		b.Run(fmt.Sprintf("batch%d", n), func(b *testing.B) {
			texts := make([]string, n)
			for i := range texts {
				texts[i] = shortReport
			}
			vecs := make([]features.Vector, n)
			for i, t := range texts {
				vecs[i] = m.Vectorize(t)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := m.Predict(vecs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "reports/s")
		})
	}
}

func BenchmarkClassify(b *testing.B) {
	m := openCorpusModel(b)
	for _, c := range []struct{ name, text string }{{"short", shortReport}, {"long", longReport}} {
		b.Run(c.name+"/serial", func(b *testing.B) {
			for b.Loop() {
				if _, err := m.Classify(context.Background(), []string{c.text}, 3); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
		})
		b.Run(c.name+"/batch256", func(b *testing.B) {
			texts := slices.Repeat([]string{c.text}, 256)
			for b.Loop() {
				if _, err := m.Classify(context.Background(), texts, 3); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(texts))*float64(b.N)/b.Elapsed().Seconds(), "reports/s")
		})
		b.Run(c.name+"/parallel", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := m.Classify(context.Background(), []string{c.text}, 3); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
		})
	}
}
