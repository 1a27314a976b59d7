package normalize

import "testing"

func TestNormalize(t *testing.T) {
	n, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in, want string
	}{
		{"full-width letters and digits", "ＡＢＣ１２３号楼", "abc123号楼"},
		{"full-width punctuation", "井盖没了！！", "井盖没了!!"},
		{"latin lower case", "KTV噪音", "ktv噪音"},
		{"traditional to simplified", "樓道裡電動車飛線充電", "楼道里电动车飞线充电"},
		{"traditional phrase", "鄰居裝修噪音擾民", "邻居装修噪音扰民"},
		{"white space collapsed", "  楼下\t\t烧烤   油烟  ", "楼下 烧烤 油烟"},
		{"line break kept once", "标题\r\n\r\n正文", "标题\n正文"},
		{"invalid utf-8 dropped", "井盖\xff没了", "井盖没了"},
		{"mobile masked", "电话13812345678联系", "电话 phonemask 联系"},
		{"mobile with +86", "+86-13812345678", "phonemask"},
		{"masked mobile", "138xxxx5678", "phonemask"},
		{"masked mobile stars", "139****1234", "phonemask"},
		{"landline masked", "0731-88889999", "phonemask"},
		{"id card with valid checksum", "身份证11010519491231002X", "身份证 idmask"},
		{"id card invalid checksum is a long number", "110105194912310021", "nummask"},
		{"bank card passing luhn", "卡号6222020200112233445", "卡号 nummask"},
		{"bank card luhn", "4111111111111111", "cardmask"},
		{"email", "发到zhang.san@example.com了", "发到 emailmask 了"},
		{"long digit run", "工单2024000123", "工单 nummask"},
		{"short numbers stay", "3号楼2单元502室", "3号楼2单元502室"},
		{"dates stay", "2024年5月12日", "2024年5月12日"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := n.Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTraditionalEqualsSimplified(t *testing.T) {
	n, err := New()
	if err != nil {
		t.Fatal(err)
	}
	pairs := [][2]string{
		{"小區門口的井蓋被偷了，晚上很危險", "小区门口的井盖被偷了，晚上很危险"},
		{"樓上鄰居裝修太吵，週末也不停", "楼上邻居装修太吵，周末也不停"},
		{"老闆拖欠工資三個月了", "老板拖欠工资三个月了"},
		{"工地夜間施工噪音擾民", "工地夜间施工噪音扰民"},
	}
	for _, p := range pairs {
		if a, b := n.Normalize(p[0]), n.Normalize(p[1]); a != b {
			t.Errorf("traditional %q → %q, simplified %q → %q", p[0], a, p[1], b)
		}
	}
}

func TestValidIDCard(t *testing.T) {
	tests := map[string]bool{
		"11010519491231002x": true,
		"110105194912310021": false,
		"11010519491231002":  false,
		"1101051949123100ax": false,
	}
	for in, want := range tests {
		if got := ValidIDCard(in); got != want {
			t.Errorf("ValidIDCard(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestFastPathsAgree(t *testing.T) {
	for _, s := range []string{
		"", " ", "\n", "a", "a b", "a  b", " a", "a ", "a\nb", "a\n b", "a \nb", "a\n\nb", "a\r\nb", "A", "ktv噪音",
		"a\tb", "a\u3000b", "a\u00a0b", "a\u0085b", "a\u2028b", "a\x7fb", "井盖\xff", "井盖\ufffd", "标题\n正文 phonemask 联系",
	} {
		if isLowerCollapsed(s) && lowerCollapse(s) != s {
			t.Errorf("isLowerCollapsed(%q) but lowerCollapse gives %q", s, lowerCollapse(s))
		}
		if got, want := spacesCollapsed(s), foldSpaces(s) == s; got != want {
			t.Errorf("spacesCollapsed(%q) = %v, want %v", s, got, want)
		}
	}
	for _, s := range []string{"", "a", "a b", "a\nb", "ktv噪音", "标题\n正文 phonemask 联系"} {
		if !isLowerCollapsed(s) {
			t.Errorf("isLowerCollapsed(%q) = false, want true", s)
		}
	}
}

func TestLongestDigitRun(t *testing.T) {
	tests := map[string]int{"": 0, "abc": 0, "a1b22": 2, "１２３": 0, "+86-1381234": 7, "2024年5月12日": 4}
	for in, want := range tests {
		if got := longestDigitRun(in); got != want {
			t.Errorf("longestDigitRun(%q) = %d, want %d", in, got, want)
		}
	}
}
