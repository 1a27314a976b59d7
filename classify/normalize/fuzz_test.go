package normalize

import (
	"testing"
	"unicode/utf8"
)

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"樓道裡電動車飛線充電", "ＡＢＣ１２３", "电话13812345678", "11010519491231002X", "a@b.cn", "\xff\xfe", "标题\r\n正文", "+86-13812345678x"} {
		f.Add(s)
	}
	n, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := n.Normalize(s)
		if !utf8.ValidString(once) {
			t.Fatalf("Normalize(%q) = %q is not valid UTF-8", s, once)
		}
		if twice := n.Normalize(once); twice != once {
			t.Fatalf("not idempotent: %q → %q → %q", s, once, twice)
		}
		if isLowerCollapsed(s) && lowerCollapse(s) != s {
			t.Fatalf("isLowerCollapsed(%q) but lowerCollapse gives %q", s, lowerCollapse(s))
		}
		if spacesCollapsed(s) != (foldSpaces(s) == s) {
			t.Fatalf("spacesCollapsed(%q) = %v disagrees with foldSpaces", s, spacesCollapsed(s))
		}
	})
}
