package dedup

import (
	"strconv"
	"strings"
)

// hanDigits maps Chinese digit characters to their values.
var hanDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5,
	'六': 6, '七': 7, '八': 8, '九': 9}

// numberMarkers are the words after which a Chinese numeral is a number of
// a place (三号楼, 五单元, 十八号, 四楼, 三组), longest first.
var numberMarkers = []string{"号楼", "号院", "单元", "号", "栋", "幢", "座", "楼", "层", "组", "室"}

// isHanNumeral reports whether r is a Chinese digit or 十/百.
func isHanNumeral(r rune) bool {
	_, ok := hanDigits[r]
	return ok || r == '十' || r == '百'
}

// hanValue returns the value of a Chinese numeral of up to four digits:
// positional (十八, 二十三, 一百零二) or digit by digit (一二零三).
func hanValue(s []rune) (int, bool) {
	if len(s) == 0 || len(s) > 6 {
		return 0, false
	}
	if !strings.ContainsAny(string(s), "十百") {
		n := 0
		for _, r := range s {
			n = n*10 + hanDigits[r]
		}
		return n, true
	}
	total, cur := 0, 0
	for _, r := range s {
		switch r {
		case '百':
			total += max(cur, 1) * 100
			cur = 0
		case '十':
			total += max(cur, 1) * 10
			cur = 0
		default:
			cur = hanDigits[r]
		}
	}
	return total + cur, true
}

// arabic rewrites Chinese numerals that number a place (三号楼, 五单元,
// 十八号, 四楼) as Arabic digits, so 3号楼 and 三号楼 compare equal. A
// quantifier such as 一栋 or 两栋 is left alone.
func arabic(text string) string {
	rs := []rune(text)
	var b strings.Builder
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && isHanNumeral(rs[j]) {
			j++
		}
		if j == i {
			b.WriteRune(rs[i])
			i++
			continue
		}
		marker := markerAt(rs, j)
		n, ok := hanValue(rs[i:j])
		if !ok || marker == "" || isQuantifier(rs[i:j], marker) {
			b.WriteString(string(rs[i:j]))
		} else {
			b.WriteString(strconv.Itoa(n))
		}
		i = j
	}
	return b.String()
}

// markerAt returns the number marker starting at rs[i], or "".
func markerAt(rs []rune, i int) string {
	for _, m := range numberMarkers {
		if hasPrefixAt(rs, i, m) {
			return m
		}
	}
	return ""
}

// isQuantifier reports whether a numeral before marker counts things (一栋
// 三层的房子) rather than numbering them.
func isQuantifier(num []rune, marker string) bool {
	if marker == "栋" || marker == "幢" || marker == "座" {
		return len(num) == 1 && (num[0] == '一' || num[0] == '两')
	}
	return false
}

// hasPrefixAt reports whether rs[i:] starts with s.
func hasPrefixAt(rs []rune, i int, s string) bool {
	for _, r := range s {
		if i >= len(rs) || rs[i] != r {
			return false
		}
		i++
	}
	return true
}
