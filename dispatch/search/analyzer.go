package search

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	textanalysis "github.com/gridtriage/gridtriage/classify/analysis"
)

// AnalyzerName is the bleve analyzer that uses the project's normaliser and
// gse segmenter, so search and model see the same words.
const AnalyzerName = "gridtriage"

const tokenizerName = "gridtriage_gse"

func init() {
	registry.RegisterTokenizer(tokenizerName, func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
		a, err := textanalysis.Default()
		if err != nil {
			return nil, err
		}
		return tokenizer{a}, nil
	})
}

// tokenizer adapts the project's analyzer to bleve. Text is normalised
// first (idempotent on text that already is), so offsets refer to the
// normalised text the index stores.
type tokenizer struct{ a *textanalysis.Analyzer }

// Tokenize implements analysis.Tokenizer.
func (t tokenizer) Tokenize(input []byte) analysis.TokenStream {
	text := t.a.Normalize(string(input))
	toks := t.a.Tokens(text)
	stream := make(analysis.TokenStream, len(toks))
	for i, tok := range toks {
		stream[i] = &analysis.Token{Term: []byte(tok.Term), Start: tok.Start, End: tok.End, Position: i + 1, Type: analysis.Ideographic}
	}
	return stream
}

// addAnalyzer registers the project's analyzer in an index mapping.
func addAnalyzer(im *mapping.IndexMappingImpl) error {
	return im.AddCustomAnalyzer(AnalyzerName, map[string]interface{}{
		"type":      custom.Name,
		"tokenizer": tokenizerName,
	})
}
