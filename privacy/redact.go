package privacy

import (
	"strings"

	"github.com/gridtriage/gridtriage/classify/normalize"
)

// The readable placeholders of redacted text.
const (
	PhoneMark = "[电话]"
	IDMark    = "[身份证号]"
	CardMark  = "[银行卡号]"
	EmailMark = "[邮箱]"
)

var marks = normalize.Placeholders{Phone: PhoneMark, ID: IDMark, Card: CardMark, Email: EmailMark}

// Redact returns s with phone numbers, 18-digit ID-card numbers (checksum
// validated), bank-card numbers (Luhn validated) and e-mail addresses
// replaced by readable marks, and whether anything was replaced. Full-width
// digits and Latin letters are folded to half-width first so that they
// cannot hide a number; everything else is kept as written.
func Redact(s string) (string, bool) {
	folded := strings.Map(foldASCII, s)
	out := normalize.MaskWith(folded, marks)
	if out == folded {
		return s, false
	}
	return out, true
}

// foldASCII maps the full-width forms of ASCII letters, digits and the
// characters of e-mail addresses and phone numbers to ASCII.
func foldASCII(r rune) rune {
	switch {
	case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ',
		r == '＠', r == '．', r == '－', r == '＋', r == '＿':
		return r - 0xFEE0
	case r == '\u3000':
		return ' '
	}
	return r
}
