package normalize

import (
	"regexp"
	"strings"
	"unicode"
)

// Placeholder tokens that replace personal numbers. They are lower-case
// ASCII words so that the segmenter keeps each as a single token.
const (
	PhoneToken = "phonemask"
	IDToken    = "idmask"
	CardToken  = "cardmask"
	EmailToken = "emailmask"
	NumToken   = "nummask"
)

// MinMaskedDigits is the length from which a plain digit run is masked:
// shorter runs (house numbers, dates, amounts) carry meaning and stay.
const MinMaskedDigits = 7

var (
	emailRe = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}`)
	// A mobile number already partly masked by the reporter: 138xxxx5678.
	maskedMobileRe = regexp.MustCompile(`1[3-9][0-9][xX*]{4}[0-9]{4}`)
	// A mobile number written in groups: 138 1234 5678, 138-1234-5678.
	groupedMobileRe = regexp.MustCompile(`1[3-9][0-9][- ][0-9]{4}[- ][0-9]{4}`)
	landlineRe      = regexp.MustCompile(`\(?0[0-9]{2,3}\)?-[0-9]{7,8}`)
	// Runs of digits, possibly ending with an ID-card check letter x.
	digitRunRe = regexp.MustCompile(`(?:\+86-?)?[0-9]+[xX]?`)
)

// Placeholders are what MaskWith writes in place of each kind of personal
// data. An empty Number keeps other long digit runs.
type Placeholders struct {
	Phone, ID, Card, Email, Number string
}

// tokens are the placeholders of the model's view of a text.
var tokens = Placeholders{Phone: " " + PhoneToken + " ", ID: " " + IDToken + " ", Card: " " + CardToken + " ",
	Email: " " + EmailToken + " ", Number: " " + NumToken + " "}

// Mask replaces e-mail addresses, phone numbers, ID-card numbers, bank-card
// numbers and other long digit runs in normalised (lower-case, half-width)
// text with placeholder tokens.
func Mask(s string) string {
	if !strings.ContainsAny(s, "0123456789@") {
		return s
	}
	return collapseSpaces(MaskWith(s, tokens))
}

// MaskWith replaces e-mail addresses, phone numbers, 18-digit ID-card
// numbers (checksum-validated), bank-card numbers (Luhn-validated) and, when
// p.Number is set, other digit runs of MinMaskedDigits or more in s (with
// half-width digits) by the placeholders of p.
func MaskWith(s string, p Placeholders) string {
	if !strings.ContainsAny(s, "0123456789@") {
		return s
	}
	// Each pattern runs only when s has a character it needs.
	if strings.IndexByte(s, '@') >= 0 {
		s = emailRe.ReplaceAllString(s, p.Email)
	}
	if strings.ContainsAny(s, "xX*") {
		s = maskedMobileRe.ReplaceAllString(s, p.Phone)
	}
	if strings.ContainsAny(s, "- ") {
		s = groupedMobileRe.ReplaceAllString(s, p.Phone)
	}
	if strings.IndexByte(s, '-') >= 0 {
		s = landlineRe.ReplaceAllString(s, p.Phone)
	}
	if longestDigitRun(s) < MinMaskedDigits { // maskDigitRun keeps every run
		return s
	}
	return digitRunRe.ReplaceAllStringFunc(s, func(run string) string { return maskDigitRun(run, p) })
}

// longestDigitRun is the length of the longest run of ASCII digits in s.
func longestDigitRun(s string) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// maskDigitRun decides what one run of digits is.
func maskDigitRun(run string, p Placeholders) string {
	digits := run
	if rest, ok := strings.CutPrefix(run, "+86"); ok {
		digits = strings.TrimPrefix(rest, "-")
	}
	if ValidIDCard(strings.ToLower(digits)) {
		return p.ID
	}
	suffix := ""
	if d, ok := strings.CutSuffix(strings.ToLower(digits), "x"); ok {
		digits, suffix = d, run[len(run)-1:]
	}
	switch {
	case IsMobile(digits):
		return p.Phone + suffix
	case len(digits) >= 15 && len(digits) <= 19 && Luhn(digits):
		return p.Card + suffix
	case len(digits) >= MinMaskedDigits && p.Number != "":
		return p.Number + suffix
	}
	return run
}

// IsMobile reports whether d is an 11-digit mainland mobile number.
func IsMobile(d string) bool {
	return len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9'
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheck = "10x98765432"

// ValidIDCard reports whether d is an 18-character mainland resident ID
// number (lower-case check letter) with a valid ISO 7064 checksum.
func ValidIDCard(d string) bool {
	if len(d) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := d[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * idWeights[i]
	}
	return d[17] == idCheck[sum%11]
}

// Luhn reports whether the digit string passes the Luhn check used by bank
// cards.
func Luhn(d string) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		c := d[i]
		if c < '0' || c > '9' {
			return false
		}
		v := int(c - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// collapseSpaces folds the spaces the placeholders brought in, keeping line
// breaks.
func collapseSpaces(s string) string {
	if spacesCollapsed(s) {
		return s
	}
	return foldSpaces(s)
}

// foldSpaces is collapseSpaces building a new string.
func foldSpaces(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

// spacesCollapsed reports whether collapseSpaces would return s unchanged:
// its only white space is line breaks and single spaces inside lines.
func spacesCollapsed(s string) bool {
	prev := '\n' // at the start, as at a line break
	for _, r := range s {
		switch {
		case r == ' ' && (prev == ' ' || prev == '\n'):
			return false
		case r == '\n' && prev == ' ':
			return false
		case r != ' ' && r != '\n' && unicode.IsSpace(r):
			return false
		}
		prev = r
	}
	return prev != ' '
}
