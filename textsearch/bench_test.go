package textsearch

import (
	"strings"
	"testing"
)

// benchText is a cooperation description of about 2 KB in the six UN
// languages, the size of a typical opportunity or lesson.
var benchText = strings.Repeat(`Joint laboratory for renewable energy storage: Tsinghua University and the
Kazakh National University develop solid-state batteries (TRL 4, H2020-funded pilot, 2023-2026).
清华大学与哈萨克斯坦国立大学在可再生能源储能领域开展联合研究，建设联合实验室。
Совместная лаборатория университетов по накоплению возобновляемой энергии.
مختبر مشترك بين الجامعات لتخزين الطاقة المتجددة والتعاون العلمي.
Laboratoire commun de l'université pour le stockage de l'énergie renouvelable.
Laboratorio conjunto de investigación sobre almacenamiento de energías renovables.
`, 2)

func BenchmarkTerms(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		Terms(benchText)
	}
}

func BenchmarkTermsASCII(b *testing.B) {
	text := strings.Repeat("Joint research on renewable energy storage and solid-state batteries, technology transfer to enterprises. ", 20)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Terms(text)
	}
}

func BenchmarkQueryTerms(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		QueryTerms("人工智能 renewable energies университета الجامعة COVID-19")
	}
}
