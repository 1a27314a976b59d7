package segment

import (
	"slices"
	"testing"
)

func TestDomainTermsAreWords(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, term string }{
		{"楼道里有人飞线充电", "飞线充电"},
		{"村口私搭乱建越来越多", "私搭乱建"},
		{"消防通道被堵死了", "消防通道"},
		{"路口占道经营很严重", "占道经营"},
		{"小区门口井盖没了", "井盖"},
		{"渣土车沿路撒漏", "渣土车"},
		{"老板拖欠工资不给", "拖欠工资"},
		{"楼上高空抛物砸坏车", "高空抛物"},
		{"申请加装电梯的流程", "加装电梯"},
		{"出租屋改成群租房", "群租房"},
		{"饭店油烟直排到楼上", "油烟直排"},
		{"小区里遛狗不牵绳", "遛狗不牵绳"},
	}
	for _, tt := range tests {
		if got := s.Words(tt.text); !slices.Contains(got, tt.term) {
			t.Errorf("Words(%q) = %q, want the domain term %q as one word", tt.text, got, tt.term)
		}
	}
}

func TestEveryDomainTermSegmentsWhole(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	terms := DomainTerms()
	if len(terms) < 100 {
		t.Fatalf("domain dictionary has %d terms, want at least 100", len(terms))
	}
	for _, term := range terms {
		if got := s.Words(term); len(got) != 1 || got[0] != term {
			t.Errorf("Words(%q) = %q, want it whole", term, got)
		}
	}
}

func TestWordsDropPunctuationAndSpace(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range s.Words("井盖没了！！ 快来， 看看…… phonemask") {
		if !isWord(w) {
			t.Errorf("token %q has no letter or digit", w)
		}
	}
}

func TestWordsMatchCut(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{
		"", "楼道里有人飞线充电", "ktv噪音 abc123号楼", "井盖没了！！ 快来， 看看…… phonemask",
		"a市b区\n正文", "é中文ab", "ωσ abc", "\xff中", "KTV噪音",
	} {
		if got, want := s.Words(text), cutWords(s, text); !slices.Equal(got, want) {
			t.Errorf("Words(%q) = %q, gse Cut gives %q", text, got, want)
		}
	}
}

func TestTokensMatchWordsAndOffsets(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{
		"", "楼道里有人飞线充电", "ktv噪音 abc123号楼", "井盖没了！！ 快来， 看看…… phonemask",
		"a市b区\n正文", "é中文ab", "\xff中", "KTV噪音", "a000 0 BC 0bc00000000 ",
	} {
		toks := s.Tokens(text)
		terms := make([]string, len(toks))
		for i, tok := range toks {
			terms[i] = tok.Term
			if got := asciiLower(text[tok.Start:tok.End]); got != tok.Term {
				t.Errorf("Tokens(%q): %q at %d–%d spans %q", text, tok.Term, tok.Start, tok.End, got)
			}
		}
		if want := s.Words(text); !slices.Equal(terms, want) {
			t.Errorf("Tokens(%q) terms = %q, Words gives %q", text, terms, want)
		}
	}
}

// cutWords is Words by way of gse's Cut, which lower-cases ASCII letters.
func cutWords(s *Segmenter, text string) []string {
	raw := s.seg.Cut(text)
	out := raw[:0]
	for _, w := range raw {
		if isWord(w) {
			out = append(out, w)
		}
	}
	return out
}
